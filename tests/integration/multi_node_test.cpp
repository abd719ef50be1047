// Several tsunagu nodes on one PostgreSQL database (docs/design/postgres.md): real server
// processes sharing one --store URL. A write through one node is read through another at once;
// writes through several nodes to one entity and one new tenant lose nothing; a subscription
// made on one node is notified once of changes through another, and moves to a survivor when
// its node is killed, with what it owed. Runs in the PostgreSQL pass of the integration suite
// (pg.*), which has a database server.

#include <future>
#include <thread>

#include "fixture.hpp"
#include "notification_support.hpp"
#include "oidc_support.hpp"
#include "pg/test_database.hpp"

namespace tsunagu::it {
namespace {

class MultiNode : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::integration_store_is_postgres()) {
      GTEST_SKIP() << "several nodes need PostgreSQL: this test runs in the pg.* pass";
    }
    const auto url = testing::new_test_database("nodes");
    for (auto& node : nodes_) {
      node = std::make_unique<ServerProcess>();
      node->set_store_url(url);
      // A killed node's subscriptions move within seconds, not the default quarter minute.
      node->set_extra_args({"--node-lease-ms", std::to_string(kLease.count())});
      node->start();
    }
  }

  HttpClient client(std::size_t node) { return nodes_[node]->client(); }

  static std::string shelter(const std::string& id, int capacity) {
    return R"({"id": ")" + id +
           R"(", "type": "Shelter", "capacity": {"type": "Property", "value": )" +
           std::to_string(capacity) + "}}";
  }

  static constexpr std::chrono::milliseconds kLease{2000};
  std::array<std::unique_ptr<ServerProcess>, 2> nodes_;
};

TEST_F(MultiNode, AWriteThroughOneNodeIsReadThroughTheOtherAtOnce) {
  const std::string id = "urn:ngsi-ld:Shelter:multi-node-1";
  ASSERT_STATUS(client(0).post(kEntities, shelter(id, 10)), 201);
  auto read = client(1).get(kEntities + "/" + id + "?options=keyValues");
  ASSERT_STATUS(read, 200);
  EXPECT_EQ(read.json().at("capacity"), boost::json::value(10));

  ASSERT_STATUS(client(1).patch(kEntities + "/" + id + "/attrs",
                                R"({"capacity": {"type": "Property", "value": 11}})"),
                204);
  read = client(0).get(kEntities + "/" + id + "?options=keyValues");
  ASSERT_STATUS(read, 200);
  EXPECT_EQ(read.json().at("capacity"), boost::json::value(11));

  auto counted = client(0).get(kEntities + "?type=Shelter&count=true&limit=0");
  ASSERT_STATUS(counted, 200);
  EXPECT_EQ(counted.header("NGSILD-Results-Count"), "1");

  ASSERT_STATUS(client(0).del(kEntities + "/" + id), 204);
  EXPECT_PROBLEM(client(1).get(kEntities + "/" + id), 404, "ResourceNotFound");
}

// Each append reads the entity, adds an attribute and writes it back: an update lost between
// nodes would drop attributes.
TEST_F(MultiNode, AppendsThroughBothNodesToOneEntityLoseNothing) {
  const std::string id = "urn:ngsi-ld:Shelter:multi-node-2";
  ASSERT_STATUS(client(0).post(kEntities, shelter(id, 1)), 201);
  constexpr int kPerNode = 25;
  auto append_all = [&](std::size_t node) {
    auto http = client(node);
    int failed = 0;
    for (int i = 0; i < kPerNode; ++i) {
      const auto name = "n" + std::to_string(node) + "a" + std::to_string(i);
      const auto res = http.post(
          kEntities + "/" + id + "/attrs",
          R"({")" + name + R"(": {"type": "Property", "value": )" + std::to_string(i) + "}}");
      failed += res.status == 204 ? 0 : 1;
    }
    return failed;
  };
  auto on_a = std::async(std::launch::async, append_all, 0);
  auto on_b = std::async(std::launch::async, append_all, 1);
  EXPECT_EQ(on_a.get(), 0);
  EXPECT_EQ(on_b.get(), 0);
  const auto read = client(1).get(kEntities + "/" + id + "?options=keyValues");
  ASSERT_STATUS(read, 200);
  // id, type, capacity and every appended attribute.
  EXPECT_EQ(read.json().as_object().size(), 3u + 2 * kPerNode) << S(read.json());
}

TEST_F(MultiNode, ANewTenantWrittenThroughBothNodesAtOnceIsOneTenant) {
  const auto tenant = with_tenant("multi-node-city");
  auto create_on = [&](std::size_t node) {
    return client(node)
        .post(kEntities, shelter("urn:ngsi-ld:Shelter:on-node-" + std::to_string(node), 1), tenant)
        .status;
  };
  auto on_a = std::async(std::launch::async, create_on, 0);
  auto on_b = std::async(std::launch::async, create_on, 1);
  EXPECT_EQ(on_a.get(), 201);
  EXPECT_EQ(on_b.get(), 201);
  for (std::size_t node = 0; node < 2; ++node) {
    auto counted = client(node).get(kEntities + "?type=Shelter&count=true&limit=0", tenant);
    ASSERT_STATUS(counted, 200);
    EXPECT_EQ(counted.header("NGSILD-Results-Count"), "2") << "node " << node;
  }
}

// A node that stops leaves the data to the others, and comes back to it.
TEST_F(MultiNode, ANodeThatIsKilledLosesNothingTheOtherAcknowledged) {
  const std::string id = "urn:ngsi-ld:Shelter:multi-node-3";
  ASSERT_STATUS(client(0).post(kEntities, shelter(id, 5)), 201);
  nodes_[0]->kill();
  ASSERT_STATUS(client(1).patch(kEntities + "/" + id + "/attrs",
                                R"({"capacity": {"type": "Property", "value": 6}})"),
                204);
  nodes_[0]->start();
  const auto read = client(0).get(kEntities + "/" + id + "?options=keyValues");
  ASSERT_STATUS(read, 200);
  EXPECT_EQ(read.json().at("capacity"), boost::json::value(6));
}

// Changes through either node reach the subscription, made on the first, once each and in
// the order they were made: only its owner sends, whichever node matched the change.
TEST_F(MultiNode, ASubscriptionMadeOnOneNodeIsNotifiedOnceOfChangesThroughTheOther) {
  ContextServer receiver(0, {"/n"});
  auto on_a = client(0), on_b = client(1);
  const std::string sub = create_subscription(on_a, subscription_to("Shelter", receiver.url("/n")));
  ASSERT_FALSE(sub.empty());
  // Known to the other node at once, as stored.
  ASSERT_STATUS(on_b.get(subscription_path(sub)), 200);
  const std::string id = "urn:ngsi-ld:Shelter:multi-node-notified";
  ASSERT_STATUS(on_b.post(kEntities, shelter(id, 1)), 201);
  ASSERT_STATUS(set_value(on_b, id, "capacity", 2), 204);
  ASSERT_STATUS(set_value(on_a, id, "capacity", 3), 204);
  ASSERT_STATUS(set_value(on_b, id, "capacity", 4), 204);
  auto values = first_values(bodies_of(receiver.wait_for("/n", 4)), "capacity");
  ASSERT_EQ(values.size(), 4u);
  // Were the writing node to send too, its copies of the changes above would come before the
  // notification of this last change, which only the owner's queue carries after them.
  ASSERT_STATUS(set_value(on_a, id, "capacity", 5), 204);
  values = first_values(bodies_of(receiver.wait_for("/n", 5)), "capacity");
  EXPECT_EQ(values, (std::vector<boost::json::value>{1, 2, 3, 4, 5}));
  EXPECT_EQ(receiver.received("/n").size(), 5u);
  // The owner's counters, read through the other node.
  auto times_sent = [](const boost::json::value& s) {
    return member(member(s, "notification"), "timesSent");
  };
  const auto counted = wait_subscription(on_b, sub, [&](const boost::json::value& s) {
    return times_sent(s) == boost::json::value(5);
  });
  EXPECT_EQ(times_sent(counted), boost::json::value(5)) << S(counted);
}

// The first node owes a notification its endpoint refuses, and is killed; a change is then made
// through the survivor. Once the first node's lease has expired, the survivor owns the
// subscription and sends both, oldest first, and then the later ones.
TEST_F(MultiNode, AKilledNodesSubscriptionMovesToTheSurvivorWithWhatItOwed) {
  const auto port = closed_port();
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/late";
  auto on_a = client(0), on_b = client(1);
  const std::string sub = create_subscription(on_a, subscription_to("Shelter", url));
  ASSERT_FALSE(sub.empty());
  const std::string id = "urn:ngsi-ld:Shelter:multi-node-moved";
  ASSERT_STATUS(on_b.post(kEntities, shelter(id, 1)), 201);
  nodes_[0]->kill();
  ASSERT_STATUS(set_value(on_b, id, "capacity", 2), 204);
  ContextServer receiver(port, {"/late"});
  // A lease, the survivor's renewals and the sender's retry backoff are well within this.
  auto values = first_values(bodies_of(receiver.wait_for("/late", 2, 30s)), "capacity");
  EXPECT_EQ(values, (std::vector<boost::json::value>{1, 2}));
  ASSERT_STATUS(set_value(on_b, id, "capacity", 3), 204);
  values = first_values(bodies_of(receiver.wait_for("/late", 3)), "capacity");
  EXPECT_EQ(values, (std::vector<boost::json::value>{1, 2, 3}));
  // The first node comes back: the subscription stays with the survivor, and is not sent twice.
  nodes_[0]->start();
  auto on_a_again = client(0);
  ASSERT_STATUS(set_value(on_a_again, id, "capacity", 4), 204);
  values = first_values(bodies_of(receiver.wait_for("/late", 4)), "capacity");
  EXPECT_EQ(values, (std::vector<boost::json::value>{1, 2, 3, 4}));
}

// oneID on two nodes: one platform database. A client registered once gets tokens from either
// node; a token revoked through one node is refused by the other as soon as it is told.
TEST(MultiNodeOneId, ATokenRevokedThroughOneNodeIsRefusedByTheOther) {
  if (!testing::integration_store_is_postgres()) {
    GTEST_SKIP() << "several nodes need PostgreSQL: this test runs in the pg.* pass";
  }
  const auto url = testing::new_test_database("nodes-oneid");
  std::array<std::unique_ptr<ServerProcess>, 2> nodes;
  for (auto& node : nodes) {
    node = std::make_unique<ServerProcess>();
    node->set_store_url(url);
    node->set_require_tokens(true);
    // One issuer for the platform, as behind one public address.
    node->set_extra_args({"--issuer", "http://tsunagu.test"});
  }
  const auto reader = add_client(nodes[0]->data_dir(), "reader", {std::string(kScopeRead)});
  for (auto& node : nodes) node->start();
  auto on_a = nodes[0]->client(), on_b = nodes[1]->client();
  const auto from_b = get_token(on_b, reader);
  ASSERT_FALSE(from_b.empty());
  const auto token = get_token(on_a, reader);
  ASSERT_FALSE(token.empty());
  const std::string query = kEntities + "?type=Shelter";
  ASSERT_STATUS(on_b.get(query, bearer(token)), 200);
  ASSERT_STATUS(on_a.get(query, bearer(from_b)), 200);

  Headers headers = kFormType;
  headers.emplace_back("Authorization", basic_auth(reader.id, reader.secret));
  ASSERT_STATUS(on_a.post(kRevokePath, form({{"token", token}}), headers), 200);
  int status = 0;
  for (int i = 0; i < 100 && status != 401; ++i) {
    status = on_b.get(query, bearer(token)).status;
    if (status != 401) std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(status, 401) << "node b still accepts a token revoked through node a";
  EXPECT_STATUS(on_b.get(query, bearer(from_b)), 200);
}

}  // namespace
}  // namespace tsunagu::it
