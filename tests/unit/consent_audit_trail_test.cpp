// The audit trail's group commit (consent/audit_trail.hpp): answers recorded at once from many
// threads all reach the log, each answer's records together and in order, the chain intact.

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <thread>
#include <vector>

#include "audit_test_support.hpp"
#include "consent/audit_trail.hpp"
#include "store/audit_chain.hpp"

namespace tsunagu::consent {
namespace {

class AuditTrailTest : public store::sqlite::AuditDbTest {};

std::vector<ReadAccesses> answer(int thread, int request) {
  std::vector<ReadAccesses> reads;
  for (int e = 0; e < 3; ++e) {
    const std::string id = "urn:ngsi-ld:A:" + std::to_string(thread) + "-" +
                           std::to_string(request) + "-" + std::to_string(e);
    reads.push_back({id,
                     {Access{"r" + std::to_string(thread),
                             "care",
                             "https://example.org/A",
                             "g" + std::to_string(thread),
                             "purpose",
                             {}}}});
  }
  return reads;
}

TEST_P(AuditTrailTest, ConcurrentAnswersAreAllWrittenEachInOnePieceAndTheChainHolds) {
  model::ManualClock clock;
  AuditTrail trail(*db_, clock);
  constexpr int kThreads = 8;
  constexpr int kRequests = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const auto viewer = Viewer::client("client-" + std::to_string(t));
      for (int r = 0; r < kRequests; ++r) {
        if (!trail.record(viewer, "", answer(t, r))) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto all = db_->range(1, 100000);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), static_cast<std::size_t>(kThreads * kRequests * 3));
  // An answer's three records are adjacent and in order: group commit never interleaves them.
  for (std::size_t i = 0; i < all->size(); i += 3) {
    const auto& first = (*all)[i];
    for (std::size_t k = 1; k < 3; ++k) {
      EXPECT_EQ((*all)[i + k].client_id, first.client_id) << "seq " << (*all)[i + k].seq;
    }
    EXPECT_NE(first.data.find(R"(-0")"), std::string::npos) << first.data;
  }
  std::map<std::string, int> per_client;
  for (const auto& r : *all) ++per_client[r.client_id];
  EXPECT_EQ(per_client.size(), static_cast<std::size_t>(kThreads));
  for (const auto& [client, n] : per_client) EXPECT_EQ(n, kRequests * 3) << client;
  const auto check = store::verify_chain(*all, store::kAuditGenesis);
  EXPECT_TRUE(check.ok) << check.problem;
  EXPECT_EQ(check.checked, kThreads * kRequests * 3);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditTrailTest, tsunagu::testing::all_backends(),
                         tsunagu::testing::backend_name);

}  // namespace
}  // namespace tsunagu::consent
