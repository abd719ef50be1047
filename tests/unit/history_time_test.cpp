// Where an instance stands in time for a temporal query, on every backend
// (store/history_time.hpp): the column of the chosen time property, and which instances a range
// admits at all.

#include "store/history_time.hpp"

#include <gtest/gtest.h>

namespace tsunagu::store {
namespace {

using model::TimeProperty;

HistoryQuery by(TimeProperty property, bool ranged) {
  HistoryQuery q;
  q.property = property;
  if (ranged) q.range = model::TimeRange{model::TimeRel::After, {}, {}};
  return q;
}

TEST(HistoryTime, EachTimePropertyHasItsColumn) {
  EXPECT_EQ(instance_time(by(TimeProperty::ObservedAt, false)).column, "t");
  EXPECT_EQ(instance_time(by(TimeProperty::CreatedAt, false)).column, "created");
  EXPECT_EQ(instance_time(by(TimeProperty::ModifiedAt, false)).column, "modified");
  EXPECT_EQ(instance_time(by(TimeProperty::DeletedAt, false)).column, "deleted");
}

// Without a range every instance has a place in time (when it was recorded, if not observed);
// a range of observedAt holds the observed ones only.
TEST(HistoryTime, ARangeOfObservedAtHoldsObservedInstancesOnly) {
  EXPECT_FALSE(instance_time(by(TimeProperty::ObservedAt, false)).observed_only);
  EXPECT_TRUE(instance_time(by(TimeProperty::ObservedAt, true)).observed_only);
  EXPECT_FALSE(instance_time(by(TimeProperty::CreatedAt, true)).observed_only);
}

TEST(HistoryTime, DeletedAtHoldsTombstonesOnly) {
  EXPECT_TRUE(instance_time(by(TimeProperty::DeletedAt, false)).tombstones_only);
  EXPECT_TRUE(instance_time(by(TimeProperty::DeletedAt, true)).tombstones_only);
  EXPECT_FALSE(instance_time(by(TimeProperty::ObservedAt, true)).tombstones_only);
  EXPECT_FALSE(instance_time(by(TimeProperty::ModifiedAt, false)).tombstones_only);
}

}  // namespace
}  // namespace tsunagu::store
