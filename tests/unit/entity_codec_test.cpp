#include "store/entity_codec.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "attribute_expectations.hpp"

namespace tsunagu::store {
namespace {
namespace json = boost::json;
using model::Attribute;
using model::AttributeKind;
using model::AttributeList;
using model::Entity;
using model::Timestamp;

Timestamp ms(std::int64_t n) {
  return Timestamp{std::chrono::milliseconds{n}};
}

Attribute make(AttributeKind kind, json::value value, std::int64_t created, std::int64_t modified) {
  Attribute a;
  a.kind = kind;
  a.value = std::move(value);
  a.created_at = ms(created);
  a.modified_at = modified == 0 ? ms(created) : ms(modified);
  return a;
}

// Every attribute kind, multi-attribute instances, nested sub-attributes, all optional members.
Entity full_entity() {
  Entity e;
  e.id = "urn:ngsi-ld:Shelter:1";
  e.types = {"https://schema.example.org/Shelter", "https://schema.example.org/Building"};
  e.scope = json::parse(R"(["/Osaka/Kita", "/Osaka"])");
  e.created_at = ms(1'700'000'000'123);
  e.modified_at = ms(1'700'000'060'456);

  Attribute temp = make(AttributeKind::Property, 20.5, 1'700'000'000'123, 1'700'000'050'000);
  temp.unit_code = "CEL";
  temp.observed_at = ms(1'706'661'000'123);
  Attribute accuracy = make(AttributeKind::Property, 0.9, 1'700'000'000'200, 0);
  Attribute method = make(AttributeKind::Property, "manual", 1'700'000'000'300, 0);
  model::put_instance(accuracy.sub_attributes, "https://example.org/method", method);
  model::put_instance(temp.sub_attributes, "https://example.org/accuracy", accuracy);
  model::put_instance(e.attributes, "https://example.org/temperature", temp);
  Attribute temp_a = make(AttributeKind::Property, 21, 1'700'000'000'124, 0);
  temp_a.dataset_id = "urn:ngsi-ld:Dataset:A";
  model::put_instance(e.attributes, "https://example.org/temperature", temp_a);

  Attribute owner = make(AttributeKind::Relationship, "urn:ngsi-ld:Person:1", 1, 2);
  owner.object_type = "https://schema.example.org/Person";
  model::put_instance(e.attributes, "https://example.org/owner", owner);
  model::put_instance(
      e.attributes, "https://uri.etsi.org/ngsi-ld/location",
      make(AttributeKind::GeoProperty,
           json::parse(R"({"type": "Point", "coordinates": [135.5, 34.7, 12]})"), 3, 4));
  model::put_instance(
      e.attributes, "https://example.org/name",
      make(AttributeKind::LanguageProperty, json::parse(R"({"en": "Kita", "ja": "北"})"), 5, 6));
  model::put_instance(
      e.attributes, "https://example.org/material",
      make(AttributeKind::VocabProperty,
           json::parse(R"(["https://example.org/Wood", "https://example.org/Stone"])"), 7, 8));
  model::put_instance(
      e.attributes, "https://example.org/config",
      make(AttributeKind::JsonProperty,
           json::parse(R"({"type": "x", "value": null, "sub": {"a": [1]}, "createdAt": 1})"), 9,
           10));
  model::put_instance(
      e.attributes, "https://example.org/tags",
      make(AttributeKind::ListProperty, json::parse(R"([1, "two", {"three": 3}])"), 11, 12));
  Attribute exits = make(AttributeKind::ListRelationship,
                         json::parse(R"(["urn:ngsi-ld:Exit:1", "urn:ngsi-ld:Exit:2"])"), 13, 14);
  exits.object_type = "https://example.org/Exit";
  exits.dataset_id = "urn:ngsi-ld:Dataset:B";
  model::put_instance(e.attributes, "https://example.org/exits", exits);
  return e;
}

void expect_same_attributes(const AttributeList& actual, const AttributeList& expected) {
  test_support::expect_same_attributes(actual, expected, test_support::Timestamps::Compare);
}

void expect_same_entity(const Entity& actual, const Entity& expected) {
  EXPECT_EQ(actual.id, expected.id);
  EXPECT_EQ(actual.types, expected.types);
  EXPECT_EQ(actual.scope, expected.scope);
  EXPECT_EQ(actual.created_at, expected.created_at);
  EXPECT_EQ(actual.modified_at, expected.modified_at);
  expect_same_attributes(actual.attributes, expected.attributes);
}

// A decode that failed as a stored document that is not what the encoder writes should: an
// InternalError whose message holds `fragment`.
template <typename T>
::testing::AssertionResult IsCorrupt(const Result<T>& decoded, std::string_view fragment) {
  if (decoded.has_value()) return ::testing::AssertionFailure() << "it decoded";
  if (decoded.error().kind != ErrorKind::InternalError) {
    return ::testing::AssertionFailure() << "not an InternalError: " << decoded.error().message;
  }
  if (decoded.error().message.find(fragment) == std::string::npos) {
    return ::testing::AssertionFailure()
           << "'" << fragment << "' not in '" << decoded.error().message << "'";
  }
  return ::testing::AssertionSuccess();
}

// The entity encoded to text and decoded again is the same entity.
void expect_text_round_trip(const Entity& e) {
  auto decoded = decode_entity_text(encode_entity_text(e));
  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  expect_same_entity(*decoded, e);
}

// An entity of one type and no attributes.
Entity bare_entity() {
  Entity e;
  e.id = "urn:ngsi-ld:X:1";
  e.types = {"https://example.org/X"};
  return e;
}

TEST(EntityCodec, RoundTripsEveryKindAndMember) {
  const Entity e = full_entity();
  auto decoded = decode_entity(encode_entity(e));
  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  expect_same_entity(*decoded, e);
}

TEST(EntityCodec, RoundTripsThroughText) {
  expect_text_round_trip(full_entity());
}

TEST(EntityCodec, MinimalEntity) {
  Entity e;
  e.id = "urn:ngsi-ld:X:1";
  e.types = {"https://example.org/X"};
  auto doc = encode_entity(e);
  EXPECT_EQ(json::value(doc), json::parse(R"({"id": "urn:ngsi-ld:X:1",
      "type": ["https://example.org/X"], "createdAt": 0, "modifiedAt": 0, "attrs": {}})"));
  auto decoded = decode_entity(doc);
  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  expect_same_entity(*decoded, e);
  EXPECT_EQ(decoded->scope, std::nullopt);
}

TEST(EntityCodec, DocumentShape) {
  Entity e;
  e.id = "urn:ngsi-ld:X:1";
  e.types = {"https://example.org/X"};
  e.scope = json::value("/Osaka");
  e.created_at = ms(1000);
  e.modified_at = ms(2000);
  Attribute a = make(AttributeKind::Relationship, "urn:ngsi-ld:Y:1", 3000, 4000);
  a.dataset_id = "urn:ngsi-ld:Dataset:A";
  a.observed_at = ms(5000);
  a.unit_code = "MTR";
  a.object_type = "https://example.org/Y";
  model::put_instance(a.sub_attributes, "https://example.org/s",
                      make(AttributeKind::Property, 1, 6000, 7000));
  model::put_instance(e.attributes, "https://example.org/r", a);
  EXPECT_EQ(json::value(encode_entity(e)), json::parse(R"({
    "id": "urn:ngsi-ld:X:1", "type": ["https://example.org/X"], "scope": "/Osaka",
    "createdAt": 1000, "modifiedAt": 2000,
    "attrs": {"https://example.org/r": [{
      "type": "Relationship", "object": "urn:ngsi-ld:Y:1", "datasetId": "urn:ngsi-ld:Dataset:A",
      "observedAt": 5000, "unitCode": "MTR", "objectType": "https://example.org/Y",
      "createdAt": 3000, "modifiedAt": 4000,
      "sub": {"https://example.org/s": [{"type": "Property", "value": 1,
                                         "createdAt": 6000, "modifiedAt": 7000}]}}]}
  })"));
}

TEST(EntityCodec, KeepsAttributeOrder) {
  Entity e = bare_entity();
  for (const char* name :
       {"https://example.org/z", "https://example.org/a", "https://example.org/m"}) {
    model::put_instance(e.attributes, name, make(AttributeKind::Property, 1, 1, 1));
  }
  auto decoded = decode_entity_text(encode_entity_text(e));
  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  ASSERT_EQ(decoded->attributes.size(), 3u);
  EXPECT_EQ(decoded->attributes[0].name, "https://example.org/z");
  EXPECT_EQ(decoded->attributes[1].name, "https://example.org/a");
  EXPECT_EQ(decoded->attributes[2].name, "https://example.org/m");
}

// What a short, plain document does not exercise: long escaped text, every JSON scalar, members
// this version does not know, the history's attribute documents, depth, trailing text.

TEST(EntityCodec, LongEscapedNamesAndStringsArriveInPartsAndComeBackWhole) {
  // Boost.JSON hands a string with escapes over in parts once it outgrows its buffer.
  std::string long_text;
  for (int i = 0; i < 3000; ++i) long_text += "a\"\\\n\xc3\xa9\x01/";
  const std::string long_name = "https://example.org/" + long_text;
  Entity e;
  e.id = "urn:ngsi-ld:X:" + long_text;
  e.types = {"https://example.org/" + long_text};
  e.scope = json::value(long_text);
  Attribute a = make(AttributeKind::Property, json::value(long_text), 1, 2);
  a.unit_code = long_text;
  a.dataset_id = "urn:ngsi-ld:Dataset:" + long_text;
  Attribute nested = make(AttributeKind::JsonProperty,
                          json::object{{long_text, json::array{long_text, long_text}}}, 3, 4);
  model::put_instance(a.sub_attributes, long_name, nested);
  model::put_instance(e.attributes, long_name, a);
  expect_text_round_trip(e);
}

TEST(EntityCodec, EveryKindOfJsonScalarInAValueComesBack) {
  Entity e = bare_entity();
  const std::vector<json::value> values = {
      json::value(true),
      json::value(false),
      json::value(-7),
      json::value(std::uint64_t{18'000'000'000'000'000'000u}),
      json::value(0.1),
      json::value(-1e300),
      json::value("text"),
      json::parse(R"([null, true, -1, 2.5, "s", {}, []])"),
      json::parse(R"({"a": {"b": [null, false, 18000000000000000000]}})")};
  for (std::size_t i = 0; i < values.size(); ++i) {
    model::put_instance(e.attributes, "https://example.org/p" + std::to_string(i),
                        make(AttributeKind::JsonProperty, values[i], 1, 1));
  }
  expect_text_round_trip(e);
}

TEST(EntityCodec, MembersALaterVersionMayAddAreSkipped) {
  // A document written by a newer version, read by this one (a rollback): what it does not know
  // it leaves, whatever its shape, and the rest decodes.
  const auto decoded = decode_entity_text(R"({"id": "urn:ngsi-ld:X:1", "future": {"a": [1, {}]},
      "type": ["https://example.org/X"], "later": [[]], "createdAt": 1, "modifiedAt": 2,
      "attrs": {"https://example.org/p": [{"type": "Property", "value": 5, "note": {"x": [2]},
        "createdAt": 3, "modifiedAt": 4, "flag": true, "object": "urn:ngsi-ld:Y:1"}]},
      "extra": "x", "none": null, "n": 1.5})");
  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  Entity expected;
  expected.id = "urn:ngsi-ld:X:1";
  expected.types = {"https://example.org/X"};
  expected.created_at = ms(1);
  expected.modified_at = ms(2);
  model::put_instance(expected.attributes, "https://example.org/p",
                      make(AttributeKind::Property, 5, 3, 4));
  expect_same_entity(*decoded, expected);
}

TEST(EntityCodec, AnAttributeDocumentTakesItsKindFromTheCaller) {
  // The history's documents: no type, no times (their columns hold them).
  auto a = decode_attribute_text(R"({"value": {"type": "Point", "coordinates": [135.5, 34.7]},
                                     "unitCode": "MTR", "sub": {"https://example.org/s": [
                                       {"type": "Property", "value": 1, "createdAt": 6,
                                        "modifiedAt": 7}]}})",
                                 AttributeKind::GeoProperty, "urn:ngsi-ld:X:1");
  ASSERT_TRUE(a.has_value()) << a.error().message;
  EXPECT_EQ(a->kind, AttributeKind::GeoProperty);
  EXPECT_EQ(a->value, json::parse(R"({"type": "Point", "coordinates": [135.5, 34.7]})"));
  EXPECT_EQ(a->unit_code, "MTR");
  ASSERT_EQ(a->sub_attributes.size(), 1u);
  EXPECT_EQ(a->sub_attributes[0].instances.at(0).value, json::value(1));
  EXPECT_EQ(a->sub_attributes[0].instances.at(0).modified_at, ms(7));

  auto relationship = decode_attribute_text(R"({"type": "Property", "object": "urn:a:b"})",
                                            AttributeKind::Relationship, "urn:ngsi-ld:X:1");
  ASSERT_TRUE(relationship.has_value()) << relationship.error().message;
  EXPECT_EQ(relationship->kind, AttributeKind::Relationship) << "the caller's kind wins";
  EXPECT_EQ(relationship->value, json::value("urn:a:b"));

  for (const std::string text : {"[1]", "{", R"({"value": 1, "createdAt": "x"})", ""}) {
    SCOPED_TRACE(text);
    EXPECT_TRUE(IsCorrupt(decode_attribute_text(text, AttributeKind::Property, "urn:ngsi-ld:X:1"),
                          "stored entity 'urn:ngsi-ld:X:1' is corrupt"));
  }
}

TEST(EntityCodec, DocumentsDeeperThanARequestMayBeDecode) {
  json::value deep = 1;
  for (int i = 0; i < 300; ++i) deep = json::array{deep};
  Entity e = bare_entity();
  Attribute a = make(AttributeKind::Property, deep, 1, 1);
  model::put_instance(a.sub_attributes, "https://example.org/s",
                      make(AttributeKind::Property, deep, 2, 2));
  model::put_instance(e.attributes, "https://example.org/p", a);
  expect_text_round_trip(e);
}

// ---- corrupt documents ----

constexpr std::string_view kValidAttr =
    R"({"type": "Property", "value": 1, "createdAt": 1, "modifiedAt": 2})";

std::string doc_with_attr(std::string_view attr_instances) {
  return R"({"id": "urn:ngsi-ld:X:1", "type": ["https://example.org/X"], "createdAt": 1,
             "modifiedAt": 2, "attrs": {"https://example.org/p": )" +
         std::string(attr_instances) + "}}";
}

TEST(EntityCodec, ValidHelperDocumentDecodes) {
  auto decoded = decode_entity_text(doc_with_attr("[" + std::string(kValidAttr) + "]"));
  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  EXPECT_EQ(decoded->attributes.size(), 1u);
}

TEST(EntityCodec, CorruptDocumentsAreInternalErrorsNotExceptions) {
  struct Case {
    std::string label;
    std::string text;
    std::string fragment;
  };
  const std::vector<Case> cases = {
      {"not json", "{", "stored entity is not a JSON object"},
      {"empty", "", "stored entity is not a JSON object"},
      {"array", "[1, 2]", "stored entity is not a JSON object"},
      {"string", R"("x")", "stored entity is not a JSON object"},
      {"no id", R"({"type": [], "createdAt": 1, "modifiedAt": 1, "attrs": {}})", "is corrupt"},
      {"id number", R"({"id": 5, "type": [], "createdAt": 1, "modifiedAt": 1, "attrs": {}})",
       "is corrupt"},
      {"type string",
       R"({"id": "urn:a:b", "type": "X", "createdAt": 1, "modifiedAt": 1, "attrs": {}})",
       "is corrupt"},
      {"type item number",
       R"({"id": "urn:a:b", "type": [1], "createdAt": 1, "modifiedAt": 1, "attrs": {}})",
       "is corrupt"},
      {"createdAt string",
       R"({"id": "urn:a:b", "type": [], "createdAt": "x", "modifiedAt": 1, "attrs": {}})",
       "is corrupt"},
      {"createdAt fraction",
       R"({"id": "urn:a:b", "type": [], "createdAt": 1.5, "modifiedAt": 1, "attrs": {}})",
       "is corrupt"},
      {"no attrs", R"({"id": "urn:a:b", "type": [], "createdAt": 1, "modifiedAt": 1})",
       "is corrupt"},
      {"attrs array",
       R"({"id": "urn:a:b", "type": [], "createdAt": 1, "modifiedAt": 1, "attrs": []})",
       "is corrupt"},
      {"attribute not array", doc_with_attr(kValidAttr),
       "stored entity 'urn:ngsi-ld:X:1' is corrupt: attribute is not an array"},
      {"instance not object", doc_with_attr("[5]"),
       "stored entity 'urn:ngsi-ld:X:1' is corrupt: instance is not an object"},
      {"unknown kind", doc_with_attr(R"([{"type": "Propertyy", "value": 1}])"),
       "stored entity 'urn:ngsi-ld:X:1' is corrupt: unknown attribute type"},
      {"kind missing", doc_with_attr(R"([{"value": 1}])"),
       "stored entity 'urn:ngsi-ld:X:1' is corrupt: unknown attribute type"},
      {"kind number", doc_with_attr(R"([{"type": 1, "value": 1}])"),
       "stored entity 'urn:ngsi-ld:X:1' is corrupt: unknown attribute type"},
      {"nested corrupt sub",
       doc_with_attr(R"([{"type": "Property", "value": 1, "sub": {"https://e.org/s": [7]}}])"),
       "stored entity 'urn:ngsi-ld:X:1' is corrupt: instance is not an object"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.label);
    Result<Entity> decoded = std::unexpected(Error{ErrorKind::BadRequestData, "unset", {}});
    EXPECT_NO_THROW(decoded = decode_entity_text(c.text));
    EXPECT_TRUE(IsCorrupt(decoded, c.fragment));
  }
}

TEST(EntityCodec, CorruptAttributeMembersNameTheEntity) {
  // entity_codec.hpp promises an InternalError naming the entity, so that an operator can tell
  // which row to repair, also when Boost.JSON throws inside the attribute decoder.
  const std::vector<std::string> members = {
      R"("datasetId": 5)",   R"("observedAt": "x")", R"("unitCode": [])", R"("objectType": {})",
      R"("createdAt": "x")", R"("modifiedAt": 1.5)", R"("sub": [])"};
  for (const auto& member : members) {
    SCOPED_TRACE(member);
    Result<Entity> decoded = std::unexpected(Error{ErrorKind::BadRequestData, "unset", {}});
    EXPECT_NO_THROW(decoded = decode_entity_text(
                        doc_with_attr(R"([{"type": "Property", "value": 1, )" + member + "}]")));
    EXPECT_TRUE(IsCorrupt(decoded, "stored entity 'urn:ngsi-ld:X:1' is corrupt"));
  }
}

TEST(EntityCodec, DecodeOfAnObjectNeverThrows) {
  json::object doc;
  doc["id"] = json::array{};
  Result<Entity> decoded = std::unexpected(Error{ErrorKind::BadRequestData, "unset", {}});
  EXPECT_NO_THROW(decoded = decode_entity(doc));
  EXPECT_TRUE(IsCorrupt(decoded, "stored entity is corrupt"));
}

TEST(EntityCodec, TextAfterTheDocumentIsCorrupt) {
  const std::string doc = doc_with_attr("[" + std::string(kValidAttr) + "]");
  for (const std::string tail : {" {}", "x", "]"}) {
    SCOPED_TRACE(tail);
    EXPECT_TRUE(IsCorrupt(decode_entity_text(doc + tail), "stored entity is not a JSON object"));
  }
  EXPECT_TRUE(decode_entity_text(doc + " \n").has_value()) << "whitespace is no content";
}

}  // namespace
}  // namespace tsunagu::store
