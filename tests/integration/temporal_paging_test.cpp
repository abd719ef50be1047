// Long histories (docs/design/temporal.md, "Long histories"; ETSI GS CIM 009 clause 6.3.10): at
// most 1,000 instances per attribute in one response; when the range holds more, 206 Partial
// Content with every attribute cut at the same instant and Content-Range: date-time
// <start>-<end>/<size>. Without lastN the page runs forward from the start of the range ("*"
// size, end = the last instant returned); with lastN above 1,000 it runs backward from the end
// of the range (size = lastN, end = the earliest instant returned). Following pages lose nothing.

#include <algorithm>
#include <limits>
#include <set>
#include <tuple>

#include "temporal_support.hpp"

namespace tsunagu::it {
namespace {

namespace json = boost::json;

// The history every test loads: "a" has 1,500 instances one minute apart from kT0 + 10 min
// (values 0..1499), "b" 500 instances three minutes apart from the same instant (values 10000 +
// j), so that b has an instance at every third instant of a, in particular at a's 1,000th.
constexpr Millis kStart = kT0 + 10 * kMinute;
constexpr int kCountA = 1500;
constexpr int kCountB = 500;

Millis time_a(int k) {
  return kStart + k * kMinute;
}
Millis time_b(int j) {
  return kStart + 3 * j * kMinute;
}

using Key = std::tuple<std::string, Millis, double>;  // attribute, observedAt, value

std::multiset<Key> written(int from_a = 0, int to_a = kCountA, int from_b = 0, int to_b = kCountB) {
  std::multiset<Key> keys;
  for (int k = from_a; k < to_a; ++k) keys.emplace("a", time_a(k), k);
  for (int j = from_b; j < to_b; ++j) keys.emplace("b", time_b(j), 10000 + j);
  return keys;
}

// The (attribute, observedAt, value) of every instance of a and b in a temporal entity.
std::multiset<Key> keys_of(const json::value& entity) {
  std::multiset<Key> keys;
  for (const auto* attr : {"a", "b"}) {
    for (const auto& instance : instances_of(entity, attr)) {
      keys.emplace(attr, millis_of(instance.at("observedAt")), number_of(instance.at("value")));
    }
  }
  return keys;
}

// The latest and earliest observedAt of an attribute's instances.
Millis latest(const json::value& entity, std::string_view attr) {
  Millis t = 0;
  for (const auto observed : observed_times(instances_of(entity, attr))) t = std::max(t, observed);
  return t;
}
Millis earliest(const json::value& entity, std::string_view attr) {
  Millis t = std::numeric_limits<Millis>::max();
  for (const auto observed : observed_times(instances_of(entity, attr))) t = std::min(t, observed);
  return t;
}

class TemporalPaging : public TemporalTest {
 protected:
  std::string type() { return unique("Sensor"); }

  // Loads the history of a and b (through the temporal API); returns the id.
  std::string make_long_history() {
    const auto id = new_id();
    json::array a, b;
    for (int k = 0; k < kCountA; ++k) a.push_back(property_at(k, time_a(k)));
    for (int j = 0; j < kCountB; ++j) b.push_back(property_at(10000 + j, time_b(j)));
    EXPECT_TRUE(load(id, type(), "a", a));
    EXPECT_TRUE(load(id, type(), "b", b));
    return id;
  }

  static std::string between(Millis from, Millis to) {
    return "timerel=between&timeAt=" + iso(from) + "&endTimeAt=" + iso(to);
  }
};

// ---- forward pages ----

TEST_F(TemporalPaging, MoreThanAThousandInstancesGive206CutAtOneInstant) {
  const auto id = make_long_history();
  const Millis to = kT0 + 3000 * kMinute;
  const auto res = get_temporal(id, "?" + between(kT0, to));
  ASSERT_STATUS(res, 206);
  const auto range = content_range(res);
  ASSERT_TRUE(range.has_value()) << "Content-Range: '" << res.header("Content-Range") << "'";
  EXPECT_EQ(range->start, kT0) << "between: the page starts at timeAt";
  EXPECT_EQ(range->end, time_a(999)) << "the last instant returned";
  EXPECT_EQ(range->size, "*");
  const auto page = res.json();
  // a: its first 1,000 instances; b: every instance up to the same instant, including the one at
  // that very instant.
  EXPECT_EQ(keys_of(page), written(0, 1000, 0, 334));
  EXPECT_EQ(latest(page, "b"), time_a(999));
  EXPECT_EQ(comparable(instances_of(page, "a")).front(), json::value(property_at(0, time_a(0))));
}

TEST_F(TemporalPaging, FollowingPagesLoseNothing) {
  const auto id = make_long_history();
  const Millis to = kT0 + 3000 * kMinute;
  std::multiset<Key> seen;
  Millis from = kT0;
  int pages = 0;
  for (;;) {
    ASSERT_LT(++pages, 10) << "paging does not end";
    const auto res = get_temporal(id, "?" + between(from, to));
    ASSERT_TRUE(res.status == 200 || res.status == 206) << res.status << " " << res.body;
    for (const auto& key : keys_of(res.json())) seen.insert(key);
    if (res.status == 200) {
      EXPECT_FALSE(res.has_header("Content-Range")) << res.header("Content-Range");
      break;
    }
    const auto range = content_range(res);
    ASSERT_TRUE(range.has_value()) << res.header("Content-Range");
    ASSERT_GE(range->end, from);
    from = range->end + 1;  // the next millisecond: `between` includes timeAt
  }
  EXPECT_EQ(pages, 2);
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kCountA + kCountB));
  EXPECT_TRUE(seen == written()) << "the union of the pages differs from what was written";
}

TEST_F(TemporalPaging, AfterPagesStartAtTimeAt) {
  const auto id = make_long_history();
  const auto res = get_temporal(id, "?timerel=after&timeAt=" + iso(kT0));
  ASSERT_STATUS(res, 206);
  const auto range = content_range(res);
  ASSERT_TRUE(range.has_value()) << res.header("Content-Range");
  EXPECT_EQ(range->start, kT0);
  EXPECT_EQ(range->end, time_a(999));
  EXPECT_EQ(range->size, "*");
  EXPECT_EQ(keys_of(res.json()), written(0, 1000, 0, 334));
}

TEST_F(TemporalPaging, WithoutTemporalQueryPagesStartAtTheFirstInstance) {
  const auto id = make_long_history();
  const auto res = get_temporal(id);
  ASSERT_STATUS(res, 206);
  const auto range = content_range(res);
  ASSERT_TRUE(range.has_value()) << res.header("Content-Range");
  EXPECT_EQ(range->start, kStart);
  EXPECT_EQ(range->end, time_a(999));
  EXPECT_EQ(keys_of(res.json()), written(0, 1000, 0, 334));
}

TEST_F(TemporalPaging, AThousandInstancesAreAnsweredWhole) {
  const auto id = make_long_history();
  const auto res = get_temporal(id, "?" + between(kStart, time_a(1000)));
  ASSERT_STATUS(res, 200);
  EXPECT_FALSE(res.has_header("Content-Range"));
  EXPECT_EQ(keys_of(res.json()), written(0, 1000, 0, 334));
}

// ---- lastN ----

TEST_F(TemporalPaging, LastNUpToAThousandIsAnsweredWhole) {
  const auto id = make_long_history();
  const auto res = get_temporal(id, "?lastN=1000&" + between(kT0, kT0 + 3000 * kMinute));
  ASSERT_STATUS(res, 200);
  EXPECT_FALSE(res.has_header("Content-Range"));
  const auto body = res.json();
  EXPECT_EQ(keys_of(body), written(500, kCountA, 0, kCountB));
  EXPECT_EQ(earliest(body, "a"), time_a(500));
}

TEST_F(TemporalPaging, LastNAboveAThousandGives206BackwardWithSizeLastN) {
  const auto id = make_long_history();
  const Millis to = kT0 + 3000 * kMinute;
  const auto res = get_temporal(id, "?lastN=1200&" + between(kT0, to));
  ASSERT_STATUS(res, 206);
  const auto range = content_range(res);
  ASSERT_TRUE(range.has_value()) << "Content-Range: '" << res.header("Content-Range") << "'";
  EXPECT_EQ(range->size, "1200");
  EXPECT_EQ(range->start, to) << "between with lastN: the page starts at endTimeAt";
  EXPECT_EQ(range->end, time_a(500)) << "the earliest instant returned";
  const auto page = res.json();
  // a: its last 1,000 instances in ascending order; b: its instances from that instant on.
  EXPECT_EQ(keys_of(page), written(500, kCountA, 167, kCountB));
  const auto times = observed_times(instances_of(page, "a"));
  EXPECT_TRUE(std::is_sorted(times.begin(), times.end()));

  // The rest, backward from the end of the first page (endTimeAt excludes it).
  const auto rest = get_temporal(id, "?lastN=200&" + between(kT0, range->end));
  ASSERT_STATUS(rest, 200);
  std::multiset<Key> seen = keys_of(page);
  for (const auto& key : keys_of(rest.json())) seen.insert(key);
  EXPECT_TRUE(seen == written(300, kCountA, 0, kCountB)) << "the last 1,200 of a, all of b";
}

// ---- the query endpoints page too ----

TEST_F(TemporalPaging, QueryGives206WithTheSameCut) {
  const auto id = make_long_history();
  const auto res =
      http().get(kTemporal + "?type=" + type() + "&" + between(kT0, kT0 + 3000 * kMinute));
  ASSERT_STATUS(res, 206);
  const auto range = content_range(res);
  ASSERT_TRUE(range.has_value()) << res.header("Content-Range");
  EXPECT_EQ(range->start, kT0);
  EXPECT_EQ(range->end, time_a(999));
  const auto body = res.json();
  ASSERT_TRUE(body.is_array() && body.as_array().size() == 1U) << res.body.substr(0, 500);
  EXPECT_EQ(body.as_array()[0].at("id"), json::value(id));
  EXPECT_EQ(keys_of(body.as_array()[0]), written(0, 1000, 0, 334));
}

TEST_F(TemporalPaging, PostQueryGives206WithTheSameCut) {
  const auto id = make_long_history();
  const json::object body{{"type", "Query"},
                          {"entities", json::array{json::object{{"type", type()}}}},
                          {"temporalQ", json::object{{"timerel", "after"}, {"timeAt", iso(kT0)}}}};
  const auto res = post_query(body);
  ASSERT_STATUS(res, 206);
  const auto range = content_range(res);
  ASSERT_TRUE(range.has_value()) << res.header("Content-Range");
  EXPECT_EQ(range->start, kT0);
  EXPECT_EQ(range->end, time_a(999));
  const auto answer = res.json();
  ASSERT_TRUE(answer.is_array() && answer.as_array().size() == 1U) << res.body.substr(0, 500);
  EXPECT_EQ(answer.as_array()[0].at("id"), json::value(id));
  EXPECT_EQ(keys_of(answer.as_array()[0]), written(0, 1000, 0, 334));
}

}  // namespace
}  // namespace tsunagu::it
