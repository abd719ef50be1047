// Aggregated temporal representation, format=aggregatedValues (ETSI GS CIM 009 clause 4.5.19,
// AggregationParams 5.2.44) as docs/design/temporal.md decides it: {"type": ..., "<method>":
// [[value, start, end], ...]}, one triple per period holding instances (empty periods left out);
// periods start at timeAt for after and between, else at the first instance in range, and follow
// each other by calendar arithmetic in UTC; no aggrPeriodDuration or PT0S is one period for the
// whole range; stddev is the sample standard deviation (0 for one value); a method that does not
// apply to an attribute's values is 400 InvalidRequest.
//
// Every expected value is computed here, with plain loops, from the instances the test wrote
// (seeded pseudo-random readings at fixed observedAt times), and compared with a relative
// tolerance of 1e-9.

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>

#include "temporal_support.hpp"

namespace tsunagu::it {
namespace {

namespace json = boost::json;

const std::vector<std::string> kAllMethods = {"totalCount", "distinctCount", "sum",    "avg",
                                              "min",        "max",           "stddev", "sumsq"};

struct Period {
  Millis start = 0;
  Millis end = 0;
  std::vector<double> values;
};

// The non-empty periods [start + k * length, start + (k + 1) * length) of the readings with
// from <= t < to, in ascending order.
std::vector<Period> fixed_periods(const std::vector<Reading>& readings, Millis from, Millis to,
                                  Millis start, Millis length) {
  std::map<Millis, Period> periods;
  for (const auto& r : readings) {
    if (r.t < from || r.t >= to) continue;
    const Millis k = (r.t - start) / length;
    auto& p = periods[k];
    p.start = start + k * length;
    p.end = p.start + length;
    p.values.push_back(r.value);
  }
  std::vector<Period> out;
  for (auto& [k, p] : periods) out.push_back(std::move(p));
  return out;
}

double expected_value(std::string_view method, const std::vector<double>& xs) {
  const auto n = static_cast<double>(xs.size());
  double sum = 0, sumsq = 0;
  for (const double x : xs) {
    sum += x;
    sumsq += x * x;
  }
  if (method == "totalCount") return n;
  if (method == "distinctCount")
    return static_cast<double>(std::set<double>(xs.begin(), xs.end()).size());
  if (method == "sum") return sum;
  if (method == "avg") return sum / n;
  if (method == "min") return *std::min_element(xs.begin(), xs.end());
  if (method == "max") return *std::max_element(xs.begin(), xs.end());
  if (method == "sumsq") return sumsq;
  if (method == "stddev") {
    if (xs.size() < 2) return 0;
    const double mean = sum / n;
    double squares = 0;
    for (const double x : xs) squares += (x - mean) * (x - mean);
    return std::sqrt(squares / (n - 1));
  }
  throw std::runtime_error("unknown method " + std::string(method));
}

// The member `method` of an aggregated attribute is one triple [value, start, end] per period of
// `periods`, in order, the value computed from the period's values.
void expect_method(const json::value& attr, const std::string& method,
                   const std::vector<Period>& periods) {
  SCOPED_TRACE(method);
  ASSERT_TRUE(attr.is_object() && attr.as_object().contains(method)) << attr;
  ASSERT_TRUE(attr.at(method).is_array()) << attr;
  const auto& triples = attr.at(method).as_array();
  ASSERT_EQ(triples.size(), periods.size()) << S(attr.at(method));
  for (std::size_t i = 0; i < periods.size(); ++i) {
    const auto& triple = triples[i];
    ASSERT_TRUE(triple.is_array() && triple.as_array().size() == 3) << triple;
    const auto& items = triple.as_array();
    ASSERT_TRUE(items[0].is_number()) << triple;
    EXPECT_TRUE(Near(number_of(items[0]), expected_value(method, periods[i].values)))
        << "period " << i << ": " << triple;
    EXPECT_EQ(items[1], json::value(iso(periods[i].start))) << "period " << i;
    EXPECT_EQ(items[2], json::value(iso(periods[i].end))) << "period " << i;
  }
}

// `count` readings every `step` from kT0 + offset, skipping those for which skip(t) holds; values
// are seeded pseudo-random multiples of 0.25 in [0, 100] (exact in binary, with repeats).
std::vector<Reading> make_readings(unsigned seed, int count, Millis step, Millis offset = 0,
                                   bool (*skip)(Millis) = nullptr) {
  std::mt19937 random(seed);
  std::vector<Reading> readings;
  for (int k = 0; k < count; ++k) {
    const Millis t = kT0 + offset + k * step;
    const double value = static_cast<double>(random() % 401) / 4.0;
    if (skip != nullptr && skip(t)) continue;
    readings.push_back({t, value});
  }
  return readings;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

class TemporalAggregate : public TemporalTest {
 protected:
  std::string type() { return unique("Shelter"); }

  // An entity of this test's type whose attribute `attr` holds the readings (loaded through the
  // temporal API).
  std::string make(const std::vector<Reading>& readings, const std::string& attr = "occupancy") {
    const auto id = new_id();
    EXPECT_TRUE(load(id, type(), attr, readings_as_instances(readings)));
    return id;
  }

  // An entity whose attribute `attr` has the given instances (a JSON array text).
  std::string make_instances(std::string_view instances, const std::string& attr) {
    const auto id = new_id();
    EXPECT_TRUE(load(id, type(), attr, J(instances).as_array()));
    return id;
  }

  static std::string aggregated(const std::vector<std::string>& methods,
                                std::string_view duration = "") {
    std::string q = "?format=aggregatedValues&aggrMethods=" + join(methods);
    if (!duration.empty()) q += "&aggrPeriodDuration=" + std::string(duration);
    return q;
  }

  static std::string between(Millis from, Millis to) {
    return "&timerel=between&timeAt=" + iso(from) + "&endTimeAt=" + iso(to);
  }
};

bool skip_hours_5_and_6(Millis t) {
  const Millis hour = (t - kT0) / kHour;
  return hour == 5 || hour == 6;
}

// ---- every method over fixed and calendar periods ----

TEST_F(TemporalAggregate, EveryMethodOverHourlyPeriods) {
  const auto readings = make_readings(20260101, 300, 7 * kMinute, 0, skip_hours_5_and_6);
  const auto id = make(readings);
  const Millis from = kT0, to = kT0 + 36 * kHour;
  const auto h = history(id, aggregated(kAllMethods, "PT1H") + between(from, to));
  const auto& attr = h.at("occupancy");
  // "type" and one member per method, nothing else.
  EXPECT_EQ(attribute_names(attr), std::set<std::string>(kAllMethods.begin(), kAllMethods.end()))
      << attr;
  EXPECT_EQ(attr.at("type"), json::value("Property"));
  const auto periods = fixed_periods(readings, from, to, from, kHour);
  ASSERT_EQ(periods.size(), 33U);  // 35 hours of readings, hours 5 and 6 empty
  for (const auto& method : kAllMethods) expect_method(attr, method, periods);
}

TEST_F(TemporalAggregate, EveryMethodOverDailyPeriods) {
  const auto readings = make_readings(7, 400, 17 * kMinute);  // about 4.7 days
  const auto id = make(readings);
  const Millis from = kT0 + kDay, to = kT0 + 4 * kDay;
  const auto h = history(id, aggregated(kAllMethods, "P1D") + between(from, to));
  const auto periods = fixed_periods(readings, from, to, from, kDay);
  ASSERT_EQ(periods.size(), 3U);
  for (const auto& method : kAllMethods) expect_method(h.at("occupancy"), method, periods);
}

TEST_F(TemporalAggregate, MinutesAndSecondsDurations) {
  const auto readings = make_readings(99, 200, 13 * kSecond);
  const auto id = make(readings);
  const Millis from = kT0, to = kT0 + 45 * kMinute;
  const auto h = history(id, aggregated({"sum", "avg", "max"}, "PT5M30S") + between(from, to));
  const auto periods = fixed_periods(readings, from, to, from, 5 * kMinute + 30 * kSecond);
  for (const auto* method : {"sum", "avg", "max"}) {
    expect_method(h.at("occupancy"), method, periods);
  }
}

TEST_F(TemporalAggregate, WeeksAndCombinedDurations) {
  const auto readings = make_readings(5, 300, 77 * kMinute);  // 16 days
  const auto id = make(readings);
  // Ranges that are whole numbers of periods: two weeks, ten times 36 hours.
  const Millis weeks = kT0 + 14 * kDay, halves = kT0 + 15 * kDay;
  expect_method(history(id, aggregated({"sum"}, "P1W") + between(kT0, weeks)).at("occupancy"),
                "sum", fixed_periods(readings, kT0, weeks, kT0, 7 * kDay));
  expect_method(history(id, aggregated({"sum"}, "P1DT12H") + between(kT0, halves)).at("occupancy"),
                "sum", fixed_periods(readings, kT0, halves, kT0, 36 * kHour));
}

TEST_F(TemporalAggregate, CalendarMonthsFollowCalendarArithmetic) {
  // P1M from 31 January: 28 February (2026 is not a leap year), then 31 March, then 30 April.
  const auto id = make_instances(R"([
    {"type": "Property", "value": 1, "observedAt": "2026-02-01T00:00:00.000Z"},
    {"type": "Property", "value": 2, "observedAt": "2026-02-27T23:59:59.999Z"},
    {"type": "Property", "value": 4, "observedAt": "2026-02-28T00:00:00.000Z"},
    {"type": "Property", "value": 8, "observedAt": "2026-03-30T12:00:00.000Z"},
    {"type": "Property", "value": 16, "observedAt": "2026-03-31T00:00:00.000Z"},
    {"type": "Property", "value": 32, "observedAt": "2026-04-29T23:00:00.000Z"},
    {"type": "Property", "value": 64, "observedAt": "2026-04-30T00:00:00.000Z"}])",
                                 "occupancy");
  const auto h = history(id, aggregated({"sum", "totalCount"}, "P1M") +
                                 "&timerel=between&timeAt=2026-01-31T00:00:00.000Z"
                                 "&endTimeAt=2026-04-30T00:00:00.000Z");
  EXPECT_EQ(h.at("occupancy").at("sum"), A(R"([
    [3, "2026-01-31T00:00:00.000Z", "2026-02-28T00:00:00.000Z"],
    [12, "2026-02-28T00:00:00.000Z", "2026-03-31T00:00:00.000Z"],
    [48, "2026-03-31T00:00:00.000Z", "2026-04-30T00:00:00.000Z"]])"));
  EXPECT_EQ(h.at("occupancy").at("totalCount"), J(R"([
    [2, "2026-01-31T00:00:00.000Z", "2026-02-28T00:00:00.000Z"],
    [2, "2026-02-28T00:00:00.000Z", "2026-03-31T00:00:00.000Z"],
    [2, "2026-03-31T00:00:00.000Z", "2026-04-30T00:00:00.000Z"]])"));
}

TEST_F(TemporalAggregate, CalendarYears) {
  const auto id = make_instances(R"([
    {"type": "Property", "value": 1, "observedAt": "2024-02-29T00:00:00.000Z"},
    {"type": "Property", "value": 2, "observedAt": "2025-02-28T23:59:59.999Z"},
    {"type": "Property", "value": 4, "observedAt": "2025-03-01T00:00:00.000Z"}])",
                                 "occupancy");
  // P1Y from 29 February 2024 is 28 February 2025.
  const auto h = history(id, aggregated({"sum"}, "P1Y") +
                                 "&timerel=between&timeAt=2024-02-29T00:00:00.000Z"
                                 "&endTimeAt=2026-02-28T00:00:00.000Z");
  EXPECT_EQ(h.at("occupancy").at("sum"), J(R"([
    [1, "2024-02-29T00:00:00.000Z", "2025-02-28T00:00:00.000Z"],
    [6, "2025-02-28T00:00:00.000Z", "2026-02-28T00:00:00.000Z"]])"));
}

// ---- the single period and where periods start ----

TEST_F(TemporalAggregate, WithoutDurationOnePeriodCoversTheRange) {
  const auto readings = make_readings(11, 120, 11 * kMinute);
  const auto id = make(readings);
  const Millis from = kT0 + kHour, to = kT0 + 20 * kHour;
  const auto periods = fixed_periods(readings, from, to, from, to - from);
  ASSERT_EQ(periods.size(), 1U);
  for (const auto* duration : {"", "PT0S", "P0D"}) {
    SCOPED_TRACE(duration);
    const auto h = history(id, aggregated(kAllMethods, duration) + between(from, to));
    for (const auto& method : kAllMethods) expect_method(h.at("occupancy"), method, periods);
  }
}

TEST_F(TemporalAggregate, EmptyPeriodsAreLeftOut) {
  const auto id = make_instances(R"([
    {"type": "Property", "value": 5, "observedAt": "2026-01-01T00:10:00.000Z"},
    {"type": "Property", "value": 7, "observedAt": "2026-01-01T02:10:00.000Z"}])",
                                 "occupancy");
  const auto h = history(id, aggregated({"sum"}, "PT1H") + between(kT0, kT0 + 4 * kHour));
  EXPECT_EQ(h.at("occupancy"), J(R"({"type": "Property", "sum": [
    [5, "2026-01-01T00:00:00.000Z", "2026-01-01T01:00:00.000Z"],
    [7, "2026-01-01T02:00:00.000Z", "2026-01-01T03:00:00.000Z"]]})"));
}

TEST_F(TemporalAggregate, AfterPeriodsStartAtTimeAt) {
  const auto id = make_instances(R"([
    {"type": "Property", "value": 1, "observedAt": "2026-01-01T00:30:00.000Z"},
    {"type": "Property", "value": 2, "observedAt": "2026-01-01T01:45:00.000Z"}])",
                                 "occupancy");
  const auto h = history(id, aggregated({"sum"}, "PT1H") + "&timerel=after&timeAt=" + iso(kT0));
  EXPECT_EQ(h.at("occupancy").at("sum"), J(R"([
    [1, "2026-01-01T00:00:00.000Z", "2026-01-01T01:00:00.000Z"],
    [2, "2026-01-01T01:00:00.000Z", "2026-01-01T02:00:00.000Z"]])"));
}

TEST_F(TemporalAggregate, BeforePeriodsStartAtTheFirstInstanceInRange) {
  const auto id = make_instances(R"([
    {"type": "Property", "value": 1, "observedAt": "2026-01-01T00:30:00.000Z"},
    {"type": "Property", "value": 2, "observedAt": "2026-01-01T01:45:00.000Z"},
    {"type": "Property", "value": 4, "observedAt": "2026-01-01T02:10:00.000Z"},
    {"type": "Property", "value": 8, "observedAt": "2026-01-01T03:00:00.000Z"}])",
                                 "occupancy");
  const auto h =
      history(id, aggregated({"sum"}, "PT1H") + "&timerel=before&timeAt=" + iso(kT0 + 3 * kHour));
  EXPECT_EQ(h.at("occupancy").at("sum"), J(R"([
    [1, "2026-01-01T00:30:00.000Z", "2026-01-01T01:30:00.000Z"],
    [6, "2026-01-01T01:30:00.000Z", "2026-01-01T02:30:00.000Z"]])"));
}

TEST_F(TemporalAggregate, WithoutTemporalQueryPeriodsStartAtTheFirstInstance) {
  const auto id = make_instances(R"([
    {"type": "Property", "value": 1, "observedAt": "2026-01-01T00:30:00.000Z"},
    {"type": "Property", "value": 2, "observedAt": "2026-01-01T01:45:00.000Z"}])",
                                 "occupancy");
  EXPECT_EQ(history(id, aggregated({"sum"}, "PT1H")).at("occupancy").at("sum"), J(R"([
    [1, "2026-01-01T00:30:00.000Z", "2026-01-01T01:30:00.000Z"],
    [2, "2026-01-01T01:30:00.000Z", "2026-01-01T02:30:00.000Z"]])"));
}

// ---- values of each kind ----

TEST_F(TemporalAggregate, StddevOfASingleValueIsZero) {
  const auto id = make_instances(R"([
    {"type": "Property", "value": 42, "observedAt": "2026-01-01T00:10:00.000Z"}])",
                                 "occupancy");
  const auto h = history(id, aggregated({"stddev"}) + between(kT0, kT0 + kHour));
  const auto& triples = h.at("occupancy").at("stddev").as_array();
  ASSERT_EQ(triples.size(), 1U);
  EXPECT_EQ(number_of(triples[0].as_array()[0]), 0.0);
}

TEST_F(TemporalAggregate, BooleansCountTrueAsOne) {
  const auto id = make_instances(R"([
    {"type": "Property", "value": true, "observedAt": "2026-01-01T00:01:00.000Z"},
    {"type": "Property", "value": false, "observedAt": "2026-01-01T00:02:00.000Z"},
    {"type": "Property", "value": true, "observedAt": "2026-01-01T00:03:00.000Z"},
    {"type": "Property", "value": true, "observedAt": "2026-01-01T00:04:00.000Z"}])",
                                 "open");
  const auto h = history(id, aggregated(kAllMethods) + between(kT0, kT0 + kHour));
  const auto& attr = h.at("open");
  const std::map<std::string, double> expected = {{"totalCount", 4}, {"distinctCount", 2},
                                                  {"sum", 3},        {"avg", 0.75},
                                                  {"stddev", 0.5},   {"sumsq", 3}};
  for (const auto& [method, value] : expected) {
    ASSERT_EQ(attr.at(method).as_array().size(), 1U) << method << attr;
    EXPECT_TRUE(Near(number_of(attr.at(method).as_array()[0].as_array()[0]), value)) << method;
  }
  // min and max of booleans: false/true, or 0/1.
  const auto min = attr.at("min").as_array()[0].as_array()[0];
  const auto max = attr.at("max").as_array()[0].as_array()[0];
  EXPECT_TRUE(min == json::value(false) || min == json::value(0)) << min;
  EXPECT_TRUE(max == json::value(true) || max == json::value(1)) << max;
}

TEST_F(TemporalAggregate, StringsHaveLexicographicMinAndMax) {
  const auto id = make_instances(R"([
    {"type": "Property", "value": "banana", "observedAt": "2026-01-01T00:01:00.000Z"},
    {"type": "Property", "value": "apple", "observedAt": "2026-01-01T00:02:00.000Z"},
    {"type": "Property", "value": "cherry", "observedAt": "2026-01-01T00:03:00.000Z"},
    {"type": "Property", "value": "apple", "observedAt": "2026-01-01T00:04:00.000Z"},
    {"type": "Property", "value": "Zebra", "observedAt": "2026-01-01T00:05:00.000Z"}])",
                                 "status");
  const auto h = history(
      id, aggregated({"min", "max", "distinctCount", "totalCount"}) + between(kT0, kT0 + kHour));
  const auto period = [](const char* v) {
    return json::array{
        json::array{json::value(v), "2026-01-01T00:00:00.000Z", "2026-01-01T01:00:00.000Z"}};
  };
  EXPECT_EQ(h.at("status").at("min"), json::value(period("Zebra")));  // 'Z' < 'a'
  EXPECT_EQ(h.at("status").at("max"), json::value(period("cherry")));
  EXPECT_EQ(h.at("status").at("distinctCount"), J(R"([[4, "2026-01-01T00:00:00.000Z",
                                                      "2026-01-01T01:00:00.000Z"]])"));
  EXPECT_EQ(h.at("status").at("totalCount"), J(R"([[5, "2026-01-01T00:00:00.000Z",
                                                   "2026-01-01T01:00:00.000Z"]])"));
}

TEST_F(TemporalAggregate, DateTimeStringsHaveChronologicalMinAndMax) {
  const auto id = make_instances(R"([
    {"type": "Property", "value": "2026-03-01T00:00:00.000Z",
     "observedAt": "2026-01-01T00:01:00.000Z"},
    {"type": "Property", "value": "2025-12-31T00:00:00.000Z",
     "observedAt": "2026-01-01T00:02:00.000Z"},
    {"type": "Property", "value": "2026-01-15T12:00:00.000Z",
     "observedAt": "2026-01-01T00:03:00.000Z"}])",
                                 "inspectedAt");
  const auto h = history(id, aggregated({"min", "max"}) + between(kT0, kT0 + kHour));
  EXPECT_EQ(h.at("inspectedAt").at("min"),
            J(R"([["2025-12-31T00:00:00.000Z", "2026-01-01T00:00:00.000Z",
                   "2026-01-01T01:00:00.000Z"]])"));
  EXPECT_EQ(h.at("inspectedAt").at("max"),
            J(R"([["2026-03-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z",
                   "2026-01-01T01:00:00.000Z"]])"));
}

TEST_F(TemporalAggregate, ArraysAggregateTheirSizes) {
  const auto id = make_instances(R"([
    {"type": "Property", "value": [1, 2], "observedAt": "2026-01-01T00:01:00.000Z"},
    {"type": "Property", "value": ["a", "b", "c", "d"], "observedAt": "2026-01-01T00:02:00.000Z"},
    {"type": "Property", "value": [], "observedAt": "2026-01-01T00:03:00.000Z"}])",
                                 "exits");
  const auto h = history(
      id, aggregated({"sum", "avg", "min", "max", "totalCount"}) + between(kT0, kT0 + kHour));
  const std::map<std::string, double> expected = {
      {"sum", 6}, {"avg", 2}, {"min", 0}, {"max", 4}, {"totalCount", 3}};
  for (const auto& [method, value] : expected) {
    const auto& triples = h.at("exits").at(method).as_array();
    ASSERT_EQ(triples.size(), 1U) << method;
    EXPECT_TRUE(Near(number_of(triples[0].as_array()[0]), value)) << method;
  }
}

TEST_F(TemporalAggregate, RelationshipsCountTheirDistinctTargets) {
  const auto id = make_instances(R"([
    {"type": "Relationship", "object": "urn:ngsi-ld:Org:a", "observedAt": "2026-01-01T00:01:00.000Z"},
    {"type": "Relationship", "object": "urn:ngsi-ld:Org:b", "observedAt": "2026-01-01T00:02:00.000Z"},
    {"type": "Relationship", "object": "urn:ngsi-ld:Org:a", "observedAt": "2026-01-01T00:03:00.000Z"}
  ])",
                                 "operatedBy");
  const auto h =
      history(id, aggregated({"distinctCount", "totalCount"}) + between(kT0, kT0 + kHour));
  EXPECT_EQ(h.at("operatedBy"), J(R"({"type": "Relationship",
    "distinctCount": [[2, "2026-01-01T00:00:00.000Z", "2026-01-01T01:00:00.000Z"]],
    "totalCount": [[3, "2026-01-01T00:00:00.000Z", "2026-01-01T01:00:00.000Z"]]})"));
}

TEST_F(TemporalAggregate, TombstonesAreNotCounted) {
  // Recorded through the core API: two values, then the deletion's tombstone. All three have a
  // createdAt; only the two values count.
  const auto id = new_id();
  auto entity = E(id, R"({"speed": {"type": "Property", "value": 1}})");
  entity.as_object()["type"] = type();
  ASSERT_STATUS(create(entity), 201);
  ASSERT_STATUS(http().patch(entity_path(id) + "/attrs", R"({"speed": {"type": "Property",
                                                                     "value": 2}})"),
                204);
  ASSERT_STATUS(http().del(entity_path(id) + "/attrs/speed"), 204);
  const auto h =
      history(id, aggregated({"totalCount", "sum"}) +
                      "&timeproperty=createdAt&timerel=after&timeAt=2020-01-01T00:00:00.000Z");
  ASSERT_EQ(h.at("speed").at("totalCount").as_array().size(), 1U) << h;
  EXPECT_EQ(h.at("speed").at("totalCount").as_array()[0].as_array()[0], json::value(2));
  EXPECT_EQ(h.at("speed").at("sum").as_array()[0].as_array()[0], json::value(3));
}

TEST_F(TemporalAggregate, OptionsAggregatedValuesIsASynonym) {
  const auto id = make_instances(R"([
    {"type": "Property", "value": 5, "observedAt": "2026-01-01T00:10:00.000Z"}])",
                                 "occupancy");
  const auto range = between(kT0, kT0 + kHour);
  EXPECT_EQ(
      history(id, "?options=aggregatedValues&aggrMethods=sum&aggrPeriodDuration=PT1H" + range),
      history(id, aggregated({"sum"}, "PT1H") + range));
}

TEST_F(TemporalAggregate, TheQueryEndpointAggregatesEachEntity) {
  const auto ra = make_readings(1, 50, 5 * kMinute), rb = make_readings(2, 80, 3 * kMinute);
  const auto a = make(ra), b = make(rb);
  const Millis from = kT0, to = kT0 + 5 * kHour;
  const auto answer =
      query_temporal("?type=" + type() + "&" + aggregated({"sum", "stddev"}, "PT1H").substr(1) +
                     between(from, to));
  ASSERT_EQ(ids_of(json::value(answer)), (std::set<std::string>{a, b}));
  for (const auto& entity : answer) {
    const auto& readings = entity.at("id") == json::value(a) ? ra : rb;
    const auto periods = fixed_periods(readings, from, to, from, kHour);
    expect_method(entity.at("occupancy"), "sum", periods);
    expect_method(entity.at("occupancy"), "stddev", periods);
  }
}

// ---- errors ----

TEST_F(TemporalAggregate, MethodThatDoesNotApplyIs400InvalidRequestNamingBoth) {
  const auto id = make_instances(R"([
    {"type": "Property", "value": "open", "observedAt": "2026-01-01T00:10:00.000Z"}])",
                                 "status");
  const auto res = get_temporal(id, aggregated({"sum"}) + between(kT0, kT0 + kHour));
  EXPECT_PROBLEM(res, 400, "InvalidRequest");
  if (res.status == 400) {
    const std::string detail(res.json().at("detail").as_string());
    EXPECT_NE(detail.find("sum"), std::string::npos) << detail;
    EXPECT_NE(detail.find("status"), std::string::npos) << detail;
  }
}

TEST_F(TemporalAggregate, MethodsThatDoNotApplyToAKindAre400) {
  struct Case {
    const char* attr;
    const char* instance;
    std::vector<std::string> refused;
  };
  const std::vector<Case> cases = {
      {"operatedBy",
       R"({"type": "Relationship", "object": "urn:ngsi-ld:Org:a",
           "observedAt": "2026-01-01T00:10:00.000Z"})",
       {"sum", "avg", "min", "max", "stddev", "sumsq"}},
      {"contact",
       R"({"type": "Property", "value": {"floor": 2}, "observedAt": "2026-01-01T00:10:00.000Z"})",
       {"sum", "avg", "min", "max", "stddev", "sumsq"}},
      {"exits",
       R"({"type": "Property", "value": [1, 2], "observedAt": "2026-01-01T00:10:00.000Z"})",
       {"stddev", "sumsq"}},
      {"status",
       R"({"type": "Property", "value": "open", "observedAt": "2026-01-01T00:10:00.000Z"})",
       {"sum", "avg", "stddev", "sumsq"}},
  };
  for (const auto& c : cases) {
    const auto id = make_instances("[" + std::string(c.instance) + "]", c.attr);
    for (const auto& method : c.refused) {
      EXPECT_PROBLEM(get_temporal(id, aggregated({method}) + between(kT0, kT0 + kHour)), 400,
                     "InvalidRequest")
          << c.attr << " " << method;
    }
    // totalCount and distinctCount apply to everything.
    EXPECT_STATUS(
        get_temporal(id, aggregated({"totalCount", "distinctCount"}) + between(kT0, kT0 + kHour)),
        200)
        << c.attr;
  }
}

TEST_F(TemporalAggregate, EligibilityConcernsOnlyTheSelectedAttributes) {
  const auto id = new_id();
  ASSERT_TRUE(load(id, type(), "occupancy", A(R"([{"type": "Property", "value": 5,
                          "observedAt": "2026-01-01T00:10:00.000Z"}])")));
  ASSERT_TRUE(load(id, type(), "status", A(R"([{"type": "Property", "value": "open",
                          "observedAt": "2026-01-01T00:10:00.000Z"}])")));
  const auto range = between(kT0, kT0 + kHour);
  EXPECT_PROBLEM(get_temporal(id, aggregated({"sum"}) + range), 400, "InvalidRequest");
  const auto h = history(id, aggregated({"sum"}) + "&attrs=occupancy" + range);
  EXPECT_EQ(attribute_names(h), std::set<std::string>{"occupancy"});
}

TEST_F(TemporalAggregate, UnknownMethodIs400) {
  const auto id = make(make_readings(3, 5, kMinute));
  EXPECT_TRUE(IsBadRequest(get_temporal(id, aggregated({"median"}))));
  EXPECT_TRUE(IsBadRequest(get_temporal(id, aggregated({"sum", "Sum"}))));
}

TEST_F(TemporalAggregate, MissingAggrMethodsIs400) {
  const auto id = make(make_readings(3, 5, kMinute));
  EXPECT_TRUE(IsBadRequest(get_temporal(id, "?format=aggregatedValues")));
  EXPECT_TRUE(IsBadRequest(get_temporal(id, "?format=aggregatedValues&aggrMethods=")));
}

TEST_F(TemporalAggregate, MalformedDurationsAre400) {
  const auto id = make(make_readings(3, 5, kMinute));
  for (const auto* bad : {"P", "PT", "1H", "P1H", "PT1D", "P1W2D", "P1DT", "-P1D", "hour", "P1Y2",
                          "PT1H30", "2026-01-01T00:00:00Z/PT1H"}) {
    EXPECT_TRUE(IsBadRequest(get_temporal(id, aggregated({"sum"}, url_encode(bad))))) << bad;
  }
}

}  // namespace
}  // namespace tsunagu::it
