// The subscription service over the real SQLite store and EntityService: what is owed for a
// committed change, what survives a restart, and how deliveries are counted. The Deliverer is
// a recorder here; the real one (rendering and sending) is tested over HTTP and MQTT.

#include "broker/subscription_service.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <random>
#include <thread>

#include "recording_deliverer.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace tsunagu::broker {
namespace {

namespace fs = std::filesystem;
using model::NotificationTrigger;

using testing::kMarker;
using testing::kShelter;
using testing::on_shelters;
using testing::RecordingDeliverer;
using testing::shelter;

class SubscriptionServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("tsunagu-subsvc-" + std::to_string(std::random_device{}()));
    open();
  }
  void TearDown() override {
    close();
    fs::remove_all(dir_);
  }
  void open() {
    auto s = store::sqlite::SqliteStore::open(dir_);
    ASSERT_TRUE(s);
    store_ = std::move(*s);
    deliverer_ = std::make_unique<RecordingDeliverer>();
    SubscriptionServiceOptions options;
    options.retry_deferred_after = std::chrono::milliseconds(200);
    subscriptions_ = std::make_unique<SubscriptionService>(*store_, clock_, *deliverer_, options);
    ASSERT_TRUE(subscriptions_->start());
    entities_ = std::make_unique<EntityService>(*store_, clock_);
    entities_->add_observer(subscriptions_.get());
  }
  void close() {
    entities_.reset();
    subscriptions_.reset();  // stop(): flushes
    if (store_) store_->close();
    store_.reset();
    deliverer_.reset();
  }
  template <typename Op>
  Status wait(Op op) {
    std::promise<Status> p;
    auto f = p.get_future();
    op([&p](Status st) { p.set_value(std::move(st)); });
    return f.get();
  }
  Status create_entity(model::Entity e) {
    return wait([&](Callback<void> done) { entities_->create("", std::move(e), done); });
  }
  Status replace_entity(model::Entity e) {
    return wait([&](Callback<void> done) { entities_->replace("", std::move(e), done); });
  }
  Status subscribe(model::Subscription s) {
    return wait([&](Callback<void> done) { subscriptions_->create("", std::move(s), done); });
  }
  // The service hands deliveries out in the order of the commits: once a marker change made
  // after the others is delivered, every delivery those would have caused has been made. Returns
  // the number of deliveries before the marker's.
  std::size_t deliveries_before_marker() {
    if (!marker_subscribed_) {
      auto s = on_shelters("urn:s:marker");
      s.entities = {query::of_types({kMarker})};
      EXPECT_TRUE(subscribe(s));
      marker_subscribed_ = true;
    }
    const std::size_t before = deliverer_->count();
    auto m = shelter("urn:marker:" + std::to_string(++markers_), 0);
    m.types = {kMarker};
    EXPECT_TRUE(create_entity(m));
    const std::size_t now = deliverer_->wait_for(before + 1);
    EXPECT_GE(now, before + 1);
    std::lock_guard lock(deliverer_->mu);
    EXPECT_EQ(deliverer_->deliveries.back().subscription->id, "urn:s:marker");
    return now - 1;
  }
  std::size_t owed_count() {
    auto db = store_->tenant("", false);
    auto owed = (*db)->owed_notifications(0, 1000);
    EXPECT_TRUE(owed);
    return owed ? owed->size() : 0;
  }

  fs::path dir_;
  model::ManualClock clock_{model::Timestamp(std::chrono::milliseconds(1'700'000'000'000))};
  std::unique_ptr<store::sqlite::SqliteStore> store_;
  std::unique_ptr<RecordingDeliverer> deliverer_;
  std::unique_ptr<SubscriptionService> subscriptions_;
  std::unique_ptr<EntityService> entities_;
  bool marker_subscribed_ = false;
  int markers_ = 0;
};

TEST_F(SubscriptionServiceTest, ACommittedChangeIsDeliveredAndOwedUntilSettled) {
  ASSERT_TRUE(subscribe(on_shelters("urn:s:1")));
  ASSERT_TRUE(create_entity(shelter("urn:e:1", 5)));
  ASSERT_EQ(deliverer_->wait_for(1), 1u);
  const auto& d = deliverer_->deliveries[0];
  EXPECT_EQ(d.subscription->id, "urn:s:1");
  EXPECT_EQ(d.trigger, NotificationTrigger::EntityCreated);
  ASSERT_EQ(d.items.size(), 1u);
  EXPECT_EQ(d.items[0].trigger, NotificationTrigger::EntityCreated);
  EXPECT_EQ(d.items[0].entity.id, "urn:e:1");
  EXPECT_EQ(d.settles, std::vector<std::int64_t>{d.items[0].seq});
  EXPECT_EQ(owed_count(), 1u);
  deliverer_->reports[0](DeliveryOutcome::Delivered, clock_.now());
  close();  // flushes the settlement
  open();
  EXPECT_EQ(owed_count(), 0u);
  EXPECT_EQ(deliveries_before_marker(), 0u);
}

TEST_F(SubscriptionServiceTest, WhatWasOwedAtAStopIsDeliveredAfterTheRestartInOrder) {
  ASSERT_TRUE(subscribe(on_shelters("urn:s:1")));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(create_entity(shelter("urn:e:" + std::to_string(i), i)));
  ASSERT_EQ(deliverer_->wait_for(3), 3u);
  close();  // nothing was reported delivered
  open();
  ASSERT_EQ(deliverer_->wait_for(3), 3u);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(deliverer_->deliveries[i].items.size(), 1u);
    EXPECT_EQ(deliverer_->deliveries[i].items[0].entity.id, "urn:e:" + std::to_string(i));
  }
}

TEST_F(SubscriptionServiceTest, CountersFollowTheAttemptsAndArePersisted) {
  ASSERT_TRUE(subscribe(on_shelters("urn:s:1")));
  ASSERT_TRUE(create_entity(shelter("urn:e:1", 5)));
  ASSERT_EQ(deliverer_->wait_for(1), 1u);
  const auto t1 = clock_.now() + std::chrono::seconds(1);
  const auto t2 = clock_.now() + std::chrono::seconds(3);
  deliverer_->reports[0](DeliveryOutcome::AttemptFailed, t1);
  deliverer_->reports[0](DeliveryOutcome::Delivered, t2);
  auto live = subscriptions_->get("", "urn:s:1");
  ASSERT_TRUE(live);
  EXPECT_EQ((*live)->times_sent, 2u);
  EXPECT_EQ((*live)->times_failed, 1u);
  EXPECT_EQ((*live)->last_failure, t1);
  EXPECT_EQ((*live)->last_success, t2);
  EXPECT_EQ((*live)->last_notification, t2);
  close();
  open();
  auto reloaded = subscriptions_->get("", "urn:s:1");
  ASSERT_TRUE(reloaded);
  EXPECT_EQ((*reloaded)->times_sent, 2u);
  EXPECT_EQ((*reloaded)->times_failed, 1u);
  EXPECT_EQ((*reloaded)->last_success, t2);
}

TEST_F(SubscriptionServiceTest, OnlyMatchingChangesAreOwed) {
  ASSERT_TRUE(subscribe(on_shelters("urn:s:1")));
  auto school = shelter("urn:e:9", 1);
  school.types = {"https://example.org/School"};
  ASSERT_TRUE(create_entity(school));
  EXPECT_EQ(owed_count(), 0u);
  EXPECT_EQ(deliveries_before_marker(), 0u);
}

TEST_F(SubscriptionServiceTest, RemovingASubscriptionStopsItAndForgetsWhatWasOwed) {
  ASSERT_TRUE(subscribe(on_shelters("urn:s:1")));
  ASSERT_TRUE(create_entity(shelter("urn:e:1", 5)));
  ASSERT_EQ(deliverer_->wait_for(1), 1u);
  ASSERT_TRUE(wait([&](Callback<void> done) { subscriptions_->remove("", "urn:s:1", done); }));
  EXPECT_EQ(owed_count(), 0u);
  ASSERT_TRUE(create_entity(shelter("urn:e:2", 5)));
  EXPECT_EQ(deliveries_before_marker(), 1u);
  auto gone = subscriptions_->get("", "urn:s:1");
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().kind, ErrorKind::ResourceNotFound);
  // A late report of the removed subscription does not bring it back.
  deliverer_->reports[0](DeliveryOutcome::Delivered, clock_.now());
  EXPECT_FALSE(subscriptions_->get("", "urn:s:1"));
}

TEST_F(SubscriptionServiceTest, UpdateChangesWhatMatches) {
  ASSERT_TRUE(subscribe(on_shelters("urn:s:1")));
  ASSERT_TRUE(wait([&](Callback<void> done) {
    subscriptions_->update(
        "", "urn:s:1",
        [](model::Subscription& s) -> Status {
          s.is_active = false;
          return ok();
        },
        done);
  }));
  ASSERT_TRUE(create_entity(shelter("urn:e:1", 5)));
  EXPECT_EQ(deliveries_before_marker(), 0u);
  auto s = subscriptions_->get("", "urn:s:1");
  ASSERT_TRUE(s);
  EXPECT_FALSE((*s)->is_active);
}

TEST_F(SubscriptionServiceTest, ThrottlingHoldsChangesAndSendsTheirLatestStatesTogether) {
  auto s = on_shelters("urn:s:1");
  s.throttling = 0.3;
  s.notification_trigger = model::default_triggers();
  s.notification_trigger.insert(NotificationTrigger::EntityCreated);
  ASSERT_TRUE(subscribe(s));
  ASSERT_TRUE(create_entity(shelter("urn:e:1", 1)));
  ASSERT_EQ(deliverer_->wait_for(1), 1u);  // the window was open
  // The test's clock stands still, so the window stays closed until its timer fires (0.3 s of
  // real time): these three are held and go out as one notification.
  ASSERT_TRUE(replace_entity(shelter("urn:e:1", 2)));
  ASSERT_TRUE(replace_entity(shelter("urn:e:1", 3)));
  ASSERT_TRUE(create_entity(shelter("urn:e:2", 7)));
  EXPECT_EQ(owed_count(), 4u);
  ASSERT_EQ(deliverer_->wait_for(2), 2u);
  const Delivery& d = deliverer_->deliveries[1];
  ASSERT_EQ(d.items.size(), 2u);
  EXPECT_EQ(d.items[0].entity.id, "urn:e:1");
  EXPECT_EQ(d.items[0].entity.attributes.front().instances.front().value, 3);
  EXPECT_EQ(d.items[1].entity.id, "urn:e:2");
  EXPECT_EQ(d.settles.size(), 3u);
  EXPECT_EQ(d.trigger, std::nullopt);  // an update and a creation
  deliverer_->reports[0](DeliveryOutcome::Delivered, clock_.now());
  deliverer_->reports[1](DeliveryOutcome::Delivered, clock_.now());
  close();
  open();
  EXPECT_EQ(owed_count(), 0u);
}

TEST_F(SubscriptionServiceTest, APeriodicSubscriptionSendsTheSelectedEntitiesAtEachPeriod) {
  ASSERT_TRUE(create_entity(shelter("urn:e:1", 1)));
  ASSERT_TRUE(create_entity(shelter("urn:e:2", 2)));
  auto school = shelter("urn:e:3", 3);
  school.types = {"https://example.org/School"};
  ASSERT_TRUE(create_entity(school));
  auto s = on_shelters("urn:s:periodic");
  s.time_interval = 1;
  ASSERT_TRUE(subscribe(s));
  // The first period ends a second after the creation (real time: the test's clock stands
  // still, and the timer waits the difference).
  ASSERT_EQ(deliverer_->wait_for(1), 1u);
  const Delivery& d = deliverer_->deliveries[0];
  EXPECT_EQ(d.subscription->id, "urn:s:periodic");
  EXPECT_EQ(d.trigger, std::nullopt);
  EXPECT_TRUE(d.settles.empty());
  ASSERT_EQ(d.items.size(), 2u);
  EXPECT_EQ(d.items[0].entity.id, "urn:e:1");
  EXPECT_EQ(d.items[1].entity.id, "urn:e:2");
  // Changes owe nothing to a periodic subscription.
  EXPECT_EQ(owed_count(), 0u);
  // Until the first notification is reported, later periods are skipped; then they resume.
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));
  EXPECT_EQ(deliverer_->count(), 1u);
  deliverer_->reports[0](DeliveryOutcome::Delivered, clock_.now());
  ASSERT_EQ(deliverer_->wait_for(2), 2u);
  EXPECT_EQ(deliverer_->deliveries[1].items.size(), 2u);
  auto live = subscriptions_->get("", "urn:s:periodic");
  ASSERT_TRUE(live);
  EXPECT_EQ((*live)->times_sent, 1u);
}

TEST_F(SubscriptionServiceTest, APausedPeriodicSubscriptionSendsNothing) {
  ASSERT_TRUE(create_entity(shelter("urn:e:1", 1)));
  auto s = on_shelters("urn:s:periodic");
  s.time_interval = 1;
  s.is_active = false;
  ASSERT_TRUE(subscribe(s));
  // Two periods pass; the marker's delivery is then the first.
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));
  EXPECT_EQ(deliveries_before_marker(), 0u);
}

TEST_F(SubscriptionServiceTest, ADeferredNotificationIsHandedOutAgainInOrder) {
  auto s = on_shelters("urn:s:1");
  ASSERT_TRUE(subscribe(s));
  ASSERT_TRUE(create_entity(shelter("urn:e:1", 1)));
  ASSERT_EQ(deliverer_->wait_for(1), 1u);
  // The endpoint's queue was full: the notification stays owed, and so do later ones, until
  // the retry hands them out again, oldest first.
  deliverer_->reports[0](DeliveryOutcome::Deferred, clock_.now());
  ASSERT_TRUE(replace_entity(shelter("urn:e:1", 2)));
  EXPECT_EQ(owed_count(), 2u);
  ASSERT_EQ(deliverer_->wait_for(3), 3u);  // after retry_deferred_after (0.2 s here)
  EXPECT_EQ(deliverer_->deliveries[1].items[0].entity.attributes.front().instances.front().value,
            1);
  EXPECT_EQ(deliverer_->deliveries[2].items[0].entity.attributes.front().instances.front().value,
            2);
}

TEST_F(SubscriptionServiceTest, ADuplicateIdIsAlreadyExists) {
  ASSERT_TRUE(subscribe(on_shelters("urn:s:1")));
  auto st = subscribe(on_shelters("urn:s:1"));
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, ErrorKind::AlreadyExists);
}

}  // namespace
}  // namespace tsunagu::broker
