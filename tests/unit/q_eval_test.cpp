#include "query/q_eval.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>
#include <string_view>

#include "jsonld/core_context.hpp"
#include "query/q_parser.hpp"

namespace tsunagu::query {
namespace {

namespace json = boost::json;
using model::Attribute;
using model::AttributeKind;
using model::Entity;

std::string expand(std::string_view term) {
  return "ex:" + std::string(term);
}

model::Timestamp at(std::string_view text) {
  return *model::parse_datetime(text);
}

Attribute attr(AttributeKind kind, std::string_view value_json) {
  Attribute a;
  a.kind = kind;
  a.value = json::parse(value_json);
  a.created_at = at("2024-01-01T00:00:00Z");
  a.modified_at = at("2024-02-01T00:00:00Z");
  return a;
}

Attribute prop(std::string_view value_json) {
  return attr(AttributeKind::Property, value_json);
}

void put(model::AttributeList& list, std::string_view term, Attribute a) {
  model::put_instance(list, expand(term), std::move(a));
}

Attribute temperature() {
  Attribute t = prop("21.5");
  t.observed_at = at("2024-03-01T12:00:00Z");
  t.unit_code = "CEL";
  put(t.sub_attributes, "accuracy", prop("0.5"));
  Attribute calibrated = prop("0.1");
  calibrated.dataset_id = "urn:ngsi-ld:ds:lab";
  put(t.sub_attributes, "accuracy", std::move(calibrated));
  return t;
}

void put_speeds(model::AttributeList& list) {
  put(list, "speed", prop("50"));
  Attribute gps = prop("80");
  gps.dataset_id = "urn:ngsi-ld:ds:gps";
  gps.observed_at = at("2024-04-01T00:00:00Z");
  put(list, "speed", std::move(gps));
}

void put_relationships(model::AttributeList& list) {
  Attribute parked = attr(AttributeKind::Relationship, R"("urn:ngsi-ld:Parking:1")");
  parked.observed_at = at("2024-03-01T00:00:00Z");
  put(list, "isParked", std::move(parked));
  put(list, "isMonitoredBy",
      attr(AttributeKind::Relationship, R"(["urn:ngsi-ld:Camera:1","urn:ngsi-ld:Camera:2"])"));
  put(list, "parts",
      attr(AttributeKind::ListRelationship,
           R"([{"object":"urn:ngsi-ld:Part:1"},"urn:ngsi-ld:Part:2"])"));
}

void put_other_kinds(model::AttributeList& list) {
  put(list, "name",
      attr(AttributeKind::LanguageProperty, R"({"en":"red","fr":"rouge","de":["rot","Katze"]})"));
  put(list, "gender", attr(AttributeKind::VocabProperty, R"("ex:Male")"));
  put(list, "tags", attr(AttributeKind::VocabProperty, R"(["ex:A","ex:B"])"));
  put(list, "readings", attr(AttributeKind::ListProperty, "[1,2,3]"));
  put(list, "raw",
      attr(AttributeKind::JsonProperty, R"({"id":"85a6","value":"Overstay 60 minutes"})"));
  put(list, "location",
      attr(AttributeKind::GeoProperty, R"({"type":"Point","coordinates":[135.5,34.7]})"));
}

void put_values(model::AttributeList& list) {
  put(list, "count", prop("7"));
  put(list, "brandName", prop(R"("Mercedes")"));
  put(list, "active", prop("true"));
  put(list, "colors", prop(R"(["blue","red","green"])"));
  put(list, "empty", prop("[]"));
  put(list, "address",
      prop(R"({"city":"Berlin","street":"Ulrich Strasse","geo":{"zip":"10115"},"floors":3})"));
  put(list, "start", prop(R"("2024-05-01T09:00:00Z")"));
  put(list, "typed", prop(R"({"@type":"DateTime","@value":"2024-05-01T09:00:00Z"})"));
  put(list, "day", prop(R"("2024-05-01")"));
  put(list, "opening", prop(R"("09:30:00")"));
  Attribute sensor = prop("40");
  put(sensor.sub_attributes, "rawdata", prop(R"({"airquality":{"particulate":40}})"));
  put(list, "sensor", std::move(sensor));
}

// One entity with an attribute of every kind, multi-attributes and sub-attributes.
const Entity& entity() {
  static const Entity e = [] {
    Entity x;
    x.id = "urn:ngsi-ld:Car:1";
    x.types = {"ex:Car"};
    x.created_at = at("2024-01-01T00:00:00Z");
    x.modified_at = at("2024-06-01T00:00:00Z");
    put(x.attributes, "temperature", temperature());
    put_speeds(x.attributes);
    put_relationships(x.attributes);
    put_other_kinds(x.attributes);
    put_values(x.attributes);
    return x;
  }();
  return e;
}

struct Case {
  std::string_view q;
  bool expected;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.q << (c.expected ? " matches" : " does not match");
}

class Evaluate : public testing::TestWithParam<Case> {};

TEST_P(Evaluate, MatchesAsTheSpecificationSays) {
  const auto parsed = parse_q(GetParam().q, TermExpander(expand));
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(matches(*parsed, entity()), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Existence, Evaluate,
    testing::Values(Case{"temperature", true}, Case{"missing", false}, Case{"!missing", true},
                    Case{"!temperature", false}, Case{"temperature.accuracy", true},
                    Case{"temperature.missing", false}, Case{"address[city]", true},
                    Case{"address[country]", false}, Case{"!address[country]", true},
                    Case{"address[city.x]", false}, Case{"temperature.observedAt", true},
                    Case{"brandName.observedAt", false}, Case{"!brandName.unitCode", true},
                    Case{"name[en]", true}, Case{"name[it]", false}, Case{"speed.datasetId", true},
                    Case{"!speed.observedAt", false}, Case{"isParked[x]", false},
                    Case{"createdAt", true}));

INSTANTIATE_TEST_SUITE_P(
    Numbers, Evaluate,
    testing::Values(Case{"temperature==21.5", true}, Case{"temperature==21", false},
                    Case{"temperature!=21", true}, Case{"temperature!=21.5", false},
                    Case{"temperature>21", true}, Case{"temperature>21.5", false},
                    Case{"temperature>=21.5", true}, Case{"temperature<22", true},
                    Case{"temperature<21.5", false}, Case{"temperature<=21.4", false},
                    Case{"count==7", true}, Case{"count==7.0", true}, Case{"count>6.5", true},
                    Case{"temperature==20..22", true}, Case{"temperature==21.5..30", true},
                    Case{"temperature==22..30", false}, Case{"temperature!=22..30", true},
                    Case{"temperature!=20..22", false}, Case{"temperature==22..20", false},
                    Case{"temperature==1,21.5,3", true}, Case{"temperature!=1,21.5", false},
                    Case{"temperature!=1,2", true}));

INSTANTIATE_TEST_SUITE_P(TypeMismatch, Evaluate,
                         testing::Values(Case{R"(temperature=="21.5")", false},
                                         Case{R"(temperature!="21.5")", true},
                                         Case{"brandName>5", false}, Case{"brandName==5", false},
                                         Case{"brandName!=5", true}, Case{"active==1", false},
                                         Case{R"(address=="Berlin")", false},
                                         Case{R"(address!="Berlin")", true},
                                         Case{"brandName>2024-01-01T00:00:00Z", false},
                                         Case{"count==1..10;count!=true", true}));

INSTANTIATE_TEST_SUITE_P(
    StringsAndBooleans, Evaluate,
    testing::Values(Case{R"(brandName=="Mercedes")", true}, Case{R"(brandName=="mercedes")", false},
                    Case{R"(brandName!="Mercedes")", false}, Case{R"(brandName>"Audi")", true},
                    Case{R"(brandName<"Audi")", false}, Case{R"(brandName=="A".."N")", true},
                    Case{R"(brandName=="N".."Z")", false},
                    Case{R"(brandName=="BMW","Mercedes")", true}, Case{"active==true", true},
                    Case{"active==false", false}, Case{"active!=false", true},
                    Case{"active==false,true", true}));

INSTANTIATE_TEST_SUITE_P(
    Arrays, Evaluate,
    testing::Values(Case{R"(colors=="red")", true}, Case{R"(colors=="black")", false},
                    Case{R"(colors!="red")", false}, Case{R"(colors!="black")", true},
                    Case{R"(colors=="black","green")", true},
                    Case{R"(colors!="black","green")", false}, Case{R"(colors>"g")", true},
                    Case{R"(colors>"s")", false}, Case{"colors~=r.*", true},
                    Case{"colors!~=r.*", false}, Case{"empty==1", false}, Case{"empty!=1", true},
                    Case{"empty", true}));

INSTANTIATE_TEST_SUITE_P(
    Patterns, Evaluate,
    testing::Values(Case{"brandName~=Mer.*", true}, Case{"brandName~=Mer", false},
                    Case{"brandName~=(?i)mercedes", true}, Case{"brandName!~=Mer", true},
                    Case{"brandName!~=Mer.*", false}, Case{R"(brandName~="M.*|X")", true},
                    Case{"brandName~=[A-Z][a-z]+", true}, Case{"temperature~=.*", false},
                    Case{"temperature!~=x", false}, Case{"missing!~=x", false},
                    Case{"temperature.unitCode~=C.*", true}));

INSTANTIATE_TEST_SUITE_P(
    Relationships, Evaluate,
    testing::Values(Case{"isParked==urn:ngsi-ld:Parking:1", true},
                    Case{R"(isParked=="urn:ngsi-ld:Parking:1")", true},
                    Case{"isParked!=urn:ngsi-ld:Parking:2", true},
                    Case{"isParked!=urn:ngsi-ld:Parking:1", false},
                    // Operators other than == and != never match a Relationship (clause 4.9).
                    Case{"isParked~=urn.*", false}, Case{"isParked!~=x", false},
                    Case{R"(isParked>"a")", false},
                    Case{"isMonitoredBy==urn:ngsi-ld:Camera:2", true},
                    Case{"isMonitoredBy!=urn:ngsi-ld:Camera:2", false},
                    Case{"isMonitoredBy==urn:ngsi-ld:Camera:3,urn:ngsi-ld:Camera:1", true},
                    Case{"isParked.observedAt>2024-01-01T00:00:00Z", true},
                    Case{"parts==urn:ngsi-ld:Part:1", true},
                    Case{"parts==urn:ngsi-ld:Part:2", true},
                    Case{"parts!=urn:ngsi-ld:Part:3", true}, Case{"parts==1", false}));

INSTANTIATE_TEST_SUITE_P(
    OtherKinds, Evaluate,
    testing::Values(Case{R"(name=="rouge")", true}, Case{R"(name[*]=="rouge")", true},
                    Case{R"(name[en]=="red")", true}, Case{R"(name[en]=="rouge")", false},
                    Case{R"(name[en]!="rouge")", true}, Case{R"(name[de]=="Katze")", true},
                    Case{R"(name!="rot")", false}, Case{R"(name!="black")", true},
                    Case{"name[fr]~=r.*", true}, Case{R"(name[it]!="x")", false},
                    Case{R"(gender=="Male")", true}, Case{R"(gender=="Female")", false},
                    Case{R"(gender!="Female")", true}, Case{"gender==ex:Male", true},
                    Case{R"(tags=="B")", true}, Case{R"(tags!="A")", false},
                    Case{"readings==2", true}, Case{"readings==4", false}, Case{"readings>2", true},
                    Case{"readings>3", false}, Case{R"(raw[value]=="Overstay 60 minutes")", true},
                    Case{R"(location[type]=="Point")", true}));

INSTANTIATE_TEST_SUITE_P(JsonPaths, Evaluate,
                         testing::Values(Case{R"(address[city]=="Berlin")", true},
                                         Case{R"(address[city]=="Paris")", false},
                                         Case{R"(address[geo.zip]=="10115")", true},
                                         Case{R"(address[geo][zip]=="10115")", true},
                                         Case{"address[floors]>2", true},
                                         Case{R"(address[country]!="x")", false},
                                         Case{"sensor.rawdata[airquality.particulate]==40", true},
                                         Case{"sensor.rawdata[airquality.particulate]>40", false}));

INSTANTIATE_TEST_SUITE_P(
    MultiAttributes, Evaluate,
    testing::Values(Case{"speed==80", true}, Case{"speed==50", true}, Case{"speed>70", true},
                    Case{"speed>90", false}, Case{"speed==60..70", false},
                    // Any instance decides: the 80 km/h instance is unequal to 50.
                    Case{"speed!=50", true}, Case{"speed!=50,80", false},
                    Case{"speed.datasetId==urn:ngsi-ld:ds:gps", true},
                    Case{"speed.datasetId==urn:ngsi-ld:ds:x", false},
                    Case{"speed.observedAt>2024-01-01T00:00:00Z", true},
                    Case{"temperature.accuracy==0.1", true},
                    Case{"temperature.accuracy==0.5", true}, Case{"temperature.accuracy>1", false},
                    Case{"temperature.accuracy.datasetId==urn:ngsi-ld:ds:lab", true}));

INSTANTIATE_TEST_SUITE_P(
    MetadataAndTime, Evaluate,
    testing::Values(
        Case{R"(temperature.unitCode=="CEL")", true}, Case{R"(temperature.unitCode!="CEL")", false},
        Case{"temperature.observedAt==2024-03-01T12:00:00Z", true},
        Case{"temperature.observedAt==2024-03-01T21:00:00+09:00", true},
        Case{"temperature.observedAt>2024-03-01T12:00:00.001Z", false},
        Case{"temperature.observedAt==2024-03-01", false},
        Case{R"(temperature.observedAt=="2024-03-01T12:00:00Z")", false},
        Case{"temperature.createdAt<2025-01-01T00:00:00Z", true},
        Case{"temperature.modifiedAt==2024-02-01T00:00:00Z", true},
        Case{"createdAt==2024-01-01T00:00:00Z", true},
        Case{"modifiedAt>2024-05-01T00:00:00Z", true},
        Case{"createdAt>2024-01-01T00:00:00Z", false},
        Case{"start==2024-05-01T18:00:00+09:00", true}, Case{"start>2024-05-01T08:59:59Z", true},
        Case{"start==2024-05-01T00:00:00Z..2024-05-02T00:00:00Z", true},
        Case{R"(start=="2024-05-01T09:00:00Z")", true}, Case{"typed==2024-05-01T09:00:00Z", true},
        Case{"typed<2024-05-01T09:00:00Z", false}, Case{"day==2024-05-01", true},
        Case{"day<2024-06-01", true}, Case{"day==2024-05-01T00:00:00Z", false},
        Case{"day==2024-04-01..2024-04-30", false}, Case{"opening>09:00:00", true},
        Case{"opening==09:30:00Z", true}, Case{"opening<09:30:00", false}));

INSTANTIATE_TEST_SUITE_P(Logic, Evaluate,
                         testing::Values(Case{R"(temperature>20;brandName=="Mercedes")", true},
                                         Case{R"(temperature>30;brandName=="Mercedes")", false},
                                         Case{R"(temperature>30|brandName=="Mercedes")", true},
                                         Case{"temperature>30|missing", false},
                                         Case{"(temperature>30|active==true);count==7", true},
                                         Case{"temperature>30|active==true;count==8", false},
                                         Case{"missing|active==true;count==7", true},
                                         Case{"!missing;(speed>70|missing)", true}));

// The whole chain as the API will run it: a real @context, expanded names, a VocabProperty.
TEST(EvaluateWithContext, ExpandsNamesAndVocabularyLikeTheEntityParser) {
  jsonld::ContextBuilder builder(*jsonld::core_context());
  ASSERT_TRUE(builder.apply(json::parse(R"({"Male": "https://ex.org/Male"})")));
  const auto ctx = std::move(builder).build();

  Entity e;
  e.id = "urn:ngsi-ld:Person:1";
  e.types = {ctx->expand("Person")};
  model::put_instance(e.attributes, ctx->expand("gender"),
                      attr(AttributeKind::VocabProperty, R"("https://ex.org/Male")"));
  model::put_instance(e.attributes, ctx->expand("age"), prop("42"));

  const auto q = parse_q(R"(gender=="Male";age>=18)", *ctx);
  ASSERT_TRUE(q.has_value()) << q.error().message;
  EXPECT_TRUE(matches(*q, e));
  const auto other = parse_q(R"(gender=="Female"|age<18)", *ctx);
  ASSERT_TRUE(other.has_value());
  EXPECT_FALSE(matches(*other, e));
}

TEST(EvaluateEmptyEntity, OnlyNonExistenceAndEntityTimestampsMatch) {
  const Entity empty;
  auto eval = [&](std::string_view q) {
    auto parsed = parse_q(q, TermExpander(expand));
    EXPECT_TRUE(parsed.has_value());
    return matches(*parsed, empty);
  };
  EXPECT_TRUE(eval("!a"));
  EXPECT_FALSE(eval("a"));
  EXPECT_FALSE(eval("a!=1"));
  EXPECT_FALSE(eval("a!~=x"));
  EXPECT_TRUE(eval("createdAt==1970-01-01T00:00:00Z"));
}

}  // namespace
}  // namespace tsunagu::query
