// Query entities: GET /ngsi-ld/v1/entities (ETSI GS CIM 009 v1.8 clause 5.7.2, HTTP binding
// 6.4.3.2; pagination 5.5.9 and 6.3.10; counting 6.3.13; q-language 4.9; geo-queries 4.10).
// Each test uses types and attribute names made from its own name, so it sees only its entities.
// The spec defines no default order of results: lists are compared as sets or sorted by id.

#include <algorithm>

#include "fixture.hpp"

namespace tsunagu::it {
namespace {

class QueryEntities : public BrokerTest {
 protected:
  // Creates an entity of `type` with the given attribute members (a JSON object text).
  std::string make(const std::string& type, std::string_view members = "{}") {
    const auto id = new_id();
    auto entity = E(id, members);
    entity.as_object()["type"] = type;
    EXPECT_STATUS(create(entity), 201);
    return id;
  }

  // GET /entities<query>, expecting 200 and a JSON array.
  boost::json::value query(const std::string& query_string) {
    const auto res = http().get(kEntities + query_string);
    EXPECT_STATUS(res, 200);
    EXPECT_TRUE(res.header("Content-Type").starts_with("application/json"));
    auto body = res.json();
    EXPECT_TRUE(body.is_array()) << body;
    return body;
  }

  std::set<std::string> query_ids(const std::string& query_string) {
    return ids_of(query(query_string));
  }
};

boost::json::value sorted_by_id(boost::json::value list) {
  auto& array = list.as_array();
  std::sort(array.begin(), array.end(), [](const auto& a, const auto& b) {
    return a.at("id").as_string() < b.at("id").as_string();
  });
  return list;
}

TEST_F(QueryEntities, ByTypeReturnsEveryEntityOfThatTypeInFull) {
  const auto type = unique("Shelter");
  const auto a = make(type, R"({"capacity": {"type": "Property", "value": 10}})");
  const auto b = make(type, R"({"capacity": {"type": "Property", "value": 20}})");
  make(unique("Hospital"));
  auto expected = J("[]");
  for (const auto& [id, capacity] : {std::pair{a, 10}, std::pair{b, 20}}) {
    auto entity = E(id, R"({})");
    entity.as_object()["type"] = type;
    entity.as_object()["capacity"] = boost::json::object{{"type", "Property"}, {"value", capacity}};
    expected.as_array().push_back(entity);
  }
  EXPECT_EQ(sorted_by_id(query("?type=" + type)), sorted_by_id(expected));
}

TEST_F(QueryEntities, ByListOfTypes) {
  const auto shelter = unique("Shelter");
  const auto hospital = unique("Hospital");
  const auto a = make(shelter);
  const auto b = make(hospital);
  make(unique("School"));
  EXPECT_EQ(query_ids("?type=" + shelter + "," + hospital), (std::set<std::string>{a, b}));
}

TEST_F(QueryEntities, UnknownTypeGivesAnEmptyArray) {
  EXPECT_EQ(query("?type=" + unique("Nothing")), J("[]"));
}

TEST_F(QueryEntities, ByListOfIds) {
  const auto type = unique("Shelter");
  const auto a = make(type);
  make(type);
  const auto c = make(type);
  EXPECT_EQ(query_ids("?id=" + a + "," + c), (std::set<std::string>{a, c}));
}

TEST_F(QueryEntities, ByIdsAndTypeMatchesBoth) {
  const auto type = unique("Shelter");
  const auto a = make(type);
  const auto b = make(unique("Hospital"));
  EXPECT_EQ(query_ids("?type=" + type + "&id=" + a + "," + b), (std::set<std::string>{a}));
}

TEST_F(QueryEntities, ByIdPattern) {
  const auto type = unique("Shelter");
  const auto first = make(type);  // ...-1
  make(type);                     // ...-2
  const auto third = make(type);  // ...-3
  const std::string prefix = first.substr(0, first.size() - 1);
  ASSERT_EQ(third, prefix + "3");
  EXPECT_EQ(query_ids("?idPattern=" + url_encode("^" + prefix + "[13]$")),
            (std::set<std::string>{first, third}));
}

TEST_F(QueryEntities, InvalidIdPatternIs400) {
  EXPECT_PROBLEM(http().get(kEntities + "?idPattern=" + url_encode("urn:(")), 400,
                 "BadRequestData");
}

TEST_F(QueryEntities, ByAttrsReturnsEntitiesHavingOneOfThemWithOnlyThoseAttributes) {
  const auto type = unique("Shelter");
  const auto rare = unique("rare");
  const auto other = unique("other");
  const auto a = make(type, R"({"name": {"type": "Property", "value": "a"}})");
  auto b_members = J(R"({"name": {"type": "Property", "value": "b"}})");
  b_members.as_object()[rare] = J(R"({"type": "Property", "value": 1})");
  const auto b = make(type, S(b_members));
  auto c_members = J("{}");
  c_members.as_object()[other] = J(R"({"type": "Property", "value": 2})");
  const auto c = make(type, S(c_members));
  (void)a;

  auto expected = J("[]");
  auto b_out = E(b, "{}");
  b_out.as_object()["type"] = type;
  b_out.as_object()[rare] = J(R"({"type": "Property", "value": 1})");
  expected.as_array().push_back(b_out);
  auto c_out = E(c, "{}");
  c_out.as_object()["type"] = type;
  c_out.as_object()[other] = J(R"({"type": "Property", "value": 2})");
  expected.as_array().push_back(c_out);
  EXPECT_EQ(sorted_by_id(query("?attrs=" + rare + "," + other)), sorted_by_id(expected));
}

TEST_F(QueryEntities, WithoutAnyFilterIs400) {
  // 6.4.3.2: at least one of type, id, idPattern, attrs, q, geoQ must be given.
  EXPECT_PROBLEM(http().get(kEntities), 400, "BadRequestData");
  EXPECT_PROBLEM(http().get(kEntities + "?limit=10&offset=0"), 400, "BadRequestData");
  EXPECT_PROBLEM(http().get(kEntities + "?options=keyValues"), 400, "BadRequestData");
}

TEST_F(QueryEntities, PagesWithLimitAndOffsetCoverEveryEntityOnce) {
  const auto type = unique("Shelter");
  std::set<std::string> all;
  for (int i = 0; i < 5; ++i) all.insert(make(type));
  std::set<std::string> seen;
  std::size_t total = 0;
  for (int offset = 0; offset < 6; offset += 2) {
    const auto page = query("?type=" + type + "&limit=2&offset=" + std::to_string(offset));
    EXPECT_EQ(page.as_array().size(), offset < 4 ? 2U : 1U) << "offset " << offset;
    total += page.as_array().size();
    for (const auto& id : ids_of(page)) seen.insert(id);
  }
  EXPECT_EQ(total, 5U);
  EXPECT_EQ(seen, all);
  EXPECT_EQ(query("?type=" + type + "&limit=2&offset=5"), J("[]"));
}

TEST_F(QueryEntities, CountGivesTheTotalInAHeader) {
  const auto type = unique("Shelter");
  for (int i = 0; i < 5; ++i) make(type);
  const auto res = http().get(kEntities + "?type=" + type + "&count=true&limit=2");
  ASSERT_STATUS(res, 200);
  EXPECT_EQ(res.header("NGSILD-Results-Count"), "5");
  EXPECT_EQ(res.json().as_array().size(), 2U);
}

TEST_F(QueryEntities, CountOfNothingIsZero) {
  const auto res = http().get(kEntities + "?type=" + unique("Nothing") + "&count=true");
  ASSERT_STATUS(res, 200);
  EXPECT_EQ(res.header("NGSILD-Results-Count"), "0");
  EXPECT_EQ(res.json(), J("[]"));
}

TEST_F(QueryEntities, LimitZeroWithCountGivesOnlyTheCount) {
  const auto type = unique("Shelter");
  for (int i = 0; i < 3; ++i) make(type);
  const auto res = http().get(kEntities + "?type=" + type + "&count=true&limit=0");
  ASSERT_STATUS(res, 200);
  EXPECT_EQ(res.header("NGSILD-Results-Count"), "3");
  EXPECT_EQ(res.json(), J("[]"));
}

TEST_F(QueryEntities, WithoutCountThereIsNoCountHeader) {
  const auto type = unique("Shelter");
  make(type);
  const auto res = http().get(kEntities + "?type=" + type);
  ASSERT_STATUS(res, 200);
  EXPECT_FALSE(res.has_header("NGSILD-Results-Count"));
}

TEST_F(QueryEntities, LimitZeroWithoutCountIs400) {
  // 6.3.10: limit=0 is only meaningful together with count=true.
  EXPECT_PROBLEM(http().get(kEntities + "?type=" + unique("Shelter") + "&limit=0"), 400,
                 "BadRequestData");
}

TEST_F(QueryEntities, InvalidPaginationIs400) {
  const auto type = unique("Shelter");
  EXPECT_PROBLEM(http().get(kEntities + "?type=" + type + "&limit=-1"), 400, "BadRequestData");
  EXPECT_PROBLEM(http().get(kEntities + "?type=" + type + "&limit=ten"), 400, "BadRequestData");
  EXPECT_PROBLEM(http().get(kEntities + "?type=" + type + "&offset=-3"), 400, "BadRequestData");
  EXPECT_PROBLEM(http().get(kEntities + "?type=" + type + "&count=maybe"), 400, "BadRequestData");
}

TEST_F(QueryEntities, DeletedEntitiesAreNotFound) {
  const auto type = unique("Shelter");
  const auto a = make(type);
  const auto b = make(type);
  ASSERT_STATUS(http().del(entity_path(a)), 204);
  EXPECT_EQ(query_ids("?type=" + type), (std::set<std::string>{b}));
}

// The q language (clause 4.9) and geo-queries (4.10), served from the value index and R*Tree
// and decided by the exact evaluators.
TEST_F(QueryEntities, QComparesNumbers) {
  const auto type = unique("Shelter");
  make(type, R"({"capacity": {"type": "Property", "value": 50}})");
  const auto b = make(type, R"({"capacity": {"type": "Property", "value": 150}})");
  const auto c = make(type, R"({"capacity": {"type": "Property", "value": 300}})");
  make(type);
  EXPECT_EQ(query_ids("?type=" + type + "&q=" + url_encode("capacity>100")),
            (std::set<std::string>{b, c}));
  EXPECT_EQ(query_ids("?type=" + type + "&q=" + url_encode("capacity==150")),
            (std::set<std::string>{b}));
}

TEST_F(QueryEntities, QComparesStringsAndCombinesWithAnd) {
  const auto type = unique("Shelter");
  const auto a = make(type, R"({"status": {"type": "Property", "value": "open"},
                                "capacity": {"type": "Property", "value": 200}})");
  const auto b = make(type, R"({"status": {"type": "Property", "value": "open"},
                                "capacity": {"type": "Property", "value": 20}})");
  make(type, R"({"status": {"type": "Property", "value": "closed"},
                 "capacity": {"type": "Property", "value": 500}})");
  EXPECT_EQ(query_ids("?type=" + type + "&q=" + url_encode(R"(status=="open")")),
            (std::set<std::string>{a, b}));
  EXPECT_EQ(query_ids("?type=" + type + "&q=" + url_encode(R"(status=="open";capacity>100)")),
            (std::set<std::string>{a}));
}

TEST_F(QueryEntities, QAloneIsAFilter) {
  const auto attr = unique("level");
  const auto a =
      make(unique("Shelter"), "{\"" + attr + "\": {\"type\": \"Property\", \"value\": 3}}");
  EXPECT_EQ(query_ids("?q=" + url_encode(attr + "==3")), (std::set<std::string>{a}));
}

TEST_F(QueryEntities, InvalidQIs400) {
  EXPECT_PROBLEM(http().get(kEntities + "?type=" + unique("S") + "&q=" + url_encode("capacity>>")),
                 400, "BadRequestData");
}

TEST_F(QueryEntities, GeoQueryNear) {
  const auto type = unique("Shelter");
  // About 1.1 km and 55 km from the reference point (135.5, 34.7).
  const auto near = make(type, R"({"location": {"type": "GeoProperty",
      "value": {"type": "Point", "coordinates": [135.5, 34.71]}}})");
  make(type, R"({"location": {"type": "GeoProperty",
      "value": {"type": "Point", "coordinates": [135.5, 35.2]}}})");
  const std::string geo = "&georel=" + url_encode("near;maxDistance==2000") +
                          "&geometry=Point&coordinates=" + url_encode("[135.5,34.7]");
  EXPECT_EQ(query_ids("?type=" + type + geo), (std::set<std::string>{near}));
}

TEST_F(QueryEntities, GeoQueryWithin) {
  const auto type = unique("Shelter");
  const auto inside = make(type, R"({"location": {"type": "GeoProperty",
      "value": {"type": "Point", "coordinates": [135.5, 34.5]}}})");
  make(type, R"({"location": {"type": "GeoProperty",
      "value": {"type": "Point", "coordinates": [137.0, 34.5]}}})");
  const std::string geo =
      "&georel=within&geometry=Polygon&coordinates=" +
      url_encode("[[[135.0,34.0],[136.0,34.0],[136.0,35.0],[135.0,35.0],[135.0,34.0]]]");
  EXPECT_EQ(query_ids("?type=" + type + geo), (std::set<std::string>{inside}));
}

TEST_F(QueryEntities, IncompleteGeoQueryIs400) {
  const auto type = unique("Shelter");
  EXPECT_PROBLEM(http().get(kEntities + "?type=" + type + "&georel=near&geometry=Point"), 400,
                 "BadRequestData");
  EXPECT_PROBLEM(
      http().get(kEntities + "?type=" + type + "&georel=" + url_encode("near;maxDistance==10") +
                 "&geometry=Point&coordinates=" + url_encode("[500,34]")),
      400, "BadRequestData");
}

}  // namespace
}  // namespace tsunagu::it
