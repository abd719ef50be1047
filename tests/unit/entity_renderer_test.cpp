#include "api/ngsild/entity_renderer.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "api/ngsild/entity_parser.hpp"
#include "attribute_expectations.hpp"
#include "jsonld/context.hpp"
#include "jsonld/core_context.hpp"
#include "model/time.hpp"

namespace tsunagu::api::ngsild {
namespace {
namespace json = boost::json;
using model::Attribute;
using model::AttributeKind;
using model::AttributeList;
using model::Entity;
using model::Timestamp;

const std::string kDefault = "https://uri.etsi.org/ngsi-ld/default-context/";
const std::string kNgsiLd = "https://uri.etsi.org/ngsi-ld/";
const std::string kSchema = "https://schema.example.org/";

std::string dflt(const std::string& term) {
  return kDefault + term;
}
std::string ngsild(const std::string& term) {
  return kNgsiLd + term;
}
std::string schema(const std::string& term) {
  return kSchema + term;
}

std::shared_ptr<const jsonld::Context> make_user_context() {
  jsonld::ContextBuilder builder(*jsonld::core_context());
  auto st = builder.apply(json::parse(R"({
    "Shelter": "https://schema.example.org/Shelter",
    "Person": "https://schema.example.org/Person",
    "temperature": "https://schema.example.org/temperature",
    "owner": "https://schema.example.org/owner",
    "material": {"@id": "https://schema.example.org/material", "@type": "@vocab"},
    "Wooden": "https://schema.example.org/Wooden"
  })"));
  EXPECT_TRUE(st.has_value()) << st.error().message;
  return std::move(builder).build();
}

const jsonld::Context& user() {
  static const auto ctx = make_user_context();
  return *ctx;
}
const jsonld::Context& core() {
  return *jsonld::core_context();
}

const Timestamp kCreated{std::chrono::milliseconds{1'700'000'000'123}};  // 2023-11-14T22:13:20.123Z
const Timestamp kModified{std::chrono::milliseconds{1'700'000'060'000}};  // 2023-11-14T22:14:20Z
const Timestamp kObserved{
    std::chrono::milliseconds{1'706'661'000'123}};  // 2024-01-31T00:30:00.123Z

Attribute make(AttributeKind kind, json::value value) {
  Attribute a;
  a.kind = kind;
  a.value = std::move(value);
  a.created_at = kCreated;
  a.modified_at = kModified;
  return a;
}

void add(Entity& e, const std::string& name, Attribute a) {
  model::put_instance(e.attributes, name, std::move(a));
}

// One attribute of every kind; `multi` adds the multi-attribute "capacity" whose default
// instance has nothing but a value.
Entity shelter(bool multi = true) {
  Entity e;
  e.id = "urn:ngsi-ld:Shelter:1";
  e.types = {schema("Shelter")};
  e.created_at = kCreated;
  e.modified_at = kModified;
  Attribute temp = make(AttributeKind::Property, 20);
  temp.unit_code = "CEL";
  temp.observed_at = kObserved;
  model::put_instance(temp.sub_attributes, dflt("accuracy"), make(AttributeKind::Property, 0.9));
  add(e, schema("temperature"), temp);
  add(e, dflt("name"),
      make(AttributeKind::LanguageProperty, json::parse(R"({"en": "Kita", "ja": "北"})")));
  Attribute owner = make(AttributeKind::Relationship, "urn:ngsi-ld:Person:1");
  owner.object_type = schema("Person");
  add(e, schema("owner"), owner);
  add(e, schema("material"), make(AttributeKind::VocabProperty, json::value(schema("Wooden"))));
  add(e, ngsild("location"),
      make(AttributeKind::GeoProperty,
           json::parse(R"({"type": "Point", "coordinates": [135.5, 34.7]})")));
  add(e, dflt("address"), make(AttributeKind::Property, json::parse(R"({"street": "Kita 1"})")));
  if (multi) {
    add(e, dflt("capacity"), make(AttributeKind::Property, 100));
    Attribute other = make(AttributeKind::Property, 120);
    other.dataset_id = "urn:ngsi-ld:Dataset:A";
    add(e, dflt("capacity"), other);
  }
  add(e, dflt("tags"), make(AttributeKind::ListProperty, json::parse("[1, 2]")));
  add(e, dflt("exits"),
      make(AttributeKind::ListRelationship, json::parse(R"(["urn:ngsi-ld:Exit:1"])")));
  add(e, dflt("config"), make(AttributeKind::JsonProperty, json::parse(R"({"a": 1})")));
  return e;
}

RenderOptions options(Format format, bool sys_attrs = false) {
  RenderOptions o;
  o.format = format;
  o.sys_attrs = sys_attrs;
  return o;
}

void expect_json(const json::value& actual, std::string_view expected) {
  EXPECT_EQ(actual, json::parse(expected)) << "actual: " << json::serialize(actual);
}

// ---- normalized ----

TEST(RenderNormalized, WithTheUserContext) {
  expect_json(render_entity(shelter(), user(), options(Format::Normalized)), R"({
    "id": "urn:ngsi-ld:Shelter:1", "type": "Shelter",
    "temperature": {"type": "Property", "value": 20, "unitCode": "CEL",
                    "observedAt": "2024-01-31T00:30:00.123Z",
                    "accuracy": {"type": "Property", "value": 0.9}},
    "name": {"type": "LanguageProperty", "languageMap": {"en": "Kita", "ja": "北"}},
    "owner": {"type": "Relationship", "object": "urn:ngsi-ld:Person:1", "objectType": "Person"},
    "material": {"type": "VocabProperty", "vocab": "Wooden"},
    "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [135.5, 34.7]}},
    "address": {"type": "Property", "value": {"street": "Kita 1"}},
    "capacity": [{"type": "Property", "value": 100},
                 {"type": "Property", "value": 120, "datasetId": "urn:ngsi-ld:Dataset:A"}],
    "tags": {"type": "ListProperty", "valueList": [1, 2]},
    "exits": {"type": "ListRelationship", "objectList": ["urn:ngsi-ld:Exit:1"]},
    "config": {"type": "JsonProperty", "json": {"a": 1}}
  })");
}

TEST(RenderNormalized, WithTheCoreContextLeavesUserIrisExpanded) {
  expect_json(render_entity(shelter(false), core(), options(Format::Normalized)), R"({
    "id": "urn:ngsi-ld:Shelter:1", "type": "https://schema.example.org/Shelter",
    "https://schema.example.org/temperature": {
      "type": "Property", "value": 20, "unitCode": "CEL",
      "observedAt": "2024-01-31T00:30:00.123Z",
      "accuracy": {"type": "Property", "value": 0.9}},
    "name": {"type": "LanguageProperty", "languageMap": {"en": "Kita", "ja": "北"}},
    "https://schema.example.org/owner": {"type": "Relationship", "object": "urn:ngsi-ld:Person:1",
                                         "objectType": "https://schema.example.org/Person"},
    "https://schema.example.org/material": {"type": "VocabProperty",
                                            "vocab": "https://schema.example.org/Wooden"},
    "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [135.5, 34.7]}},
    "address": {"type": "Property", "value": {"street": "Kita 1"}},
    "tags": {"type": "ListProperty", "valueList": [1, 2]},
    "exits": {"type": "ListRelationship", "objectList": ["urn:ngsi-ld:Exit:1"]},
    "config": {"type": "JsonProperty", "json": {"a": 1}}
  })");
}

TEST(RenderNormalized, SeveralTypesAreAnArray) {
  Entity e = shelter(false);
  e.types.push_back(dflt("Building"));
  auto out = render_entity(e, user(), options(Format::Normalized));
  expect_json(out.at("type"), R"(["Shelter", "Building"])");
}

TEST(RenderNormalized, ScopeIsRendered) {
  Entity e = shelter(false);
  e.scope = json::parse(R"(["/Osaka/Kita", "/Osaka"])");
  auto out = render_entity(e, user(), options(Format::Normalized));
  expect_json(out.at("scope"), R"(["/Osaka/Kita", "/Osaka"])");
}

TEST(RenderNormalized, AttributeKeysKeepTheModelOrder) {
  auto out = render_entity(shelter(), user(), options(Format::Normalized));
  std::vector<std::string> keys;
  for (const auto& kv : out) keys.emplace_back(kv.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"id", "type", "temperature", "name", "owner",
                                            "material", "location", "address", "capacity", "tags",
                                            "exits", "config"}));
}

// ---- sysAttrs ----

TEST(RenderSysAttrs, EntityAndAttributeLevelInUtcWithMilliseconds) {
  auto out = render_entity(shelter(), user(), options(Format::Normalized, true));
  EXPECT_EQ(out.at("createdAt"), json::value("2023-11-14T22:13:20.123Z"));
  EXPECT_EQ(out.at("modifiedAt"), json::value("2023-11-14T22:14:20.000Z"));
  expect_json(out.at("temperature"), R"({
    "type": "Property", "value": 20, "unitCode": "CEL", "observedAt": "2024-01-31T00:30:00.123Z",
    "createdAt": "2023-11-14T22:13:20.123Z", "modifiedAt": "2023-11-14T22:14:20.000Z",
    "accuracy": {"type": "Property", "value": 0.9, "createdAt": "2023-11-14T22:13:20.123Z",
                 "modifiedAt": "2023-11-14T22:14:20.000Z"}})");
  expect_json(out.at("capacity").at(1), R"({
    "type": "Property", "value": 120, "datasetId": "urn:ngsi-ld:Dataset:A",
    "createdAt": "2023-11-14T22:13:20.123Z", "modifiedAt": "2023-11-14T22:14:20.000Z"})");
}

TEST(RenderSysAttrs, AbsentByDefault) {
  auto out = render_entity(shelter(), user(), options(Format::Normalized));
  EXPECT_FALSE(out.contains("createdAt"));
  EXPECT_FALSE(out.contains("modifiedAt"));
  EXPECT_FALSE(out.at("temperature").as_object().contains("createdAt"));
}

TEST(RenderSysAttrs, ConciseKeepsTheObjectForm) {
  auto out = render_entity(shelter(), user(), options(Format::Concise, true));
  expect_json(out.at("address"), R"({"value": {"street": "Kita 1"},
    "createdAt": "2023-11-14T22:13:20.123Z", "modifiedAt": "2023-11-14T22:14:20.000Z"})");
  expect_json(out.at("tags"), R"({"valueList": [1, 2],
    "createdAt": "2023-11-14T22:13:20.123Z", "modifiedAt": "2023-11-14T22:14:20.000Z"})");
  EXPECT_EQ(out.at("createdAt"), json::value("2023-11-14T22:13:20.123Z"));
}

TEST(RenderSysAttrs, SimplifiedHasThemOnTheEntityOnly) {
  auto out = render_entity(shelter(), user(), options(Format::Simplified, true));
  EXPECT_EQ(out.at("createdAt"), json::value("2023-11-14T22:13:20.123Z"));
  EXPECT_EQ(out.at("modifiedAt"), json::value("2023-11-14T22:14:20.000Z"));
  EXPECT_EQ(out.at("temperature"), json::value(20));
}

// ---- concise ----

TEST(RenderConcise, BareValuesOnlyWhereTheyReadBackTheSame) {
  expect_json(render_entity(shelter(false), user(), options(Format::Concise)), R"({
    "id": "urn:ngsi-ld:Shelter:1", "type": "Shelter",
    "temperature": {"value": 20, "unitCode": "CEL", "observedAt": "2024-01-31T00:30:00.123Z",
                    "accuracy": 0.9},
    "name": {"languageMap": {"en": "Kita", "ja": "北"}},
    "owner": {"object": "urn:ngsi-ld:Person:1", "objectType": "Person"},
    "material": {"vocab": "Wooden"},
    "location": {"type": "Point", "coordinates": [135.5, 34.7]},
    "address": {"value": {"street": "Kita 1"}},
    "tags": {"valueList": [1, 2]},
    "exits": {"objectList": ["urn:ngsi-ld:Exit:1"]},
    "config": {"json": {"a": 1}}
  })");
}

TEST(RenderConcise, ValueKindsAloneAreBare) {
  struct Case {
    json::value value;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {json::value(5), "5"},
      {json::value("open"), R"("open")"},
      {json::value(false), "false"},
      {json::parse("[1, 2]"), "[1, 2]"},
      {json::parse(R"({"a": 1})"), R"({"value": {"a": 1}})"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.expected);
    Entity e;
    e.id = "urn:ngsi-ld:X:1";
    e.types = {dflt("X")};
    add(e, dflt("p"), make(AttributeKind::Property, c.value));
    expect_json(render_entity(e, core(), options(Format::Concise)).at("p"), c.expected);
  }
}

TEST(RenderConcise, DatasetIdKeepsTheObjectForm) {
  Entity e;
  e.id = "urn:ngsi-ld:X:1";
  e.types = {dflt("X")};
  Attribute a = make(AttributeKind::Property, 5);
  a.dataset_id = "urn:ngsi-ld:Dataset:A";
  add(e, dflt("p"), a);
  expect_json(render_entity(e, core(), options(Format::Concise)).at("p"),
              R"({"value": 5, "datasetId": "urn:ngsi-ld:Dataset:A"})");
}

TEST(RenderConcise, MultiAttributeInstancesStayObjects) {
  // Clause 4.5 of ETSI GS CIM 009 v1.8.1 makes the concise representation lossless: an array
  // that is not made of attribute objects reads back as one Property whose value is that array,
  // so every element of an instance array must stay an object.
  auto out = render_entity(shelter(), user(), options(Format::Concise));
  expect_json(out.at("capacity"),
              R"([{"value": 100}, {"value": 120, "datasetId": "urn:ngsi-ld:Dataset:A"}])");
}

// ---- simplified ----

TEST(RenderSimplified, ValuesOnly) {
  expect_json(render_entity(shelter(), user(), options(Format::Simplified)), R"({
    "id": "urn:ngsi-ld:Shelter:1", "type": "Shelter",
    "temperature": 20,
    "name": {"en": "Kita", "ja": "北"},
    "owner": "urn:ngsi-ld:Person:1",
    "material": "Wooden",
    "location": {"type": "Point", "coordinates": [135.5, 34.7]},
    "address": {"street": "Kita 1"},
    "capacity": {"dataset": {"@none": 100, "urn:ngsi-ld:Dataset:A": 120}},
    "tags": [1, 2],
    "exits": ["urn:ngsi-ld:Exit:1"],
    "config": {"a": 1}
  })");
}

TEST(RenderSimplified, SingleInstanceWithDatasetIdUsesTheDatasetForm) {
  Entity e;
  e.id = "urn:ngsi-ld:X:1";
  e.types = {dflt("X")};
  Attribute a = make(AttributeKind::Relationship, "urn:ngsi-ld:Person:2");
  a.dataset_id = "urn:ngsi-ld:Dataset:B";
  add(e, dflt("p"), a);
  expect_json(render_entity(e, core(), options(Format::Simplified)).at("p"),
              R"({"dataset": {"urn:ngsi-ld:Dataset:B": "urn:ngsi-ld:Person:2"}})");
}

TEST(RenderSimplified, VocabArrayIsCompacted) {
  Entity e;
  e.id = "urn:ngsi-ld:X:1";
  e.types = {dflt("X")};
  add(e, schema("material"),
      make(AttributeKind::VocabProperty, json::parse(R"(["https://schema.example.org/Wooden",
                           "https://uri.etsi.org/ngsi-ld/default-context/Stone",
                           "https://other.example.org/Glass"])")));
  expect_json(render_entity(e, user(), options(Format::Simplified)).at("material"),
              R"(["Wooden", "Stone", "https://other.example.org/Glass"])");
  expect_json(
      render_entity(e, core(), options(Format::Simplified))
          .at("https://schema.example.org/material"),
      R"(["https://schema.example.org/Wooden", "Stone", "https://other.example.org/Glass"])");
}

// ---- lang ----

RenderOptions in_language(Format format, std::string_view lang) {
  RenderOptions o = options(format);
  auto preference = parse_language_preference(lang);
  EXPECT_TRUE(preference.has_value());
  o.lang = *preference;
  return o;
}

TEST(RenderLang, NormalizedShowsAPropertyWithTheChosenLanguage) {
  expect_json(render_entity(shelter(), user(), in_language(Format::Normalized, "ja")).at("name"),
              R"({"type": "Property", "value": "北", "lang": "ja"})");
}

TEST(RenderLang, ConciseKeepsTheLangMember) {
  expect_json(render_entity(shelter(), user(), in_language(Format::Concise, "en")).at("name"),
              R"({"value": "Kita", "lang": "en"})");
}

TEST(RenderLang, SimplifiedIsTheString) {
  expect_json(
      render_entity(shelter(), user(), in_language(Format::Simplified, "fr,ja;q=0.5")).at("name"),
      R"("北")");
}

TEST(RenderLang, NoMatchFallsBackToNoneThenTheFirstLanguage) {
  Entity e = shelter();
  expect_json(render_entity(e, user(), in_language(Format::Normalized, "fr")).at("name"),
              R"({"type": "Property", "value": "Kita", "lang": "en"})");
  model::find_instance(e.attributes, dflt("name"), std::nullopt)->value =
      json::parse(R"({"en": "Kita", "@none": "Kita-ku"})");
  expect_json(render_entity(e, user(), in_language(Format::Normalized, "fr")).at("name"),
              R"({"type": "Property", "value": "Kita-ku"})");
}

TEST(RenderLang, WithoutLangTheLanguageMapIsShown) {
  expect_json(render_entity(shelter(), user(), options(Format::Normalized)).at("name"),
              R"({"type": "LanguageProperty", "languageMap": {"en": "Kita", "ja": "北"}})");
}

TEST(RenderLang, OtherKindsAreUntouched) {
  auto out = render_entity(shelter(), user(), in_language(Format::Normalized, "ja"));
  expect_json(out.at("material"), R"({"type": "VocabProperty", "vocab": "Wooden"})");
  expect_json(out.at("address"), R"({"type": "Property", "value": {"street": "Kita 1"}})");
}

// ---- pick and omit ----

std::vector<std::string> keys_of(const json::object& o) {
  std::vector<std::string> keys;
  for (const auto& kv : o) keys.emplace_back(kv.key());
  return keys;
}

TEST(RenderPick, IdAlone) {
  RenderOptions o = options(Format::Normalized);
  o.pick = std::set<std::string>{"id"};
  expect_json(render_entity(shelter(), user(), o), R"({"id": "urn:ngsi-ld:Shelter:1"})");
}

TEST(RenderPick, MembersAndAttributesInEntityOrder) {
  RenderOptions o = options(Format::Simplified, true);
  o.pick = std::set<std::string>{"type", schema("temperature"), ngsild("location"), "createdAt"};
  EXPECT_EQ(keys_of(render_entity(shelter(), user(), o)),
            (std::vector<std::string>{"type", "createdAt", "temperature", "location"}));
}

TEST(RenderOmit, DropsTheNamedMembers) {
  RenderOptions o = options(Format::Concise);
  o.omit = {"id", schema("temperature"), dflt("config"), dflt("tags"), dflt("exits")};
  EXPECT_EQ(keys_of(render_entity(shelter(), user(), o)),
            (std::vector<std::string>{"type", "name", "owner", "material", "location", "address",
                                      "capacity"}));
}

TEST(RenderPick, AppliesToTopLevelOnly) {
  RenderOptions o = options(Format::Normalized);
  o.pick = std::set<std::string>{schema("temperature")};
  expect_json(render_entity(shelter(), user(), o).at("temperature").at("accuracy"),
              R"({"type": "Property", "value": 0.9})");
}

TEST(RenderPick, FeatureKeepsItsIdAndGeometry) {
  RenderOptions o = options(Format::Simplified);
  o.pick = std::set<std::string>{schema("temperature")};
  expect_json(render_feature(shelter(), user(), o, ngsild("location")), R"({
    "id": "urn:ngsi-ld:Shelter:1", "type": "Feature",
    "geometry": {"type": "Point", "coordinates": [135.5, 34.7]},
    "properties": {"temperature": 20}
  })");
}

// ---- attrs projection ----

TEST(RenderAttrs, KeepsOnlyTheNamedTopLevelAttributes) {
  RenderOptions o = options(Format::Normalized);
  o.attrs = std::set<std::string>{schema("temperature"), ngsild("location"), dflt("missing")};
  auto out = render_entity(shelter(), user(), o);
  std::vector<std::string> keys;
  for (const auto& kv : out) keys.emplace_back(kv.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"id", "type", "temperature", "location"}));
  // Sub-attributes are not projected.
  EXPECT_TRUE(out.at("temperature").as_object().contains("accuracy"));
}

TEST(RenderAttrs, EmptySetLeavesIdAndType) {
  RenderOptions o = options(Format::Simplified);
  o.attrs = std::set<std::string>{};
  expect_json(render_entity(shelter(), user(), o),
              R"({"id": "urn:ngsi-ld:Shelter:1", "type": "Shelter"})");
}

// ---- GeoJSON ----

TEST(RenderFeature, GeometryFromTheChosenProperty) {
  auto f = render_feature(shelter(), user(), options(Format::Simplified), ngsild("location"));
  EXPECT_EQ(f.at("id"), json::value("urn:ngsi-ld:Shelter:1"));
  EXPECT_EQ(f.at("type"), json::value("Feature"));
  expect_json(f.at("geometry"), R"({"type": "Point", "coordinates": [135.5, 34.7]})");
  const auto& props = f.at("properties").as_object();
  EXPECT_FALSE(props.contains("id"));
  EXPECT_EQ(props.at("type"), json::value("Shelter"));
  EXPECT_EQ(props.at("temperature"), json::value(20));
  expect_json(props.at("location"), R"({"type": "Point", "coordinates": [135.5, 34.7]})");
}

TEST(RenderFeature, NormalizedProperties) {
  auto f = render_feature(shelter(false), user(), options(Format::Normalized), ngsild("location"));
  expect_json(
      f.at("properties").at("owner"),
      R"({"type": "Relationship", "object": "urn:ngsi-ld:Person:1", "objectType": "Person"})");
}

TEST(RenderFeature, AnotherGeoPropertyAndItsFirstInstance) {
  Entity e = shelter(false);
  Attribute first =
      make(AttributeKind::GeoProperty, json::parse(R"({"type": "Point", "coordinates": [1, 2]})"));
  first.dataset_id = "urn:ngsi-ld:Dataset:A";
  add(e, ngsild("observationSpace"), first);
  add(e, ngsild("observationSpace"),
      make(AttributeKind::GeoProperty, json::parse(R"({"type": "Point", "coordinates": [3, 4]})")));
  auto f = render_feature(e, user(), options(Format::Simplified), ngsild("observationSpace"));
  expect_json(f.at("geometry"), R"({"type": "Point", "coordinates": [1, 2]})");
}

TEST(RenderFeature, GeometryIsNullWhenAbsentOrNotAGeoProperty) {
  Entity e = shelter(false);
  model::remove_instances(e.attributes, ngsild("location"), std::nullopt, true);
  auto absent = render_feature(e, user(), options(Format::Simplified), ngsild("location"));
  ASSERT_TRUE(absent.contains("geometry"));
  EXPECT_TRUE(absent.at("geometry").is_null());
  EXPECT_EQ(absent.at("type"), json::value("Feature"));
  auto not_geo =
      render_feature(shelter(), user(), options(Format::Simplified), schema("temperature"));
  EXPECT_TRUE(not_geo.at("geometry").is_null());
}

// ---- compact_name ----

TEST(CompactName, UsesTheReadersContext) {
  EXPECT_EQ(compact_name(schema("temperature"), user()), "temperature");
  EXPECT_EQ(compact_name(schema("temperature"), core()), schema("temperature"));
  EXPECT_EQ(compact_name(dflt("capacity"), core()), "capacity");
  EXPECT_EQ(compact_name(ngsild("location"), core()), "location");
}

// ---- round trip: parse(render(x)) == x ----

void expect_same_attributes(const AttributeList& actual, const AttributeList& expected) {
  test_support::expect_same_attributes(actual, expected, test_support::Timestamps::Ignore);
}

void expect_round_trip(const Entity& original, const jsonld::Context& ctx, Format format) {
  auto rendered = render_entity(original, ctx, options(format));
  auto parsed = parse_entity(json::value(rendered), ctx, EntityShape::Complete);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message << "\n" << json::serialize(rendered);
  EXPECT_EQ(parsed->id, original.id);
  EXPECT_EQ(parsed->types, original.types);
  EXPECT_EQ(parsed->scope, original.scope);
  expect_same_attributes(parsed->attributes, original.attributes);
}

TEST(RoundTrip, NormalizedWithTheUserContext) {
  Entity e = shelter();
  e.scope = json::value("/Osaka/Kita");
  expect_round_trip(e, user(), Format::Normalized);
}

TEST(RoundTrip, NormalizedWithTheCoreContext) {
  expect_round_trip(shelter(), core(), Format::Normalized);
}

TEST(RoundTrip, ConciseWithoutMultiAttributes) {
  expect_round_trip(shelter(false), user(), Format::Concise);
}

TEST(RoundTrip, ConciseWithMultiAttributes) {
  // See RenderConcise.MultiAttributeInstancesStayObjects (clause 4.5: concise is lossless).
  expect_round_trip(shelter(), user(), Format::Concise);
}

}  // namespace
}  // namespace tsunagu::api::ngsild
