// What an answer shows of each entity: pick and omit (clause 4.21) and lang for
// LanguageProperties (clause 4.15), on retrieval, GET /entities and POST /entityOperations/query.

#include "fixture.hpp"

namespace tsunagu::it {
namespace {

class Projection : public BrokerTest {
 protected:
  std::string make_hall() {
    const auto id = new_id();
    EXPECT_STATUS(create(E(id, R"({
      "type": "Shelter",
      "scope": "/Osaka/Kita",
      "name": {"type": "LanguageProperty", "languageMap": {"ja": "北会館", "en": "Kita Hall"}},
      "capacity": {"type": "Property", "value": 120},
      "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [135.5, 34.7]}}
    })")),
                  201);
    return id;
  }
};

TEST_F(Projection, PickIdAlone) {
  const auto id = make_hall();
  EXPECT_EQ(read(id, "?pick=id"), J(R"({"id": ")" + id + R"("})"));
}

TEST_F(Projection, PickMembersAndAttributes) {
  const auto id = make_hall();
  EXPECT_EQ(read(id, "?pick=type,capacity,scope&options=keyValues"),
            J(R"({"type": "Shelter", "scope": "/Osaka/Kita", "capacity": 120})"));
}

TEST_F(Projection, OmitMembersAndAttributes) {
  const auto id = make_hall();
  EXPECT_EQ(read(id, "?omit=scope,name,location&options=keyValues"),
            E(id, R"({"type": "Shelter", "capacity": 120})"));
}

TEST_F(Projection, PickAndOmitTogetherAreRefused) {
  const auto id = make_hall();
  EXPECT_PROBLEM(http().get(entity_path(id) + "?pick=id&omit=type"), 400, "BadRequestData");
}

TEST_F(Projection, NestedProjectionIsNotSupported) {
  const auto id = make_hall();
  EXPECT_PROBLEM(http().get(entity_path(id) + "?pick=" + url_encode("name{en}")), 422,
                 "OperationNotSupported");
}

TEST_F(Projection, PickInAQueryDoesNotFilterEntities) {
  const auto type = unique("Shelter");
  const auto a = new_id(), b = new_id();
  auto with = E(a, R"({"capacity": {"type": "Property", "value": 1}})");
  with.as_object()["type"] = type;
  auto without = E(b, R"({})");
  without.as_object()["type"] = type;
  ASSERT_STATUS(create(with), 201);
  ASSERT_STATUS(create(without), 201);
  const auto res = http().get(kEntities + "?type=" + type + "&pick=id,capacity&options=keyValues");
  ASSERT_STATUS(res, 200);
  const auto body = res.json();
  EXPECT_EQ(ids_of(body), (std::set<std::string>{a, b}));
  for (const auto& e : body.as_array()) {
    if (e.at("id") == boost::json::value(a)) {
      EXPECT_EQ(e, J(R"({"id": ")" + a + R"(", "capacity": 1})"));
    } else {
      EXPECT_EQ(e, J(R"({"id": ")" + b + R"("})"));
    }
  }
}

TEST_F(Projection, LangNormalized) {
  const auto id = make_hall();
  EXPECT_EQ(read(id, "?lang=ja").at("name"),
            J(R"({"type": "Property", "value": "北会館", "lang": "ja"})"));
}

TEST_F(Projection, LangWeightedListAndFallback) {
  const auto id = make_hall();
  EXPECT_EQ(
      read(id, "?lang=" + url_encode("fr,en;q=0.8,ja;q=0.5") + "&options=keyValues").at("name"),
      J(R"("Kita Hall")"));
  // No language fits: the first of the map.
  EXPECT_EQ(read(id, "?lang=ko&format=concise").at("name"),
            J(R"({"value": "北会館", "lang": "ja"})"));
}

TEST_F(Projection, WithoutLangTheLanguageMapIsReturned) {
  const auto id = make_hall();
  EXPECT_EQ(
      read(id).at("name"),
      J(R"({"type": "LanguageProperty", "languageMap": {"ja": "北会館", "en": "Kita Hall"}})"));
}

TEST_F(Projection, MalformedLangIsRefused) {
  const auto id = make_hall();
  EXPECT_PROBLEM(http().get(entity_path(id) + "?lang=ja_JP"), 400, "BadRequestData");
  EXPECT_PROBLEM(http().get(entity_path(id) + "?lang=" + url_encode("ja;q=5")), 400,
                 "BadRequestData");
}

TEST_F(Projection, LangAndPickInAQueryAndAPostQuery) {
  const auto id = make_hall();
  const auto res = http().get(kEntities + "?id=" + id + "&lang=en&pick=name&options=keyValues");
  ASSERT_STATUS(res, 200);
  EXPECT_EQ(res.json(), J(R"([{"name": "Kita Hall"}])"));
  const auto posted =
      http().post(kBatch + "/query?pick=id,name&options=keyValues",
                  R"({"type": "Query", "entities": [{"id": ")" + id + R"("}], "lang": "ja"})");
  ASSERT_STATUS(posted, 200);
  EXPECT_EQ(posted.json(), J(R"([{"id": ")" + id + R"(", "name": "北会館"}])"));
}

TEST_F(Projection, GeoJsonHonoursPick) {
  const auto id = make_hall();
  const auto res = http().get(entity_path(id) + "?pick=capacity&options=keyValues",
                              {{"Accept", "application/geo+json"}});
  ASSERT_STATUS(res, 200);
  EXPECT_EQ(res.json().at("geometry"), J(R"({"type": "Point", "coordinates": [135.5, 34.7]})"));
  EXPECT_EQ(res.json().at("properties"), J(R"({"capacity": 120})"));
}

}  // namespace
}  // namespace tsunagu::it
