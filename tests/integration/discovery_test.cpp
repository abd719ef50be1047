// Discovery of entity types and attributes: GET /types, /types/{type}, /attributes and
// /attributes/{attrId} (ETSI GS CIM 009 v1.8 clauses 5.7.5 - 5.7.10; data types EntityTypeList
// 5.2.24, EntityType 5.2.25, EntityTypeInfo 5.2.26, AttributeList 5.2.27, Attribute 5.2.28;
// HTTP binding 6.25 - 6.28). The spec gives the lists no order; Tsunagu sorts them by the names
// the reader sees, which these tests rely on.
//
// Each test writes into a tenant of its own, so the whole answer of a list is known.

#include <algorithm>
#include <functional>

#include "fixture.hpp"

namespace tsunagu::it {
namespace {

const std::string kTypes = "/ngsi-ld/v1/types";
const std::string kAttributes = "/ngsi-ld/v1/attributes";
const std::string kCoreNs = "https://uri.etsi.org/ngsi-ld/";

std::string vocab(std::string_view term) {
  return std::string(kDefaultVocab) + std::string(term);
}

class Discovery : public BrokerTest {
 protected:
  // A tenant only this test uses: "d-", the test name in lower case (cut to fit the 64
  // characters a tenant name may have) and a hash of the whole name.
  static std::string tenant(std::string_view suffix = "a") {
    std::string name = "d-";
    for (const char c : test_name().substr(0, 40)) {
      name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return name + "-" + std::to_string(std::hash<std::string>{}(test_name()) % 1000000) + "-" +
           std::string(suffix);
  }

  Headers in_tenant(Headers more = {}) const {
    more.emplace_back("NGSILD-Tenant", tenant());
    return more;
  }

  // Creates an entity in this test's tenant.
  void make(const std::string& id, std::string_view members, Headers headers = {}) {
    ASSERT_STATUS(http().post(kEntities, S(E(id, members)), in_tenant(std::move(headers))), 201);
  }

  // Two shelters (one also a School) and a hospital, with attributes of every kind between them.
  void make_city() {
    make("urn:ngsi-ld:Shelter:1", R"({
      "type": ["Shelter", "School"],
      "capacity": {"type": "Property", "value": 100},
      "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [135.5, 34.7]}},
      "operator": {"type": "Relationship", "object": "urn:ngsi-ld:City:Osaka"},
      "speed": [{"type": "Property", "value": 1},
                {"type": "Relationship", "object": "urn:ngsi-ld:X:1",
                 "datasetId": "urn:ngsi-ld:Dataset:b"}]})");
    make("urn:ngsi-ld:Shelter:2", R"({
      "type": "Shelter",
      "capacity": {"type": "Property", "value": 50},
      "label": {"type": "LanguageProperty", "languageMap": {"en": "Hall", "ja": "会館"}},
      "category": {"type": "VocabProperty", "vocab": "Evacuation"}})");
    make("urn:ngsi-ld:Hospital:1", R"({
      "type": "Hospital",
      "raw": {"type": "JsonProperty", "json": {"beds": 3}},
      "levels": {"type": "ListProperty", "valueList": [1, 2]},
      "route": {"type": "ListRelationship",
                "objectList": [{"object": "urn:ngsi-ld:Road:1"}]}})");
  }

  // GET with this test's tenant, expecting 200 and application/json.
  boost::json::value get_ok(const std::string& target, Headers headers = {}) {
    const auto res = http().get(target, in_tenant(std::move(headers)));
    EXPECT_STATUS(res, 200);
    EXPECT_TRUE(res.header("Content-Type").starts_with("application/json"))
        << res.header("Content-Type");
    return res.json();
  }

  // A list object (EntityTypeList, AttributeList) whose generated id is checked and removed, so
  // the rest can be compared whole.
  static boost::json::value without_list_id(boost::json::value list, std::string_view type) {
    auto& o = list.as_object();
    const auto prefix = "urn:ngsi-ld:" + std::string(type) + ":";
    EXPECT_TRUE(o.contains("id") && o.at("id").is_string() &&
                o.at("id").as_string().starts_with(prefix) &&
                o.at("id").as_string().size() > prefix.size())
        << list;
    o.erase("id");
    return list;
  }
};

TEST_F(Discovery, TypesListsEveryTypeOfTheTenantsEntitiesSorted) {
  make_city();
  const auto body = get_ok(kTypes);
  EXPECT_EQ(without_list_id(body, "EntityTypeList"),
            J(R"({"type": "EntityTypeList", "typeList": ["Hospital", "School", "Shelter"]})"));
}

TEST_F(Discovery, EachTypeListHasItsOwnId) {
  make_city();
  const auto a = get_ok(kTypes).at("id");
  const auto b = get_ok(kTypes).at("id");
  EXPECT_NE(a, b);
}

TEST_F(Discovery, TypesWithDetailsGivesEntityTypes) {
  make_city();
  const auto expected = boost::json::array{
      boost::json::object{{"id", vocab("Hospital")},
                          {"type", "EntityType"},
                          {"typeName", "Hospital"},
                          {"attributeNames", J(R"(["levels", "raw", "route"])")}},
      boost::json::object{
          {"id", vocab("School")},
          {"type", "EntityType"},
          {"typeName", "School"},
          {"attributeNames", J(R"(["capacity", "location", "operator", "speed"])")}},
      boost::json::object{
          {"id", vocab("Shelter")},
          {"type", "EntityType"},
          {"typeName", "Shelter"},
          {"attributeNames",
           J(R"(["capacity", "category", "label", "location", "operator", "speed"])")}},
  };
  EXPECT_EQ(get_ok(kTypes + "?details=true"), boost::json::value(expected));
}

TEST_F(Discovery, TypesWithDetailsFalseIsTheList) {
  make_city();
  EXPECT_EQ(get_ok(kTypes + "?details=false").at("type"), "EntityTypeList");
}

TEST_F(Discovery, TypeInfoCountsEntitiesAndGivesTheKindsOfEachAttribute) {
  make_city();
  auto expected = J(R"({"type": "EntityTypeInfo", "typeName": "Shelter", "entityCount": 2})");
  expected.as_object()["id"] = vocab("Shelter");
  boost::json::array details;
  auto detail = [&](const std::string& id, std::string_view name, std::string_view kinds) {
    details.push_back(boost::json::object{
        {"id", id}, {"type", "Attribute"}, {"attributeName", name}, {"attributeTypes", J(kinds)}});
  };
  detail(vocab("capacity"), "capacity", R"(["Property"])");
  detail(vocab("category"), "category", R"(["VocabProperty"])");
  detail(vocab("label"), "label", R"(["LanguageProperty"])");
  detail(kCoreNs + "location", "location", R"(["GeoProperty"])");
  detail(vocab("operator"), "operator", R"(["Relationship"])");
  detail(vocab("speed"), "speed", R"(["Property", "Relationship"])");
  expected.as_object()["attributeDetails"] = std::move(details);
  EXPECT_EQ(get_ok(kTypes + "/Shelter"), expected);
}

TEST_F(Discovery, TypeInfoOfATypeWithoutAttributes) {
  make("urn:ngsi-ld:Park:1", R"({"type": "Park"})");
  make("urn:ngsi-ld:Park:2", R"({"type": "Park"})");
  auto expected = J(R"({"type": "EntityTypeInfo", "typeName": "Park", "entityCount": 2,
                        "attributeDetails": []})");
  expected.as_object()["id"] = vocab("Park");
  EXPECT_EQ(get_ok(kTypes + "/Park"), expected);
}

TEST_F(Discovery, TypeInfoAcceptsTheFullIriPercentEncoded) {
  make_city();
  const auto by_term = get_ok(kTypes + "/Hospital");
  EXPECT_EQ(get_ok(kTypes + "/" + url_encode(vocab("Hospital"))), by_term);
  EXPECT_EQ(by_term.at("entityCount"), 1);
}

TEST_F(Discovery, TypeInfoOfATypeNoEntityHasIs404) {
  make_city();
  EXPECT_PROBLEM(http().get(kTypes + "/Nothing", in_tenant()), 404, "ResourceNotFound");
}

TEST_F(Discovery, AttributesListsEveryAttributeSorted) {
  make_city();
  EXPECT_EQ(without_list_id(get_ok(kAttributes), "AttributeList"), J(R"({
    "type": "AttributeList",
    "attributeList": ["capacity", "category", "label", "levels", "location", "operator", "raw",
                      "route", "speed"]})"));
}

TEST_F(Discovery, AttributesWithDetailsGivesEveryAttributeInFull) {
  make("urn:ngsi-ld:Shelter:1", R"({"type": ["Shelter", "School"],
                                    "capacity": {"type": "Property", "value": 1}})");
  make("urn:ngsi-ld:Hospital:1", R"({"type": "Hospital",
                                     "capacity": {"type": "Property", "value": 2},
                                     "operator": {"type": "Relationship",
                                                  "object": "urn:ngsi-ld:City:Osaka"}})");
  auto expected = J(R"([
    {"type": "Attribute", "attributeName": "capacity", "attributeCount": 2,
     "attributeTypes": ["Property"], "typeNames": ["Hospital", "School", "Shelter"]},
    {"type": "Attribute", "attributeName": "operator", "attributeCount": 1,
     "attributeTypes": ["Relationship"], "typeNames": ["Hospital"]}])");
  expected.as_array()[0].as_object()["id"] = vocab("capacity");
  expected.as_array()[1].as_object()["id"] = vocab("operator");
  EXPECT_EQ(get_ok(kAttributes + "?details=true"), expected);
}

TEST_F(Discovery, AttributeInfoCountsInstancesAndGivesKindsAndTypes) {
  make_city();
  auto expected = J(R"({"type": "Attribute", "attributeName": "speed", "attributeCount": 2,
                        "attributeTypes": ["Property", "Relationship"],
                        "typeNames": ["School", "Shelter"]})");
  expected.as_object()["id"] = vocab("speed");
  EXPECT_EQ(get_ok(kAttributes + "/speed"), expected);

  auto capacity = J(R"({"type": "Attribute", "attributeName": "capacity", "attributeCount": 2,
                        "attributeTypes": ["Property"], "typeNames": ["School", "Shelter"]})");
  capacity.as_object()["id"] = vocab("capacity");
  EXPECT_EQ(get_ok(kAttributes + "/capacity"), capacity);
}

TEST_F(Discovery, AttributeInfoNamesEveryKind) {
  make_city();
  for (const auto& [name, kind] :
       std::vector<std::pair<std::string, std::string>>{{"location", "GeoProperty"},
                                                        {"label", "LanguageProperty"},
                                                        {"category", "VocabProperty"},
                                                        {"raw", "JsonProperty"},
                                                        {"levels", "ListProperty"},
                                                        {"route", "ListRelationship"},
                                                        {"operator", "Relationship"}}) {
    EXPECT_EQ(get_ok(kAttributes + "/" + name).at("attributeTypes"),
              boost::json::value(boost::json::array{boost::json::value(kind)}))
        << name;
  }
}

TEST_F(Discovery, AttributeInfoAcceptsTheFullIri) {
  make_city();
  const auto body = get_ok(kAttributes + "/" + url_encode(kCoreNs + "location"));
  EXPECT_EQ(body.at("attributeName"), "location");
  EXPECT_EQ(body.at("id"), boost::json::value(kCoreNs + "location"));
}

TEST_F(Discovery, AttributeInfoOfAnAttributeNoEntityHasIs404) {
  make_city();
  EXPECT_PROBLEM(http().get(kAttributes + "/nothing", in_tenant()), 404, "ResourceNotFound");
  // A type is not an attribute.
  EXPECT_PROBLEM(http().get(kAttributes + "/Shelter", in_tenant()), 404, "ResourceNotFound");
}

TEST_F(Discovery, AnswersFollowUpdatesAndDeletes) {
  make("urn:ngsi-ld:Shelter:1", R"({"type": "Shelter",
                                    "capacity": {"type": "Property", "value": 1},
                                    "status": {"type": "Property", "value": "open"}})");
  make("urn:ngsi-ld:Park:1", R"({"type": "Park"})");
  ASSERT_STATUS(http().del(entity_path("urn:ngsi-ld:Shelter:1") + "/attrs/status", in_tenant()),
                204);
  EXPECT_EQ(get_ok(kAttributes).at("attributeList"), J(R"(["capacity"])"));
  ASSERT_STATUS(http().patch(entity_path("urn:ngsi-ld:Shelter:1"),
                             R"({"status": {"type": "Relationship", "object": "urn:ngsi-ld:X:1"}})",
                             in_tenant()),
                204);
  EXPECT_EQ(get_ok(kAttributes + "/status").at("attributeTypes"), J(R"(["Relationship"])"));
  ASSERT_STATUS(http().del(entity_path("urn:ngsi-ld:Park:1"), in_tenant()), 204);
  EXPECT_EQ(get_ok(kTypes).at("typeList"), J(R"(["Shelter"])"));
  EXPECT_PROBLEM(http().get(kTypes + "/Park", in_tenant()), 404, "ResourceNotFound");
  ASSERT_STATUS(http().del(entity_path("urn:ngsi-ld:Shelter:1"), in_tenant()), 204);
  EXPECT_EQ(get_ok(kTypes).at("typeList"), J("[]"));
  EXPECT_EQ(get_ok(kTypes + "?details=true"), J("[]"));
  EXPECT_EQ(get_ok(kAttributes).at("attributeList"), J("[]"));
  EXPECT_EQ(get_ok(kAttributes + "?details=true"), J("[]"));
}

TEST_F(Discovery, ABatchCountsEveryEntityItCreated) {
  const std::string batch = R"([{"id": "urn:ngsi-ld:Shelter:1", "type": "Shelter"},
                                {"id": "urn:ngsi-ld:Shelter:2", "type": "Shelter"},
                                {"id": "urn:ngsi-ld:Shelter:1", "type": "Shelter"}])";
  ASSERT_STATUS(http().post(kBatch + "/create", batch, in_tenant()), 207);
  EXPECT_EQ(get_ok(kTypes + "/Shelter").at("entityCount"), 2);
}

// Names are compacted with the reader's @context, and a short name in a URL is expanded with it.
class DiscoveryWithContext : public Discovery {
 protected:
  std::string iri(std::string_view term) {
    return "https://example.org/" + test_name() + "/" + std::string(term);
  }
  std::string serve_context() {
    boost::json::object terms{{"Shelter", iri("Shelter")}, {"capacity", iri("capacity")}};
    contexts_.serve("/ctx.jsonld", S(boost::json::object{{"@context", terms}}));
    return contexts_.url("/ctx.jsonld");
  }
  ContextServer contexts_;
};

TEST_F(DiscoveryWithContext, NamesAreCompactedWithTheReadersContext) {
  const auto url = serve_context();
  make("urn:ngsi-ld:Shelter:1", R"({"type": "Shelter",
                                    "capacity": {"type": "Property", "value": 1},
                                    "name": {"type": "Property", "value": "Hall"}})",
       with_link(url));

  // With the context: its terms.
  EXPECT_EQ(get_ok(kTypes, with_link(url)).at("typeList"), J(R"(["Shelter"])"));
  EXPECT_EQ(get_ok(kAttributes, with_link(url)).at("attributeList"), J(R"(["capacity", "name"])"));
  auto info = J(R"({"type": "EntityTypeInfo", "typeName": "Shelter", "entityCount": 1})");
  info.as_object()["id"] = iri("Shelter");
  info.as_object()["attributeDetails"] = boost::json::array{
      boost::json::object{{"id", iri("capacity")},
                          {"type", "Attribute"},
                          {"attributeName", "capacity"},
                          {"attributeTypes", J(R"(["Property"])")}},
      boost::json::object{{"id", vocab("name")},
                          {"type", "Attribute"},
                          {"attributeName", "name"},
                          {"attributeTypes", J(R"(["Property"])")}},
  };
  EXPECT_EQ(get_ok(kTypes + "/Shelter", with_link(url)), info);
  auto capacity = J(R"({"type": "Attribute", "attributeName": "capacity", "attributeCount": 1,
                        "attributeTypes": ["Property"], "typeNames": ["Shelter"]})");
  capacity.as_object()["id"] = iri("capacity");
  EXPECT_EQ(get_ok(kAttributes + "/capacity", with_link(url)), capacity);

  // Without it: the full IRIs its terms stand for, sorted as such.
  auto list = J("[]");
  list.as_array().emplace_back(iri("Shelter"));
  EXPECT_EQ(get_ok(kTypes).at("typeList"), list);
  auto attrs = J(R"(["name"])");
  attrs.as_array().insert(attrs.as_array().begin(), boost::json::value(iri("capacity")));
  EXPECT_EQ(get_ok(kAttributes).at("attributeList"), attrs);
  // ... and "Shelter" there means the default vocabulary's Shelter, which no entity has.
  EXPECT_PROBLEM(http().get(kTypes + "/Shelter", in_tenant()), 404, "ResourceNotFound");
  EXPECT_EQ(get_ok(kTypes + "/" + url_encode(iri("Shelter"))).at("typeName"),
            boost::json::value(iri("Shelter")));
}

TEST_F(DiscoveryWithContext, JsonAnswersLinkTheContextAndJsonLdAnswersEmbedIt) {
  const auto url = serve_context();
  make("urn:ngsi-ld:Shelter:1", R"({"type": "Shelter"})", with_link(url));
  const auto json = http().get(kTypes, in_tenant(with_link(url)));
  ASSERT_STATUS(json, 200);
  EXPECT_EQ(json.header("Link"), link_to(url));
  EXPECT_FALSE(json.json().as_object().contains("@context"));

  Headers ld = with_link(url);
  ld.emplace_back("Accept", "application/ld+json");
  const auto list = http().get(kTypes, in_tenant(ld));
  ASSERT_STATUS(list, 200);
  EXPECT_TRUE(list.header("Content-Type").starts_with("application/ld+json"));
  EXPECT_EQ(list.json().at("@context"), boost::json::value(url));
  const auto details = http().get(kTypes + "?details=true", in_tenant(ld));
  ASSERT_STATUS(details, 200);
  ASSERT_EQ(details.json().as_array().size(), 1u);
  EXPECT_EQ(details.json().at(0).at("@context"), boost::json::value(url));
  const auto info = http().get(kAttributes + "?details=true", in_tenant(ld));
  ASSERT_STATUS(info, 200);
  EXPECT_EQ(info.json(), J("[]"));
}

TEST_F(Discovery, JsonAnswersLinkTheCoreContext) {
  make_city();
  const auto res = http().get(kAttributes + "/capacity", in_tenant());
  ASSERT_STATUS(res, 200);
  EXPECT_EQ(res.header("Link"), link_to(kCoreContext));
}

TEST_F(Discovery, GeoJsonIsNotAcceptable) {
  make_city();
  const auto res = http().get(kTypes, in_tenant({{"Accept", "application/geo+json"}}));
  EXPECT_TRUE(IsHttpError(res, 406));
}

TEST_F(Discovery, TenantsAreSeparate) {
  make("urn:ngsi-ld:Shelter:1", R"({"type": "Shelter",
                                    "capacity": {"type": "Property", "value": 1}})");
  const auto other = with_tenant(tenant("b"));
  ASSERT_STATUS(http().post(kEntities, S(E("urn:ngsi-ld:Park:1", R"({"type": "Park"})")), other),
                201);
  EXPECT_EQ(get_ok(kTypes).at("typeList"), J(R"(["Shelter"])"));
  const auto res = http().get(kTypes, other);
  ASSERT_STATUS(res, 200);
  EXPECT_EQ(res.json().at("typeList"), J(R"(["Park"])"));
  EXPECT_PROBLEM(http().get(kTypes + "/Shelter", other), 404, "ResourceNotFound");
  EXPECT_PROBLEM(http().get(kAttributes + "/capacity", other), 404, "ResourceNotFound");
}

TEST_F(Discovery, AnUnknownTenantIs404NonexistentTenant) {
  const auto never = with_tenant(tenant("never"));
  for (const auto& target : {kTypes, kTypes + "?details=true", kTypes + "/Shelter", kAttributes,
                             kAttributes + "?details=true", kAttributes + "/capacity"}) {
    EXPECT_PROBLEM(http().get(target, never), 404, "NonexistentTenant") << target;
  }
}

TEST_F(Discovery, TheDefaultTenantListsWhatItHolds) {
  const auto type = unique("Kiosk");
  ASSERT_STATUS(create(E(new_id(), R"({"type": ")" + type + R"("})")), 201);
  const auto res = http().get(kTypes);
  ASSERT_STATUS(res, 200);
  const auto& list = res.json().at("typeList").as_array();
  EXPECT_NE(std::find(list.begin(), list.end(), boost::json::value(type)), list.end());
  EXPECT_STATUS(http().get(kTypes + "/" + type), 200);
}

TEST_F(Discovery, TrailingSlashesAreAccepted) {
  make_city();
  EXPECT_EQ(get_ok(kTypes + "/").at("type"), "EntityTypeList");
  EXPECT_EQ(get_ok(kAttributes + "/").at("type"), "AttributeList");
  EXPECT_EQ(get_ok(kTypes + "/Shelter/").at("typeName"), "Shelter");
}

TEST_F(Discovery, LocalIsABooleanAndChangesNothing) {
  make_city();
  EXPECT_EQ(get_ok(kTypes + "?local=true").at("typeList"), get_ok(kTypes).at("typeList"));
  EXPECT_EQ(get_ok(kTypes + "/Shelter?local=true").at("entityCount"), 2);
  EXPECT_EQ(get_ok(kAttributes + "/speed?local=false").at("attributeCount"), 2);
  EXPECT_PROBLEM(http().get(kTypes + "?local=maybe", in_tenant()), 400, "BadRequestData");
}

TEST_F(Discovery, BadParametersAre400) {
  make_city();
  for (const auto& target :
       {kTypes + "?details=yes", kTypes + "?limit=1", kTypes + "?type=Shelter",
        kTypes + "?details=true&details=false", kTypes + "/Shelter?details=true",
        kAttributes + "?details=1", kAttributes + "?attrs=capacity",
        kAttributes + "/capacity?details=true"}) {
    EXPECT_PROBLEM(http().get(target, in_tenant()), 400, "BadRequestData") << target;
  }
}

TEST_F(Discovery, AnInvalidNameInThePathIs400) {
  make_city();
  EXPECT_PROBLEM(http().get(kTypes + "/" + url_encode("a b"), in_tenant()), 400, "BadRequestData");
  EXPECT_PROBLEM(http().get(kAttributes + "/" + url_encode("x<y"), in_tenant()), 400,
                 "BadRequestData");
}

TEST_F(Discovery, OtherMethodsAre405) {
  for (const auto& target : {kTypes, kTypes + "/Shelter", kAttributes, kAttributes + "/x"}) {
    EXPECT_TRUE(IsHttpError(http().post(target, "{}", in_tenant()), 405)) << target;
  }
}

}  // namespace
}  // namespace tsunagu::it
