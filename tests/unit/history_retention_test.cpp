// HistoryRetention (broker/history_retention.hpp) against every backend, on real databases: what
// a tenant's retention erases, and what it leaves.

#include "broker/history_retention.hpp"

#include <gtest/gtest.h>

#include <future>

#include "store_backends.hpp"

namespace tsunagu::broker {
namespace {

using model::Timestamp;
using testing::Backend;

Timestamp day(int d) {
  return Timestamp(std::chrono::days(20454 + d));
}  // 2026-01-01 + d

class HistoryRetentionTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    location_ = testing::fresh_location(GetParam());
    auto s = testing::open_store(location_);
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    testing::remove_location(location_);
  }

  // `n` instances of entity `id` in `tenant`, recorded on day `recorded`.
  void record(const std::string& tenant, const std::string& id, int n, int recorded) {
    auto db = store_->tenant(tenant, true);
    ASSERT_TRUE(db);
    store::HistoryAppend a{id, {"https://example.org/T"}, day(recorded), {}};
    for (int i = 0; i < n; ++i) {
      store::HistoryInstance instance;
      instance.attr = "https://example.org/level";
      instance.value.value = i;
      instance.value.created_at = instance.value.modified_at = day(recorded);
      a.instances.push_back(std::move(instance));
    }
    ASSERT_TRUE(
        testing::run_job(**db, [&](store::WriteTxn& txn) { return txn.history().append(a); }));
  }

  std::size_t instances(const std::string& tenant, const std::string& id) {
    auto db = store_->tenant(tenant, false);
    store::HistoryQuery q;
    q.entities.push_back(query::EntitySelector{{}, {id}, {}});
    q.retrieval = true;
    auto page = (*db)->history(q);
    EXPECT_TRUE(page) << page.error().message;
    std::size_t n = 0;
    for (const auto& e : page->entities) {
      for (const auto& attr : e.attributes) n += attr.instances.size();
    }
    return n;
  }

  testing::StoreLocation location_;
  std::unique_ptr<store::Store> store_;
};

INSTANTIATE_TEST_SUITE_P(Backends, HistoryRetentionTest, testing::all_backends(),
                         testing::backend_name);

TEST_P(HistoryRetentionTest, ErasesWhatEachTenantKeepsNoLongerInBatches) {
  record("", "urn:a:old", 25000, 0);  // more than one batch
  record("", "urn:a:new", 5, 20);
  record("kita", "urn:k:old", 3, 0);
  record("naka", "urn:n:old", 3, 0);
  HistoryPolicy policy;
  policy.defaults.retention_days = 10;
  policy.tenants["kita"].retention_days = 30;
  policy.tenants["naka"].retention_days = std::nullopt;  // forever
  model::ManualClock clock(day(25));
  HistoryRetention retention(*store_, policy, clock);
  EXPECT_EQ(retention.run_once(), 25000U);
  EXPECT_EQ(instances("", "urn:a:old"), 0U);
  EXPECT_EQ(instances("", "urn:a:new"), 5U);
  EXPECT_EQ(instances("kita", "urn:k:old"), 3U);
  EXPECT_EQ(instances("naka", "urn:n:old"), 3U);
  clock.set(day(31));
  EXPECT_EQ(retention.run_once(), 8U);  // the default tenant's new ones, kita's old ones
  EXPECT_EQ(instances("kita", "urn:k:old"), 0U);
  EXPECT_EQ(instances("naka", "urn:n:old"), 3U);
}

}  // namespace
}  // namespace tsunagu::broker
