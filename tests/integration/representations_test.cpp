// Entity representations (ETSI GS CIM 009 v1.8 clause 4.5: normalized, concise and simplified
// (keyValues) forms; GeoJSON representation of entities; the `format`, `options` and
// `geometryProperty` parameters of clause 6.3). Normalized is the default; input accepts the
// normalized and the concise forms.

#include "fixture.hpp"

namespace tsunagu::it {
namespace {

class Representations : public BrokerTest {
 protected:
  static constexpr std::string_view kShelter = R"({
    "type": "Shelter",
    "name": {"type": "Property", "value": "Hall"},
    "capacity": {"type": "Property", "value": 350, "unitCode": "C62"},
    "operatedBy": {"type": "Relationship", "object": "urn:ngsi-ld:Organization:osaka"},
    "location": {"type": "GeoProperty",
                 "value": {"type": "Point", "coordinates": [135.5, 34.7]}}
  })";
  static constexpr std::string_view kShelterConcise = R"({
    "type": "Shelter",
    "name": "Hall",
    "capacity": {"value": 350, "unitCode": "C62"},
    "operatedBy": {"object": "urn:ngsi-ld:Organization:osaka"},
    "location": {"type": "Point", "coordinates": [135.5, 34.7]}
  })";
  static constexpr std::string_view kShelterSimplified = R"({
    "type": "Shelter",
    "name": "Hall",
    "capacity": 350,
    "operatedBy": "urn:ngsi-ld:Organization:osaka",
    "location": {"type": "Point", "coordinates": [135.5, 34.7]}
  })";

  std::string make_shelter() {
    const auto id = new_id();
    EXPECT_STATUS(create(E(id, kShelter)), 201);
    return id;
  }

  // GET with Accept: application/geo+json; checks the media type and drops "@context", whose
  // place in a GeoJSON answer (body member or Link header) the contract leaves to the server.
  boost::json::value read_geojson(const std::string& target) {
    const auto res = http().get(target, {{"Accept", "application/geo+json"}});
    EXPECT_STATUS(res, 200);
    EXPECT_TRUE(res.header("Content-Type").starts_with("application/geo+json"))
        << res.header("Content-Type");
    auto body = res.json();
    if (body.is_object()) body.as_object().erase("@context");
    return body;
  }
};

TEST_F(Representations, NormalizedIsTheDefaultAndCanBeAskedFor) {
  const auto id = make_shelter();
  EXPECT_EQ(read(id), E(id, kShelter));
  EXPECT_EQ(read(id, "?format=normalized"), E(id, kShelter));
}

TEST_F(Representations, ConciseWithFormatParameter) {
  const auto id = make_shelter();
  EXPECT_EQ(read(id, "?format=concise"), E(id, kShelterConcise));
}

TEST_F(Representations, ConciseWithOptionsParameter) {
  const auto id = make_shelter();
  EXPECT_EQ(read(id, "?options=concise"), E(id, kShelterConcise));
}

TEST_F(Representations, ConciseKeepsKindMembersOfOtherAttributeKinds) {
  const auto id = new_id();
  ASSERT_STATUS(create(E(id, R"({
    "type": "Shelter",
    "displayName": {"type": "LanguageProperty", "languageMap": {"ja": "会館", "en": "Hall"}},
    "category": {"type": "VocabProperty", "vocab": "Evacuation"},
    "raw": {"type": "JsonProperty", "json": {"a": [1, 2]}},
    "readings": {"type": "ListProperty", "valueList": [1, 2, 3]},
    "capacity": {"type": "Property", "value": 350,
                 "reportedBy": {"type": "Relationship", "object": "urn:ngsi-ld:Sensor:7"}}
  })")),
                201);
  EXPECT_EQ(read(id, "?format=concise"), E(id, R"({
    "type": "Shelter",
    "displayName": {"languageMap": {"ja": "会館", "en": "Hall"}},
    "category": {"vocab": "Evacuation"},
    "raw": {"json": {"a": [1, 2]}},
    "readings": {"valueList": [1, 2, 3]},
    "capacity": {"value": 350, "reportedBy": {"object": "urn:ngsi-ld:Sensor:7"}}
  })"));
}

TEST_F(Representations, SimplifiedWithKeyValuesOption) {
  const auto id = make_shelter();
  EXPECT_EQ(read(id, "?options=keyValues"), E(id, kShelterSimplified));
}

TEST_F(Representations, SimplifiedWithFormatParameter) {
  const auto id = make_shelter();
  EXPECT_EQ(read(id, "?format=simplified"), E(id, kShelterSimplified));
}

TEST_F(Representations, ConciseInputIsStoredAsNormalized) {
  const auto id = new_id();
  ASSERT_STATUS(create(E(id, kShelterConcise)), 201);
  EXPECT_EQ(read(id), E(id, kShelter));
}

TEST_F(Representations, ConciseInputInAppend) {
  const auto id = make_shelter();
  ASSERT_STATUS(
      http().post(entity_path(id) + "/attrs",
                  R"({"status": "open", "managedBy": {"object": "urn:ngsi-ld:Person:1"}})"),
      204);
  const auto entity = read(id);
  EXPECT_EQ(entity.at("status"), J(R"({"type": "Property", "value": "open"})"));
  EXPECT_EQ(entity.at("managedBy"),
            J(R"({"type": "Relationship", "object": "urn:ngsi-ld:Person:1"})"));
}

TEST_F(Representations, QueryResultsHonourTheRepresentation) {
  const auto type = unique("Shelter");
  const auto id = new_id();
  auto entity = E(id, R"({"name": {"type": "Property", "value": "Hall"}})");
  entity.as_object()["type"] = type;
  ASSERT_STATUS(create(entity), 201);
  const boost::json::object simplified{{"id", id}, {"type", type}, {"name", "Hall"}};
  auto res = http().get(kEntities + "?type=" + type + "&options=keyValues");
  ASSERT_STATUS(res, 200);
  EXPECT_EQ(res.json(), boost::json::value(boost::json::array{simplified}));
  res = http().get(kEntities + "?type=" + type + "&format=concise");
  ASSERT_STATUS(res, 200);
  EXPECT_EQ(res.json(), boost::json::value(boost::json::array{simplified}));
  res = http().get(kEntities + "?type=" + type);
  ASSERT_STATUS(res, 200);
  EXPECT_EQ(res.json(), boost::json::value(boost::json::array{entity}));
}

TEST_F(Representations, UnknownFormatIs400) {
  const auto id = make_shelter();
  EXPECT_PROBLEM(http().get(entity_path(id) + "?format=pretty"), 400, "BadRequestData");
}

TEST_F(Representations, UnknownOptionsValueIs400) {
  const auto id = make_shelter();
  EXPECT_PROBLEM(http().get(entity_path(id) + "?options=fancy"), 400, "BadRequestData");
}

TEST_F(Representations, GeoJsonFeatureForOneEntity) {
  const auto id = make_shelter();
  boost::json::object expected{
      {"id", id},
      {"type", "Feature"},
      {"geometry", J(R"({"type": "Point", "coordinates": [135.5, 34.7]})")},
      {"properties", J(kShelter)},
  };
  EXPECT_EQ(read_geojson(entity_path(id)), boost::json::value(expected));
}

TEST_F(Representations, GeoJsonWithKeyValuesHasSimplifiedProperties) {
  const auto id = make_shelter();
  boost::json::object expected{
      {"id", id},
      {"type", "Feature"},
      {"geometry", J(R"({"type": "Point", "coordinates": [135.5, 34.7]})")},
      {"properties", J(kShelterSimplified)},
  };
  EXPECT_EQ(read_geojson(entity_path(id) + "?options=keyValues"), boost::json::value(expected));
}

TEST_F(Representations, GeoJsonGeometryPropertyChoosesTheGeometry) {
  const auto id = new_id();
  ASSERT_STATUS(create(E(id, R"({
    "type": "Shelter",
    "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [135.5, 34.7]}},
    "area": {"type": "GeoProperty", "value": {"type": "Polygon", "coordinates":
      [[[135.0, 34.0], [136.0, 34.0], [136.0, 35.0], [135.0, 34.0]]]}}
  })")),
                201);
  const auto feature = read_geojson(entity_path(id) + "?geometryProperty=area");
  ASSERT_TRUE(feature.is_object()) << feature;
  EXPECT_EQ(feature.at("geometry"), J(R"({"type": "Polygon", "coordinates":
      [[[135.0, 34.0], [136.0, 34.0], [136.0, 35.0], [135.0, 34.0]]]})"));
}

TEST_F(Representations, GeoJsonOfEntityWithoutGeometryHasNullGeometry) {
  const auto id = new_id();
  ASSERT_STATUS(create(E(id, R"({"type": "Shelter", "name": {"type": "Property", "value": "x"}})")),
                201);
  boost::json::object expected{
      {"id", id},
      {"type", "Feature"},
      {"geometry", nullptr},
      {"properties", J(R"({"type": "Shelter", "name": {"type": "Property", "value": "x"}})")},
  };
  EXPECT_EQ(read_geojson(entity_path(id)), boost::json::value(expected));
}

TEST_F(Representations, GeoJsonFeatureCollectionForAQuery) {
  const auto type = unique("Shelter");
  std::set<std::string> ids;
  for (int i = 0; i < 2; ++i) {
    const auto id = new_id();
    ids.insert(id);
    auto entity = E(id, R"({"location": {"type": "GeoProperty",
                            "value": {"type": "Point", "coordinates": [135.5, 34.7]}}})");
    entity.as_object()["type"] = type;
    ASSERT_STATUS(create(entity), 201);
  }
  const auto collection = read_geojson(kEntities + "?type=" + type);
  ASSERT_TRUE(collection.is_object()) << collection;
  EXPECT_EQ(collection.at("type"), "FeatureCollection");
  const auto& features = collection.at("features").as_array();
  ASSERT_EQ(features.size(), 2U) << collection;
  std::set<std::string> feature_ids;
  for (const auto& feature : features) {
    feature_ids.emplace(feature.at("id").as_string());
    EXPECT_EQ(feature.at("type"), "Feature");
    EXPECT_EQ(feature.at("geometry"), J(R"({"type": "Point", "coordinates": [135.5, 34.7]})"));
    EXPECT_EQ(feature.at("properties").at("type"), boost::json::value(type));
  }
  EXPECT_EQ(feature_ids, ids);
}

}  // namespace
}  // namespace tsunagu::it
