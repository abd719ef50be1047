// The instances of a page of history, as every backend answers (store/history_page.hpp): how
// many are read and from which end, the cut of a long history at one instant for every
// attribute, and the page made of what was read.

#include "store/history_page.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace tsunagu::store {
namespace {

using model::Timestamp;

Timestamp at_ms(std::int64_t ms) {
  return Timestamp(std::chrono::milliseconds(ms));
}

// An attribute read with instances at these times (in the order read), the instance ids being
// the times.
Fetched read(const std::string& name, std::vector<std::int64_t> keys, std::size_t wanted) {
  Fetched f;
  f.attribute.name = name;
  for (auto k : keys) f.attribute.instances.push_back(HistoryInstance{k, name, {}, {}});
  f.over = keys.size() > wanted;
  f.keys = std::move(keys);
  return f;
}

std::vector<std::int64_t> ids(const HistoryAttribute& a) {
  std::vector<std::int64_t> out;
  for (const auto& i : a.instances) out.push_back(i.id);
  return out;
}

TEST(HistoryPage, APageReadsTheMostItMayReturnAndOneMoreToKnowWhetherItIsCut) {
  HistoryQuery q;
  q.max_instances = 1000;
  auto r = reach_of(q);
  EXPECT_EQ(r.wanted, 1000u);
  EXPECT_FALSE(r.backward);
  EXPECT_TRUE(r.may_cut);
  EXPECT_EQ(r.limit(), 1001);

  q.last_n = 10;  // the last ten are all there is to return
  r = reach_of(q);
  EXPECT_EQ(r.wanted, 10u);
  EXPECT_TRUE(r.backward);
  EXPECT_FALSE(r.may_cut);
  EXPECT_EQ(r.limit(), 10);

  q.last_n = 5000;  // more than one answer holds: cut at the maximum
  r = reach_of(q);
  EXPECT_EQ(r.wanted, 1000u);
  EXPECT_TRUE(r.may_cut);
  EXPECT_EQ(r.limit(), 1001);
}

// An export asks for everything with the largest count: that is no limit, not one that wraps
// around to nothing.
TEST(HistoryPage, TheLargestMaximumIsNoLimit) {
  HistoryQuery q;
  for (auto most : {static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max()),
                    std::numeric_limits<std::size_t>::max()}) {
    q.max_instances = most;
    EXPECT_FALSE(reach_of(q).limit().has_value()) << most;
  }
  q.max_instances = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max()) - 2;
  EXPECT_EQ(reach_of(q).limit(), std::numeric_limits<std::int64_t>::max() - 1);
}

TEST(HistoryPage, NothingOverMeansNoCut) {
  auto a = read("a", {1, 2, 3}, 3);
  std::vector<Fetched*> all{&a};
  EXPECT_FALSE(cut_page(all, false, 3).has_value());
  EXPECT_EQ(ids(a.attribute), (std::vector<std::int64_t>{1, 2, 3}));
}

TEST(HistoryPage, EveryAttributeIsCutAtTheEarliestInstantThatDidNotFit) {
  auto a = read("a", {1, 2, 3, 4}, 3);  // 4 did not fit
  auto b = read("b", {1, 3, 5}, 3);     // all fit, but 5 is past the cut
  std::vector<Fetched*> all{&a, &b};
  const auto cut = cut_page(all, false, 3);
  ASSERT_TRUE(cut);
  EXPECT_EQ(ids(a.attribute), (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(ids(b.attribute), (std::vector<std::int64_t>{1, 3}));
  EXPECT_EQ(cut->first, at_ms(1));
  EXPECT_EQ(cut->last, at_ms(3));

  auto c = read("c", {1, 2, 3}, 2);  // in both, 3 is the first that did not fit
  auto d = read("d", {1, 2, 3, 4}, 2);
  std::vector<Fetched*> both{&c, &d};
  ASSERT_TRUE(cut_page(both, false, 2));
  EXPECT_EQ(ids(c.attribute), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(ids(d.attribute), (std::vector<std::int64_t>{1, 2}));
}

TEST(HistoryPage, ReadingBackwardTheCutIsTheLatestInstantThatDidNotFit) {
  auto a = read("a", {9, 8, 7, 6}, 2);  // newest first; 7 did not fit
  auto b = read("b", {9, 5}, 2);
  std::vector<Fetched*> all{&a, &b};
  const auto cut = cut_page(all, true, 2);
  ASSERT_TRUE(cut);
  EXPECT_EQ(ids(a.attribute), (std::vector<std::int64_t>{9, 8}));
  EXPECT_EQ(ids(b.attribute), (std::vector<std::int64_t>{9}));
  EXPECT_EQ(cut->first, at_ms(8));
  EXPECT_EQ(cut->last, at_ms(9));
}

TEST(HistoryPage, MoreThanAPageAtOneInstantIsReturnedSoThatTheNextPageMovesOn) {
  auto a = read("a", {5, 5, 5, 5}, 3);
  std::vector<Fetched*> all{&a};
  const auto cut = cut_page(all, false, 3);
  ASSERT_TRUE(cut);
  EXPECT_EQ(ids(a.attribute), (std::vector<std::int64_t>{5, 5, 5}));
  EXPECT_EQ(cut->first, at_ms(5));
  EXPECT_EQ(cut->last, at_ms(5));
}

TEST(HistoryPage, ThePageKeepsTheSelectionsOrderInTimeOrder) {
  Selection selection;
  selection.total = 2;
  selection.entities.push_back({1, "urn:e:1", {"urn:T"}, {{"a", 0, {}}, {"b", 0, {}}}});
  selection.entities.push_back({2, "urn:e:2", {"urn:T"}, {{"a", 0, {}}}});
  HistoryQuery q;
  q.last_n = 2;
  const auto reach = reach_of(q);
  std::vector<std::vector<Fetched>> fetched(2);
  fetched[0].push_back(read("a", {9, 8}, reach.wanted));
  fetched[0].push_back(read("b", {}, reach.wanted));  // nothing in range: left out
  fetched[1].push_back(read("a", {4}, reach.wanted));
  const auto page = page_of(std::move(selection), std::move(fetched), reach);
  EXPECT_EQ(page.total, 2u);
  EXPECT_FALSE(page.cut.has_value());
  ASSERT_EQ(page.entities.size(), 2u);
  EXPECT_EQ(page.entities[0].id, "urn:e:1");
  EXPECT_EQ(page.entities[0].types, std::vector<std::string>{"urn:T"});
  ASSERT_EQ(page.entities[0].attributes.size(), 1u);
  EXPECT_EQ(ids(page.entities[0].attributes[0]), (std::vector<std::int64_t>{8, 9}));
  ASSERT_EQ(page.entities[1].attributes.size(), 1u);
  EXPECT_EQ(ids(page.entities[1].attributes[0]), (std::vector<std::int64_t>{4}));
}

}  // namespace
}  // namespace tsunagu::store
