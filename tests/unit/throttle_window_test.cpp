// ThrottleWindow: when a throttled subscription may notify, and how what it held meanwhile is
// coalesced into one notification without losing the latest state of any entity.

#include "broker/throttle_window.hpp"

#include <gtest/gtest.h>

#include "broker/delivery.hpp"

namespace tsunagu::broker {
namespace {

using model::NotificationTrigger;
using std::chrono::milliseconds;
using std::chrono::seconds;

const model::Timestamp kT0{milliseconds(1'700'000'000'000)};

model::Entity entity(const std::string& id, int value) {
  model::Entity e;
  e.id = id;
  model::Attribute a;
  a.value = value;
  model::put_instance(e.attributes, "https://example.org/v", a);
  return e;
}

store::OwedNotification owed(std::int64_t seq, const std::string& id, int value,
                             NotificationTrigger trigger = NotificationTrigger::AttributeUpdated,
                             std::optional<int> previous = std::nullopt) {
  store::OwedNotification n;
  n.seq = seq;
  n.trigger = trigger;
  n.entity = entity(id, value);
  if (previous) n.previous = entity(id, *previous);
  return n;
}

int value_of(const model::Entity& e) {
  return static_cast<int>(e.attributes.front().instances.front().value.as_int64());
}

TEST(ThrottleWindow, OpenUntilTheFirstSendThenClosedForThePeriod) {
  ThrottleWindow w(seconds(5), std::nullopt);
  EXPECT_TRUE(w.open_at(kT0));
  w.sent_at(kT0);
  EXPECT_FALSE(w.open_at(kT0 + milliseconds(4999)));
  EXPECT_EQ(w.opens_at(), kT0 + seconds(5));
  EXPECT_TRUE(w.open_at(kT0 + seconds(5)));
}

TEST(ThrottleWindow, ALastNotificationBeforeARestartStillCounts) {
  ThrottleWindow w(seconds(10), kT0);
  EXPECT_FALSE(w.open_at(kT0 + seconds(3)));
  EXPECT_TRUE(w.open_at(kT0 + seconds(10)));
}

TEST(ThrottleWindow, APeriodChangeMovesTheOpening) {
  ThrottleWindow w(seconds(10), kT0);
  w.set_period(seconds(2));
  EXPECT_EQ(w.opens_at(), kT0 + seconds(2));
}

TEST(ThrottleWindow, HeldChangesCoalesceToTheLatestStatePerEntityAndSettleAll) {
  ThrottleWindow w(seconds(5), kT0);
  w.hold(owed(3, "urn:a", 1));
  w.hold(owed(4, "urn:b", 10));
  w.hold(owed(5, "urn:a", 2));
  w.hold(owed(6, "urn:a", 3));
  ASSERT_TRUE(w.holding());
  auto batch = w.take();
  EXPECT_FALSE(w.holding());
  EXPECT_EQ(batch.settles, (std::vector<std::int64_t>{3, 4, 5, 6}));
  ASSERT_EQ(batch.items.size(), 2u);
  // Ordered by each entity's latest change: b (4), then a (6).
  EXPECT_EQ(batch.items[0].entity.id, "urn:b");
  EXPECT_EQ(batch.items[0].seq, 4);
  EXPECT_EQ(batch.items[1].entity.id, "urn:a");
  EXPECT_EQ(batch.items[1].seq, 6);
  EXPECT_EQ(value_of(batch.items[1].entity), 3);
  EXPECT_TRUE(w.take().items.empty());
}

TEST(ThrottleWindow, ShowChangesComparesWithTheStateBeforeTheFirstHeldChange) {
  ThrottleWindow w(seconds(5), kT0);
  w.hold(owed(1, "urn:a", 2, NotificationTrigger::AttributeUpdated, 1));
  w.hold(owed(2, "urn:a", 3, NotificationTrigger::AttributeUpdated, 2));
  auto batch = w.take();
  ASSERT_EQ(batch.items.size(), 1u);
  ASSERT_TRUE(batch.items[0].previous);
  EXPECT_EQ(value_of(*batch.items[0].previous), 1);
  EXPECT_EQ(value_of(batch.items[0].entity), 3);
}

TEST(ThrottleWindow, AnEntityCreatedWithinTheWindowHasNoPreviousState) {
  ThrottleWindow w(seconds(5), kT0);
  w.hold(owed(1, "urn:a", 1, NotificationTrigger::EntityCreated));
  w.hold(owed(2, "urn:a", 2, NotificationTrigger::AttributeUpdated, 1));
  auto batch = w.take();
  ASSERT_EQ(batch.items.size(), 1u);
  EXPECT_EQ(batch.items[0].trigger, NotificationTrigger::AttributeUpdated);
  EXPECT_FALSE(batch.items[0].previous);
}

TEST(ThrottleWindow, ADeletionIsTheLatestStateOfADeletedEntity) {
  ThrottleWindow w(seconds(5), kT0);
  w.hold(owed(1, "urn:a", 2, NotificationTrigger::AttributeUpdated, 1));
  w.hold(owed(2, "urn:a", 2, NotificationTrigger::EntityDeleted));
  auto batch = w.take();
  ASSERT_EQ(batch.items.size(), 1u);
  EXPECT_EQ(batch.items[0].trigger, NotificationTrigger::EntityDeleted);
  EXPECT_FALSE(batch.items[0].previous);
  EXPECT_EQ(batch.settles, (std::vector<std::int64_t>{1, 2}));
}

TEST(CommonTrigger, SharedOrNone) {
  std::vector<store::OwedNotification> items{owed(1, "urn:a", 1), owed(2, "urn:b", 1)};
  EXPECT_EQ(common_trigger(items), NotificationTrigger::AttributeUpdated);
  items.push_back(owed(3, "urn:c", 1, NotificationTrigger::EntityCreated));
  EXPECT_EQ(common_trigger(items), std::nullopt);
  EXPECT_EQ(common_trigger(std::vector<store::OwedNotification>{}), std::nullopt);
}

}  // namespace
}  // namespace tsunagu::broker
