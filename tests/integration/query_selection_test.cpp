// Which entities a query selects beyond the basics of query_entities_test.cpp: type expressions
// (clause 4.17), scopes and scopeQ (4.18, 4.19), and POST /entityOperations/query with a Query
// body (clause 6.23, data type Query 5.2.23).

#include "fixture.hpp"

namespace tsunagu::it {
namespace {

class QuerySelection : public BrokerTest {
 protected:
  // Creates an entity with the given types (one, or a JSON array text) and extra members.
  std::string make(const boost::json::value& types, std::string_view members = "{}") {
    const auto id = new_id();
    auto entity = E(id, members);
    entity.as_object()["type"] = types;
    EXPECT_STATUS(create(entity), 201);
    return id;
  }
  std::string make(const std::string& type, std::string_view members = "{}") {
    return make(boost::json::value(type), members);
  }

  std::set<std::string> get_ids(const std::string& query_string) {
    const auto res = http().get(kEntities + query_string);
    EXPECT_STATUS(res, 200);
    return res.status == 200 ? ids_of(res.json()) : std::set<std::string>{};
  }

  Response post_query(std::string_view body, const std::string& params = "",
                      const Headers& headers = {}) {
    return http().post(kBatch + "/query" + params, body, headers);
  }

  std::set<std::string> post_ids(std::string_view body, const std::string& params = "") {
    const auto res = post_query(body, params);
    EXPECT_STATUS(res, 200);
    return res.status == 200 ? ids_of(res.json()) : std::set<std::string>{};
  }
};

// ---- type expressions ----

TEST_F(QuerySelection, TypeAndNeedsBothTypes) {
  const auto a = unique("Building"), b = unique("Shelter");
  const auto both = make(boost::json::array{a.c_str(), b.c_str()});
  make(a);
  make(b);
  EXPECT_EQ(get_ids("?type=" + a + ";" + b), (std::set<std::string>{both}));
}

TEST_F(QuerySelection, TypeOrWithBarAndComma) {
  const auto a = unique("Park"), b = unique("School"), c = unique("Hospital");
  const auto x = make(a), y = make(b);
  make(c);
  EXPECT_EQ(get_ids("?type=" + a + "|" + b), (std::set<std::string>{x, y}));
  EXPECT_EQ(get_ids("?type=" + a + "," + b), (std::set<std::string>{x, y}));
}

TEST_F(QuerySelection, TypeParenthesesAndPrecedence) {
  const auto a = unique("A"), b = unique("B"), c = unique("C");
  const auto ab = make(boost::json::array{a.c_str(), b.c_str()});
  const auto only_c = make(c);
  const auto ac = make(boost::json::array{a.c_str(), c.c_str()});
  make(b);
  // ';' binds tighter than '|'.
  EXPECT_EQ(get_ids("?type=" + a + ";" + b + "|" + c), (std::set<std::string>{ab, only_c, ac}));
  EXPECT_EQ(get_ids("?type=" + a + ";(" + b + "|" + c + ")"), (std::set<std::string>{ab, ac}));
  EXPECT_EQ(get_ids("?type=(" + a + "|" + b + ");" + c), (std::set<std::string>{ac}));
}

TEST_F(QuerySelection, TypeExpressionWithCountAndPaging) {
  const auto a = unique("A"), b = unique("B");
  for (int i = 0; i < 5; ++i) make(boost::json::array{a.c_str(), b.c_str()});
  make(a);
  const auto res = http().get(kEntities + "?type=" + a + ";" + b + "&limit=2&count=true");
  ASSERT_STATUS(res, 200);
  EXPECT_EQ(res.json().as_array().size(), 2u);
  EXPECT_EQ(res.header("NGSILD-Results-Count"), "5");
}

TEST_F(QuerySelection, TypeExpressionWithTheFullIri) {
  const auto a = unique("A"), b = unique("B");
  const auto ab = make(boost::json::array{a.c_str(), b.c_str()});
  EXPECT_EQ(get_ids("?type=" + url_encode(std::string(kDefaultVocab) + a) + ";" + b),
            (std::set<std::string>{ab}));
}

TEST_F(QuerySelection, MalformedTypeExpressionIsBadRequestNamingThePosition) {
  const auto res = http().get(kEntities + "?type=A;(B|C");
  EXPECT_PROBLEM(res, 400, "BadRequestData");
  EXPECT_NE(std::string(res.json().at("detail").as_string()).find("position"), std::string::npos)
      << S(res.json());
  EXPECT_PROBLEM(http().get(kEntities + "?type=A;;B"), 400, "BadRequestData");
  EXPECT_PROBLEM(http().get(kEntities + "?type=A|"), 400, "BadRequestData");
}

// ---- scope ----

TEST_F(QuerySelection, ScopeQExactAndDescendants) {
  const auto type = unique("Shelter");
  const auto root = unique("Osaka");
  const auto kita = make(type, R"({"scope": "/)" + root + R"(/Kita"})");
  const auto umeda = make(type, R"({"scope": ["/)" + root + R"(/Kita/Umeda", "/Other"]})");
  const auto top = make(type, R"({"scope": "/)" + root + R"("})");
  make(type);
  EXPECT_EQ(get_ids("?type=" + type + "&scopeQ=/" + root + "/Kita"), (std::set<std::string>{kita}));
  EXPECT_EQ(get_ids("?type=" + type + "&scopeQ=" + url_encode("/" + root + "/#")),
            (std::set<std::string>{kita, umeda, top}));
  EXPECT_EQ(get_ids("?type=" + type + "&scopeQ=" + url_encode("/" + root + "/+")),
            (std::set<std::string>{kita}));
  EXPECT_EQ(get_ids("?type=" + type + "&scopeQ=" + url_encode("/#")),
            (std::set<std::string>{kita, umeda, top}));
}

TEST_F(QuerySelection, ScopeQAloneNeedsNoType) {
  const auto root = unique("Sakai");
  const auto a = make(unique("T"), R"({"scope": "/)" + root + R"(/Naka"})");
  const auto b = make(unique("U"), R"({"scope": "/)" + root + R"(/Kita"})");
  EXPECT_EQ(get_ids("?scopeQ=" + url_encode("/" + root + "/#")), (std::set<std::string>{a, b}));
  EXPECT_EQ(get_ids("?scopeQ=" + url_encode("/" + root + "/Naka;/" + root + "/#")),
            (std::set<std::string>{a}));
  EXPECT_EQ(get_ids("?scopeQ=" + url_encode("/" + root + "/Naka|/" + root + "/Kita")),
            (std::set<std::string>{a, b}));
}

TEST_F(QuerySelection, ScopeFollowsUpdates) {
  const auto type = unique("Shelter");
  const auto root = unique("Osaka");
  const auto id = make(type, R"({"scope": "/)" + root + R"(/Kita"})");
  ASSERT_STATUS(http().patch(entity_path(id), R"({"scope": "/)" + root + R"(/Minami"})"), 204);
  EXPECT_EQ(get_ids("?type=" + type + "&scopeQ=/" + root + "/Kita"), (std::set<std::string>{}));
  EXPECT_EQ(get_ids("?type=" + type + "&scopeQ=/" + root + "/Minami"), (std::set<std::string>{id}));
}

TEST_F(QuerySelection, ScopeQCountsOnlyMatches) {
  const auto type = unique("Shelter");
  const auto root = unique("Osaka");
  for (int i = 0; i < 3; ++i) make(type, R"({"scope": "/)" + root + R"(/Kita"})");
  make(type, R"({"scope": "/)" + root + R"(/Minami"})");
  const auto res =
      http().get(kEntities + "?type=" + type + "&scopeQ=/" + root + "/Kita&limit=1&count=true");
  ASSERT_STATUS(res, 200);
  EXPECT_EQ(res.json().as_array().size(), 1u);
  EXPECT_EQ(res.header("NGSILD-Results-Count"), "3");
}

TEST_F(QuerySelection, MalformedScopeQIsBadRequest) {
  for (const char* bad : {"Osaka", "/Osaka/#/Kita", "/Osaka//Kita", "/Osaka;", "(/Osaka"}) {
    EXPECT_PROBLEM(http().get(kEntities + "?scopeQ=" + url_encode(bad)), 400, "BadRequestData")
        << bad;
  }
}

// ---- POST /entityOperations/query ----

TEST_F(QuerySelection, PostQueryBySelectorsIsAnOrOfAnds) {
  const auto a = unique("Shelter"), b = unique("Park");
  const auto a1 = make(a), a2 = make(a), b1 = make(b);
  make(unique("School"));
  EXPECT_EQ(post_ids(R"({"type": "Query", "entities": [{"type": ")" + a + R"(", "id": ")" + a1 +
                     R"("}, {"type": ")" + b + R"("}]})"),
            (std::set<std::string>{a1, b1}));
  EXPECT_EQ(post_ids(R"({"type": "Query", "entities": [{"type": ")" + a + "|" + b + R"("}]})"),
            (std::set<std::string>{a1, a2, b1}));
}

TEST_F(QuerySelection, PostQueryWithQGeoQAndAttrs) {
  const auto type = unique("Shelter");
  const auto near = make(type, R"({"capacity": {"type": "Property", "value": 100},
      "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [135.5, 34.7]}},
      "name": {"type": "Property", "value": "near"}})");
  make(type, R"({"capacity": {"type": "Property", "value": 5},
      "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [135.5, 34.7]}}})");
  make(type, R"({"capacity": {"type": "Property", "value": 100},
      "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [135.0, 34.0]}}})");
  const auto res = post_query(R"({"type": "Query", "entities": [{"type": ")" + type + R"("}],
      "q": "capacity>50", "attrs": ["name"],
      "geoQ": {"geometry": "Point", "coordinates": [135.5, 34.7005], "georel": "near;maxDistance==1000"}})");
  ASSERT_STATUS(res, 200);
  auto expected = E(near, R"({"name": {"type": "Property", "value": "near"}})");
  expected.as_object()["type"] = type;
  EXPECT_EQ(res.json(), boost::json::value(boost::json::array{expected}));
}

TEST_F(QuerySelection, PostQueryPagingAndRepresentationFromTheUrl) {
  const auto type = unique("Shelter");
  for (int i = 0; i < 4; ++i) make(type, R"({"n": {"type": "Property", "value": 1}})");
  const auto res = post_query(R"({"type": "Query", "entities": [{"type": ")" + type + R"("}]})",
                              "?limit=3&count=true&options=keyValues");
  ASSERT_STATUS(res, 200);
  EXPECT_EQ(res.header("NGSILD-Results-Count"), "4");
  ASSERT_EQ(res.json().as_array().size(), 3u);
  EXPECT_EQ(res.json().at(0).at("n"), J("1"));
}

TEST_F(QuerySelection, PostQueryWithItsOwnContext) {
  ContextServer contexts;
  contexts.serve("/ctx.jsonld", R"({"@context": {"Refuge": "https://example.org/Refuge",
                                                 "places": "https://example.org/places"}})");
  const auto id = new_id();
  auto entity = E(id, R"({"places": {"type": "Property", "value": 3}})");
  entity.as_object()["type"] = "Refuge";
  entity.as_object()["@context"] = contexts.url("/ctx.jsonld");
  ASSERT_STATUS(create(entity, {{"Content-Type", "application/ld+json"}}), 201);
  const auto res = post_query(R"({"type": "Query", "entities": [{"type": "Refuge"}],
                                  "q": "places==3", "@context": ")" +
                                  contexts.url("/ctx.jsonld") + R"("})",
                              "", {{"Content-Type", "application/ld+json"}});
  ASSERT_STATUS(res, 200);
  ASSERT_EQ(res.json().as_array().size(), 1u);
  EXPECT_EQ(res.json().at(0).at("id"), boost::json::value(id));
  EXPECT_EQ(res.json().at(0).at("type"), J(R"("Refuge")"));
  EXPECT_EQ(res.json().at(0).at("places"), J(R"({"type": "Property", "value": 3})"));
}

TEST_F(QuerySelection, PostQueryRefusesMalformedBodies) {
  struct Case {
    std::string body;
    int status;
    std::string_view kind;
  };
  const Case cases[] = {
      {R"({"entities": [{"type": "T"}]})", 400, "BadRequestData"},  // no type
      {R"({"type": "Subscription", "entities": [{"type": "T"}]})", 400, "BadRequestData"},
      {R"({"type": "Query"})", 400, "BadRequestData"},  // selects all
      {R"({"type": "Query", "entities": []})", 400, "BadRequestData"},
      {R"({"type": "Query", "entities": [{}]})", 400, "BadRequestData"},
      {R"({"type": "Query", "entities": [{"type": 5}]})", 400, "BadRequestData"},
      {R"({"type": "Query", "entities": [{"type": "T", "colour": "red"}]})", 400, "BadRequestData"},
      {R"({"type": "Query", "entities": [{"idPattern": "("}]})", 400, "BadRequestData"},
      {R"({"type": "Query", "entities": [{"id": "not a uri"}]})", 400, "BadRequestData"},
      {R"({"type": "Query", "q": "capacity>>1"})", 400, "BadRequestData"},
      {R"({"type": "Query", "scopeQ": "Osaka"})", 400, "BadRequestData"},
      {R"({"type": "Query", "geoQ": {"geometry": "Point", "coordinates": [1, 2]}})", 400,
       "BadRequestData"},
      {R"({"type": "Query", "attrs": "name"})", 400, "BadRequestData"},
      {R"({"type": "Query", "attrs": ["name"], "colour": 1})", 400, "BadRequestData"},
      {R"({"type": "Query", "attrs": ["name"], "temporalQ": {}})", 422, "OperationNotSupported"},
      {R"([{"type": "Query"}])", 400, "BadRequestData"},
  };
  for (const auto& c : cases) {
    EXPECT_PROBLEM(post_query(c.body), c.status, c.kind) << c.body;
  }
  EXPECT_PROBLEM(post_query(R"({"type": "Query", "attrs": ["n"]})", "?limit=abc"), 400,
                 "BadRequestData");
  EXPECT_PROBLEM(post_query(R"({"type": "Query", "attrs": ["n"]})", "?q=n==1"), 400,
                 "BadRequestData");
  expect_healthy();
}

TEST_F(QuerySelection, PostQueryOfAnUnknownTenantIsNonexistentTenant) {
  EXPECT_PROBLEM(
      post_query(R"({"type": "Query", "attrs": ["n"]})", "", with_tenant(unique("nobody"))), 404,
      "NonexistentTenant");
}

}  // namespace
}  // namespace tsunagu::it
