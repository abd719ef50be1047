// Durability of history (docs/design/temporal.md: history is appended in the same transaction
// as the change it records, so a 2xx means the history is durable too). The server is killed
// with SIGKILL right after the last acknowledged write and restarted on the same data directory;
// the history must read back exactly as before, instanceIds included. Each test owns its server.

#include <iostream>

#include "temporal_support.hpp"

namespace tsunagu::it {
namespace {

namespace json = boost::json;

class TemporalDurability : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NO_THROW(server_.start()); }
  void TearDown() override {
    if (HasFailure()) std::cerr << "---- tsunagu log (tail) ----\n" << server_.log_tail() << "\n";
  }

  std::string id(std::string_view name) {
    return "urn:ngsi-ld:Vehicle:" +
           std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
           std::string(name);
  }

  // GET /temporal/entities/{id}<query> on a fresh client; the body, or null after a failure.
  json::value history(const std::string& entity, std::string_view query = "?options=sysAttrs") {
    auto http = server_.client();
    const auto res = http.get(temporal_path(entity) + std::string(query));
    if (res.status != 200) {
      ADD_FAILURE() << "GET temporal " << entity << ": " << res.status << " " << res.body;
      return nullptr;
    }
    return res.json();
  }

  ServerProcess server_;
};

TEST_F(TemporalDurability, HistoryRecordedByCoreWritesSurvivesSigkill) {
  const auto a = id("a");
  json::value before;
  {
    auto http = server_.client();
    ASSERT_STATUS(http.post(kEntities, S(E(a, R"({"type": "Vehicle",
        "speed": {"type": "Property", "value": 10, "observedAt": "2026-01-01T00:00:00.000Z"},
        "name": {"type": "Property", "value": "Bus"}})"))),
                  201);
    for (int k = 1; k <= 30; ++k) {
      ASSERT_STATUS(http.patch(entity_path(a) + "/attrs",
                               S(json::object{{"speed", property_at(10 + k, kT0 + k * kMinute)}})),
                    204);
    }
    ASSERT_STATUS(http.del(entity_path(a) + "/attrs/name"), 204);
    before = history(a);
    ASSERT_EQ(instances_of(before, "speed").size(), 31U);
    ASSERT_EQ(instances_of(before, "name").size(), 2U);
  }
  server_.kill();
  ASSERT_NO_THROW(server_.start());
  EXPECT_EQ(history(a), before);
}

TEST_F(TemporalDurability, HistoryOfADeletedEntitySurvivesSigkill) {
  const auto a = id("a");
  json::value before;
  {
    auto http = server_.client();
    ASSERT_STATUS(http.post(kEntities, S(E(a, R"({"type": "Vehicle",
        "speed": {"type": "Property", "value": 10}})"))),
                  201);
    ASSERT_STATUS(http.del(entity_path(a)), 204);
    before = history(a);
    ASSERT_EQ(instances_of(before, "speed").size(), 2U);
  }
  server_.kill();
  ASSERT_NO_THROW(server_.start());
  EXPECT_EQ(history(a), before);
}

TEST_F(TemporalDurability, TemporalWritesSurviveSigkill) {
  const auto a = id("a");
  json::value before;
  {
    auto http = server_.client();
    json::array speed;
    for (int k = 0; k < 300; ++k) speed.push_back(property_at(k, kT0 + k * kMinute));
    ASSERT_STATUS(
        http.post(kTemporal, S(json::object{{"id", a}, {"type", "Vehicle"}, {"speed", speed}})),
        201);
    const auto loaded = history(a, "");
    const auto instances = instances_of(loaded, "speed");
    ASSERT_EQ(instances.size(), 300U);
    const auto first = std::string(instances[0].at("instanceId").as_string());
    const auto second = std::string(instances[1].at("instanceId").as_string());
    ASSERT_STATUS(http.patch(temporal_instance_path(a, "speed", first),
                             R"({"type": "Property", "value": 1000,
                                 "observedAt": "2026-01-01T00:00:00.000Z"})"),
                  204);
    ASSERT_STATUS(http.del(temporal_instance_path(a, "speed", second)), 204);
    before = history(a);
    ASSERT_EQ(instances_of(before, "speed").size(), 299U);
  }
  server_.kill();
  ASSERT_NO_THROW(server_.start());
  const auto after = history(a);
  EXPECT_EQ(after, before);
  EXPECT_EQ(instances_of(after, "speed")[0].at("value"), json::value(1000));
}

TEST_F(TemporalDurability, ErasedHistoryStaysErasedAfterSigkill) {
  const auto a = id("a");
  {
    auto http = server_.client();
    ASSERT_STATUS(http.post(kTemporal, S(E(a, R"({"type": "Vehicle", "speed": [
        {"type": "Property", "value": 1, "observedAt": "2026-01-01T00:00:00.000Z"}]})"))),
                  201);
    ASSERT_STATUS(http.del(temporal_path(a)), 204);
  }
  server_.kill();
  ASSERT_NO_THROW(server_.start());
  auto http = server_.client();
  EXPECT_PROBLEM(http.get(temporal_path(a)), 404, "ResourceNotFound");
}

}  // namespace
}  // namespace tsunagu::it
