// The subscription service over the real SQLite store and EntityService: what is owed for a
// committed change, what survives a restart, and how deliveries are counted. The Deliverer is
// a recorder here; the real one (rendering and sending) is tested over HTTP and MQTT.

#include "broker/subscription_service.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <random>

#include "store/sqlite/sqlite_store.hpp"

namespace tsunagu::broker {
namespace {

namespace fs = std::filesystem;
using model::NotificationTrigger;

const std::string kShelter = "https://example.org/Shelter";

class RecordingDeliverer final : public Deliverer {
 public:
  void deliver(Delivery delivery, Report report) override {
    std::lock_guard lock(mu);
    deliveries.push_back(std::move(delivery));
    reports.push_back(std::move(report));
  }
  std::size_t count() {
    std::lock_guard lock(mu);
    return deliveries.size();
  }
  std::mutex mu;
  std::vector<Delivery> deliveries;
  std::vector<Report> reports;
};

model::Entity shelter(const std::string& id, int occupancy) {
  model::Entity e;
  e.id = id;
  e.types = {kShelter};
  model::Attribute a;
  a.value = occupancy;
  model::put_instance(e.attributes, "https://example.org/occupancy", a);
  return e;
}

model::Subscription on_shelters(const std::string& id) {
  model::Subscription s;
  s.id = id;
  s.entities = {query::of_types({kShelter})};
  s.notification_trigger = {NotificationTrigger::EntityCreated,
                            NotificationTrigger::AttributeUpdated};
  s.notification.endpoint.uri = "http://127.0.0.1:9/notify";
  return s;
}

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
    subscriptions_ = std::make_unique<SubscriptionService>(*store_, clock_, *deliverer_);
    ASSERT_TRUE(subscriptions_->start());
    entities_ = std::make_unique<EntityService>(*store_, clock_);
    entities_->set_observer(subscriptions_.get());
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
  Status subscribe(model::Subscription s) {
    return wait([&](Callback<void> done) { subscriptions_->create("", std::move(s), done); });
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
};

TEST_F(SubscriptionServiceTest, ACommittedChangeIsDeliveredAndOwedUntilSettled) {
  ASSERT_TRUE(subscribe(on_shelters("urn:s:1")));
  ASSERT_TRUE(create_entity(shelter("urn:e:1", 5)));
  ASSERT_EQ(deliverer_->count(), 1u);
  const auto& d = deliverer_->deliveries[0];
  EXPECT_EQ(d.subscription->id, "urn:s:1");
  EXPECT_EQ(d.owed.trigger, NotificationTrigger::EntityCreated);
  EXPECT_EQ(d.owed.entity.id, "urn:e:1");
  EXPECT_EQ(owed_count(), 1u);
  deliverer_->reports[0](DeliveryOutcome::Delivered, clock_.now());
  close();  // flushes the settlement
  open();
  EXPECT_EQ(owed_count(), 0u);
  EXPECT_EQ(deliverer_->count(), 0u);
}

TEST_F(SubscriptionServiceTest, WhatWasOwedAtAStopIsDeliveredAfterTheRestartInOrder) {
  ASSERT_TRUE(subscribe(on_shelters("urn:s:1")));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(create_entity(shelter("urn:e:" + std::to_string(i), i)));
  ASSERT_EQ(deliverer_->count(), 3u);
  close();  // nothing was reported delivered
  open();
  ASSERT_EQ(deliverer_->count(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(deliverer_->deliveries[i].owed.entity.id, "urn:e:" + std::to_string(i));
  }
}

TEST_F(SubscriptionServiceTest, CountersFollowTheAttemptsAndArePersisted) {
  ASSERT_TRUE(subscribe(on_shelters("urn:s:1")));
  ASSERT_TRUE(create_entity(shelter("urn:e:1", 5)));
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
  EXPECT_EQ(deliverer_->count(), 0u);
  EXPECT_EQ(owed_count(), 0u);
}

TEST_F(SubscriptionServiceTest, RemovingASubscriptionStopsItAndForgetsWhatWasOwed) {
  ASSERT_TRUE(subscribe(on_shelters("urn:s:1")));
  ASSERT_TRUE(create_entity(shelter("urn:e:1", 5)));
  ASSERT_TRUE(wait([&](Callback<void> done) { subscriptions_->remove("", "urn:s:1", done); }));
  EXPECT_EQ(owed_count(), 0u);
  ASSERT_TRUE(create_entity(shelter("urn:e:2", 5)));
  EXPECT_EQ(deliverer_->count(), 1u);
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
  EXPECT_EQ(deliverer_->count(), 0u);
  auto s = subscriptions_->get("", "urn:s:1");
  ASSERT_TRUE(s);
  EXPECT_FALSE((*s)->is_active);
}

TEST_F(SubscriptionServiceTest, ADuplicateIdIsAlreadyExists) {
  ASSERT_TRUE(subscribe(on_shelters("urn:s:1")));
  auto st = subscribe(on_shelters("urn:s:1"));
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, ErrorKind::AlreadyExists);
}

}  // namespace
}  // namespace tsunagu::broker
