// The kinds of attribute and their validation (ETSI GS CIM 009 v1.8 clauses 4.5 and 5.2.5 to
// 5.2.8, 5.2.37 to 5.2.40 for LanguageProperty, VocabProperty, JsonProperty, ListProperty and
// ListRelationship; GeoJSON per IETF RFC 7946 as referenced by 4.7). Each valid kind must read
// back exactly as sent; each invalid one must be refused with 400 BadRequestData and nothing
// stored.

#include "fixture.hpp"

namespace tsunagu::it {
namespace {

class AttributeKinds : public BrokerTest {
 protected:
  // Creates an entity with one attribute `name` = `attribute` and expects it back unchanged.
  void expect_round_trip(std::string_view name, std::string_view attribute) {
    const auto id = new_id();
    boost::json::object entity{{"id", id}, {"type", "Shelter"}};
    entity[name] = J(attribute);
    ASSERT_STATUS(create(entity), 201);
    EXPECT_EQ(read(id), boost::json::value(entity));
  }

  // Creates an entity with one attribute and expects 400 BadRequestData and no entity.
  void expect_rejected(std::string_view name, std::string_view attribute) {
    const auto id = new_id();
    boost::json::object entity{{"id", id}, {"type", "Shelter"}};
    entity[name] = J(attribute);
    EXPECT_PROBLEM(create(entity), 400, "BadRequestData") << "attribute: " << attribute;
    EXPECT_PROBLEM(http().get(entity_path(id)), 404, "ResourceNotFound");
  }
};

TEST_F(AttributeKinds, PropertyValuesOfEveryJsonType) {
  expect_round_trip("label", R"({"type": "Property", "value": "text"})");
  expect_round_trip("count", R"({"type": "Property", "value": -42})");
  expect_round_trip("ratio", R"({"type": "Property", "value": 0.5})");
  expect_round_trip("open", R"({"type": "Property", "value": false})");
  expect_round_trip("tags", R"({"type": "Property", "value": ["a", "b"]})");
  expect_round_trip("contact",
                    R"({"type": "Property", "value": {"phone": "06-0000-0000", "floor": 2}})");
}

TEST_F(AttributeKinds, PropertyWithObservedAtAndUnitCode) {
  expect_round_trip("temperature", R"({"type": "Property", "value": 21.5, "unitCode": "CEL",
                                      "observedAt": "2026-11-25T12:00:00.000Z"})");
}

TEST_F(AttributeKinds, PropertyWithoutValueIsRejected) {
  expect_rejected("capacity", R"({"type": "Property"})");
}

TEST_F(AttributeKinds, PropertyWithInvalidObservedAtIsRejected) {
  expect_rejected("capacity", R"({"type": "Property", "value": 1, "observedAt": "yesterday"})");
}

TEST_F(AttributeKinds, UnknownAttributeTypeIsRejected) {
  expect_rejected("capacity", R"({"type": "Quantity", "value": 1})");
}

TEST_F(AttributeKinds, Relationship) {
  expect_round_trip("operatedBy",
                    R"({"type": "Relationship", "object": "urn:ngsi-ld:Organization:osaka"})");
}

TEST_F(AttributeKinds, RelationshipWithoutObjectIsRejected) {
  expect_rejected("operatedBy", R"({"type": "Relationship", "value": "urn:ngsi-ld:Org:1"})");
}

TEST_F(AttributeKinds, RelationshipWhoseObjectIsNotAUriIsRejected) {
  expect_rejected("operatedBy", R"({"type": "Relationship", "object": "osaka city"})");
  expect_rejected("operatedBy", R"({"type": "Relationship", "object": 17})");
}

TEST_F(AttributeKinds, GeoPropertyOfEveryGeometryType) {
  expect_round_trip("location",
                    R"({"type": "GeoProperty", "value": {"type": "Point",
                        "coordinates": [135.5, 34.7]}})");
  expect_round_trip("route", R"({"type": "GeoProperty", "value": {"type": "LineString",
                                "coordinates": [[135.5, 34.7], [135.51, 34.71]]}})");
  expect_round_trip("area", R"({"type": "GeoProperty", "value": {"type": "Polygon",
      "coordinates": [[[135.0, 34.0], [136.0, 34.0], [136.0, 35.0], [135.0, 35.0], [135.0, 34.0]]]}})");
  expect_round_trip("exits", R"({"type": "GeoProperty", "value": {"type": "MultiPoint",
                                "coordinates": [[135.5, 34.7], [135.6, 34.8]]}})");
  expect_round_trip("roads", R"({"type": "GeoProperty", "value": {"type": "MultiLineString",
      "coordinates": [[[135.5, 34.7], [135.6, 34.8]], [[135.0, 34.0], [135.1, 34.1]]]}})");
  expect_round_trip("zones", R"({"type": "GeoProperty", "value": {"type": "MultiPolygon",
      "coordinates": [[[[135.0, 34.0], [135.1, 34.0], [135.1, 34.1], [135.0, 34.0]]],
                      [[[136.0, 35.0], [136.1, 35.0], [136.1, 35.1], [136.0, 35.0]]]]}})");
}

TEST_F(AttributeKinds, GeoPropertyWithLongitudeOutOfRangeIsRejected) {
  expect_rejected(
      "location",
      R"({"type": "GeoProperty", "value": {"type": "Point", "coordinates": [200, 34]}})");
}

TEST_F(AttributeKinds, GeoPropertyWithLatitudeOutOfRangeIsRejected) {
  expect_rejected(
      "location",
      R"({"type": "GeoProperty", "value": {"type": "Point", "coordinates": [135, 91]}})");
}

TEST_F(AttributeKinds, GeoPropertyWithUnclosedRingIsRejected) {
  expect_rejected("area", R"({"type": "GeoProperty", "value": {"type": "Polygon",
      "coordinates": [[[135.0, 34.0], [136.0, 34.0], [136.0, 35.0], [135.0, 35.0]]]}})");
}

TEST_F(AttributeKinds, GeoPropertyWithTooShortRingIsRejected) {
  expect_rejected("area", R"({"type": "GeoProperty", "value": {"type": "Polygon",
      "coordinates": [[[135.0, 34.0], [136.0, 34.0], [135.0, 34.0]]]}})");
}

TEST_F(AttributeKinds, GeoPropertyWithLineStringOfOnePositionIsRejected) {
  expect_rejected("route", R"({"type": "GeoProperty", "value": {"type": "LineString",
                              "coordinates": [[135.0, 34.0]]}})");
}

TEST_F(AttributeKinds, GeoPropertyWithUnknownGeometryTypeIsRejected) {
  expect_rejected("location", R"({"type": "GeoProperty", "value": {"type": "Circle",
                                 "coordinates": [135.0, 34.0]}})");
}

TEST_F(AttributeKinds, GeoPropertyWithNonNumericCoordinatesIsRejected) {
  expect_rejected("location", R"({"type": "GeoProperty", "value": {"type": "Point",
                                 "coordinates": ["135.0", "34.0"]}})");
}

TEST_F(AttributeKinds, GeoPropertyWhoseValueIsNotGeoJsonIsRejected) {
  expect_rejected("location", R"({"type": "GeoProperty", "value": "Osaka"})");
}

TEST_F(AttributeKinds, LanguageProperty) {
  expect_round_trip("displayName",
                    R"({"type": "LanguageProperty",
                        "languageMap": {"ja": "大阪中央会館", "en": "Osaka Central Hall"}})");
}

TEST_F(AttributeKinds, LanguagePropertyWithNonStringEntryIsRejected) {
  expect_rejected("displayName", R"({"type": "LanguageProperty", "languageMap": {"en": 5}})");
}

TEST_F(AttributeKinds, LanguagePropertyWithoutLanguageMapIsRejected) {
  expect_rejected("displayName", R"({"type": "LanguageProperty", "value": "Hall"})");
}

TEST_F(AttributeKinds, VocabProperty) {
  // The vocab term is expanded with the @vocab of the core context and compacted back.
  expect_round_trip("category", R"({"type": "VocabProperty", "vocab": "Evacuation"})");
  expect_round_trip("categories",
                    R"({"type": "VocabProperty", "vocab": ["Evacuation", "Medical"]})");
}

TEST_F(AttributeKinds, JsonPropertyIsKeptVerbatim) {
  // A JsonProperty is never expanded: keys that look like terms or keywords stay as they are.
  expect_round_trip("raw", R"({"type": "JsonProperty",
      "json": {"type": "Point", "id": "x", "nested": [1, {"b": null}], "@value": 3}})");
}

TEST_F(AttributeKinds, JsonPropertyWithoutJsonIsRejected) {
  expect_rejected("raw", R"({"type": "JsonProperty", "value": {"a": 1}})");
}

TEST_F(AttributeKinds, ListProperty) {
  expect_round_trip("readings", R"({"type": "ListProperty", "valueList": [3, "two", 1.5, true]})");
}

TEST_F(AttributeKinds, ListPropertyWhoseValueListIsNotAnArrayIsRejected) {
  expect_rejected("readings", R"({"type": "ListProperty", "valueList": 3})");
}

TEST_F(AttributeKinds, ListRelationship) {
  // 4.5.22 (normalized form): objectList is an ordered list of {"object": <URI>}. Order matters.
  expect_round_trip("route", R"({"type": "ListRelationship", "objectList": [
      {"object": "urn:ngsi-ld:Stop:3"}, {"object": "urn:ngsi-ld:Stop:1"},
      {"object": "urn:ngsi-ld:Stop:2"}]})");
}

TEST_F(AttributeKinds, ListRelationshipWithNonUriObjectIsRejected) {
  expect_rejected("route",
                  R"({"type": "ListRelationship", "objectList": [{"object": "not a uri"}]})");
}

TEST_F(AttributeKinds, SubAttributesNestTwoLevelsDeep) {
  expect_round_trip("capacity", R"({
    "type": "Property", "value": 350,
    "reportedBy": {"type": "Relationship", "object": "urn:ngsi-ld:Sensor:7",
                   "accuracy": {"type": "Property", "value": 0.9}},
    "source": {"type": "Property", "value": "census", "observedAt": "2026-11-25T12:00:00.000Z"}
  })");
}

TEST_F(AttributeKinds, InvalidSubAttributeIsRejected) {
  expect_rejected("capacity", R"({"type": "Property", "value": 350,
                                 "reportedBy": {"type": "Relationship"}})");
}

TEST_F(AttributeKinds, MultiAttributeWithDatasetIds) {
  const auto id = new_id();
  ASSERT_STATUS(create(E(id, R"({"type": "Shelter", "capacity": [
      {"type": "Property", "value": 40, "datasetId": "urn:ngsi-ld:Dataset:b"},
      {"type": "Property", "value": 350},
      {"type": "Property", "value": 30, "datasetId": "urn:ngsi-ld:Dataset:a"}]})")),
                201);
  // No order is defined among instances: compare them sorted by datasetId.
  EXPECT_EQ(sorted_instances(read(id).at("capacity")), J(R"([
      {"type": "Property", "value": 350},
      {"type": "Property", "value": 30, "datasetId": "urn:ngsi-ld:Dataset:a"},
      {"type": "Property", "value": 40, "datasetId": "urn:ngsi-ld:Dataset:b"}])"));
}

TEST_F(AttributeKinds, MultiAttributeWithTwoDefaultInstancesIsRejected) {
  expect_rejected("capacity", R"([{"type": "Property", "value": 1},
                                 {"type": "Property", "value": 2}])");
}

TEST_F(AttributeKinds, MultiAttributeWithRepeatedDatasetIdIsRejected) {
  expect_rejected("capacity", R"([
      {"type": "Property", "value": 1, "datasetId": "urn:ngsi-ld:Dataset:a"},
      {"type": "Property", "value": 2, "datasetId": "urn:ngsi-ld:Dataset:a"}])");
}

TEST_F(AttributeKinds, DatasetIdThatIsNotAUriIsRejected) {
  expect_rejected("capacity", R"({"type": "Property", "value": 1, "datasetId": "annex"})");
}

}  // namespace
}  // namespace tsunagu::it
