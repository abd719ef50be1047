#include <gtest/gtest.h>

#include <chrono>

#include "model/subscription.hpp"
#include "model/time.hpp"

namespace tsunagu::model {
namespace {
using std::chrono::seconds;

const Timestamp kNow = *parse_datetime("2024-01-01T00:00:00Z");

TEST(SubscriptionModel, DefaultsAreThoseOfTheClause) {
  const Subscription s;
  EXPECT_TRUE(s.is_active);
  EXPECT_EQ(s.notification_trigger, default_triggers());
  EXPECT_EQ(default_triggers(), (TriggerSet{NotificationTrigger::AttributeCreated,
                                            NotificationTrigger::AttributeUpdated}));
  EXPECT_EQ(s.notification.format, NotificationFormat::Normalized);
  EXPECT_EQ(s.notification.endpoint.accept, NotificationMedia::Json);
  EXPECT_FALSE(s.notification.show_changes);
  EXPECT_FALSE(s.notification.sys_attrs);
  EXPECT_FALSE(is_periodic(s));
}

TEST(SubscriptionModel, StatusFollowsIsActiveAndExpiry) {
  Subscription s;
  EXPECT_EQ(status_of(s, kNow), "active");
  EXPECT_TRUE(is_active_at(s, kNow));
  s.is_active = false;
  EXPECT_EQ(status_of(s, kNow), "paused");
  EXPECT_FALSE(is_active_at(s, kNow));
  s.is_active = true;
  s.expires_at = kNow + seconds(1);
  EXPECT_EQ(status_of(s, kNow), "active");
  // Expired from the instant itself on.
  EXPECT_EQ(status_of(s, kNow + seconds(1)), "expired");
  EXPECT_EQ(status_of(s, kNow + seconds(2)), "expired");
  EXPECT_FALSE(is_active_at(s, kNow + seconds(1)));
}

TEST(SubscriptionModel, ExpiryWinsOverPause) {
  Subscription s;
  s.is_active = false;
  s.expires_at = kNow;
  EXPECT_EQ(status_of(s, kNow), "expired");
  EXPECT_EQ(status_of(s, kNow - seconds(1)), "paused");
}

TEST(SubscriptionModel, DeliveryStatusIsTheLatestAttempt) {
  Subscription s;
  EXPECT_EQ(delivery_status_of(s), std::nullopt);
  s.last_success = kNow;
  EXPECT_EQ(delivery_status_of(s), "ok");
  s.last_failure = kNow + seconds(1);
  EXPECT_EQ(delivery_status_of(s), "failed");
  s.last_success = kNow + seconds(2);
  EXPECT_EQ(delivery_status_of(s), "ok");
  s.last_success.reset();
  EXPECT_EQ(delivery_status_of(s), "failed");
}

TEST(SubscriptionModel, EntityUpdatedStandsForTheAttributeTriggers) {
  Subscription s;
  s.notification_trigger = {NotificationTrigger::EntityUpdated, NotificationTrigger::EntityDeleted};
  EXPECT_EQ(
      effective_triggers(s),
      (TriggerSet{NotificationTrigger::EntityDeleted, NotificationTrigger::AttributeCreated,
                  NotificationTrigger::AttributeUpdated, NotificationTrigger::AttributeDeleted}));
  s.notification_trigger = {NotificationTrigger::EntityCreated};
  EXPECT_EQ(effective_triggers(s), TriggerSet{NotificationTrigger::EntityCreated});
}

TEST(SubscriptionModel, PeriodicWithATimeInterval) {
  Subscription s;
  s.time_interval = 0.5;
  EXPECT_TRUE(is_periodic(s));
}

TEST(SubscriptionModel, PeriodsCountFromTheLastModification) {
  using std::chrono::milliseconds;
  Subscription s;
  s.time_interval = 10;
  s.modified_at = Timestamp(milliseconds(1'000'000));
  EXPECT_EQ(next_period_after(s, s.modified_at), s.modified_at + milliseconds(10'000));
  EXPECT_EQ(next_period_after(s, s.modified_at + milliseconds(9'999)),
            s.modified_at + milliseconds(10'000));
  // At a tick, the next one; after a long stop, the next one after now, not the missed ones.
  EXPECT_EQ(next_period_after(s, s.modified_at + milliseconds(10'000)),
            s.modified_at + milliseconds(20'000));
  EXPECT_EQ(next_period_after(s, s.modified_at + milliseconds(1'234'567)),
            s.modified_at + milliseconds(1'240'000));
  // A clock behind the modification (another node's clock, a test's): one period after it.
  EXPECT_EQ(next_period_after(s, s.modified_at - milliseconds(5)),
            s.modified_at + milliseconds(10'000));
}

TEST(SubscriptionModel, SecondsBecomeWholeMillisecondsOfAtLeastOne) {
  using std::chrono::milliseconds;
  EXPECT_EQ(seconds_to_duration(1.5), milliseconds(1500));
  EXPECT_EQ(seconds_to_duration(0.0001), milliseconds(1));
  EXPECT_EQ(seconds_to_duration(0.0015), milliseconds(2));
}

TEST(SubscriptionModel, NamesRoundTrip) {
  for (auto t : {NotificationTrigger::EntityCreated, NotificationTrigger::EntityUpdated,
                 NotificationTrigger::EntityDeleted, NotificationTrigger::AttributeCreated,
                 NotificationTrigger::AttributeUpdated, NotificationTrigger::AttributeDeleted}) {
    EXPECT_EQ(trigger_from_name(trigger_name(t)), t) << trigger_name(t);
  }
  EXPECT_EQ(trigger_name(NotificationTrigger::AttributeDeleted), "attributeDeleted");
  EXPECT_EQ(trigger_from_name("AttributeDeleted"), std::nullopt);

  for (auto f : {NotificationFormat::Normalized, NotificationFormat::Concise,
                 NotificationFormat::KeyValues}) {
    EXPECT_EQ(format_from_name(format_name(f)), f) << format_name(f);
  }
  EXPECT_EQ(format_from_name("simplified"), NotificationFormat::KeyValues);
  EXPECT_EQ(format_name(NotificationFormat::KeyValues), "keyValues");
  EXPECT_EQ(format_from_name("verbose"), std::nullopt);

  for (auto m : {NotificationMedia::Json, NotificationMedia::JsonLd, NotificationMedia::GeoJson}) {
    EXPECT_EQ(media_from_name(media_name(m)), m) << media_name(m);
  }
  EXPECT_EQ(media_name(NotificationMedia::GeoJson), "application/geo+json");
  EXPECT_EQ(media_from_name("application/JSON"), std::nullopt);
}

}  // namespace
}  // namespace tsunagu::model
