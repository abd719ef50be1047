// A GET by id is written as text from a view of the stored document (write_entity), every other
// answer is rendered as a tree from the model (render_entity). Both must give the same bytes
// for every representation and option: this test holds them equal over a matrix of entities and
// options, so that the renderer tests, which read trees, speak for both.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "api/ngsild/entity_renderer.hpp"
#include "api/ngsild/language.hpp"
#include "jsonld/core_context.hpp"
#include "model/json_text.hpp"
#include "store/entity_codec.hpp"

namespace tsunagu::api::ngsild {
namespace {
namespace json = boost::json;
using model::Attribute;
using model::AttributeKind;
using model::Entity;
using model::Timestamp;

const std::string kDefault = "https://uri.etsi.org/ngsi-ld/default-context/";

Timestamp ms(std::int64_t v) {
  return Timestamp(std::chrono::milliseconds(v));
}

Attribute make(AttributeKind kind, json::value value, std::int64_t at) {
  Attribute a;
  a.kind = kind;
  a.value = std::move(value);
  a.created_at = ms(at);
  a.modified_at = ms(at + 1000);
  return a;
}

// Every kind, a multi-attribute, sub-attributes two deep, an object value, strings that need
// escaping, a scope and two types.
Entity sample() {
  Entity e;
  e.id = "urn:ngsi-ld:Shelter:\"q\"";
  e.types = {kDefault + "Shelter", "https://example.org/Building"};
  e.scope = json::parse(R"(["/Osaka/Kita"])");
  e.created_at = ms(1'700'000'000'123);
  e.modified_at = ms(1'700'000'060'000);
  Attribute occupancy = make(AttributeKind::Property, 42, 1'700'000'000'000);
  occupancy.observed_at = ms(1'706'661'000'123);
  occupancy.unit_code = "P1";
  Attribute accuracy = make(AttributeKind::Property, 0.5, 1'700'000'000'000);
  model::put_instance(accuracy.sub_attributes, kDefault + "source",
                      make(AttributeKind::Property, "sensor\n1", 1'700'000'000'000));
  model::put_instance(occupancy.sub_attributes, kDefault + "accuracy", std::move(accuracy));
  model::put_instance(e.attributes, kDefault + "occupancy", std::move(occupancy));
  model::put_instance(e.attributes, kDefault + "name",
                      make(AttributeKind::LanguageProperty,
                           json::parse(R"({"en": "North", "ja": "北", "@none": "N"})"), 1));
  Attribute owner = make(AttributeKind::Relationship, "urn:ngsi-ld:Person:1", 2);
  owner.object_type = kDefault + "Person";
  model::put_instance(e.attributes, kDefault + "owner", std::move(owner));
  model::put_instance(e.attributes, kDefault + "material",
                      make(AttributeKind::VocabProperty, json::parse(R"(["https://example.org/Wood",
                           "https://uri.etsi.org/ngsi-ld/default-context/Stone"])"),
                           3));
  model::put_instance(
      e.attributes, "https://uri.etsi.org/ngsi-ld/location",
      make(AttributeKind::GeoProperty,
           json::parse(R"({"type": "Point", "coordinates": [135.5023, 34.7]})"), 4));
  model::put_instance(e.attributes, kDefault + "address",
                      make(AttributeKind::Property, json::parse(R"({"street": "Kita 1"})"), 5));
  model::put_instance(e.attributes, kDefault + "capacity", make(AttributeKind::Property, 100, 6));
  Attribute other = make(AttributeKind::Property, 120, 7);
  other.dataset_id = "urn:ngsi-ld:Dataset:A";
  model::put_instance(e.attributes, kDefault + "capacity", std::move(other));
  model::put_instance(e.attributes, kDefault + "tags",
                      make(AttributeKind::ListProperty, json::parse("[1, 2.5, null]"), 8));
  model::put_instance(
      e.attributes, kDefault + "exits",
      make(AttributeKind::ListRelationship, json::parse(R"(["urn:ngsi-ld:Exit:1"])"), 9));
  model::put_instance(e.attributes, kDefault + "config",
                      make(AttributeKind::JsonProperty, json::parse(R"({"a": [1, {}]})"), 10));
  model::put_instance(e.attributes, kDefault + "empty", make(AttributeKind::Property, "", 11));
  return e;
}

// A variant with one type, no scope and the bare attributes concise drops to values.
Entity plain() {
  Entity e;
  e.id = "urn:ngsi-ld:Shelter:b0";
  e.types = {kDefault + "Shelter"};
  e.created_at = ms(1);
  e.modified_at = ms(2);
  model::put_instance(e.attributes, kDefault + "occupancy", make(AttributeKind::Property, 7, 3));
  model::put_instance(e.attributes, "https://uri.etsi.org/ngsi-ld/location",
                      make(AttributeKind::GeoProperty,
                           json::parse(R"({"type": "Point", "coordinates": [1, 2]})"), 4));
  return e;
}

std::vector<std::pair<std::string, RenderOptions>> option_matrix() {
  std::vector<std::pair<std::string, RenderOptions>> out;
  for (auto format : {Format::Normalized, Format::Concise, Format::Simplified}) {
    const std::string f = format == Format::Normalized ? "normalized"
                          : format == Format::Concise  ? "concise"
                                                       : "simplified";
    for (bool sys_attrs : {false, true}) {
      RenderOptions o;
      o.format = format;
      o.sys_attrs = sys_attrs;
      const std::string name = f + (sys_attrs ? "+sysAttrs" : "");
      out.emplace_back(name, o);
      for (const char* lang : {"ja", "fr", "en;q=0.5,ja;q=0.9"}) {
        RenderOptions l = o;
        l.lang = *parse_language_preference(lang);
        out.emplace_back(name + "+lang=" + lang, l);
      }
      RenderOptions attrs = o;
      attrs.attrs.emplace();
      attrs.attrs->insert(kDefault + "capacity");
      attrs.attrs->insert(kDefault + "name");
      out.emplace_back(name + "+attrs", attrs);
      RenderOptions pick = o;
      pick.pick.emplace();
      pick.pick->insert("id");
      pick.pick->insert("modifiedAt");
      pick.pick->insert(kDefault + "occupancy");
      out.emplace_back(name + "+pick", pick);
      RenderOptions omit = o;
      omit.omit = {"type", "scope", kDefault + "material"};
      out.emplace_back(name + "+omit", omit);
    }
  }
  return out;
}

// The entity as a GET reads it: encoded as the store keeps it, parsed and viewed.
struct Stored {
  explicit Stored(const Entity& e) {
    buffer.text = store::encode_entity_text(e);
    auto v = buffer.view();
    EXPECT_TRUE(v.has_value()) << v.error().message;
    if (v) view = *v;
  }
  store::EntityReadBuffer buffer;
  model::EntityRef view;
};

TEST(EntityWriter, TextFromTheStoredDocumentIsTheTreeFromTheModelByteForByte) {
  const auto& core = *jsonld::core_context();
  int compared = 0;
  for (const auto& entity : {sample(), plain()}) {
    Stored stored(entity);
    for (const auto& [name, options] : option_matrix()) {
      SCOPED_TRACE(entity.id + " " + name);
      std::string text;
      write_entity(text, stored.view, core, options);
      EXPECT_EQ(text, model::to_json_text(render_entity(entity, core, options)));

      std::string feature;
      write_feature(feature, stored.view, core, options, "https://uri.etsi.org/ngsi-ld/location");
      EXPECT_EQ(feature, model::to_json_text(render_feature(
                             entity, core, options, "https://uri.etsi.org/ngsi-ld/location")));
      ++compared;
    }
  }
  EXPECT_EQ(compared, 2 * 42);
}

TEST(EntityWriter, AJsonLdAnswerLeadsWithItsContext) {
  Stored stored(plain());
  std::string text;
  write_entity(text, stored.view, *jsonld::core_context(), RenderOptions{},
               "https://example.org/ctx.jsonld");
  EXPECT_EQ(text, R"({"@context":"https://example.org/ctx.jsonld","id":"urn:ngsi-ld:Shelter:b0",)"
                  R"("type":"Shelter","occupancy":{"type":"Property","value":7},"location":)"
                  R"({"type":"GeoProperty","value":{"type":"Point","coordinates":[1,2]}}})");
}

TEST(EntityWriter, AFeatureWithoutThatGeoPropertyHasANullGeometry) {
  Stored stored(plain());
  std::string text;
  RenderOptions concise;
  concise.format = Format::Concise;
  write_feature(text, stored.view, *jsonld::core_context(), concise, kDefault + "occupancy");
  EXPECT_EQ(text, R"({"id":"urn:ngsi-ld:Shelter:b0","type":"Feature","geometry":null,)"
                  R"("properties":{"type":"Shelter","occupancy":7,)"
                  R"("location":{"type":"Point","coordinates":[1,2]}}})");
}

TEST(EntityWriter, TheViewOfAStoredDocumentOwnsBackToTheSameEntity) {
  const Entity e = sample();
  Stored stored(e);
  EXPECT_EQ(store::encode_entity_text(model::own(stored.view)), stored.buffer.text);
  EXPECT_TRUE(model::has_type(stored.view, "https://example.org/Building"));
  EXPECT_FALSE(model::has_type(stored.view, "https://example.org/Shelter"));
}

TEST(EntityWriter, ACorruptStoredDocumentIsAnErrorNamingWhatIsWrong) {
  const std::string attrs_of = R"({"id": "x", "type": [], "createdAt": 1, "modifiedAt": 1, )";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"[]", "stored entity is not a JSON object"},
      {R"({"id": "x")", "stored entity is not a JSON object"},
      {R"({"id": 1, "type": [], "createdAt": 1, "modifiedAt": 1, "attrs": {}})",
       "member 'id' is missing or has the wrong type"},
      {R"({"id": "x", "type": "T", "createdAt": 1, "modifiedAt": 1, "attrs": {}})",
       "'x' is corrupt: member 'type' is missing"},
      {R"({"id": "x", "type": [1], "createdAt": 1, "modifiedAt": 1, "attrs": {}})",
       "a type is not a string"},
      {R"({"id": "x", "type": [], "createdAt": "y", "modifiedAt": 1, "attrs": {}})",
       "member 'createdAt' is missing"},
      {R"({"id": "x", "type": [], "createdAt": 1.5, "modifiedAt": 1, "attrs": {}})",
       "member 'createdAt' is missing"},
      {R"({"id": "x", "type": [], "createdAt": 1, "attrs": {}})", "member 'modifiedAt' is missing"},
      {R"({"id": "x", "type": [], "createdAt": 1, "modifiedAt": 1})", "member 'attrs' is missing"},
      {attrs_of + R"("attrs": []})", "attributes are not an object"},
      {attrs_of + R"("attrs": {"p": {}}})", "attribute is not an array"},
      {attrs_of + R"("attrs": {"p": [1]}})", "instance is not an object"},
      {attrs_of + R"("attrs": {"p": [{"type": "Nonsense", "value": 1}]}})",
       "unknown attribute type"},
      {attrs_of + R"("attrs": {"p": [{"value": 1}]}})", "unknown attribute type"},
      {attrs_of + R"("attrs": {"p": [{"type": "Property", "value": 1, "datasetId": 5}]}})",
       "member 'datasetId' of an instance has the wrong type"},
      {attrs_of + R"("attrs": {"p": [{"type": "Property", "observedAt": "now"}]}})",
       "member 'observedAt' of an instance has the wrong type"},
      {attrs_of + R"("attrs": {"p": [{"type": "Property", "value": 1, "sub": []}]}})",
       "attributes are not an object"},
  };
  for (const auto& [text, fragment] : cases) {
    SCOPED_TRACE(text);
    store::EntityReadBuffer buffer;
    buffer.text = text;
    auto view = buffer.view();
    ASSERT_FALSE(view.has_value());
    EXPECT_EQ(view.error().kind, ErrorKind::InternalError);
    EXPECT_NE(view.error().message.find(fragment), std::string::npos) << view.error().message;
  }
}

}  // namespace
}  // namespace tsunagu::api::ngsild
