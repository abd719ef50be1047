// Metering per client (metering/usage_meter.hpp) over the platform database's usage table
// (store/sqlite/platform_usage.cpp): counts by hour, client, tenant and type, bytes shared
// among types, sums across flushes, and kept when a flush fails.

#include "metering/usage_meter.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "audit_test_support.hpp"

namespace tsunagu::metering {
namespace {

using model::Timestamp;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;

const Timestamp kHour{milliseconds(1'767'225'600'000LL)};  // 2026-01-01T00:00:00Z

RequestUsage returned(const std::vector<std::string>& types) {
  RequestUsage usage;
  for (const auto& t : types) usage.add_type(t);
  return usage;
}

class UsageMeterTest : public store::sqlite::AuditDbTest {
 protected:
  std::vector<store::UsageRow> rows(std::string_view client = {}) {
    auto r = db_->usage(kHour - hours(24), kHour + hours(24), client);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : std::vector<store::UsageRow>{};
  }

  model::ManualClock clock_{kHour + minutes(5)};
};

// A store whose next write fails when told to, and otherwise writes to the real one.
class FlakyUsageStore final : public store::UsageStore {
 public:
  explicit FlakyUsageStore(store::UsageStore& real) : real_(real) {}
  bool fail_next = false;

  Status add_usage(const std::vector<store::UsageRow>& rows) override {
    if (fail_next) {
      fail_next = false;
      return fail(ErrorKind::InternalError, "disk full");
    }
    return real_.add_usage(rows);
  }
  Result<std::vector<store::UsageRow>> usage(Timestamp from, Timestamp to,
                                             std::string_view client) override {
    return real_.usage(from, to, client);
  }

 private:
  store::UsageStore& real_;
};

TEST_P(UsageMeterTest, ARequestWithoutEntitiesCountsUnderTheEmptyType) {
  UsageMeter meter(*db_, clock_);
  meter.count("shelter-app", "", RequestUsage{}, 120);
  ASSERT_TRUE(meter.flush());
  const auto r = rows();
  ASSERT_EQ(r.size(), 1U);
  EXPECT_EQ(r[0].hour, kHour);
  EXPECT_EQ(r[0].client_id, "shelter-app");
  EXPECT_EQ(r[0].tenant, "");
  EXPECT_EQ(r[0].type, "");
  EXPECT_EQ(r[0].requests, 1U);
  EXPECT_EQ(r[0].entities, 0U);
  EXPECT_EQ(r[0].bytes, 120U);
}

TEST_P(UsageMeterTest, BytesAreSharedAmongTypesByTheirEntitiesAndAddUpToTheWhole) {
  UsageMeter meter(*db_, clock_);
  meter.count("app", "osaka", returned({"A", "A", "B"}), 1000);
  ASSERT_TRUE(meter.flush());
  const auto r = rows();
  ASSERT_EQ(r.size(), 2U);
  EXPECT_EQ(r[0].type, "A");
  EXPECT_EQ(r[0].tenant, "osaka");
  EXPECT_EQ(r[0].requests, 1U);
  EXPECT_EQ(r[0].entities, 2U);
  EXPECT_EQ(r[0].bytes, 666U);
  EXPECT_EQ(r[1].type, "B");
  EXPECT_EQ(r[1].entities, 1U);
  EXPECT_EQ(r[1].bytes, 334U);  // the remainder: 666 + 334 = 1000
}

TEST_P(UsageMeterTest, FlushesSumIntoTheSameHourAndANewHourGetsItsOwnRow) {
  UsageMeter meter(*db_, clock_);
  meter.count("app", "", returned({"A"}), 10);
  ASSERT_TRUE(meter.flush());
  meter.count("app", "", returned({"A", "A"}), 30);
  ASSERT_TRUE(meter.flush());
  clock_.set(kHour + hours(1) + minutes(1));
  meter.count("app", "", returned({"A"}), 5);
  ASSERT_TRUE(meter.flush());
  const auto r = rows();
  ASSERT_EQ(r.size(), 2U);
  EXPECT_EQ(r[0].hour, kHour);
  EXPECT_EQ(r[0].requests, 2U);
  EXPECT_EQ(r[0].entities, 3U);
  EXPECT_EQ(r[0].bytes, 40U);
  EXPECT_EQ(r[1].hour, kHour + hours(1));
  EXPECT_EQ(r[1].requests, 1U);
}

TEST_P(UsageMeterTest, RowsOfOneClientAndOfATimeRange) {
  UsageMeter meter(*db_, clock_);
  meter.count("a", "", returned({"T"}), 1);
  meter.count("b", "", returned({"T"}), 2);
  ASSERT_TRUE(meter.flush());
  const auto only_b = rows("b");
  ASSERT_EQ(only_b.size(), 1U);
  EXPECT_EQ(only_b[0].bytes, 2U);
  auto later = db_->usage(kHour + hours(1), kHour + hours(2), "");
  ASSERT_TRUE(later);
  EXPECT_TRUE(later->empty());
}

TEST_P(UsageMeterTest, AFailedFlushKeepsTheCountsForTheNext) {
  FlakyUsageStore flaky(*db_);
  UsageMeter meter(flaky, clock_);
  meter.count("app", "", returned({"A"}), 7);
  flaky.fail_next = true;
  const auto st = meter.flush();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message, "disk full");
  EXPECT_TRUE(rows().empty());
  meter.count("app", "", returned({"A"}), 3);
  ASSERT_TRUE(meter.flush());
  const auto r = rows();
  ASSERT_EQ(r.size(), 1U);
  EXPECT_EQ(r[0].requests, 2U);
  EXPECT_EQ(r[0].entities, 2U);
  EXPECT_EQ(r[0].bytes, 10U);
}

TEST_P(UsageMeterTest, NothingCountedWritesNothing) {
  UsageMeter meter(*db_, clock_);
  ASSERT_TRUE(meter.flush());
  EXPECT_TRUE(rows().empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, UsageMeterTest, tsunagu::testing::all_backends(),
                         tsunagu::testing::backend_name);

}  // namespace
}  // namespace tsunagu::metering
