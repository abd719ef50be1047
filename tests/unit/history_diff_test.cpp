// What a change appends to history (broker/history_diff.hpp): written instances, tombstones for
// removed ones, scope changes, and nothing for a change that wrote nothing.

#include "broker/history_diff.hpp"

#include <gtest/gtest.h>

namespace tsunagu::broker {
namespace {

using model::Attribute;
using model::Entity;
using model::Timestamp;

const std::string kA = "https://example.org/a";
const std::string kB = "https://example.org/b";

Timestamp at(int seconds) {
  return Timestamp(std::chrono::seconds(1'767'225'600 + seconds));
}

Attribute property(boost::json::value v, Timestamp modified,
                   std::optional<std::string> dataset = std::nullopt) {
  Attribute a;
  a.value = std::move(v);
  a.created_at = at(0);
  a.modified_at = modified;
  a.dataset_id = std::move(dataset);
  return a;
}

Entity entity(Timestamp modified) {
  Entity e;
  e.id = "urn:ngsi-ld:T:1";
  e.types = {"https://example.org/T"};
  e.created_at = at(0);
  e.modified_at = modified;
  return e;
}

std::vector<std::string> names(const store::HistoryAppend& a) {
  std::vector<std::string> out;
  for (const auto& i : a.instances) out.push_back(i.attr + (i.deleted_at ? " deleted" : ""));
  return out;
}

TEST(HistoryDiff, ACreationRecordsEveryInstance) {
  Entity after = entity(at(1));
  model::put_instance(after.attributes, kA, property(1, at(1)));
  model::put_instance(after.attributes, kA, property(2, at(1), "urn:ds:2"));
  model::put_instance(after.attributes, kB, property("x", at(1)));
  auto append = history_of({std::nullopt, after}, at(5));
  ASSERT_TRUE(append);
  EXPECT_EQ(append->entity_id, after.id);
  EXPECT_EQ(append->types, after.types);
  EXPECT_EQ(append->at, at(1));  // the write's time, not the recorder's clock
  EXPECT_EQ(names(*append), (std::vector<std::string>{kA, kA, kB}));
  EXPECT_EQ(append->instances[1].value.dataset_id, "urn:ds:2");
  EXPECT_EQ(append->instances[0].value.created_at, at(1));
}

TEST(HistoryDiff, AnUpdateRecordsWhatChangedNotWhatWasSetAgain) {
  Entity before = entity(at(1));
  model::put_instance(before.attributes, kA, property(1, at(1)));
  model::put_instance(before.attributes, kB, property("x", at(1)));
  Entity after = before;
  after.modified_at = at(2);
  model::put_instance(after.attributes, kA, property(1, at(2)));  // the same observation again
  auto b = property("y", at(2));
  model::put_instance(after.attributes, kB, b);
  auto append = history_of({before, after}, at(5));
  ASSERT_TRUE(append);
  EXPECT_EQ(names(*append), (std::vector<std::string>{kB}));
  EXPECT_EQ(append->instances[0].value.value, boost::json::value("y"));
}

TEST(HistoryDiff, ANewObservedAtIsANewReadingOfTheSameValue) {
  Entity before = entity(at(1));
  auto a = property(1, at(1));
  a.observed_at = at(1);
  model::put_instance(before.attributes, kA, a);
  Entity after = before;
  a.observed_at = at(2);
  a.modified_at = at(2);
  model::put_instance(after.attributes, kA, a);
  auto append = history_of({before, after}, at(5));
  ASSERT_TRUE(append);
  ASSERT_EQ(append->instances.size(), 1U);
  EXPECT_EQ(append->instances[0].value.observed_at, at(2));
}

TEST(HistoryDiff, RemovedInstancesGetTombstones) {
  Entity before = entity(at(1));
  model::put_instance(before.attributes, kA, property(1, at(1)));
  model::put_instance(before.attributes, kA, property(2, at(1), "urn:ds:2"));
  Entity after = before;
  after.modified_at = at(3);
  model::remove_instances(after.attributes, kA, std::string("urn:ds:2"), false);
  auto append = history_of({before, after}, at(5));
  ASSERT_TRUE(append);
  ASSERT_EQ(append->instances.size(), 1U);
  const auto& t = append->instances[0];
  EXPECT_EQ(t.deleted_at, at(3));
  EXPECT_EQ(t.value.dataset_id, "urn:ds:2");
  EXPECT_EQ(t.value.value, boost::json::value("urn:ngsi-ld:null"));
  EXPECT_FALSE(t.value.observed_at);
}

TEST(HistoryDiff, ADeletionTombstonesEveryInstanceAtTheRecordersTime) {
  Entity before = entity(at(1));
  Attribute names_;
  names_.kind = model::AttributeKind::LanguageProperty;
  names_.value = boost::json::object{{"en", "Hall"}};
  model::put_instance(before.attributes, kA, names_);
  before.scope = boost::json::value("/Osaka/Kita");
  auto append = history_of({before, std::nullopt}, at(9));
  ASSERT_TRUE(append);
  ASSERT_EQ(append->instances.size(), 2U);
  EXPECT_EQ(append->instances[0].value.value, (boost::json::object{{"@none", "urn:ngsi-ld:null"}}));
  EXPECT_EQ(append->instances[0].deleted_at, at(9));
  EXPECT_EQ(append->instances[1].attr, store::kScopeAttribute);
  EXPECT_EQ(append->instances[1].value.value, boost::json::array());
  EXPECT_EQ(append->instances[1].deleted_at, at(9));
}

TEST(HistoryDiff, AScopeChangeIsAnInstanceObservedWhenItWasMade) {
  Entity before = entity(at(1));
  before.scope = boost::json::value("/Osaka/Kita");
  Entity after = before;
  after.modified_at = at(4);
  after.scope = boost::json::value("/Osaka/Chuo");
  auto append = history_of({before, after}, at(5));
  ASSERT_TRUE(append);
  ASSERT_EQ(append->instances.size(), 1U);
  EXPECT_EQ(append->instances[0].attr, store::kScopeAttribute);
  EXPECT_EQ(append->instances[0].value.value, boost::json::value("/Osaka/Chuo"));
  EXPECT_EQ(append->instances[0].value.observed_at, at(4));
}

TEST(HistoryDiff, AChangeThatWroteNothingAppendsNothing) {
  Entity before = entity(at(1));
  model::put_instance(before.attributes, kA, property(1, at(1)));
  EXPECT_FALSE(history_of({before, before}, at(5)));
  EXPECT_FALSE(history_of({std::nullopt, std::nullopt}, at(5)));
}

TEST(HistoryDiff, ANewTypeAloneIsRecorded) {
  Entity before = entity(at(1));
  Entity after = before;
  after.types.push_back("https://example.org/U");
  auto append = history_of({before, after}, at(5));
  ASSERT_TRUE(append);
  EXPECT_TRUE(append->instances.empty());
  EXPECT_EQ(append->types.size(), 2U);
}

}  // namespace
}  // namespace tsunagu::broker
