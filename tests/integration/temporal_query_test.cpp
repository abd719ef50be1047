// Query Temporal Evolution of Entities: GET /ngsi-ld/v1/temporal/entities and POST
// /ngsi-ld/v1/temporal/entityOperations/query (ETSI GS CIM 009 clauses 5.7.4, 6.18.3.2, 6.24) as
// docs/design/temporal.md decides it: timerel and timeAt required (400 BadRequestData); a query
// must name type, attrs, q or a geoQ (400); id, idPattern and type select history entities (the
// union of every type an entity had); q, geoQ and scopeQ select entities by their instances in the
// time range (an attribute in a condition matches when any of its instances in the range does,
// ETSI test 021_08), and the selected entities' instances in the range are all returned;
// limit/offset/count page through entities; entities deleted from the core stay queryable.

#include <map>
#include <set>
#include <thread>

#include "temporal_support.hpp"

namespace tsunagu::it {
namespace {

namespace json = boost::json;

class TemporalQuery : public TemporalTest {
 protected:
  std::string type() { return unique("Vehicle"); }

  std::string make(const std::map<std::string, Series>& attrs, std::string_view extra = "{}") {
    return make_series(json::value(type()), attrs, extra);
  }

  // "?type=<this test's type>&timerel=between&timeAt=<from>&endTimeAt=<to>" (minutes).
  std::string between(Millis from, Millis to) {
    return "?type=" + type() + "&timerel=between&timeAt=" + minute(from) +
           "&endTimeAt=" + minute(to);
  }

  std::set<std::string> ids(std::string_view query_string) {
    return ids_of(json::value(query_temporal(query_string)));
  }

  // The entity of `id` in a query answer (null when absent).
  static json::value entity_in(const json::array& answer, const std::string& id) {
    for (const auto& entity : answer) {
      if (entity.is_object() && entity.as_object().contains("id") &&
          entity.at("id") == json::value(id)) {
        return entity;
      }
    }
    return nullptr;
  }
};

std::string geo_near(double meters) {
  return "&georel=" + url_encode("near;maxDistance==" + std::to_string(static_cast<int>(meters))) +
         "&geometry=Point&coordinates=" + url_encode("[135.5,34.7]");
}

json::value point(double lon, double lat) {
  return json::object{{"type", "Point"}, {"coordinates", json::array{lon, lat}}};
}

// ---- required parameters ----

TEST_F(TemporalQuery, TimerelAndTimeAtAreRequired) {
  make({{"speed", {{0, 1}}}});
  EXPECT_PROBLEM(http().get(kTemporal + "?type=" + type()), 400, "BadRequestData");
  EXPECT_PROBLEM(http().get(kTemporal + "?type=" + type() + "&timerel=after"), 400,
                 "BadRequestData");
  EXPECT_PROBLEM(http().get(kTemporal + "?type=" + type() + "&timeAt=" + minute(0)), 400,
                 "BadRequestData");
}

TEST_F(TemporalQuery, BetweenWithoutEndTimeAtIs400) {
  EXPECT_PROBLEM(http().get(kTemporal + "?type=" + type() + "&timerel=between&timeAt=" + minute(0)),
                 400, "BadRequestData");
}

// A query must narrow the entities as a core query must: by type, id, idPattern, attrs, q,
// geoQ or scopeQ (Tsunagu takes ids as narrow enough, where clause 5.7.4.4 asks for more).
TEST_F(TemporalQuery, AQueryNamingNothingIsTooWide) {
  const auto id = make({{"speed", {{0, 1}}}});
  const auto range = "timerel=after&timeAt=" + minute(0);
  EXPECT_PROBLEM(http().get(kTemporal + "?" + range), 400, "BadRequestData");
  EXPECT_EQ(ids("?id=" + id + "&" + range), std::set<std::string>{id});
  EXPECT_EQ(ids("?idPattern=" + url_encode("^" + id + "$") + "&" + range),
            std::set<std::string>{id});
}

TEST_F(TemporalQuery, AttrsAloneIsNarrowEnough) {
  const auto attr = unique("reading");
  const auto a = make({{attr, {{0, 1}}}});
  make({{"speed", {{0, 1}}}});
  EXPECT_EQ(ids("?attrs=" + attr + "&timerel=after&timeAt=" + minute(0)), std::set<std::string>{a});
}

TEST_F(TemporalQuery, QAloneIsNarrowEnough) {
  const auto attr = unique("reading");
  const auto a = make({{attr, {{0, 7}}}});
  EXPECT_EQ(ids("?q=" + attr + "==7&timerel=after&timeAt=" + minute(0)), std::set<std::string>{a});
}

TEST_F(TemporalQuery, MalformedQIs400) {
  EXPECT_PROBLEM(http().get(kTemporal + "?type=" + type() + "&q=" + url_encode("speed>>") +
                            "&timerel=after&timeAt=" + minute(0)),
                 400, "BadRequestData");
}

// ---- selection by id, idPattern and type ----

TEST_F(TemporalQuery, TypeSelectsEntitiesAndReturnsTheirInstancesInTheRange) {
  const auto a = make({{"speed", {{0, 10}, {1, 11}, {9, 19}}}});
  const auto b = make({{"speed", {{2, 20}}}});
  make_series(json::value(unique("Other")), {{"speed", {{1, 30}}}});
  const auto answer = query_temporal(between(0, 5));
  EXPECT_EQ(ids_of(json::value(answer)), (std::set<std::string>{a, b}));
  EXPECT_EQ(entity_in(answer, a).at("type"), json::value(type()));
  EXPECT_EQ(comparable(instances_of(entity_in(answer, a), "speed")),
            (json::array{property_at(10, kT0), property_at(11, kT0 + kMinute)}));
  EXPECT_EQ(comparable(instances_of(entity_in(answer, b), "speed")),
            (json::array{property_at(20, kT0 + 2 * kMinute)}));
  EXPECT_TRUE(HasInstanceIds(instances_of(entity_in(answer, a), "speed")));
}

TEST_F(TemporalQuery, IdAndIdPatternNarrowTheSelection) {
  const auto a = make({{"speed", {{0, 1}}}});
  const auto b = make({{"speed", {{0, 2}}}});
  const auto c = make({{"speed", {{0, 3}}}});
  EXPECT_EQ(ids(between(0, 5) + "&id=" + a + "," + c), (std::set<std::string>{a, c}));
  EXPECT_EQ(ids(between(0, 5) + "&idPattern=" + url_encode(".*-2$")), std::set<std::string>{b});
}

TEST_F(TemporalQuery, TypeMatchesEveryTypeTheEntityEverHad) {
  const auto old_type = unique("Old"), new_type = unique("New");
  const auto id = make_series(json::value(old_type), {{"speed", {{0, 1}}}});
  auto replacement = E(id, R"({"speed": {"type": "Property", "value": 1,
                                         "observedAt": "2026-01-01T00:00:00.000Z"}})");
  replacement.as_object()["type"] = new_type;
  ASSERT_STATUS(http().put(entity_path(id), S(replacement)), 204);
  const auto range = "&timerel=after&timeAt=" + minute(0);
  EXPECT_EQ(ids("?type=" + old_type + range), std::set<std::string>{id});
  EXPECT_EQ(ids("?type=" + new_type + range), std::set<std::string>{id});
}

TEST_F(TemporalQuery, UnknownTypeGivesAnEmptyArray) {
  EXPECT_EQ(query_temporal("?type=" + unique("Nothing") + "&timerel=after&timeAt=" + minute(0)),
            json::array{});
}

TEST_F(TemporalQuery, EntitiesDeletedFromTheCoreRemainQueryable) {
  const auto a = make({{"speed", {{0, 10}, {1, 11}}}});
  const auto b = make({{"speed", {{0, 20}}}});
  ASSERT_STATUS(http().del(entity_path(a)), 204);
  const auto answer = query_temporal(between(0, 5));
  EXPECT_EQ(ids_of(json::value(answer)), (std::set<std::string>{a, b}));
  // The tombstone has no observedAt: it is outside the observedAt range.
  EXPECT_EQ(comparable(instances_of(entity_in(answer, a), "speed")),
            (json::array{property_at(10, kT0), property_at(11, kT0 + kMinute)}));
}

// ---- q, geoQ and scopeQ over the instances in the range (ETSI 021_08) ----

TEST_F(TemporalQuery, QSelectsEntitiesByTheirInstancesInTheRange) {
  // a exceeds 90 only outside the range; b inside it; c never.
  const auto a = make({{"speed", {{1, 80}, {10, 120}}}});
  const auto b = make({{"speed", {{2, 95}, {3, 50}}}});
  make({{"speed", {{2, 70}}}});
  EXPECT_EQ(ids(between(0, 5) + "&q=" + url_encode("speed>90")), std::set<std::string>{b});
  EXPECT_EQ(ids(between(0, 20) + "&q=" + url_encode("speed>90")), (std::set<std::string>{a, b}));
}

TEST_F(TemporalQuery, QDoesNotFilterTheInstancesOfTheSelectedEntities) {
  const auto b = make({{"speed", {{2, 95}, {3, 50}}}, {"fuel", {{1, 40}, {4, 30}}}});
  const auto answer = query_temporal(between(0, 5) + "&q=" + url_encode("speed>90"));
  ASSERT_EQ(ids_of(json::value(answer)), std::set<std::string>{b});
  const auto entity = entity_in(answer, b);
  EXPECT_EQ(comparable(instances_of(entity, "speed")),
            (json::array{property_at(95, kT0 + 2 * kMinute), property_at(50, kT0 + 3 * kMinute)}));
  EXPECT_EQ(comparable(instances_of(entity, "fuel")),
            (json::array{property_at(40, kT0 + kMinute), property_at(30, kT0 + 4 * kMinute)}));
}

TEST_F(TemporalQuery, EachQConditionMayMatchADifferentInstance) {
  // a: speed > 90 at minute 1 and fuel < 10 at minute 2; b: never both in the range.
  const auto a = make({{"speed", {{1, 95}, {2, 10}}}, {"fuel", {{1, 50}, {2, 5}}}});
  make({{"speed", {{1, 95}}}, {"fuel", {{1, 50}, {8, 5}}}});
  EXPECT_EQ(ids(between(0, 5) + "&q=" + url_encode("speed>90;fuel<10")), std::set<std::string>{a});
}

TEST_F(TemporalQuery, GeoQuerySelectsByTheLocationsInTheRange) {
  const auto near = point(135.5, 34.7), far = point(139.7, 35.7);
  auto located = [this](const json::value& first, const json::value& second) {
    const auto id = new_id();
    auto entity = E(id, "{}");
    entity.as_object()["type"] = type();
    entity.as_object()["location"] =
        json::object{{"type", "GeoProperty"}, {"value", first}, {"observedAt", minute(0)}};
    EXPECT_STATUS(create(entity), 201);
    const json::object patch{
        {"location",
         json::object{{"type", "GeoProperty"}, {"value", second}, {"observedAt", minute(10)}}}};
    EXPECT_STATUS(http().patch(entity_path(id) + "/attrs", S(patch)), 204);
    return id;
  };
  const auto a = located(near, far);
  const auto b = located(far, near);
  EXPECT_EQ(ids(between(0, 5) + geo_near(2000)), std::set<std::string>{a});
  EXPECT_EQ(ids(between(5, 15) + geo_near(2000)), std::set<std::string>{b});
  EXPECT_EQ(ids(between(0, 15) + geo_near(2000)), (std::set<std::string>{a, b}));
}

TEST_F(TemporalQuery, ScopeQSelectsByTheScopesInTheRange) {
  const auto root = "/" + unique("Osaka");
  const auto c = make({}, R"({"scope": ")" + root + R"(/Kita"})");
  const auto a = make({}, R"({"scope": ")" + root + R"(/Kita"})");
  make({}, R"({"scope": ")" + root + R"(/Naka"})");
  std::this_thread::sleep_for(15ms);
  ASSERT_STATUS(http().patch(entity_path(a), S(json::object{{"scope", root + "/Naka"}})), 204);
  const auto changed = read(a, "?options=sysAttrs");
  ASSERT_TRUE(changed.is_object());
  const auto scope_q = "&scopeQ=" + url_encode(root + "/Kita");
  // Scope instances are observed at the entity's modifiedAt: now.
  EXPECT_EQ(ids("?type=" + type() + "&timerel=after&timeAt=2020-01-01T00:00:00.000Z" + scope_q),
            (std::set<std::string>{a, c}));
  // From a's change on, only its new scope is in the range.
  EXPECT_EQ(ids("?type=" + type() + "&timerel=after&timeAt=" +
                std::string(changed.at("modifiedAt").as_string()) + scope_q),
            std::set<std::string>{});
}

// ---- lastN, paging through entities, representations ----

TEST_F(TemporalQuery, LastNAppliesToEachAttributeOfEachEntity) {
  const auto a = make({{"speed", {{0, 1}, {1, 2}, {2, 3}, {3, 4}}}, {"fuel", {{0, 9}, {1, 8}}}});
  const auto b = make({{"speed", {{0, 5}, {4, 6}}}});
  const auto answer = query_temporal(between(0, 10) + "&lastN=1");
  EXPECT_EQ(values_of(instances_of(entity_in(answer, a), "speed")), J("[4]"));
  EXPECT_EQ(values_of(instances_of(entity_in(answer, a), "fuel")), J("[8]"));
  EXPECT_EQ(values_of(instances_of(entity_in(answer, b), "speed")), J("[6]"));
}

TEST_F(TemporalQuery, LimitOffsetAndCountPageThroughEntities) {
  std::set<std::string> all;
  for (int i = 0; i < 5; ++i) all.emplace(make({{"speed", {{i, i}}}}));
  const auto first = http().get(kTemporal + between(0, 10) + "&limit=2&count=true");
  ASSERT_STATUS(first, 200);
  EXPECT_EQ(first.header("NGSILD-Results-Count"), "5");
  EXPECT_EQ(first.json().as_array().size(), 2U);
  std::set<std::string> seen;
  std::size_t total = 0;
  for (int offset = 0; offset < 6; offset += 2) {
    const auto page = query_temporal(between(0, 10) + "&limit=2&offset=" + std::to_string(offset));
    total += page.size();
    for (const auto& id : ids_of(json::value(page))) seen.emplace(id);
  }
  EXPECT_EQ(total, 5U);
  EXPECT_EQ(seen, all);
  EXPECT_FALSE(http().get(kTemporal + between(0, 10)).has_header("NGSILD-Results-Count"));
}

TEST_F(TemporalQuery, TemporalValuesFormatAppliesToEveryEntity) {
  const auto a = make({{"speed", {{0, 10}, {1, 11}}}});
  const auto answer = query_temporal(between(0, 5) + "&format=temporalValues");
  ASSERT_EQ(answer.size(), 1U);
  EXPECT_EQ(
      answer.front(),
      (json::object{{"id", a}, {"type", type()}, {"speed", J(R"({"type": "Property", "values": [
                                              [10, "2026-01-01T00:00:00.000Z"],
                                              [11, "2026-01-01T00:01:00.000Z"]]})")}}));
}

// ---- POST /temporal/entityOperations/query ----

TEST_F(TemporalQuery, PostQuerySelectsAsTheGetQueryDoes) {
  const auto a = make({{"speed", {{0, 10}, {9, 19}}}});
  const auto b = make({{"speed", {{2, 20}}}});
  json::object body{
      {"type", "Query"},
      {"entities", json::array{json::object{{"type", type()}}}},
      {"temporalQ",
       json::object{{"timerel", "between"}, {"timeAt", minute(0)}, {"endTimeAt", minute(5)}}}};
  const auto res = post_query(body);
  ASSERT_STATUS(res, 200);
  const auto answer = res.json().as_array();
  EXPECT_EQ(ids_of(json::value(answer)), (std::set<std::string>{a, b}));
  EXPECT_EQ(comparable(instances_of(entity_in(answer, a), "speed")),
            json::array{property_at(10, kT0)});
}

TEST_F(TemporalQuery, PostQueryWithQAndLastN) {
  const auto a = make({{"speed", {{0, 95}, {1, 96}, {2, 10}}}});
  make({{"speed", {{0, 50}}}});
  json::object body{
      {"type", "Query"},
      {"entities", json::array{json::object{{"type", type()}}}},
      {"q", "speed>90"},
      {"temporalQ", json::object{{"timerel", "after"}, {"timeAt", minute(0)}, {"lastN", 2}}}};
  const auto res = post_query(body);
  ASSERT_STATUS(res, 200);
  const auto answer = res.json().as_array();
  EXPECT_EQ(ids_of(json::value(answer)), std::set<std::string>{a});
  EXPECT_EQ(values_of(instances_of(entity_in(answer, a), "speed")), J("[96, 10]"));
}

TEST_F(TemporalQuery, PostQueryPagesWithLimitAndCountInTheUrl) {
  for (int i = 0; i < 3; ++i) make({{"speed", {{i, i}}}});
  json::object body{{"type", "Query"},
                    {"entities", json::array{json::object{{"type", type()}}}},
                    {"temporalQ", json::object{{"timerel", "after"}, {"timeAt", minute(0)}}}};
  const auto res = post_query(body, "?limit=1&count=true");
  ASSERT_STATUS(res, 200);
  EXPECT_EQ(res.header("NGSILD-Results-Count"), "3");
  EXPECT_EQ(res.json().as_array().size(), 1U);
}

TEST_F(TemporalQuery, PostQueryWithoutTemporalQIs400) {
  json::object body{{"type", "Query"}, {"entities", json::array{json::object{{"type", type()}}}}};
  EXPECT_PROBLEM(post_query(body), 400, "BadRequestData");
}

TEST_F(TemporalQuery, PostQueryThatIsTooWideIs400) {
  json::object body{{"type", "Query"},
                    {"temporalQ", json::object{{"timerel", "after"}, {"timeAt", minute(0)}}}};
  EXPECT_PROBLEM(post_query(body), 400, "BadRequestData");
}

TEST_F(TemporalQuery, PostQueryWithBrokenJsonIs400InvalidRequest) {
  EXPECT_PROBLEM(http().post(kTemporalQuery, R"({"type": "Query", )"), 400, "InvalidRequest");
}

}  // namespace
}  // namespace tsunagu::it
