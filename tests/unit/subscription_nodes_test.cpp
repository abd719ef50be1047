// Subscriptions across nodes sharing one PostgreSQL database (store/node_coordination.hpp,
// docs/design/postgres.md): each node here is a PgStore with its own name, a SubscriptionService
// and an EntityService, in this process; the integration suite does the same with real server
// processes (multi_node_test.cpp). A node "dies" by no longer renewing its lease while its
// store stays open (so it does not hand its subscriptions over); it "stops" by closing.

#include <gtest/gtest.h>

#include <future>
#include <map>
#include <thread>

#include "broker/entity_service.hpp"
#include "broker/subscription_service.hpp"
#include "pg/test_database.hpp"
#include "recording_deliverer.hpp"
#include "store/postgres/connection.hpp"
#include "store/postgres/pg_store.hpp"

namespace tsunagu::broker {
namespace {

using namespace std::chrono_literals;
using model::NotificationTrigger;
using testing::kMarker;
using testing::on_shelters;
using testing::RecordingDeliverer;
using testing::shelter;

// Short, so that a dead node's subscriptions move within a test: renewed every 400 ms.
constexpr auto kLease = 1200ms;
// A lease, two renewal periods to notice and claim, and room for a loaded machine.
constexpr auto kTakeover = kLease * 5;

struct Node {
  std::unique_ptr<store::postgres::PgStore> store;
  RecordingDeliverer deliverer;
  std::unique_ptr<SubscriptionService> subscriptions;
  std::unique_ptr<EntityService> entities;
};

class SubscriptionNodesTest : public ::testing::Test {
 protected:
  void SetUp() override { url_ = tsunagu::testing::new_test_database("subnodes"); }
  void TearDown() override {
    for (auto& [name, node] : nodes_) stop(*node);
  }

  Node& start(const std::string& name) {
    auto& node = nodes_[name];
    node = std::make_unique<Node>();
    auto store = store::postgres::PgStore::open(url_, {.node = name, .leases = {.lease = kLease}});
    EXPECT_TRUE(store) << store.error().message;
    node->store = std::move(*store);
    node->subscriptions =
        std::make_unique<SubscriptionService>(*node->store, clock_, node->deliverer);
    auto st = node->subscriptions->start();
    EXPECT_TRUE(st) << st.error().message;
    node->entities = std::make_unique<EntityService>(*node->store, clock_);
    node->entities->add_observer(node->subscriptions.get());
    return *node;
  }
  // Stops renewing its lease, as a killed process would, and hands nothing over.
  static void kill(Node& node) {
    node.entities.reset();
    node.subscriptions.reset();
  }
  static void stop(Node& node) {
    kill(node);
    if (node.store) node.store->close();
  }

  template <typename Op>
  static Status wait(Op op) {
    std::promise<Status> p;
    auto f = p.get_future();
    op([&p](Status st) { p.set_value(std::move(st)); });
    return f.get();
  }
  static Status create_entity(Node& node, model::Entity e) {
    return wait([&](Callback<void> done) { node.entities->create("", std::move(e), done); });
  }
  static Status replace_entity(Node& node, model::Entity e) {
    return wait([&](Callback<void> done) { node.entities->replace("", std::move(e), done); });
  }
  static Status subscribe(Node& node, model::Subscription s) {
    return wait([&](Callback<void> done) { node.subscriptions->create("", std::move(s), done); });
  }
  static Status unsubscribe(Node& node, const std::string& id) {
    return wait([&](Callback<void> done) { node.subscriptions->remove("", id, done); });
  }
  // A node hands out deliveries in the order of the commits: once a marker subscription it
  // owns is notified of a change made after the others, every delivery those would have made
  // on it has been made. Returns the number of deliveries the node made before the marker's.
  std::size_t deliveries_before_marker(Node& node) {
    const std::string id = "urn:s:marker-" + std::to_string(++markers_);
    auto s = on_shelters(id);
    s.entities = {query::of_types({kMarker})};
    EXPECT_TRUE(subscribe(node, s));
    const std::size_t before = node.deliverer.count();
    auto m = shelter("urn:marker:" + std::to_string(markers_), 0);
    m.types = {kMarker};
    EXPECT_TRUE(create_entity(node, m));
    EXPECT_GE(node.deliverer.wait_for(before + 1), before + 1);
    std::lock_guard lock(node.deliverer.mu);
    EXPECT_EQ(node.deliverer.deliveries.back().subscription->id, id);
    return node.deliverer.deliveries.size() - 1;
  }
  // The entity ids of a node's deliveries to `subscription`, in the order handed out.
  static std::vector<std::string> delivered(Node& node, const std::string& subscription) {
    std::lock_guard lock(node.deliverer.mu);
    std::vector<std::string> out;
    for (const auto& d : node.deliverer.deliveries) {
      if (d.subscription->id != subscription) continue;
      for (const auto& item : d.items) out.push_back(item.entity.id);
    }
    return out;
  }
  std::size_t owed_count(Node& node) {
    auto db = node.store->tenant("", false);
    auto owed = (*db)->owed_notifications(0, 1000);
    EXPECT_TRUE(owed);
    return owed ? owed->size() : 0;
  }
  // Nodes a and b; a subscription made on a, notified of an entity created through b.
  std::pair<Node&, Node&> a_notified_through_b() {
    Node& a = start("a");
    Node& b = start("b");
    EXPECT_TRUE(subscribe(a, on_shelters("urn:s:1")));
    EXPECT_TRUE(create_entity(b, shelter("urn:e:1", 1)));
    EXPECT_EQ(a.deliverer.wait_for(1), 1u);
    return {a, b};
  }
  // Which node owns each subscription, as the database says.
  std::map<std::string, std::string> owners() {
    auto db = store::postgres::Connection::open(url_);
    EXPECT_TRUE(db);
    auto rows =
        (*db)->run("SELECT subscription, coalesce(node, '') FROM tsunagu.subscription_owners");
    EXPECT_TRUE(rows);
    std::map<std::string, std::string> out;
    for (int i = 0; rows && i < rows->size(); ++i) {
      out[std::string(rows->text(i, 0))] = std::string(rows->text(i, 1));
    }
    return out;
  }

  std::string url_;
  model::ManualClock clock_{model::Timestamp(std::chrono::milliseconds(1'700'000'000'000))};
  std::map<std::string, std::unique_ptr<Node>> nodes_;
  int markers_ = 0;
};

// b writes at once after the subscription's creation on a: its writer learns of it from the
// version it reads under the tenant's lock.
TEST_F(SubscriptionNodesTest, AChangeThroughAnotherNodeIsHandedOutOnceByTheOwner) {
  auto [a, b] = a_notified_through_b();
  ASSERT_EQ(a.deliverer.count(), 1u);
  {
    std::lock_guard lock(a.deliverer.mu);
    const auto& d = a.deliverer.deliveries[0];
    EXPECT_EQ(d.subscription->id, "urn:s:1");
    ASSERT_EQ(d.items.size(), 1u);
    EXPECT_EQ(d.items[0].entity.id, "urn:e:1");
    EXPECT_EQ(d.items[0].trigger, NotificationTrigger::EntityCreated);
  }
  EXPECT_EQ(deliveries_before_marker(b), 0u);  // b handed out none of it
  EXPECT_EQ(delivered(a, "urn:s:1"), std::vector<std::string>{"urn:e:1"});
  EXPECT_EQ(owners().at("urn:s:1"), "a");
}

TEST_F(SubscriptionNodesTest, ChangesThroughBothNodesAreHandedOutInCommitOrder) {
  Node& a = start("a");
  Node& b = start("b");
  ASSERT_TRUE(subscribe(a, on_shelters("urn:s:1")));
  std::vector<std::string> written;
  for (int i = 0; i < 12; ++i) {
    written.push_back("urn:e:" + std::to_string(i));
    ASSERT_TRUE(create_entity(i % 3 == 0 ? a : b, shelter(written.back(), i)));
  }
  ASSERT_EQ(a.deliverer.wait_for(written.size()), written.size());
  EXPECT_EQ(deliveries_before_marker(a), written.size());
  EXPECT_EQ(delivered(a, "urn:s:1"), written);
  EXPECT_EQ(deliveries_before_marker(b), 0u);
}

TEST_F(SubscriptionNodesTest, ASubscriptionRemovedOnOneNodeOwesNothingForTheOthersChanges) {
  auto [a, b] = a_notified_through_b();
  ASSERT_EQ(a.deliverer.count(), 1u);
  a.deliverer.reports[0](DeliveryOutcome::Delivered, clock_.now());
  ASSERT_TRUE(unsubscribe(b, "urn:s:1"));
  ASSERT_TRUE(replace_entity(b, shelter("urn:e:1", 2)));
  EXPECT_EQ(owed_count(b), 0u);
  EXPECT_EQ(owners().count("urn:s:1"), 0u);
  EXPECT_EQ(deliveries_before_marker(a), 1u);
}

TEST_F(SubscriptionNodesTest, ASubscriptionReadThroughAnotherNodeShowsItsOwnersCounters) {
  Node& a = start("a");
  Node& b = start("b");
  ASSERT_TRUE(subscribe(a, on_shelters("urn:s:1")));
  auto seen = b.subscriptions->get("", "urn:s:1");
  ASSERT_TRUE(seen) << seen.error().message;
  EXPECT_EQ((*seen)->times_sent, 0u);
  ASSERT_TRUE(create_entity(b, shelter("urn:e:1", 1)));
  ASSERT_EQ(a.deliverer.wait_for(1), 1u);
  const auto at = clock_.now() + 1s;
  a.deliverer.reports[0](DeliveryOutcome::Delivered, at);
  a.subscriptions->flush();
  // The flush is a write job of a's: once a later job of a's is done, it is durable.
  ASSERT_TRUE(create_entity(a, shelter("urn:e:2", 1)));
  seen = b.subscriptions->get("", "urn:s:1");
  ASSERT_TRUE(seen);
  EXPECT_EQ((*seen)->times_sent, 1u);
  EXPECT_EQ((*seen)->last_success, at);
  auto listed = b.subscriptions->list("");
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0]->times_sent, 1u);
}

// a dies with a notification handed out but never reported, and b then writes a change a's
// subscription owes: b takes the subscription over and hands out both, oldest first.
TEST_F(SubscriptionNodesTest, WhatADeadNodeOwedIsHandedOutByTheSurvivor) {
  auto [a, b] = a_notified_through_b();
  ASSERT_EQ(a.deliverer.count(), 1u);
  kill(a);
  ASSERT_TRUE(create_entity(b, shelter("urn:e:2", 2)));
  EXPECT_EQ(owed_count(b), 2u);
  ASSERT_EQ(b.deliverer.wait_for(2, kTakeover), 2u);
  EXPECT_EQ(delivered(b, "urn:s:1"), (std::vector<std::string>{"urn:e:1", "urn:e:2"}));
  EXPECT_EQ(owners().at("urn:s:1"), "b");
  // From now on b hands out the subscription's notifications itself.
  ASSERT_TRUE(create_entity(b, shelter("urn:e:3", 3)));
  ASSERT_EQ(b.deliverer.wait_for(3), 3u);
  EXPECT_EQ(delivered(b, "urn:s:1"), (std::vector<std::string>{"urn:e:1", "urn:e:2", "urn:e:3"}));
}

TEST_F(SubscriptionNodesTest, ANodeThatStopsHandsItsSubscriptionsOverAtOnce) {
  Node& a = start("a");
  Node& b = start("b");
  ASSERT_TRUE(subscribe(a, on_shelters("urn:s:1")));
  stop(a);
  // Told by a's closing: well before a lease would have expired.
  ASSERT_TRUE(create_entity(b, shelter("urn:e:1", 1)));
  ASSERT_EQ(b.deliverer.wait_for(1, kLease), 1u);
  EXPECT_EQ(delivered(b, "urn:s:1"), std::vector<std::string>{"urn:e:1"});
}

TEST_F(SubscriptionNodesTest, ADeadNodesSubscriptionsAllMoveToTheSurvivors) {
  Node& a = start("a");
  start("b");
  start("c");
  constexpr int kSubscriptions = 12;
  for (int i = 0; i < kSubscriptions; ++i) {
    ASSERT_TRUE(subscribe(a, on_shelters("urn:s:" + std::to_string(i))));
  }
  kill(a);
  const auto deadline = std::chrono::steady_clock::now() + kTakeover;
  std::map<std::string, int> per_node;
  while (std::chrono::steady_clock::now() < deadline) {
    per_node.clear();
    for (const auto& [id, node] : owners()) ++per_node[node];
    if (per_node["b"] + per_node["c"] == kSubscriptions) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(per_node["b"] + per_node["c"], kSubscriptions);
  EXPECT_EQ(per_node["a"], 0);
}

// A node that restarts within its lease gets its own subscriptions back, with what they owe.
TEST_F(SubscriptionNodesTest, ANodeRestartedUnderItsNameTakesItsSubscriptionsBack) {
  Node& a = start("a");
  ASSERT_TRUE(subscribe(a, on_shelters("urn:s:1")));
  ASSERT_TRUE(create_entity(a, shelter("urn:e:1", 1)));
  ASSERT_EQ(a.deliverer.wait_for(1), 1u);
  kill(a);
  a.store.reset();  // closes: ends the lease; no other node claims meanwhile
  Node& again = start("a");
  ASSERT_EQ(again.deliverer.wait_for(1), 1u);
  EXPECT_EQ(delivered(again, "urn:s:1"), std::vector<std::string>{"urn:e:1"});
  EXPECT_EQ(owners().at("urn:s:1"), "a");
}

}  // namespace
}  // namespace tsunagu::broker
