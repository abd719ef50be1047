// Several tsunagu nodes on one PostgreSQL database (docs/design/postgres.md): real server
// processes sharing one --store URL. A write through one node is read through another at once;
// writes through several nodes to one entity and one new tenant lose nothing. Runs in the
// PostgreSQL pass of the integration suite (pg.*), which has a database server.

#include <future>

#include "fixture.hpp"
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
      node->start();
    }
  }

  HttpClient client(std::size_t node) { return nodes_[node]->client(); }

  static std::string shelter(const std::string& id, int capacity) {
    return R"({"id": ")" + id +
           R"(", "type": "Shelter", "capacity": {"type": "Property", "value": )" +
           std::to_string(capacity) + "}}";
  }

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

}  // namespace
}  // namespace tsunagu::it
