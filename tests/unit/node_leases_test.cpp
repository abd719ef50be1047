// The coordination of nodes on PostgreSQL (store/postgres/node_leases.hpp) seen from its
// listener: what a node is told when it starts, when its lease lapsed, when a transaction
// announced something, and what its lease looks like in the database.

#include "store/postgres/node_leases.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "pg/test_database.hpp"
#include "store/postgres/pg_store.hpp"
#include "store_backends.hpp"

namespace tsunagu::store::postgres {
namespace {

using namespace std::chrono_literals;
constexpr auto kLease = 1200ms;

// Every call as a line: "claimed <tenant> <ids...>", "lost", "missed", "announced <tenant>
// <message> own|other".
class RecordingListener final : public CoordinationListener {
 public:
  void on_announced(const std::string& tenant, const std::string& message, bool own) override {
    add("announced " + tenant + " " + message + (own ? " own" : " other"));
  }
  void on_claimed(const std::string& tenant, std::vector<std::string> ids) override {
    std::string line = "claimed " + tenant;
    for (const auto& id : ids) line += " " + id;
    add(line);
  }
  void on_lost_all() override { add("lost"); }
  void on_missed() override { add("missed"); }

  // Waits until `line` was recorded `times` times (or 10 s); returns every line so far.
  std::vector<std::string> wait_for(const std::string& line, int times = 1) {
    std::unique_lock lock(mu_);
    changed_.wait_for(lock, 10s, [&] { return std::ranges::count(lines_, line) >= times; });
    return lines_;
  }

 private:
  void add(std::string line) {
    std::lock_guard lock(mu_);
    lines_.push_back(std::move(line));
    changed_.notify_all();
  }
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<std::string> lines_;
};

class NodeLeasesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = tsunagu::testing::new_test_database("leases");
    auto store = PgStore::open(url_, {.node = "a"});
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    auto db = store_->tenant("", true);
    ASSERT_TRUE(db);
    tenant_ = *db;
  }
  void TearDown() override { store_->close(); }

  // Runs a job through node a's store (its writer names node a).
  Status job(std::function<Status(WriteTxn&)> apply) {
    return tsunagu::testing::run_job(*tenant_, std::move(apply));
  }
  // A subscription created through node a's store: a owns it.
  Status subscribe(const std::string& id) {
    model::Subscription s;
    s.id = id;
    s.notification.endpoint.uri = "http://127.0.0.1:9/n";
    return job([&](WriteTxn& txn) { return txn.subscriptions().put(s); });
  }
  Result<Rows> query(const std::string& sql) {
    auto db = Connection::open(url_);
    if (!db) return std::unexpected(db.error());
    return (*db)->run(sql);
  }

  std::string url_;
  std::unique_ptr<PgStore> store_;
  std::shared_ptr<TenantStore> tenant_;
};

TEST_F(NodeLeasesTest, ANodeClaimsWhatNamesItWhenItStartsAndItsLeaseIsInTheDatabase) {
  ASSERT_TRUE(subscribe("urn:s:1"));
  NodeLeases leases(url_, "a", {.lease = kLease});
  RecordingListener listener;
  ASSERT_TRUE(leases.start(listener));
  EXPECT_TRUE(leases.holds_lease());
  auto lines = listener.wait_for("claimed  urn:s:1");
  EXPECT_EQ(lines.front(), "claimed  urn:s:1");
  auto live = query(
      "SELECT count(*) FROM tsunagu.nodes WHERE name = 'a' "
      "AND expires_at > clock_timestamp()");
  ASSERT_TRUE(live);
  EXPECT_EQ(live->integer(0, 0), 1);
  leases.stop();
  leases.release();
  live = query(
      "SELECT count(*) FROM tsunagu.nodes WHERE name = 'a' "
      "AND expires_at > clock_timestamp()");
  ASSERT_TRUE(live);
  EXPECT_EQ(live->integer(0, 0), 0);
}

// A node paused past its lease (here: its lease ended behind its back) is told it lost
// everything before it claims again; since no other node claimed meanwhile, it gets its own back.
TEST_F(NodeLeasesTest, ALapsedLeaseIsReportedLostBeforeTheSubscriptionsAreClaimedAgain) {
  ASSERT_TRUE(subscribe("urn:s:1"));
  NodeLeases leases(url_, "a", {.lease = kLease});
  RecordingListener listener;
  ASSERT_TRUE(leases.start(listener));
  ASSERT_TRUE(
      query("UPDATE tsunagu.nodes SET expires_at = clock_timestamp() - interval '1 s' "
            "WHERE name = 'a'"));
  auto lines = listener.wait_for("lost");
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[1], "lost");
  lines = listener.wait_for("claimed  urn:s:1", 2);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[2], "claimed  urn:s:1");
  EXPECT_TRUE(leases.holds_lease());
}

TEST_F(NodeLeasesTest, AnAnnouncementReachesEveryNodeOnceAndNamesItsSender) {
  NodeLeases a(url_, "a", {.lease = kLease}), b(url_, "b", {.lease = kLease});
  RecordingListener on_a, on_b;
  ASSERT_TRUE(a.start(on_a));
  ASSERT_TRUE(b.start(on_b));
  ASSERT_TRUE(job([](WriteTxn& txn) -> Status {
    txn.subscriptions().announce("hello");
    txn.subscriptions().announce("hello");  // once per transaction
    return ok();
  }));
  const auto seen_a = on_a.wait_for("announced  hello own");
  const auto seen_b = on_b.wait_for("announced  hello other");
  EXPECT_EQ(std::ranges::count(seen_a, "announced  hello own"), 1);
  EXPECT_EQ(std::ranges::count(seen_b, "announced  hello other"), 1);
}

}  // namespace
}  // namespace tsunagu::store::postgres
