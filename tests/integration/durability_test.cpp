// Durability: a 2xx answer to a write means the write is durable (ARCHITECTURE.md, "2xx only after
// the commit is durable"). The server is killed with SIGKILL right after the last acknowledged
// write and restarted on the same data directory; every acknowledged write must be there. A
// SIGTERM or SIGINT stops the server gracefully with exit code 0. Each test owns its server.

#include <signal.h>

#include <iostream>
#include <mutex>

#include "fixture.hpp"

namespace tsunagu::it {
namespace {

boost::json::value shelter(const std::string& id, int capacity) {
  auto entity = E(id, R"({"type": "Shelter", "name": {"type": "Property", "value": "Hall"}})");
  entity.as_object()["capacity"] = boost::json::object{{"type", "Property"}, {"value", capacity}};
  return entity;
}

// Expects every entity of `expected` to read back exactly.
void expect_entities(ServerProcess& server,
                     const std::map<std::string, boost::json::value>& expected,
                     const Headers& headers = {}) {
  auto http = server.client();
  int missing = 0;
  for (const auto& [id, entity] : expected) {
    const auto res = http.get(entity_path(id), headers);
    if (res.status != 200) {
      if (++missing <= 5) ADD_FAILURE() << id << " lost: status " << res.status << " " << res.body;
      continue;
    }
    EXPECT_EQ(res.json(), entity) << id;
  }
  EXPECT_EQ(missing, 0) << "of " << expected.size() << " acknowledged entities";
}

class Durability : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NO_THROW(server_.start()); }
  void TearDown() override {
    if (HasFailure()) std::cerr << "---- tsunagu log (tail) ----\n" << server_.log_tail() << "\n";
  }

  std::string id(std::string_view name) {
    return "urn:ngsi-ld:Shelter:" +
           std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
           std::string(name);
  }

  ServerProcess server_;
};

TEST_F(Durability, AcknowledgedCreatesSurviveSigkill) {
  std::map<std::string, boost::json::value> acknowledged;
  std::mutex mutex;
  {
    auto http = server_.client();
    for (int i = 0; i < 60; ++i) {
      const auto entity = shelter(id("seq-" + std::to_string(i)), i);
      const auto res = http.post(kEntities, S(entity));
      ASSERT_STATUS(res, 201);
      acknowledged[std::string(entity.at("id").as_string())] = entity;
    }
  }
  std::vector<std::thread> writers;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      auto http = server_.client();
      for (int i = 0; i < 15; ++i) {
        const auto entity = shelter(id("par-" + std::to_string(t) + "-" + std::to_string(i)), i);
        try {
          if (http.post(kEntities, S(entity)).status == 201) {
            std::lock_guard lock(mutex);
            acknowledged[std::string(entity.at("id").as_string())] = entity;
            continue;
          }
        } catch (const std::exception&) {
        }
        ++failures;
      }
    });
  }
  for (auto& writer : writers) writer.join();
  server_.kill();  // right after the last 2xx

  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(acknowledged.size(), 120U);
  ASSERT_NO_THROW(server_.start());
  expect_entities(server_, acknowledged);
}

TEST_F(Durability, AcknowledgedUpdatesAndDeletesSurviveSigkill) {
  std::map<std::string, boost::json::value> expected;
  std::vector<std::string> deleted;
  auto http = server_.client();
  for (int i = 0; i < 20; ++i) {
    const auto entity = shelter(id(std::to_string(i)), i);
    ASSERT_STATUS(http.post(kEntities, S(entity)), 201);
    expected[std::string(entity.at("id").as_string())] = entity;
  }
  for (int i = 0; i < 10; ++i) {
    const auto target = id(std::to_string(i));
    ASSERT_STATUS(http.patch(entity_path(target) + "/attrs",
                             R"({"capacity": {"type": "Property", "value": 1000}})"),
                  204);
    expected[target] = shelter(target, 1000);
  }
  for (int i = 10; i < 15; ++i) {
    const auto target = id(std::to_string(i));
    ASSERT_STATUS(http.del(entity_path(target)), 204);
    expected.erase(target);
    deleted.push_back(target);
  }
  const auto last = id("15");
  ASSERT_STATUS(http.post(entity_path(last) + "/attrs",
                          R"({"status": {"type": "Property", "value": "open"}})"),
                204);
  expected[last].as_object()["status"] = J(R"({"type": "Property", "value": "open"})");
  server_.kill();

  ASSERT_NO_THROW(server_.start());
  expect_entities(server_, expected);
  auto after = server_.client();
  for (const auto& gone : deleted) {
    EXPECT_PROBLEM(after.get(entity_path(gone)), 404, "ResourceNotFound") << gone;
  }
}

TEST_F(Durability, AcknowledgedBatchesSurviveSigkill) {
  std::map<std::string, boost::json::value> expected;
  boost::json::array batch;
  for (int i = 0; i < 50; ++i) {
    const auto entity = shelter(id(std::to_string(i)), i);
    batch.push_back(entity);
    expected[std::string(entity.at("id").as_string())] = entity;
  }
  auto http = server_.client();
  ASSERT_STATUS(http.post(kBatch + "/create", S(batch)), 201);
  boost::json::array upsert;
  for (int i = 0; i < 10; ++i) {
    const auto entity = shelter(id(std::to_string(i)), 500 + i);
    upsert.push_back(entity);
    expected[std::string(entity.at("id").as_string())] = entity;
  }
  ASSERT_STATUS(http.post(kBatch + "/upsert", S(upsert)), 204);
  server_.kill();

  ASSERT_NO_THROW(server_.start());
  expect_entities(server_, expected);
}

TEST_F(Durability, TenantWritesSurviveSigkill) {
  const auto tenant = with_tenant("t-durable");
  const auto entity = shelter(id("tenant"), 3);
  {
    auto http = server_.client();
    ASSERT_STATUS(http.post(kEntities, S(entity), tenant), 201);
  }
  server_.kill();
  ASSERT_NO_THROW(server_.start());
  expect_entities(server_, {{std::string(entity.at("id").as_string()), entity}}, tenant);
}

TEST_F(Durability, RepeatedCrashesLoseNothing) {
  std::map<std::string, boost::json::value> expected;
  for (int cycle = 0; cycle < 3; ++cycle) {
    {
      auto http = server_.client();
      for (int i = 0; i < 10; ++i) {
        const auto entity = shelter(id(std::to_string(cycle) + "-" + std::to_string(i)), i);
        ASSERT_STATUS(http.post(kEntities, S(entity)), 201);
        expected[std::string(entity.at("id").as_string())] = entity;
      }
    }
    server_.kill();
    ASSERT_NO_THROW(server_.start());
  }
  expect_entities(server_, expected);
}

TEST_F(Durability, SigtermExitsWithZeroAndKeepsData) {
  std::map<std::string, boost::json::value> expected;
  {
    auto http = server_.client();
    for (int i = 0; i < 10; ++i) {
      const auto entity = shelter(id(std::to_string(i)), i);
      ASSERT_STATUS(http.post(kEntities, S(entity)), 201);
      expected[std::string(entity.at("id").as_string())] = entity;
    }
  }
  EXPECT_EQ(server_.stop(SIGTERM), 0) << server_.last_exit();
  ASSERT_NO_THROW(server_.start());
  expect_entities(server_, expected);
}

TEST_F(Durability, SigintExitsWithZero) {
  {
    auto http = server_.client();
    ASSERT_STATUS(http.post(kEntities, S(shelter(id("one"), 1))), 201);
  }
  EXPECT_EQ(server_.stop(SIGINT), 0) << server_.last_exit();
  ASSERT_NO_THROW(server_.start());
  expect_entities(server_, {{id("one"), shelter(id("one"), 1)}});
}

// Returns once `count` writes are acknowledged (or after 30 s): the signal of the tests below
// must come in the middle of writes, after some were acknowledged, on a fast machine as on a
// busy one (a fixed pause found none acknowledged on a loaded machine, PostgreSQL creating the
// tenant's schema meanwhile).
void wait_for_acknowledged(std::mutex& mutex,
                           const std::map<std::string, boost::json::value>& acknowledged,
                           std::size_t count) {
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard lock(mutex);
      if (acknowledged.size() >= count) return;
    }
    std::this_thread::sleep_for(10ms);
  }
}

TEST_F(Durability, SigtermUnderLoadKeepsEveryAcknowledgedWrite) {
  std::map<std::string, boost::json::value> acknowledged;
  std::mutex mutex;
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int t = 0; t < 3; ++t) {
    writers.emplace_back([&, t] {
      auto http = server_.client();
      for (int i = 0; i < 2000 && !stop; ++i) {
        const auto entity = shelter(id(std::to_string(t) + "-" + std::to_string(i)), i);
        try {
          if (http.post(kEntities, S(entity)).status == 201) {
            std::lock_guard lock(mutex);
            acknowledged[std::string(entity.at("id").as_string())] = entity;
          }
        } catch (const std::exception&) {
          return;  // the server has gone: stop writing
        }
      }
    });
  }
  wait_for_acknowledged(mutex, acknowledged, 20);
  std::this_thread::sleep_for(100ms);
  const int code = server_.stop(SIGTERM);
  stop = true;
  for (auto& writer : writers) writer.join();
  EXPECT_EQ(code, 0) << server_.last_exit();
  EXPECT_GT(acknowledged.size(), 0U);
  ASSERT_NO_THROW(server_.start());
  expect_entities(server_, acknowledged);
}

TEST_F(Durability, SigkillUnderLoadKeepsEveryAcknowledgedWrite) {
  std::map<std::string, boost::json::value> acknowledged;
  std::mutex mutex;
  std::vector<std::thread> writers;
  for (int t = 0; t < 3; ++t) {
    writers.emplace_back([&, t] {
      auto http = server_.client();
      for (int i = 0; i < 2000; ++i) {
        const auto entity = shelter(id(std::to_string(t) + "-" + std::to_string(i)), i);
        try {
          if (http.post(kEntities, S(entity)).status == 201) {
            std::lock_guard lock(mutex);
            acknowledged[std::string(entity.at("id").as_string())] = entity;
          }
        } catch (const std::exception&) {
          return;  // killed
        }
      }
    });
  }
  wait_for_acknowledged(mutex, acknowledged, 20);
  std::this_thread::sleep_for(100ms);
  server_.kill();  // in the middle of writes: only acknowledged ones must survive
  for (auto& writer : writers) writer.join();
  EXPECT_GT(acknowledged.size(), 0U);
  ASSERT_NO_THROW(server_.start());
  expect_entities(server_, acknowledged);
}

TEST_F(Durability, SystemTimestampsSurviveARestart) {
  auto http = server_.client();
  ASSERT_STATUS(http.post(kEntities, S(shelter(id("ts"), 1))), 201);
  const auto before = http.get(entity_path(id("ts")) + "?options=sysAttrs");
  ASSERT_STATUS(before, 200);
  http.close();
  ASSERT_EQ(server_.stop(), 0);
  ASSERT_NO_THROW(server_.start());
  auto again = server_.client();
  const auto after = again.get(entity_path(id("ts")) + "?options=sysAttrs");
  ASSERT_STATUS(after, 200);
  EXPECT_EQ(after.json(), before.json());
}

}  // namespace
}  // namespace tsunagu::it
