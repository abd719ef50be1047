// The history tables of the SQLite store (store/history_store.hpp, store/sqlite/history_*):
// recording, ranges, the cut of long histories, erasures, retention and aggregation in SQL,
// with real files. The HTTP-level behaviour is covered by tests/integration/temporal_*.

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <future>
#include <random>

#include "sqlite_downgrade.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace tsunagu::store {
namespace {

namespace fs = std::filesystem;
using model::Timestamp;

const std::string kType = "https://example.org/Sensor";
const std::string kLevel = "https://example.org/level";
const std::string kName = "https://example.org/name";

Timestamp minute(int m) {
  return Timestamp(std::chrono::milliseconds(1'767'225'600'000LL + m * 60'000LL));
}

HistoryInstance reading(const std::string& attr, boost::json::value v, Timestamp observed,
                        Timestamp recorded) {
  HistoryInstance i;
  i.attr = attr;
  i.value.value = std::move(v);
  i.value.observed_at = observed;
  i.value.created_at = i.value.modified_at = recorded;
  return i;
}

Status run(TenantStore& db, std::function<Status(WriteTxn&)> apply) {
  std::promise<Status> done;
  auto f = done.get_future();
  db.submit({std::move(apply), [&done](Status st) { done.set_value(std::move(st)); }});
  return f.get();
}

class SqliteHistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::mt19937_64 rng{std::random_device{}()};
    dir_ = fs::temp_directory_path() / ("tsunagu-history-test-" + std::to_string(rng()));
    fs::create_directories(dir_);
    auto s = sqlite::SqliteStore::open(dir_);
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
    auto t = store_->tenant("", true);
    ASSERT_TRUE(t) << t.error().message;
    db_ = *t;
  }
  void TearDown() override {
    db_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  // Entity `id` with readings of kLevel at minutes 0..n-1 (value = minute), recorded at `recorded`.
  void readings(const std::string& id, int n, Timestamp recorded = minute(0)) {
    HistoryAppend a{id, {kType}, recorded, {}};
    for (int m = 0; m < n; ++m) a.instances.push_back(reading(kLevel, m, minute(m), recorded));
    ASSERT_TRUE(run(*db_, [&](WriteTxn& txn) { return txn.history().append(a); }));
  }

  HistoryQuery one(const std::string& id) {
    HistoryQuery q;
    q.entities.push_back(query::EntitySelector{{}, {id}, {}});
    q.retrieval = true;
    q.limit = 1;
    return q;
  }

  std::vector<double> values(const HistoryPage& page, const std::string& attr = kLevel) {
    std::vector<double> out;
    if (page.entities.empty()) return out;
    for (const auto& a : page.entities.front().attributes) {
      if (a.name != attr) continue;
      for (const auto& i : a.instances) out.push_back(i.value.value.to_number<double>());
    }
    return out;
  }

  fs::path dir_;
  std::unique_ptr<sqlite::SqliteStore> store_;
  std::shared_ptr<TenantStore> db_;
};

TEST_F(SqliteHistoryTest, RangesFollowTheBoundsOfTimerel) {
  readings("urn:s:1", 10);
  auto q = one("urn:s:1");
  q.range = model::TimeRange{model::TimeRel::Between, minute(2), minute(5)};
  auto page = db_->history(q);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(values(*page), (std::vector<double>{2, 3, 4}));
  q.range = model::TimeRange{model::TimeRel::Before, minute(2), {}};
  EXPECT_EQ(values(*db_->history(q)), (std::vector<double>{0, 1}));
  q.range = model::TimeRange{model::TimeRel::After, minute(8), {}};
  EXPECT_EQ(values(*db_->history(q)), (std::vector<double>{8, 9}));
}

TEST_F(SqliteHistoryTest, PlainNumbersComeBackAsTheyWentIn) {
  HistoryAppend a{"urn:s:n", {kType}, minute(0), {}};
  for (auto v : {boost::json::value(42), boost::json::value(-7), boost::json::value(2.5),
                 boost::json::value(1e-3), boost::json::value(9007199254740993LL)}) {
    a.instances.push_back(
        reading(kLevel, v, minute(static_cast<int>(a.instances.size())), minute(0)));
  }
  ASSERT_TRUE(run(*db_, [&](WriteTxn& txn) { return txn.history().append(a); }));
  auto page = db_->history(one("urn:s:n"));
  ASSERT_TRUE(page);
  const auto& got = page->entities.at(0).attributes.at(0).instances;
  ASSERT_EQ(got.size(), 5U);
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].value.value, a.instances[i].value.value) << i;
  }
}

TEST_F(SqliteHistoryTest, LastNIsTheNewestInAscendingOrder) {
  readings("urn:s:1", 10);
  auto q = one("urn:s:1");
  q.last_n = 3;
  auto page = db_->history(q);
  ASSERT_TRUE(page);
  EXPECT_EQ(values(*page), (std::vector<double>{7, 8, 9}));
  EXPECT_FALSE(page->cut);
}

TEST_F(SqliteHistoryTest, ALongHistoryIsCutAtOneInstantForEveryAttribute) {
  HistoryAppend a{"urn:s:c", {kType}, minute(0), {}};
  for (int m = 0; m < 10; ++m) a.instances.push_back(reading(kLevel, m, minute(m), minute(0)));
  // The other attribute every other minute, from minute 1.
  for (int m = 1; m < 10; m += 2) a.instances.push_back(reading(kName, m, minute(m), minute(0)));
  ASSERT_TRUE(run(*db_, [&](WriteTxn& txn) { return txn.history().append(a); }));
  auto q = one("urn:s:c");
  q.max_instances = 4;
  auto page = db_->history(q);
  ASSERT_TRUE(page);
  ASSERT_TRUE(page->cut);
  // kLevel's fifth instance (minute 4) is the first that does not fit: both stop before it.
  EXPECT_EQ(values(*page), (std::vector<double>{0, 1, 2, 3}));
  EXPECT_EQ(values(*page, kName), (std::vector<double>{1, 3}));
  EXPECT_EQ(page->cut->first, minute(0));
  EXPECT_EQ(page->cut->last, minute(3));
  // Reading backward (lastN beyond the maximum) cuts at the latest instant that does not fit.
  q.last_n = 8;
  page = db_->history(q);
  ASSERT_TRUE(page && page->cut);
  EXPECT_EQ(values(*page), (std::vector<double>{6, 7, 8, 9}));
  EXPECT_EQ(values(*page, kName), (std::vector<double>{7, 9}));
}

TEST_F(SqliteHistoryTest, MoreThanAPageAtOneInstantStillMakesProgress) {
  HistoryAppend a{"urn:s:same", {kType}, minute(0), {}};
  for (int i = 0; i < 6; ++i) a.instances.push_back(reading(kLevel, i, minute(0), minute(0)));
  ASSERT_TRUE(run(*db_, [&](WriteTxn& txn) { return txn.history().append(a); }));
  auto q = one("urn:s:same");
  q.max_instances = 4;
  auto page = db_->history(q);
  ASSERT_TRUE(page && page->cut);
  EXPECT_EQ(values(*page).size(), 4U);
}

TEST_F(SqliteHistoryTest, ErasingAnInstanceAnAttributeAndAnEntity) {
  readings("urn:s:1", 3);
  auto page = db_->history(one("urn:s:1"));
  ASSERT_TRUE(page);
  const auto first = page->entities[0].attributes[0].instances[0].id;
  auto erased = std::make_shared<bool>(false);
  ASSERT_TRUE(run(*db_, [&](WriteTxn& txn) -> Status {
    auto r = txn.history().erase_instance("urn:s:1", kLevel, first);
    if (!r) return std::unexpected(r.error());
    *erased = *r;
    return ok();
  }));
  EXPECT_TRUE(*erased);
  EXPECT_EQ(values(*db_->history(one("urn:s:1"))), (std::vector<double>{1, 2}));
  ASSERT_TRUE(run(*db_, [&](WriteTxn& txn) -> Status {
    auto r = txn.history().erase_attribute("urn:s:1", kLevel, DatasetChoice{false, {std::nullopt}});
    if (!r) return std::unexpected(r.error());
    return *r == 2 ? ok() : fail(ErrorKind::InternalError, "erased " + std::to_string(*r));
  }));
  page = db_->history(one("urn:s:1"));
  ASSERT_TRUE(page);
  ASSERT_EQ(page->entities.size(), 1U);
  EXPECT_TRUE(page->entities[0].attributes.empty());
  ASSERT_TRUE(run(*db_, [&](WriteTxn& txn) -> Status {
    auto r = txn.history().erase_entity("urn:s:1");
    if (!r) return std::unexpected(r.error());
    return *r ? ok() : fail(ErrorKind::InternalError, "not erased");
  }));
  EXPECT_TRUE(db_->history(one("urn:s:1"))->entities.empty());
}

TEST_F(SqliteHistoryTest, RetentionErasesWhatWasRecordedBeforeTheCutoffOnly) {
  readings("urn:s:old", 50, minute(0));
  readings("urn:s:new", 30, minute(100));
  std::size_t total = 0;
  for (;;) {
    auto n = std::make_shared<std::size_t>(0);
    ASSERT_TRUE(run(*db_, [&](WriteTxn& txn) -> Status {
      auto r = txn.history().erase_recorded_before(minute(100), 7);
      if (!r) return std::unexpected(r.error());
      *n = *r;
      return ok();
    }));
    total += *n;
    if (*n < 7) break;
  }
  EXPECT_EQ(total, 50U);
  EXPECT_TRUE(values(*db_->history(one("urn:s:old"))).empty());
  EXPECT_EQ(values(*db_->history(one("urn:s:new"))).size(), 30U);
}

TEST_F(SqliteHistoryTest, AggregatesByFixedAndCalendarPeriods) {
  readings("urn:s:1", 120);  // minutes 0..119, value = minute
  auto q = one("urn:s:1");
  AggregationRequest r{{model::AggregationMethod::Avg, model::AggregationMethod::TotalCount,
                        model::AggregationMethod::StdDev},
                       *model::parse_duration("PT1H")};
  auto page = db_->aggregate(q, r);
  ASSERT_TRUE(page) << page.error().message;
  const auto& periods = page->entities.at(0).attributes.at(0).periods;
  ASSERT_EQ(periods.size(), 2U);
  EXPECT_EQ(periods[0].start, minute(0));
  EXPECT_EQ(periods[0].end, minute(60));
  EXPECT_DOUBLE_EQ(periods[0].values[0].to_number<double>(), 29.5);
  EXPECT_EQ(periods[0].values[1], boost::json::value(60));
  // Sample standard deviation of 0..59: sqrt(60 * 61 / 12).
  EXPECT_NEAR(periods[0].values[2].to_number<double>(), std::sqrt(60.0 * 61.0 / 12.0), 1e-9);
  EXPECT_DOUBLE_EQ(periods[1].values[0].to_number<double>(), 89.5);
  r.period = *model::parse_duration("P1M");
  page = db_->aggregate(q, r);
  ASSERT_TRUE(page);
  const auto& month = page->entities.at(0).attributes.at(0).periods;
  ASSERT_EQ(month.size(), 1U);
  EXPECT_EQ(month[0].end,
            Timestamp(std::chrono::sys_days(std::chrono::year{2026} / std::chrono::February / 1)));
  EXPECT_EQ(month[0].values[1], boost::json::value(120));
}

TEST_F(SqliteHistoryTest, AMethodThatDoesNotApplyIsRefusedNamingTheAttribute) {
  HistoryAppend a{"urn:s:t", {kType}, minute(0), {}};
  a.instances.push_back(reading(kName, "high", minute(0), minute(0)));
  a.instances.push_back(reading(kName, "low", minute(1), minute(0)));
  ASSERT_TRUE(run(*db_, [&](WriteTxn& txn) { return txn.history().append(a); }));
  auto page = db_->aggregate(one("urn:s:t"), {{model::AggregationMethod::Sum}, {}});
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().kind, ErrorKind::InvalidRequest);
  EXPECT_NE(page.error().message.find(kName), std::string::npos) << page.error().message;
  page =
      db_->aggregate(one("urn:s:t"), {{model::AggregationMethod::Min, model::AggregationMethod::Max,
                                       model::AggregationMethod::DistinctCount},
                                      {}});
  ASSERT_TRUE(page) << page.error().message;
  const auto& values = page->entities.at(0).attributes.at(0).periods.at(0).values;
  EXPECT_EQ(values[0], boost::json::value("high"));
  EXPECT_EQ(values[1], boost::json::value("low"));
  EXPECT_EQ(values[2], boost::json::value(2));
}

// Migration 6 adds the history tables to a database of the release before it; what was stored
// then has no history (nothing is backfilled, so that opening a large tenant stays fast), and
// history is kept from then on.
TEST_F(SqliteHistoryTest, MigrationSixStartsTheHistoryOfAnOlderDatabase) {
  model::Entity e;
  e.id = "urn:s:old";
  e.types = {kType};
  ASSERT_TRUE(run(*db_, [&](WriteTxn& txn) { return txn.insert(e); }));
  const auto file = store_->file_of("");
  db_.reset();
  store_.reset();
  ASSERT_TRUE(downgrade(file, 5));
  auto s = sqlite::SqliteStore::open(dir_);
  ASSERT_TRUE(s) << s.error().message;
  store_ = std::move(*s);
  auto t = store_->tenant("", false);
  ASSERT_TRUE(t) << t.error().message;
  db_ = *t;
  EXPECT_TRUE(db_->get("urn:s:old")->has_value());
  EXPECT_TRUE(db_->history(one("urn:s:old"))->entities.empty());
  readings("urn:s:old", 2);
  EXPECT_EQ(values(*db_->history(one("urn:s:old"))), (std::vector<double>{0, 1}));
}

}  // namespace
}  // namespace tsunagu::store
