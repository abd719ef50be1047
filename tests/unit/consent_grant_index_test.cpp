// The in-memory index of consent grants (consent/grant_index.hpp): which grant lets a client
// read a resident's data at a given time, expiry at the exact millisecond, removal, and the
// separation of clients, tenants and categories.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "consent/grant_index.hpp"

namespace tsunagu::consent {
namespace {

using model::Timestamp;
using std::chrono::milliseconds;
using std::chrono::minutes;

const Timestamp kStart{milliseconds(1'767'225'600'000LL)};  // 2026-01-01T00:00:00Z

Timestamp at(int minute) {
  return kStart + minutes(minute);
}

store::GrantRecord grant(std::string id, std::string subject, Timestamp expires,
                         std::string client = "clinic", std::string tenant = "city",
                         std::string category = "health-checkup") {
  store::GrantRecord g;
  g.id = std::move(id);
  g.subject = std::move(subject);
  g.client_id = std::move(client);
  g.tenant = std::move(tenant);
  g.category = std::move(category);
  g.purpose = "purpose of " + g.id;
  g.granted = kStart;
  g.expires = expires;
  return g;
}

// The id of the grant find() picks for the clinic in the city, or "" for none.
std::string found(const GrantIndex& index, std::string_view subject, Timestamp now,
                  std::string_view category = "health-checkup") {
  auto g = index.find("clinic", "city", category, subject, now);
  return g ? g->id : std::string();
}

std::vector<std::string> subjects(const GrantIndex& index, Timestamp now) {
  return index.subjects("clinic", "city", "health-checkup", now);
}

TEST(ConsentGrantIndex, FindPicksTheUnexpiredGrantThatLastsLongest) {
  GrantIndex index;
  index.add(grant("g10", "alice", at(10)));
  index.add(grant("g30", "alice", at(30)));
  index.add(grant("g20", "alice", at(20)));
  auto g = index.find("clinic", "city", "health-checkup", "alice", at(0));
  ASSERT_TRUE(g);
  EXPECT_EQ(g->id, "g30");
  EXPECT_EQ(g->purpose, "purpose of g30");
  EXPECT_EQ(g->expires, at(30));
  EXPECT_EQ(found(index, "alice", at(25)), "g30");
  EXPECT_EQ(found(index, "alice", at(30)), "");
  EXPECT_EQ(found(index, "alice", at(31)), "");
  EXPECT_EQ(found(index, "bob", at(0)), "");
}

TEST(ConsentGrantIndex, AGrantExpiresAtItsExpiryInstant) {
  GrantIndex index;
  index.add(grant("g", "alice", at(10)));
  EXPECT_EQ(found(index, "alice", at(10) - milliseconds(1)), "g");
  EXPECT_EQ(subjects(index, at(10) - milliseconds(1)), (std::vector<std::string>{"alice"}));
  EXPECT_EQ(found(index, "alice", at(10)), "");
  EXPECT_TRUE(subjects(index, at(10)).empty());
}

TEST(ConsentGrantIndex, RemoveTakesOutOneGrant) {
  GrantIndex index;
  index.add(grant("g10", "alice", at(10)));
  index.add(grant("g20", "alice", at(20)));
  index.remove("g20");
  EXPECT_EQ(found(index, "alice", at(0)), "g10");
  index.remove("g20");      // again: nothing
  index.remove("unknown");  // never added: nothing
  EXPECT_EQ(found(index, "alice", at(0)), "g10");
  index.remove("g10");
  EXPECT_EQ(found(index, "alice", at(0)), "");
  EXPECT_TRUE(subjects(index, at(0)).empty());
  // A removed id may be added again (the index forgets it entirely).
  index.add(grant("g10", "alice", at(10)));
  EXPECT_EQ(found(index, "alice", at(0)), "g10");
}

TEST(ConsentGrantIndex, RemoveSubjectTakesOutEveryGrantOfTheSubjectOnly) {
  GrantIndex index;
  index.add(grant("a1", "alice", at(10)));
  index.add(grant("a2", "alice", at(20), "school", "", "childcare-application"));
  index.add(grant("a3", "alice", at(20), "clinic", "city", "vaccination"));
  index.add(grant("b1", "bob", at(10)));
  index.remove_subject("alice");
  EXPECT_EQ(found(index, "alice", at(0)), "");
  EXPECT_EQ(found(index, "alice", at(0), "vaccination"), "");
  EXPECT_FALSE(index.find("school", "", "childcare-application", "alice", at(0)));
  EXPECT_EQ(found(index, "bob", at(0)), "b1");
  EXPECT_EQ(subjects(index, at(0)), (std::vector<std::string>{"bob"}));
  index.remove_subject("alice");   // again: nothing
  index.remove_subject("nobody");  // none: nothing
  EXPECT_EQ(found(index, "bob", at(0)), "b1");
  index.remove("a1");  // gone already: nothing
  index.add(grant("a1", "alice", at(10)));
  EXPECT_EQ(found(index, "alice", at(0)), "a1");
}

TEST(ConsentGrantIndex, SubjectsAreSortedAndOnlyThoseWithAGrantInForce) {
  GrantIndex index;
  index.add(grant("c", "carol", at(30)));
  index.add(grant("a", "alice", at(20)));
  index.add(grant("b", "bob", at(5)));
  index.add(grant("d-old", "dave", at(5)));
  index.add(grant("d-new", "dave", at(40)));
  index.add(grant("e", "erin", at(30), "other-client"));
  EXPECT_EQ(subjects(index, at(0)), (std::vector<std::string>{"alice", "bob", "carol", "dave"}));
  EXPECT_EQ(subjects(index, at(5)), (std::vector<std::string>{"alice", "carol", "dave"}));
  EXPECT_EQ(subjects(index, at(20)), (std::vector<std::string>{"carol", "dave"}));
  EXPECT_EQ(subjects(index, at(30)), (std::vector<std::string>{"dave"}));
  EXPECT_TRUE(subjects(index, at(40)).empty());
  EXPECT_TRUE(index.subjects("nobody", "city", "health-checkup", at(0)).empty());
}

TEST(ConsentGrantIndex, WithdrawnGrantsAreNeverAdded) {
  GrantIndex index;
  auto g = grant("g", "alice", at(10));
  g.withdrawn = at(1);
  index.add(g);
  EXPECT_EQ(found(index, "alice", at(0)), "");
  EXPECT_TRUE(subjects(index, at(0)).empty());
}

TEST(ConsentGrantIndex, AnIdAddedTwiceKeepsTheFirst) {
  GrantIndex index;
  index.add(grant("g", "alice", at(10)));
  index.add(grant("g", "alice", at(50)));
  EXPECT_EQ(found(index, "alice", at(20)), "");
  index.remove("g");
  EXPECT_EQ(found(index, "alice", at(0)), "");
}

TEST(ConsentGrantIndex, LoadReplacesEverythingAndSkipsWithdrawnGrants) {
  GrantIndex index;
  index.add(grant("old", "alice", at(10)));
  auto withdrawn = grant("w", "bob", at(10));
  withdrawn.withdrawn = at(1);
  index.load({grant("new", "carol", at(10)), withdrawn, grant("new2", "alice", at(20), "school")});
  EXPECT_EQ(found(index, "alice", at(0)), "");
  EXPECT_EQ(found(index, "bob", at(0)), "");
  EXPECT_EQ(found(index, "carol", at(0)), "new");
  EXPECT_EQ(subjects(index, at(0)), (std::vector<std::string>{"carol"}));
  auto school = index.find("school", "city", "health-checkup", "alice", at(0));
  ASSERT_TRUE(school);
  EXPECT_EQ(school->id, "new2");
  // The old grant is forgotten: its id may come back.
  index.add(grant("old", "dave", at(10)));
  EXPECT_EQ(found(index, "dave", at(0)), "old");
  index.load({});
  EXPECT_EQ(found(index, "carol", at(0)), "");
  EXPECT_EQ(found(index, "dave", at(0)), "");
  EXPECT_FALSE(index.find("school", "city", "health-checkup", "alice", at(0)));
}

TEST(ConsentGrantIndex, ScopesDoNotBleedBetweenClientsTenantsAndCategories) {
  GrantIndex index;
  index.add(grant("g", "alice", at(10), "clinic", "city", "health-checkup"));
  EXPECT_TRUE(index.find("clinic", "city", "health-checkup", "alice", at(0)));
  EXPECT_FALSE(index.find("school", "city", "health-checkup", "alice", at(0)));
  EXPECT_FALSE(index.find("clinic", "", "health-checkup", "alice", at(0)));
  EXPECT_FALSE(index.find("clinic", "town", "health-checkup", "alice", at(0)));
  EXPECT_FALSE(index.find("clinic", "city", "childcare-application", "alice", at(0)));
  EXPECT_FALSE(index.find("clinic", "city", "health-checkup", "bob", at(0)));
  EXPECT_TRUE(index.subjects("school", "city", "health-checkup", at(0)).empty());
  EXPECT_TRUE(index.subjects("clinic", "", "health-checkup", at(0)).empty());
  EXPECT_TRUE(index.subjects("clinic", "city", "childcare-application", at(0)).empty());
}

TEST(ConsentGrantIndex, ScopeKeysDoNotRunTogether) {
  GrantIndex index;
  // Concatenated without separators these scopes would be the same text.
  index.add(grant("g1", "alice", at(10), "a", "bc", "d"));
  EXPECT_FALSE(index.find("ab", "c", "d", "alice", at(0)));
  EXPECT_FALSE(index.find("a", "b", "cd", "alice", at(0)));
  EXPECT_FALSE(index.find("abc", "", "d", "alice", at(0)));
  EXPECT_TRUE(index.find("a", "bc", "d", "alice", at(0)));
  // The default tenant ("") is a scope of its own.
  index.add(grant("g2", "bob", at(10), "clinic", "", "health-checkup"));
  EXPECT_TRUE(index.find("clinic", "", "health-checkup", "bob", at(0)));
  EXPECT_FALSE(index.find("clinic", "city", "health-checkup", "bob", at(0)));
}

}  // namespace
}  // namespace tsunagu::consent
