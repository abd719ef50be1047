// The history storage of every backend (store/history_store.hpp; store/sqlite/history_* and
// store/postgres/history_*): recording, ranges, the cut of long histories, erasures, retention
// and aggregation in SQL, on real databases. On PostgreSQL also the monthly partitions: made on a
// month's first write, made again when the write that made them was undone, dropped by
// retention. The HTTP-level behaviour is covered by tests/integration/temporal_*.

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <future>
#include <set>

#include "sqlite_downgrade.hpp"
#include "store/postgres/connection.hpp"
#include "store/postgres/history_partitions.hpp"
#include "store/postgres/schema.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store_backends.hpp"

namespace tsunagu::store {
namespace {

using model::Timestamp;
using testing::Backend;

const std::string kType = "https://example.org/Sensor";
const std::string kLevel = "https://example.org/level";
const std::string kName = "https://example.org/name";

Timestamp minute(int m) {
  return Timestamp(std::chrono::milliseconds(1'767'225'600'000LL + m * 60'000LL));
}

Timestamp date(int y, unsigned m, unsigned d) {
  return Timestamp(std::chrono::sys_days(std::chrono::year{y} / std::chrono::month{m} / d));
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

using testing::run_job;

class HistoryStoreTest : public ::testing::TestWithParam<Backend>,
                         protected testing::StoreUnderTest {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(open_fresh(GetParam())); }

  // Entity `id` with readings of kLevel at minutes 0..n-1 (value = minute), recorded at `recorded`.
  void readings(const std::string& id, int n, Timestamp recorded = minute(0)) {
    HistoryAppend a{id, {kType}, recorded, {}};
    for (int m = 0; m < n; ++m) a.instances.push_back(reading(kLevel, m, minute(m), recorded));
    ASSERT_TRUE(run_job(*db_, [&](WriteTxn& txn) { return txn.history().append(a); }));
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

  std::vector<double> values_of(const std::string& id) {
    auto page = db_->history(one(id));
    EXPECT_TRUE(page) << page.error().message;
    return page ? values(*page) : std::vector<double>{};
  }

  // erase_recorded_before in a job of its own.
  std::size_t erase_before(Timestamp before, std::size_t limit) {
    auto n = std::make_shared<std::size_t>(0);
    EXPECT_TRUE(run_job(*db_, [&](WriteTxn& txn) -> Status {
      auto r = txn.history().erase_recorded_before(before, limit);
      if (!r) return std::unexpected(r.error());
      *n = *r;
      return ok();
    }));
    return *n;
  }

  // The months the default tenant's history has a partition for (PostgreSQL).
  std::vector<std::int64_t> partition_months() {
    auto conn = postgres::Connection::open(location_.url);
    EXPECT_TRUE(conn) << conn.error().message;
    if (!conn) return {};
    const auto schema = "\"" + postgres::schema_name_of("") + "\"";
    auto months = postgres::partition_months(**conn, schema);
    EXPECT_TRUE(months) << months.error().message;
    return months ? *months : std::vector<std::int64_t>{};
  }
};

INSTANTIATE_TEST_SUITE_P(Backends, HistoryStoreTest, testing::all_backends(),
                         testing::backend_name);

TEST_P(HistoryStoreTest, RangesFollowTheBoundsOfTimerel) {
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

TEST_P(HistoryStoreTest, PlainNumbersComeBackAsTheyWentIn) {
  HistoryAppend a{"urn:s:n", {kType}, minute(0), {}};
  for (auto v : {boost::json::value(42), boost::json::value(-7), boost::json::value(2.5),
                 boost::json::value(1e-3), boost::json::value(9007199254740993LL)}) {
    a.instances.push_back(
        reading(kLevel, v, minute(static_cast<int>(a.instances.size())), minute(0)));
  }
  ASSERT_TRUE(run_job(*db_, [&](WriteTxn& txn) { return txn.history().append(a); }));
  auto page = db_->history(one("urn:s:n"));
  ASSERT_TRUE(page);
  const auto& got = page->entities.at(0).attributes.at(0).instances;
  ASSERT_EQ(got.size(), 5U);
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].value.value, a.instances[i].value.value) << i;
  }
}

// An append larger than one INSERT statement takes (SQLite writes 8 instances a statement):
// every instance of both attributes comes back, each with its own value, dataset and time.
TEST_P(HistoryStoreTest, AnAppendOfManyInstancesOfSeveralAttributesKeepsEveryOne) {
  HistoryAppend a{"urn:s:many", {kType}, minute(0), {}};
  for (int m = 0; m < 19; ++m) {
    if (m % 2 == 0) {
      a.instances.push_back(reading(kLevel, m, minute(m), minute(0)));
    } else {
      const std::string name = "name " + std::to_string(m);
      a.instances.push_back(reading(kName, boost::json::string(name), minute(m), minute(0)));
      if (m == 7) a.instances.back().value.dataset_id = "urn:ngsi-ld:Dataset:seven";
    }
  }
  ASSERT_TRUE(run_job(*db_, [&](WriteTxn& txn) { return txn.history().append(a); }));
  auto q = one("urn:s:many");
  q.limit = 100;
  auto page = db_->history(q);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(values(*page), (std::vector<double>{0, 2, 4, 6, 8, 10, 12, 14, 16, 18}));
  std::vector<std::string> names;
  std::vector<std::string> datasets;
  std::set<std::int64_t> ids;
  for (const auto& attr : page->entities.at(0).attributes) {
    for (const auto& i : attr.instances) {
      ids.insert(i.id);
      if (attr.name != kName) continue;
      names.emplace_back(i.value.value.as_string());
      datasets.push_back(i.value.dataset_id.value_or("-"));
      EXPECT_EQ(i.value.observed_at, minute(std::stoi(names.back().substr(5))));
    }
  }
  EXPECT_EQ(names, (std::vector<std::string>{"name 1", "name 3", "name 5", "name 7", "name 9",
                                             "name 11", "name 13", "name 15", "name 17"}));
  EXPECT_EQ(datasets, (std::vector<std::string>{"-", "-", "-", "urn:ngsi-ld:Dataset:seven", "-",
                                                "-", "-", "-", "-"}));
  EXPECT_EQ(ids.size(), 19U);
}

// An entity of more attributes than one statement notes (SQLite notes eight a statement): every
// attribute is found again, with the kind of its last instance, and a later append that changes
// the kind of some of them and nothing of the others leaves each as it should be.
TEST_P(HistoryStoreTest, AnAppendOfManyAttributesNotesEveryOne) {
  const auto attr = [](int n) { return "https://example.org/a" + std::to_string(100 + n); };
  HistoryAppend first{"urn:s:wide", {kType}, minute(0), {}};
  for (int n = 0; n < 19; ++n) first.instances.push_back(reading(attr(n), n, minute(0), minute(0)));
  ASSERT_TRUE(run_job(*db_, [&](WriteTxn& txn) { return txn.history().append(first); }));
  HistoryAppend second{"urn:s:wide", {kType}, minute(1), {}};
  for (int n = 0; n < 19; n += 3) {
    auto i = reading(attr(n), boost::json::value("urn:ngsi-ld:X:" + std::to_string(n)), minute(1),
                     minute(1));
    i.value.kind = model::AttributeKind::Relationship;
    second.instances.push_back(std::move(i));
  }
  ASSERT_TRUE(run_job(*db_, [&](WriteTxn& txn) { return txn.history().append(second); }));

  auto q = one("urn:s:wide");
  q.limit = 100;
  auto page = db_->history(q);
  ASSERT_TRUE(page) << page.error().message;
  const auto& attributes = page->entities.at(0).attributes;
  ASSERT_EQ(attributes.size(), 19U);
  for (int n = 0; n < 19; ++n) {
    SCOPED_TRACE(n);
    const auto& a = attributes.at(static_cast<std::size_t>(n));
    EXPECT_EQ(a.name, attr(n));
    const bool changed = n % 3 == 0;
    ASSERT_EQ(a.instances.size(), changed ? 2U : 1U);
    EXPECT_EQ(a.instances.front().value.value, boost::json::value(n));
    if (changed) {
      EXPECT_EQ(a.instances.back().value.kind, model::AttributeKind::Relationship);
      EXPECT_EQ(a.instances.back().value.value,
                boost::json::value("urn:ngsi-ld:X:" + std::to_string(n)));
    }
  }
}

// PostgreSQL text cannot hold NUL: the store keeps such strings whole all the same, and compares
// them in byte order as SQLite does.
TEST_P(HistoryStoreTest, StringsWithControlCharactersComeBackAndCompareInByteOrder) {
  const std::string nul("a\0b", 3), one_byte("a\x01", 2), plain = "a";
  HistoryAppend a{"urn:s:z", {kType}, minute(0), {}};
  for (const auto& s : {nul, one_byte, plain}) {
    a.instances.push_back(reading(kName, boost::json::value(s),
                                  minute(static_cast<int>(a.instances.size())), minute(0)));
  }
  ASSERT_TRUE(run_job(*db_, [&](WriteTxn& txn) { return txn.history().append(a); }));
  auto page = db_->history(one("urn:s:z"));
  ASSERT_TRUE(page) << page.error().message;
  const auto& got = page->entities.at(0).attributes.at(0).instances;
  ASSERT_EQ(got.size(), 3U);
  EXPECT_EQ(got[0].value.value, boost::json::value(nul));
  EXPECT_EQ(got[1].value.value, boost::json::value(one_byte));
  auto aggregated =
      db_->aggregate(one("urn:s:z"), {{model::AggregationMethod::Min, model::AggregationMethod::Max,
                                       model::AggregationMethod::DistinctCount},
                                      {}});
  ASSERT_TRUE(aggregated) << aggregated.error().message;
  const auto& v = aggregated->entities.at(0).attributes.at(0).periods.at(0).values;
  EXPECT_EQ(v[0], boost::json::value(plain));
  EXPECT_EQ(v[1], boost::json::value(one_byte));
  EXPECT_EQ(v[2], boost::json::value(3));
}

TEST_P(HistoryStoreTest, LastNIsTheNewestInAscendingOrder) {
  readings("urn:s:1", 10);
  auto q = one("urn:s:1");
  q.last_n = 3;
  auto page = db_->history(q);
  ASSERT_TRUE(page);
  EXPECT_EQ(values(*page), (std::vector<double>{7, 8, 9}));
  EXPECT_FALSE(page->cut);
}

TEST_P(HistoryStoreTest, ALongHistoryIsCutAtOneInstantForEveryAttribute) {
  HistoryAppend a{"urn:s:c", {kType}, minute(0), {}};
  for (int m = 0; m < 10; ++m) a.instances.push_back(reading(kLevel, m, minute(m), minute(0)));
  // The other attribute every other minute, from minute 1.
  for (int m = 1; m < 10; m += 2) a.instances.push_back(reading(kName, m, minute(m), minute(0)));
  ASSERT_TRUE(run_job(*db_, [&](WriteTxn& txn) { return txn.history().append(a); }));
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

TEST_P(HistoryStoreTest, MoreThanAPageAtOneInstantStillMakesProgress) {
  HistoryAppend a{"urn:s:same", {kType}, minute(0), {}};
  for (int i = 0; i < 6; ++i) a.instances.push_back(reading(kLevel, i, minute(0), minute(0)));
  ASSERT_TRUE(run_job(*db_, [&](WriteTxn& txn) { return txn.history().append(a); }));
  auto q = one("urn:s:same");
  q.max_instances = 4;
  auto page = db_->history(q);
  ASSERT_TRUE(page && page->cut);
  EXPECT_EQ(values(*page).size(), 4U);
}

TEST_P(HistoryStoreTest, ErasingAnInstanceAnAttributeAndAnEntity) {
  readings("urn:s:1", 3);
  auto page = db_->history(one("urn:s:1"));
  ASSERT_TRUE(page);
  const auto first = page->entities[0].attributes[0].instances[0].id;
  auto erased = std::make_shared<bool>(false);
  ASSERT_TRUE(run_job(*db_, [&](WriteTxn& txn) -> Status {
    auto r = txn.history().erase_instance("urn:s:1", kLevel, first);
    if (!r) return std::unexpected(r.error());
    *erased = *r;
    return ok();
  }));
  EXPECT_TRUE(*erased);
  EXPECT_EQ(values(*db_->history(one("urn:s:1"))), (std::vector<double>{1, 2}));
  ASSERT_TRUE(run_job(*db_, [&](WriteTxn& txn) -> Status {
    auto r = txn.history().erase_attribute("urn:s:1", kLevel, DatasetChoice{false, {std::nullopt}});
    if (!r) return std::unexpected(r.error());
    return *r == 2 ? ok() : fail(ErrorKind::InternalError, "erased " + std::to_string(*r));
  }));
  page = db_->history(one("urn:s:1"));
  ASSERT_TRUE(page);
  ASSERT_EQ(page->entities.size(), 1U);
  EXPECT_TRUE(page->entities[0].attributes.empty());
  ASSERT_TRUE(run_job(*db_, [&](WriteTxn& txn) -> Status {
    auto r = txn.history().erase_entity("urn:s:1");
    if (!r) return std::unexpected(r.error());
    return *r ? ok() : fail(ErrorKind::InternalError, "not erased");
  }));
  EXPECT_TRUE(db_->history(one("urn:s:1"))->entities.empty());
}

TEST_P(HistoryStoreTest, ReplacingAnInstanceKeepsItsIdAndItsRecordedTime) {
  readings("urn:s:1", 3);
  auto page = db_->history(one("urn:s:1"));
  ASSERT_TRUE(page);
  const auto second = page->entities[0].attributes[0].instances[1];
  model::Attribute value;
  value.value = "replaced";
  value.unit_code = "CEL";
  value.observed_at = minute(1);
  value.created_at = minute(50);
  value.modified_at = minute(60);
  auto replaced = std::make_shared<bool>(false);
  ASSERT_TRUE(run_job(*db_, [&](WriteTxn& txn) -> Status {
    auto r = txn.history().replace_instance("urn:s:1", kLevel, second.id, value);
    if (!r) return std::unexpected(r.error());
    *replaced = *r;
    return ok();
  }));
  EXPECT_TRUE(*replaced);
  page = db_->history(one("urn:s:1"));
  ASSERT_TRUE(page);
  const auto& got = page->entities[0].attributes[0].instances.at(1);
  EXPECT_EQ(got.id, second.id);
  EXPECT_EQ(got.value.value, boost::json::value("replaced"));
  EXPECT_EQ(got.value.unit_code, std::optional<std::string>("CEL"));
  EXPECT_EQ(got.value.created_at, second.value.created_at);
  EXPECT_EQ(got.value.modified_at, minute(60));
}

TEST_P(HistoryStoreTest, RetentionErasesWhatWasRecordedBeforeTheCutoffOnly) {
  readings("urn:s:old", 50, minute(0));
  readings("urn:s:new", 30, minute(100));
  std::size_t total = 0;
  for (;;) {
    const auto n = erase_before(minute(100), 7);
    total += n;
    if (n < 7) break;
  }
  EXPECT_EQ(total, 50U);
  EXPECT_TRUE(values_of("urn:s:old").empty());
  EXPECT_EQ(values_of("urn:s:new").size(), 30U);
}

// Each month an instance is recorded in has its partition (PostgreSQL), made by the write that
// needs it, also when one write spans several months.
TEST_P(HistoryStoreTest, InstancesRecordedInDifferentMonthsAreAllKept) {
  const Timestamp recorded[] = {date(2025, 12, 31), date(2026, 1, 1), date(2026, 3, 15)};
  HistoryAppend a{"urn:s:m", {kType}, recorded[0], {}};
  for (int i = 0; i < 3; ++i) a.instances.push_back(reading(kLevel, i, minute(i), recorded[i]));
  ASSERT_TRUE(run_job(*db_, [&](WriteTxn& txn) { return txn.history().append(a); }));
  readings("urn:s:again", 2, date(2026, 3, 20));  // a month that has its partition already
  EXPECT_EQ(values_of("urn:s:m"), (std::vector<double>{0, 1, 2}));
  EXPECT_EQ(values_of("urn:s:again"), (std::vector<double>{0, 1}));
  if (GetParam() != Backend::Postgres) return;
  EXPECT_EQ(partition_months(), (std::vector<std::int64_t>{postgres::month_of(recorded[0]),
                                                           postgres::month_of(recorded[1]),
                                                           postgres::month_of(recorded[2])}));
  EXPECT_EQ(postgres::partition_name(postgres::month_of(recorded[2])), "history_y2026m03");
}

// The partition a failed write made is undone with it; the next write to that month makes it
// again rather than trusting that it exists.
TEST_P(HistoryStoreTest, AMonthWhoseFirstWriteFailedIsWrittenLater) {
  HistoryAppend june{"urn:s:j", {kType}, date(2026, 6, 2), {}};
  june.instances.push_back(reading(kLevel, 1, minute(0), date(2026, 6, 2)));
  auto failed = run_job(*db_, [&](WriteTxn& txn) -> Status {
    if (auto st = txn.history().append(june); !st) return st;
    return fail(ErrorKind::BadRequestData, "refused after writing");
  });
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().kind, ErrorKind::BadRequestData);
  EXPECT_TRUE(db_->history(one("urn:s:j"))->entities.empty());
  ASSERT_TRUE(run_job(*db_, [&](WriteTxn& txn) { return txn.history().append(june); }));
  EXPECT_EQ(values_of("urn:s:j"), (std::vector<double>{1}));
  // The same within one job: a nested step that made July's partition fails, the next one
  // appends to July.
  HistoryAppend july{"urn:s:k", {kType}, date(2026, 7, 2), {}};
  july.instances.push_back(reading(kLevel, 2, minute(0), date(2026, 7, 2)));
  ASSERT_TRUE(run_job(*db_, [&](WriteTxn& txn) -> Status {
    auto first = txn.nested([&](WriteTxn& inner) -> Status {
      if (auto st = inner.history().append(july); !st) return st;
      return fail(ErrorKind::BadRequestData, "refused after writing");
    });
    if (first) return fail(ErrorKind::InternalError, "the failed step succeeded");
    return txn.nested([&](WriteTxn& inner) { return inner.history().append(july); });
  }));
  EXPECT_EQ(values_of("urn:s:k"), (std::vector<double>{2}));
}

// Months wholly before the cutoff go whole (a dropped partition on PostgreSQL) once what is left
// of them fits in one call's limit; before that they lose rows, as the limit allows.
TEST_P(HistoryStoreTest, RetentionDropsMonthsWhollyBeforeTheCutoff) {
  readings("urn:s:jan", 5, date(2026, 1, 10));
  readings("urn:s:feb", 5, date(2026, 2, 10));
  readings("urn:s:mar", 5, date(2026, 3, 10));
  std::vector<std::size_t> calls;
  for (;;) {
    calls.push_back(erase_before(date(2026, 3, 1), 3));
    if (calls.back() < 3) break;
  }
  EXPECT_EQ(calls, (std::vector<std::size_t>{3, 3, 3, 1}));
  EXPECT_TRUE(values_of("urn:s:jan").empty());
  EXPECT_TRUE(values_of("urn:s:feb").empty());
  EXPECT_EQ(values_of("urn:s:mar").size(), 5U);
  if (GetParam() == Backend::Postgres) {
    EXPECT_EQ(partition_months(),
              (std::vector<std::int64_t>{postgres::month_of(date(2026, 3, 10))}));
  }
  // A month that fits goes in one call, with its rows counted.
  readings("urn:s:apr", 4, date(2026, 4, 10));
  EXPECT_EQ(erase_before(date(2026, 5, 1), 100), 9U);
  EXPECT_TRUE(values_of("urn:s:apr").empty());
  if (GetParam() == Backend::Postgres) {
    EXPECT_TRUE(partition_months().empty());
  }
  // Appending to a month whose partition retention dropped makes it again.
  readings("urn:s:late", 2, date(2026, 3, 11));
  EXPECT_EQ(values_of("urn:s:late").size(), 2U);
}

// What only PostgreSQL's history does: its locks.
class PgHistoryStoreTest : public HistoryStoreTest {};

INSTANTIATE_TEST_SUITE_P(Backends, PgHistoryStoreTest, ::testing::Values(Backend::Postgres),
                         testing::backend_name);

// Dropping a month waits for readers of the history; behind a long read it gives up after a
// second rather than stall the tenant's writes, and succeeds on a later round.
TEST_P(PgHistoryStoreTest, RetentionGivesUpDroppingAMonthThatALongReadHolds) {
  readings("urn:s:jan", 3, date(2026, 1, 10));
  auto reader = postgres::Connection::open(location_.url);
  ASSERT_TRUE(reader) << reader.error().message;
  const auto schema = "\"" + postgres::schema_name_of("") + "\"";
  ASSERT_TRUE((*reader)->exec("BEGIN; SELECT count(*) FROM " + schema + ".history"));
  const auto started = std::chrono::steady_clock::now();
  auto st = run_job(*db_, [&](WriteTxn& txn) -> Status {
    auto r = txn.history().erase_recorded_before(date(2026, 3, 1), 100);
    return r ? ok() : Status(std::unexpected(r.error()));
  });
  EXPECT_FALSE(st);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  EXPECT_EQ(values_of("urn:s:jan").size(), 3U);
  ASSERT_TRUE((*reader)->exec("COMMIT"));
  EXPECT_EQ(erase_before(date(2026, 3, 1), 100), 3U);
  EXPECT_TRUE(partition_months().empty());
}

TEST_P(HistoryStoreTest, AggregatesByFixedAndCalendarPeriods) {
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

// Calendar periods of different lengths, empty ones left out, from the start of an `after` range.
TEST_P(HistoryStoreTest, CalendarPeriodsFollowTheCalendarFromTheStartOfTheRange) {
  HistoryAppend a{"urn:s:cal", {kType}, minute(0), {}};
  const Timestamp observed[] = {date(2026, 1, 31), date(2026, 2, 27), date(2026, 2, 28),
                                date(2026, 5, 1)};
  for (int i = 0; i < 4; ++i) a.instances.push_back(reading(kLevel, i, observed[i], minute(0)));
  ASSERT_TRUE(run_job(*db_, [&](WriteTxn& txn) { return txn.history().append(a); }));
  auto q = one("urn:s:cal");
  q.range = model::TimeRange{model::TimeRel::After, date(2026, 1, 31), {}};
  auto page = db_->aggregate(q, {{model::AggregationMethod::TotalCount,
                                  model::AggregationMethod::Sum, model::AggregationMethod::StdDev},
                                 *model::parse_duration("P1M")});
  ASSERT_TRUE(page) << page.error().message;
  const auto& periods = page->entities.at(0).attributes.at(0).periods;
  // From 31 January: [31 Jan, 28 Feb), [28 Feb, 31 Mar), [30 Apr, 31 May); March-April is empty.
  ASSERT_EQ(periods.size(), 3U);
  EXPECT_EQ(periods[0].start, date(2026, 1, 31));
  EXPECT_EQ(periods[0].end, date(2026, 2, 28));
  EXPECT_EQ(periods[0].values[0], boost::json::value(2));
  EXPECT_EQ(periods[0].values[1], boost::json::value(1));
  EXPECT_EQ(periods[1].start, date(2026, 2, 28));
  EXPECT_EQ(periods[1].values[0], boost::json::value(1));
  EXPECT_EQ(periods[1].values[2], boost::json::value(0));  // one value: no deviation
  EXPECT_EQ(periods[2].start, date(2026, 4, 30));
  EXPECT_EQ(periods[2].end, date(2026, 5, 31));
  EXPECT_EQ(periods[2].values[1], boost::json::value(3));
}

TEST_P(HistoryStoreTest, AMethodThatDoesNotApplyIsRefusedNamingTheAttribute) {
  HistoryAppend a{"urn:s:t", {kType}, minute(0), {}};
  a.instances.push_back(reading(kName, "high", minute(0), minute(0)));
  a.instances.push_back(reading(kName, "low", minute(1), minute(0)));
  ASSERT_TRUE(run_job(*db_, [&](WriteTxn& txn) { return txn.history().append(a); }));
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

// Migration 6 adds the history tables to a SQLite database of the release before it; what was
// stored then has no history (nothing is backfilled, so that opening a large tenant stays fast),
// and history is kept from then on. (PostgreSQL had history from its first migration.)
TEST(SqliteHistoryMigrationTest, MigrationSixStartsTheHistoryOfAnOlderDatabase) {
  const auto location = testing::fresh_location(Backend::Sqlite);
  auto open = [&]() -> std::unique_ptr<sqlite::SqliteStore> {
    auto s = sqlite::SqliteStore::open(location.dir);
    EXPECT_TRUE(s) << s.error().message;
    return s ? std::move(*s) : nullptr;
  };
  auto store = open();
  ASSERT_TRUE(store);
  auto db = *store->tenant("", true);
  model::Entity e;
  e.id = "urn:s:old";
  e.types = {kType};
  ASSERT_TRUE(run_job(*db, [&](WriteTxn& txn) { return txn.insert(e); }));
  const auto file = store->file_of("");
  db.reset();
  store.reset();
  ASSERT_TRUE(downgrade(file, 5));
  store = open();
  ASSERT_TRUE(store);
  auto t = store->tenant("", false);
  ASSERT_TRUE(t) << t.error().message;
  db = *t;
  HistoryQuery q;
  q.entities.push_back(query::EntitySelector{{}, {"urn:s:old"}, {}});
  q.retrieval = true;
  EXPECT_TRUE(db->get("urn:s:old")->has_value());
  EXPECT_TRUE(db->history(q)->entities.empty());
  HistoryAppend a{"urn:s:old", {kType}, minute(0), {}};
  for (int m = 0; m < 2; ++m) a.instances.push_back(reading(kLevel, m, minute(m), minute(0)));
  ASSERT_TRUE(run_job(*db, [&](WriteTxn& txn) { return txn.history().append(a); }));
  EXPECT_EQ(db->history(q)->entities.at(0).attributes.at(0).instances.size(), 2U);
  db.reset();
  store.reset();
  testing::remove_location(location);
}

}  // namespace
}  // namespace tsunagu::store
