#include "api/ngsild/entity_parser.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "jsonld/context.hpp"
#include "jsonld/core_context.hpp"
#include "model/time.hpp"

namespace tsunagu::api::ngsild {
namespace {
namespace json = boost::json;
using model::Attribute;
using model::AttributeKind;
using model::Entity;

constexpr std::string_view kDefault = "https://uri.etsi.org/ngsi-ld/default-context/";
constexpr std::string_view kNgsiLd = "https://uri.etsi.org/ngsi-ld/";
constexpr std::string_view kSchema = "https://schema.example.org/";

std::string dflt(std::string_view term) {
  return std::string(kDefault) + std::string(term);
}
std::string ngsild(std::string_view term) {
  return std::string(kNgsiLd) + std::string(term);
}
std::string schema(std::string_view term) {
  return std::string(kSchema) + std::string(term);
}

// The core context with the user context a client of the Osaka platform would send.
std::shared_ptr<const jsonld::Context> user_context() {
  static const auto ctx = [] {
    jsonld::ContextBuilder builder(*jsonld::core_context());
    auto st = builder.apply(json::parse(R"({
      "Shelter": "https://schema.example.org/Shelter",
      "Device": "https://schema.example.org/Device",
      "temperature": "https://schema.example.org/temperature",
      "owner": {"@id": "https://schema.example.org/owner", "@type": "@id"},
      "material": {"@id": "https://schema.example.org/material", "@type": "@vocab"},
      "Wooden": "https://schema.example.org/Wooden",
      "schema": "https://schema.org/",
      "hidden": null
    })"));
    EXPECT_TRUE(st.has_value()) << st.error().message;
    return std::move(builder).build();
  }();
  return ctx;
}

const jsonld::Context& user() {
  return *user_context();
}
const jsonld::Context& core() {
  return *jsonld::core_context();
}

Result<Entity> parse(std::string_view text, const jsonld::Context& ctx = user(),
                     EntityShape shape = EntityShape::Complete, const std::string* id = nullptr) {
  return parse_entity(json::parse(text), ctx, shape, id);
}

// An entity whose only attribute is `attr` (named "attr", which the core @vocab expands).
Result<Entity> with_attr(std::string_view attr, const jsonld::Context& ctx = user(),
                         EntityShape shape = EntityShape::Complete) {
  return parse(
      R"({"id": "urn:ngsi-ld:Shelter:1", "type": "Shelter", "attr": )" + std::string(attr) + "}",
      ctx, shape);
}

template <typename T>
void expect_error(const Result<T>& r, ErrorKind kind, std::string_view fragment) {
  ASSERT_FALSE(r.has_value()) << "unexpectedly accepted";
  EXPECT_EQ(r.error().kind, kind) << r.error().message;
  EXPECT_NE(r.error().message.find(fragment), std::string::npos)
      << "message: " << r.error().message << "\nexpected fragment: " << fragment;
}

const Attribute& only_instance(const Entity& e, const std::string& name) {
  static const Attribute kMissing;
  const auto* entry = model::find_entry(e.attributes, name);
  EXPECT_NE(entry, nullptr) << name;
  if (entry == nullptr) return kMissing;
  EXPECT_EQ(entry->instances.size(), 1u) << name;
  return entry->instances.front();
}

model::Timestamp at(std::string_view text) {
  return *model::parse_datetime(text);
}

// ---- every attribute kind, normalized and concise ----

struct KindCase {
  std::string label;
  std::string input;
  AttributeKind kind;
  std::string value;  // expected value member, as JSON
};

void PrintTo(const KindCase& c, std::ostream* os) {
  *os << c.label;
}

class AttributeKinds : public testing::TestWithParam<KindCase> {};

TEST_P(AttributeKinds, ParseToTheKindAndValue) {
  const auto& c = GetParam();
  auto e = with_attr(c.input);
  ASSERT_TRUE(e.has_value()) << e.error().message;
  const auto& a = only_instance(*e, dflt("attr"));
  EXPECT_EQ(a.kind, c.kind);
  EXPECT_EQ(a.value, json::parse(c.value)) << json::serialize(a.value);
  EXPECT_EQ(a.dataset_id, std::nullopt);
  EXPECT_TRUE(a.sub_attributes.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Normalized, AttributeKinds,
    testing::Values(
        KindCase{"Property", R"({"type": "Property", "value": 21.5})", AttributeKind::Property,
                 "21.5"},
        KindCase{"PropertyObject", R"({"type": "Property", "value": {"street": "Kita 1"}})",
                 AttributeKind::Property, R"({"street": "Kita 1"})"},
        KindCase{"PropertyWithGeometryStaysProperty",
                 R"({"type": "Property", "value": {"type": "Point", "coordinates": [1, 2]}})",
                 AttributeKind::Property, R"({"type": "Point", "coordinates": [1, 2]})"},
        KindCase{"Relationship", R"({"type": "Relationship", "object": "urn:ngsi-ld:Person:1"})",
                 AttributeKind::Relationship, R"("urn:ngsi-ld:Person:1")"},
        KindCase{"RelationshipArray",
                 R"({"type": "Relationship",
                     "object": ["urn:ngsi-ld:Person:1", "urn:ngsi-ld:Person:2"]})",
                 AttributeKind::Relationship,
                 R"(["urn:ngsi-ld:Person:1", "urn:ngsi-ld:Person:2"])"},
        KindCase{"GeoProperty",
                 R"({"type": "GeoProperty",
                     "value": {"type": "Point", "coordinates": [135.5, 34.7]}})",
                 AttributeKind::GeoProperty, R"({"type": "Point", "coordinates": [135.5, 34.7]})"},
        KindCase{"LanguageProperty",
                 R"({"type": "LanguageProperty",
                     "languageMap": {"en": "Shelter", "ja": "避難所", "@none": "x"}})",
                 AttributeKind::LanguageProperty,
                 R"({"en": "Shelter", "ja": "避難所", "@none": "x"})"},
        KindCase{"LanguagePropertyArrays",
                 R"({"type": "LanguageProperty", "languageMap": {"en-GB": ["a", "b"]}})",
                 AttributeKind::LanguageProperty, R"({"en-GB": ["a", "b"]})"},
        KindCase{"VocabPropertyUserTerm", R"({"type": "VocabProperty", "vocab": "Wooden"})",
                 AttributeKind::VocabProperty, R"("https://schema.example.org/Wooden")"},
        KindCase{"VocabPropertyArray", R"({"type": "VocabProperty", "vocab": ["Wooden", "Stone"]})",
                 AttributeKind::VocabProperty,
                 R"(["https://schema.example.org/Wooden",
                     "https://uri.etsi.org/ngsi-ld/default-context/Stone"])"},
        KindCase{"JsonProperty", R"({"type": "JsonProperty", "json": {"type": "x", "value": [1]}})",
                 AttributeKind::JsonProperty, R"({"type": "x", "value": [1]})"},
        KindCase{"ListProperty", R"({"type": "ListProperty", "valueList": [1, "two", 3]})",
                 AttributeKind::ListProperty, R"([1, "two", 3])"},
        KindCase{"ListRelationship",
                 R"({"type": "ListRelationship",
                     "objectList": [{"object": "urn:ngsi-ld:X:1"}, "urn:ngsi-ld:X:2"]})",
                 AttributeKind::ListRelationship,
                 R"([{"object": "urn:ngsi-ld:X:1"}, "urn:ngsi-ld:X:2"])"}));

INSTANTIATE_TEST_SUITE_P(
    Concise, AttributeKinds,
    testing::Values(
        KindCase{"Number", "21.5", AttributeKind::Property, "21.5"},
        KindCase{"String", R"("open")", AttributeKind::Property, R"("open")"},
        KindCase{"Boolean", "true", AttributeKind::Property, "true"},
        KindCase{"Array", "[1, 2]", AttributeKind::Property, "[1, 2]"},
        KindCase{"EmptyArray", "[]", AttributeKind::Property, "[]"},
        KindCase{"ValueObject", R"({"value": {"a": 1}})", AttributeKind::Property, R"({"a": 1})"},
        KindCase{"BareGeometry", R"({"type": "Point", "coordinates": [135.5, 34.7]})",
                 AttributeKind::GeoProperty, R"({"type": "Point", "coordinates": [135.5, 34.7]})"},
        KindCase{"ValueGeometry",
                 R"({"value": {"type": "LineString", "coordinates": [[1, 2], [3, 4]]}})",
                 AttributeKind::GeoProperty,
                 R"({"type": "LineString", "coordinates": [[1, 2], [3, 4]]})"},
        KindCase{"Object", R"({"object": "urn:ngsi-ld:Person:1"})", AttributeKind::Relationship,
                 R"("urn:ngsi-ld:Person:1")"},
        KindCase{"LanguageMap", R"({"languageMap": {"ja": "避難所"}})",
                 AttributeKind::LanguageProperty, R"({"ja": "避難所"})"},
        KindCase{"Vocab", R"({"vocab": "Wooden"})", AttributeKind::VocabProperty,
                 R"("https://schema.example.org/Wooden")"},
        KindCase{"Json", R"({"json": [1, {"b": null}]})", AttributeKind::JsonProperty,
                 R"([1, {"b": null}])"},
        KindCase{"ValueList", R"({"valueList": []})", AttributeKind::ListProperty, "[]"},
        KindCase{"ObjectList", R"({"objectList": ["urn:ngsi-ld:X:1"]})",
                 AttributeKind::ListRelationship, R"(["urn:ngsi-ld:X:1"])"}));

// ---- invalid attribute payloads ----

struct BadCase {
  std::string label;
  std::string input;     // the value of the attribute "attr"
  std::string fragment;  // expected in the BadRequestData message
};

void PrintTo(const BadCase& c, std::ostream* os) {
  *os << c.label;
}

class BadAttributes : public testing::TestWithParam<BadCase> {};

TEST_P(BadAttributes, AreBadRequestData) {
  expect_error(with_attr(GetParam().input), ErrorKind::BadRequestData, GetParam().fragment);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadAttributes,
    testing::Values(
        BadCase{"Null", "null", "attribute 'attr' is null"},
        BadCase{"NullValue", R"({"type": "Property", "value": null})",
                "attribute 'attr' has a null value"},
        BadCase{"NullObject", R"({"type": "Relationship", "object": null})",
                "attribute 'attr' has a null value"},
        BadCase{"UnknownType", R"({"type": "Propertyy", "value": 1})",
                "attribute 'attr' has unknown type 'Propertyy'; expected Property, Relationship"},
        BadCase{"TypeNotString", R"({"type": 5, "value": 1})",
                "attribute 'attr': \"type\" is not a string"},
        BadCase{"MissingValueMember", R"({"type": "Property", "object": "urn:ngsi-ld:X:1"})",
                "attribute 'attr' of type Property has no \"value\" member"},
        BadCase{"MissingObjectMember", R"({"type": "Relationship", "value": "urn:ngsi-ld:X:1"})",
                "attribute 'attr' of type Relationship has no \"object\" member"},
        BadCase{"NoValueMemberAtAll", R"({"unitCode": "CEL"})",
                "attribute 'attr' has neither \"type\" nor a value member"},
        BadCase{"RelationshipNotUri", R"({"type": "Relationship", "object": "Person 1"})",
                "attribute 'attr' object: 'Person 1' is not a valid URI"},
        BadCase{"RelationshipNumber", R"({"object": 5})",
                "attribute 'attr' object must be a URI or an array of URIs"},
        BadCase{"RelationshipEmptyArray", R"({"object": []})",
                "attribute 'attr' object must be a URI or an array of URIs"},
        BadCase{"RelationshipNestedArray", R"({"object": [["urn:ngsi-ld:X:1"]]})",
                "attribute 'attr' object must be a URI"},
        BadCase{"ObjectListNotArray", R"({"type": "ListRelationship", "objectList": "urn:a:b"})",
                "attribute 'attr': \"objectList\" must be an array"},
        BadCase{"ObjectListItemWithoutObject", R"({"objectList": [{"value": 1}]})",
                "attribute 'attr': an objectList item has no \"object\""},
        BadCase{"ObjectListItemNotUri", R"({"objectList": ["not a uri"]})",
                "attribute 'attr' objectList item: 'not a uri' is not a valid URI"},
        BadCase{"LanguageMapEmpty", R"({"languageMap": {}})",
                "attribute 'attr': \"languageMap\" must be a non-empty object of language tags"},
        BadCase{"LanguageMapString", R"({"type": "LanguageProperty", "languageMap": "x"})",
                "\"languageMap\" must be a non-empty object"},
        BadCase{"LanguageTag", R"({"languageMap": {"e n": "x"}})",
                "attribute 'attr': 'e n' is not a language tag"},
        BadCase{"LanguageText", R"({"languageMap": {"en": 5}})",
                "attribute 'attr': the text for 'en' must be a string"},
        BadCase{"LanguageTextArray", R"({"languageMap": {"en": ["a", 1]}})",
                "the text for 'en' must be a string"},
        BadCase{"VocabNumber", R"({"vocab": 5})",
                "attribute 'attr': \"vocab\" must be a term or an array of terms"},
        BadCase{"VocabEmptyString", R"({"vocab": ""})", "\"vocab\" must be a term"},
        BadCase{"VocabEmptyArray", R"({"vocab": []})",
                "attribute 'attr': \"vocab\" is an empty array"},
        BadCase{"ValueListNotArray", R"({"type": "ListProperty", "valueList": {"a": 1}})",
                "attribute 'attr': \"valueList\" must be an array"},
        BadCase{"UnitCodeEmpty", R"({"value": 1, "unitCode": ""})",
                "attribute 'attr': \"unitCode\" must be a non-empty string"},
        BadCase{"UnitCodeNumber", R"({"value": 1, "unitCode": 5})",
                "\"unitCode\" must be a non-empty string"},
        BadCase{"ObjectTypeOnProperty", R"({"value": 1, "objectType": "Device"})",
                "attribute 'attr': \"objectType\" is only allowed on relationships"},
        BadCase{"ObjectTypeNumber", R"({"object": "urn:ngsi-ld:X:1", "objectType": 5})",
                "attribute 'attr': \"objectType\" must be a type name"},
        BadCase{"DatasetIdNotUri", R"({"value": 1, "datasetId": "ds 1"})",
                "attribute 'attr' datasetId: 'ds 1' is not a valid URI"},
        BadCase{"DatasetIdNumber", R"({"value": 1, "datasetId": 1})",
                "attribute 'attr': \"datasetId\" must be a URI"},
        BadCase{"ObservedAtNumber", R"({"value": 1, "observedAt": 1700000000})",
                "attribute 'attr': \"observedAt\" must be a DateTime string"},
        BadCase{"ObservedAtWithoutZone", R"({"value": 1, "observedAt": "2024-01-31T09:30:00"})",
                "attr.observedAt: '2024-01-31T09:30:00' is not a valid ISO 8601 date-time"},
        BadCase{"ObservedAtDateOnly", R"({"value": 1, "observedAt": "2024-01-31"})",
                "attr.observedAt: '2024-01-31' is not a valid ISO 8601 date-time"},
        BadCase{"SubAttributeNull", R"({"value": 1, "accuracy": null})",
                "attribute 'accuracy' is null"},
        BadCase{"SubAttributeBadName", R"({"value": 1, "a b": 1})",
                "attribute name 'a b' contains a forbidden character"}));

// ---- GeoJSON ----

TEST(EntityParser, BadGeoJsonNamesTheAttribute) {
  struct Case {
    std::string input;
    std::string fragment;
  };
  const std::vector<Case> cases = {
      {R"({"type": "GeoProperty", "value": {"type": "Point", "coordinates": [200, 0]}})",
       "location: coordinates: longitude 200 is out of range [-180, 180]"},
      {R"j({"type": "GeoProperty", "value": "POINT(1 2)"})j",
       "location: a geometry must be a JSON object, got a string"},
      {R"({"type": "GeoProperty", "value": {"type": "Point"}})",
       "location: coordinates: the member is missing"},
      {R"({"type": "Point", "coordinates": [1]})",
       "location: coordinates: a position has 2 or 3 numbers"},
      {R"({"value": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1]]]}})",
       "location: coordinates[0]: Polygon ring 0 needs at least 4 positions, got 3"},
      {R"({"type": "GeometryCollection", "geometries": []})",
       "location: type: GeometryCollection is not allowed"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.input);
    auto e =
        parse(R"({"id": "urn:ngsi-ld:Shelter:1", "type": "Shelter", "location": )" + c.input + "}");
    expect_error(e, ErrorKind::BadRequestData, c.fragment);
  }
  expect_error(
      with_attr(R"({"type": "GeoProperty", "value": {"type": "Point", "coordinates": [0, 91]}})"),
      ErrorKind::BadRequestData, "attr: coordinates: latitude 91 is out of range");
}

TEST(EntityParser, LocationExpandsToTheCoreTerm) {
  auto e = parse(R"({"id": "urn:ngsi-ld:Shelter:1", "type": "Shelter",
                     "location": {"type": "Point", "coordinates": [135.5, 34.7]}})");
  ASSERT_TRUE(e.has_value()) << e.error().message;
  EXPECT_EQ(only_instance(*e, ngsild("location")).kind, AttributeKind::GeoProperty);
}

// ---- meta members and sub-attributes ----

TEST(EntityParser, ReadsObservedAtUnitCodeAndSubAttributes) {
  auto e = parse(R"({
    "id": "urn:ngsi-ld:Shelter:1", "type": "Shelter",
    "temperature": {
      "type": "Property", "value": 20, "unitCode": "CEL",
      "observedAt": "2024-01-31T09:30:00.123+09:00",
      "createdAt": "2000-01-01T00:00:00Z", "modifiedAt": "2000-01-01T00:00:00Z",
      "accuracy": {"type": "Property", "value": 0.9},
      "providedBy": {"type": "Relationship", "object": "urn:ngsi-ld:Device:1",
                     "objectType": "Device"},
      "calibration": {"value": 1, "method": "manual"}
    }
  })");
  ASSERT_TRUE(e.has_value()) << e.error().message;
  const auto& t = only_instance(*e, schema("temperature"));
  EXPECT_EQ(t.kind, AttributeKind::Property);
  EXPECT_EQ(t.value, json::value(20));
  EXPECT_EQ(t.unit_code, std::optional<std::string>("CEL"));
  ASSERT_TRUE(t.observed_at.has_value());
  EXPECT_EQ(model::format_datetime(*t.observed_at), "2024-01-31T00:30:00.123Z");
  EXPECT_EQ(t.created_at, model::Timestamp{});
  EXPECT_EQ(t.modified_at, model::Timestamp{});
  ASSERT_EQ(t.sub_attributes.size(), 3u);
  EXPECT_EQ(t.sub_attributes[0].name, dflt("accuracy"));
  EXPECT_EQ(t.sub_attributes[0].instances[0].value, json::value(0.9));
  EXPECT_EQ(t.sub_attributes[1].name, dflt("providedBy"));
  const auto& by = t.sub_attributes[1].instances[0];
  EXPECT_EQ(by.kind, AttributeKind::Relationship);
  EXPECT_EQ(by.value, json::value("urn:ngsi-ld:Device:1"));
  EXPECT_EQ(by.object_type, std::optional<std::string>(schema("Device")));
  EXPECT_EQ(t.sub_attributes[2].name, dflt("calibration"));
  const auto& cal = t.sub_attributes[2].instances[0];
  EXPECT_EQ(cal.value, json::value(1));
  ASSERT_EQ(cal.sub_attributes.size(), 1u);
  EXPECT_EQ(cal.sub_attributes[0].name, dflt("method"));
  EXPECT_EQ(cal.sub_attributes[0].instances[0].value, json::value("manual"));
}

TEST(EntityParser, ObjectTypeExpandsWithTheCoreVocab) {
  auto e = with_attr(R"({"object": "urn:ngsi-ld:X:1", "objectType": "Building"})");
  ASSERT_TRUE(e.has_value()) << e.error().message;
  EXPECT_EQ(only_instance(*e, dflt("attr")).object_type,
            std::optional<std::string>(dflt("Building")));
}

TEST(EntityParser, ObjectTypeOnListRelationship) {
  auto e = with_attr(R"({"objectList": ["urn:ngsi-ld:X:1"], "objectType": "Shelter"})");
  ASSERT_TRUE(e.has_value()) << e.error().message;
  EXPECT_EQ(only_instance(*e, dflt("attr")).object_type,
            std::optional<std::string>(schema("Shelter")));
}

TEST(EntityParser, SubAttributesNestAtMostEightLevels) {
  std::string deep = "1";
  for (int i = 0; i < 8; ++i) deep = R"({"value": 1, "sub": )" + deep + "}";
  EXPECT_TRUE(with_attr(deep).has_value());
  deep = R"({"value": 1, "sub": )" + deep + "}";
  expect_error(with_attr(deep), ErrorKind::BadRequestData,
               "attribute 'sub': sub-attributes nest deeper than 8 levels");
}

// ---- multi-attributes ----

TEST(EntityParser, MultiAttributeInstancesByDatasetId) {
  auto e = parse(R"({
    "id": "urn:ngsi-ld:Shelter:1", "type": "Shelter",
    "temperature": [
      {"type": "Property", "value": 20},
      {"type": "Property", "value": 21, "datasetId": "urn:ngsi-ld:Dataset:A"},
      {"value": 22, "datasetId": "urn:ngsi-ld:Dataset:B"}
    ]
  })");
  ASSERT_TRUE(e.has_value()) << e.error().message;
  const auto* entry = model::find_entry(e->attributes, schema("temperature"));
  ASSERT_NE(entry, nullptr);
  ASSERT_EQ(entry->instances.size(), 3u);
  EXPECT_EQ(entry->instances[0].dataset_id, std::nullopt);
  EXPECT_EQ(entry->instances[0].value, json::value(20));
  EXPECT_EQ(entry->instances[1].dataset_id, std::optional<std::string>("urn:ngsi-ld:Dataset:A"));
  EXPECT_EQ(entry->instances[1].value, json::value(21));
  EXPECT_EQ(entry->instances[2].dataset_id, std::optional<std::string>("urn:ngsi-ld:Dataset:B"));
  EXPECT_EQ(entry->instances[2].value, json::value(22));
}

TEST(EntityParser, SingleInstanceWithDatasetId) {
  auto e = with_attr(R"({"value": 1, "datasetId": "urn:ngsi-ld:Dataset:A"})");
  ASSERT_TRUE(e.has_value()) << e.error().message;
  EXPECT_EQ(only_instance(*e, dflt("attr")).dataset_id,
            std::optional<std::string>("urn:ngsi-ld:Dataset:A"));
}

TEST(EntityParser, DuplicateDatasetIdIsRejected) {
  expect_error(with_attr(R"([{"value": 1, "datasetId": "urn:ngsi-ld:Dataset:A"},
                              {"value": 2, "datasetId": "urn:ngsi-ld:Dataset:A"}])"),
               ErrorKind::BadRequestData,
               "attribute 'attr' has two instances with datasetId 'urn:ngsi-ld:Dataset:A'");
  expect_error(with_attr(R"([{"value": 1}, {"type": "Property", "value": 2}])"),
               ErrorKind::BadRequestData, "attribute 'attr' has two instances with no datasetId");
}

TEST(EntityParser, TermAndItsIriNameTheSameAttribute) {
  auto e = parse(R"({"id": "urn:ngsi-ld:Shelter:1", "type": "Shelter", "temperature": 1,
                     "https://schema.example.org/temperature": 2})");
  expect_error(e, ErrorKind::BadRequestData,
               "attribute 'https://schema.example.org/temperature' has two instances with no "
               "datasetId");
}

TEST(EntityParser, ArrayOfPlainObjectsIsAPropertyValueNotInstances) {
  auto e = with_attr(R"([{"a": 1}, {"b": 2}])");
  ASSERT_TRUE(e.has_value()) << e.error().message;
  const auto& a = only_instance(*e, dflt("attr"));
  EXPECT_EQ(a.kind, AttributeKind::Property);
  EXPECT_EQ(a.value, json::parse(R"([{"a": 1}, {"b": 2}])"));
}

// ---- names, types and expansion ----

TEST(EntityParser, ExpandsTypesAndAttributeNames) {
  struct Case {
    std::string term;
    std::string user_iri;  // with the user context
    std::string core_iri;  // with the core context alone
  };
  const std::vector<Case> cases = {
      {"temperature", schema("temperature"), dflt("temperature")},
      {"unknownTerm", dflt("unknownTerm"), dflt("unknownTerm")},
      {"location", ngsild("location"), ngsild("location")},
      {"observationSpace", ngsild("observationSpace"), ngsild("observationSpace")},
      {"schema:name", "https://schema.org/name", "schema:name"},
      {"https://example.org/x", "https://example.org/x", "https://example.org/x"},
      {"urn:x:y", "urn:x:y", "urn:x:y"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.term);
    const std::string body =
        R"({"id": "urn:ngsi-ld:Shelter:1", "type": ")" + c.term + R"(", ")" + c.term + R"(": 1})";
    auto with_user = parse(body, user());
    ASSERT_TRUE(with_user.has_value()) << with_user.error().message;
    EXPECT_EQ(with_user->types, std::vector<std::string>{c.user_iri});
    ASSERT_EQ(with_user->attributes.size(), 1u);
    EXPECT_EQ(with_user->attributes[0].name, c.user_iri);
    auto with_core = parse(body, core());
    ASSERT_TRUE(with_core.has_value()) << with_core.error().message;
    EXPECT_EQ(with_core->types, std::vector<std::string>{c.core_iri});
    EXPECT_EQ(with_core->attributes[0].name, c.core_iri);
  }
}

TEST(EntityParser, TypesArrayIsExpandedAndDeduplicated) {
  auto e = parse(R"({"id": "urn:ngsi-ld:Shelter:1",
                     "type": ["Shelter", "Building", "https://schema.example.org/Shelter"]})");
  ASSERT_TRUE(e.has_value()) << e.error().message;
  EXPECT_EQ(e->types, (std::vector<std::string>{schema("Shelter"), dflt("Building")}));
}

TEST(EntityParser, AtIdAndAtTypeAreAccepted) {
  auto e = parse(R"({"@id": "urn:ngsi-ld:Shelter:1", "@type": "Shelter"})");
  ASSERT_TRUE(e.has_value()) << e.error().message;
  EXPECT_EQ(e->id, "urn:ngsi-ld:Shelter:1");
  EXPECT_EQ(e->types, std::vector<std::string>{schema("Shelter")});
}

TEST(EntityParser, SystemMembersAndContextAreIgnored) {
  auto e = parse(R"({"id": "urn:ngsi-ld:Shelter:1", "type": "Shelter",
                     "@context": ["https://example.org/ctx.jsonld"],
                     "createdAt": "2020-01-01T00:00:00Z", "modifiedAt": "2020-01-01T00:00:00Z",
                     "deletedAt": "x", "temperature": 1})");
  ASSERT_TRUE(e.has_value()) << e.error().message;
  ASSERT_EQ(e->attributes.size(), 1u);
  EXPECT_EQ(e->attributes[0].name, schema("temperature"));
  EXPECT_EQ(e->created_at, model::Timestamp{});
}

TEST(EntityParser, NullMappedTermIsRejected) {
  expect_error(parse(R"({"id": "urn:ngsi-ld:Shelter:1", "type": "Shelter", "hidden": 1})"),
               ErrorKind::BadRequestData, "term 'hidden' is defined as null by the @context");
  expect_error(parse(R"({"id": "urn:ngsi-ld:Shelter:1", "type": "hidden"})"),
               ErrorKind::BadRequestData, "term 'hidden' is defined as null by the @context");
}

TEST(EntityParser, ForbiddenCharactersInAttributeNames) {
  const std::vector<std::string> names = {"a b", "a\\tb", "a<b", "a>b", "a\\\"b", "a'b",
                                          "a=b", "a;b",   "a(b", "a)b", "a\\\\b", "a\\u007fb"};
  for (const auto& name : names) {
    SCOPED_TRACE(name);
    auto e = parse(R"({"id": "urn:ngsi-ld:Shelter:1", "type": "Shelter", ")" + name + R"(": 1})");
    expect_error(e, ErrorKind::BadRequestData, "contains a forbidden character");
    expect_error(e, ErrorKind::BadRequestData, "attribute name '");
  }
  expect_error(parse(R"({"id": "urn:ngsi-ld:Shelter:1", "type": "Shelter", "": 1})"),
               ErrorKind::BadRequestData, "attribute name is empty");
  expect_error(parse(R"({"id": "urn:ngsi-ld:Shelter:1", "type": "Shelter", ")" +
                     std::string(1025, 'a') + R"(": 1})"),
               ErrorKind::BadRequestData, "attribute name is longer than 1024 characters");
  EXPECT_TRUE(parse(R"({"id": "urn:ngsi-ld:Shelter:1", "type": "Shelter", ")" +
                    std::string(1024, 'a') + R"(": 1})")
                  .has_value());
}

TEST(EntityParser, BadEntityTypes) {
  struct Case {
    std::string type;
    std::string fragment;
  };
  const std::vector<Case> cases = {
      {"[]", "entity \"type\" is an empty array"},
      {"5", "entity \"type\" must be a string or an array of strings"},
      {R"(["Shelter", 5])", "entity \"type\" must be a string or an array of strings"},
      {R"("Big Shelter")", "entity type name 'Big Shelter' contains a forbidden character"},
      {R"("")", "entity type name is empty"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.type);
    expect_error(parse(R"({"id": "urn:ngsi-ld:Shelter:1", "type": )" + c.type + "}"),
                 ErrorKind::BadRequestData, c.fragment);
  }
}

// ---- id and type presence ----

TEST(EntityParser, IdValidation) {
  struct Case {
    std::string id;
    std::string fragment;
  };
  const std::vector<Case> cases = {
      {R"("Shelter 1")", "id: 'Shelter 1' is not a valid URI"},
      {R"("shelter1")", "id: 'shelter1' is not a valid URI: it has no scheme"},
      {R"("urn:x")", "id: 'urn:x' is not a valid URI"},
      {R"("")", "id: '' is not a valid URI: it is empty"},
      {"5", "entity \"id\" must be a string (a URI)"},
      {"null", "entity \"id\" must be a string (a URI)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.id);
    expect_error(parse(R"({"id": )" + c.id + R"(, "type": "Shelter"})"), ErrorKind::BadRequestData,
                 c.fragment);
  }
}

TEST(EntityParser, MissingIdOrType) {
  expect_error(parse(R"({"type": "Shelter"})"), ErrorKind::BadRequestData,
               "the entity has no \"id\"");
  expect_error(parse(R"({"type": "Shelter"})", user(), EntityShape::Fragment),
               ErrorKind::BadRequestData, "the entity has no \"id\"");
  expect_error(parse(R"({"id": "urn:ngsi-ld:Shelter:1", "temperature": 1})"),
               ErrorKind::BadRequestData, "entity 'urn:ngsi-ld:Shelter:1' has no \"type\"");
  expect_error(parse("[]"), ErrorKind::BadRequestData, "the entity must be a JSON object");
  expect_error(parse(R"("urn:ngsi-ld:Shelter:1")"), ErrorKind::BadRequestData,
               "the entity must be a JSON object");
}

TEST(EntityParser, FragmentNeedsNoType) {
  auto e =
      parse(R"({"id": "urn:ngsi-ld:Shelter:1", "temperature": 1})", user(), EntityShape::Fragment);
  ASSERT_TRUE(e.has_value()) << e.error().message;
  EXPECT_TRUE(e->types.empty());
  EXPECT_EQ(e->attributes.size(), 1u);
}

TEST(EntityParser, UrlIdIsUsedAndMustMatch) {
  const std::string url_id = "urn:ngsi-ld:Shelter:2";
  auto e = parse(R"({"temperature": 1})", user(), EntityShape::Fragment, &url_id);
  ASSERT_TRUE(e.has_value()) << e.error().message;
  EXPECT_EQ(e->id, url_id);
  auto same = parse(R"({"id": "urn:ngsi-ld:Shelter:2", "type": "Shelter"})", user(),
                    EntityShape::Complete, &url_id);
  ASSERT_TRUE(same.has_value()) << same.error().message;
  EXPECT_EQ(same->id, url_id);
  expect_error(parse(R"({"id": "urn:ngsi-ld:Shelter:1", "type": "Shelter"})", user(),
                     EntityShape::Complete, &url_id),
               ErrorKind::BadRequestData,
               "the body's id 'urn:ngsi-ld:Shelter:1' differs from the id in the URL "
               "'urn:ngsi-ld:Shelter:2'");
}

// ---- scope ----

TEST(EntityParser, ScopeValidation) {
  const std::vector<std::string> valid = {R"("/Osaka")", R"("/Osaka/Kita")",
                                          R"(["/Osaka/Kita", "/Osaka/Naniwa"])"};
  for (const auto& s : valid) {
    SCOPED_TRACE(s);
    auto e = parse(R"({"id": "urn:ngsi-ld:Shelter:1", "type": "Shelter", "scope": )" + s + "}");
    ASSERT_TRUE(e.has_value()) << e.error().message;
    EXPECT_EQ(e->scope, std::optional<json::value>(json::parse(s)));
    EXPECT_TRUE(e->attributes.empty());
  }
  const std::vector<std::string> invalid = {R"("Osaka")",   R"("/")",         R"("")", "[]",
                                            R"(["/a", 5])", R"(["/a", "b"])", "5",     "null"};
  for (const auto& s : invalid) {
    SCOPED_TRACE(s);
    expect_error(parse(R"({"id": "urn:ngsi-ld:Shelter:1", "type": "Shelter", "scope": )" + s + "}"),
                 ErrorKind::BadRequestData,
                 "\"scope\" must be a scope such as \"/Osaka/Kita\" or an array of them");
  }
}

// ---- NGSI-LD Null in fragments ----

TEST(EntityParser, NullMarkerIsKeptInFragments) {
  auto e = parse(R"({"id": "urn:ngsi-ld:Shelter:1", "temperature": "urn:ngsi-ld:null",
                     "owner": {"object": "urn:ngsi-ld:null"},
                     "name": {"languageMap": {"@none": "urn:ngsi-ld:null"}}})",
                 user(), EntityShape::Fragment);
  ASSERT_TRUE(e.has_value()) << e.error().message;
  EXPECT_EQ(only_instance(*e, schema("temperature")).value, json::value("urn:ngsi-ld:null"));
  EXPECT_EQ(only_instance(*e, schema("owner")).kind, AttributeKind::Relationship);
  EXPECT_EQ(only_instance(*e, dflt("name")).value, json::parse(R"({"@none": "urn:ngsi-ld:null"})"));
}

TEST(EntityParser, GeoPropertyNullMarkerIsAcceptedInFragments) {
  // ETSI GS CIM 009 v1.8.1 clause 5.2.1 makes "urn:ngsi-ld:null" the NGSI-LD Null of a
  // Property value in partial updates and merges (clause 5.6.17), and a GeoProperty is a
  // Property: the marker must not be validated as GeoJSON.
  auto e = parse(R"({"id": "urn:ngsi-ld:Shelter:1",
                     "location": {"type": "GeoProperty", "value": "urn:ngsi-ld:null"}})",
                 user(), EntityShape::Fragment);
  ASSERT_TRUE(e.has_value()) << e.error().message;
  EXPECT_EQ(only_instance(*e, ngsild("location")).value, json::value("urn:ngsi-ld:null"));
}

TEST(EntityParser, NullMarkerIsRejectedWhenCreating) {
  // ETSI GS CIM 009 v1.8.1 clause 5.2.1 allows the NGSI-LD Null only in partial updates and
  // merges; "in all other cases" it is BadRequestData.
  expect_error(parse(R"({"id": "urn:ngsi-ld:Shelter:1", "type": "Shelter",
                         "temperature": "urn:ngsi-ld:null"})"),
               ErrorKind::BadRequestData, "urn:ngsi-ld:null");
}

// ---- parse_attributes ----

TEST(ParseAttributes, SkipsIdTypeAndScope) {
  auto attrs = parse_attributes(json::parse(R"({"id": "urn:ngsi-ld:Other:9", "type": "Other",
                                                "scope": "/x", "@context": "c",
                                                "temperature": 5, "owner": {"object": "urn:ngsi-ld:Person:1"}})"),
                                user());
  ASSERT_TRUE(attrs.has_value()) << attrs.error().message;
  ASSERT_EQ(attrs->size(), 2u);
  EXPECT_EQ((*attrs)[0].name, schema("temperature"));
  EXPECT_EQ((*attrs)[1].name, schema("owner"));
  EXPECT_EQ((*attrs)[1].instances[0].kind, AttributeKind::Relationship);
}

TEST(ParseAttributes, Errors) {
  expect_error(parse_attributes(json::parse(R"({"id": "urn:ngsi-ld:X:1", "type": "X"})"), user()),
               ErrorKind::BadRequestData, "the request names no attribute");
  expect_error(parse_attributes(json::parse("{}"), user()), ErrorKind::BadRequestData,
               "the request names no attribute");
  expect_error(parse_attributes(json::parse("[1]"), user()), ErrorKind::BadRequestData,
               "the attributes must be given as a JSON object");
  expect_error(parse_attributes(json::parse(R"({"temperature": null})"), user()),
               ErrorKind::BadRequestData, "attribute 'temperature' is null");
}

// ---- parse_attribute_body ----

TEST(ParseAttributeBody, PartialAllowsMissingMembersAndType) {
  auto a = parse_attribute_body(json::parse(R"({"observedAt": "2024-01-31T00:00:00Z"})"),
                                "temperature", user(), true);
  ASSERT_TRUE(a.has_value()) << a.error().message;
  EXPECT_EQ(a->kind, AttributeKind::Property);
  EXPECT_TRUE(a->value.is_null());
  EXPECT_EQ(a->observed_at, std::optional<model::Timestamp>(at("2024-01-31T00:00:00Z")));

  auto typed =
      parse_attribute_body(json::parse(R"({"type": "Relationship"})"), "owner", user(), true);
  ASSERT_TRUE(typed.has_value()) << typed.error().message;
  EXPECT_EQ(typed->kind, AttributeKind::Relationship);
  EXPECT_TRUE(typed->value.is_null());

  auto value = parse_attribute_body(json::parse(R"({"value": 5, "@context": "x"})"), "temperature",
                                    user(), true);
  ASSERT_TRUE(value.has_value()) << value.error().message;
  EXPECT_EQ(value->kind, AttributeKind::Property);
  EXPECT_EQ(value->value, json::value(5));
  EXPECT_TRUE(value->sub_attributes.empty());
}

TEST(ParseAttributeBody, FullNeedsTheValueMember) {
  expect_error(parse_attribute_body(json::parse(R"({"observedAt": "2024-01-31T00:00:00Z"})"),
                                    "temperature", user(), false),
               ErrorKind::BadRequestData,
               "attribute 'temperature' has neither \"type\" nor a value member");
  expect_error(
      parse_attribute_body(json::parse(R"({"type": "Property"})"), "temperature", user(), false),
      ErrorKind::BadRequestData,
      "attribute 'temperature' of type Property has no \"value\" member");
  auto a =
      parse_attribute_body(json::parse(R"({"type": "Relationship", "object": "urn:ngsi-ld:Person:1",
                      "datasetId": "urn:ngsi-ld:Dataset:A", "since": "2024"})"),
                           "owner", user(), false);
  ASSERT_TRUE(a.has_value()) << a.error().message;
  EXPECT_EQ(a->kind, AttributeKind::Relationship);
  EXPECT_EQ(a->dataset_id, std::optional<std::string>("urn:ngsi-ld:Dataset:A"));
  ASSERT_EQ(a->sub_attributes.size(), 1u);
  EXPECT_EQ(a->sub_attributes[0].name, dflt("since"));
}

TEST(ParseAttributeBody, MustBeAnObject) {
  for (bool partial : {true, false}) {
    expect_error(parse_attribute_body(json::parse("5"), "temperature", user(), partial),
                 ErrorKind::BadRequestData, "the attribute must be a JSON object");
  }
  expect_error(parse_attribute_body(json::parse(R"({"value": null})"), "temperature", user(), true),
               ErrorKind::BadRequestData, "attribute 'temperature' has a null value");
}

// ---- expand_name ----

TEST(ExpandName, ExpandsAndValidates) {
  auto expanded = [](std::string_view term, const jsonld::Context& ctx) {
    auto r = expand_name(term, ctx, "attribute");
    return r ? *r : "error: " + r.error().message;
  };
  EXPECT_EQ(expanded("temperature", user()), schema("temperature"));
  EXPECT_EQ(expanded("temperature", core()), dflt("temperature"));
  EXPECT_EQ(expanded("location", core()), ngsild("location"));
  EXPECT_EQ(expanded("Shelter", user()), schema("Shelter"));
  EXPECT_EQ(expanded("schema:name", user()), "https://schema.org/name");
  expect_error(expand_name("", user(), "attribute"), ErrorKind::BadRequestData,
               "attribute name is empty");
  expect_error(expand_name("a b", user(), "entity type"), ErrorKind::BadRequestData,
               "entity type name 'a b' contains a forbidden character");
  expect_error(expand_name("x=1", user(), "attribute"), ErrorKind::BadRequestData,
               "attribute name 'x=1' contains a forbidden character");
  expect_error(expand_name("hidden", user(), "attribute"), ErrorKind::BadRequestData,
               "term 'hidden' is defined as null by the @context");
}

}  // namespace
}  // namespace tsunagu::api::ngsild
