#include "api/ngsild/subscription_parser.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "api/ngsild/subscription_renderer.hpp"
#include "jsonld/context.hpp"
#include "jsonld/core_context.hpp"
#include "model/subscription.hpp"
#include "model/time.hpp"
#include "query/q_ast.hpp"

namespace tsunagu::api::ngsild {
namespace {
namespace json = boost::json;
using model::Subscription;

// The core context with the user context a client of the Osaka platform would send.
const jsonld::Context& user() {
  static const auto ctx = [] {
    jsonld::ContextBuilder builder(*jsonld::core_context());
    auto st = builder.apply(json::parse(R"({
      "Shelter": "https://schema.example.org/Shelter",
      "Device": "https://schema.example.org/Device",
      "temperature": "https://schema.example.org/temperature",
      "material": {"@id": "https://schema.example.org/material", "@type": "@vocab"},
      "Wooden": "https://schema.example.org/Wooden",
      "schema": "https://schema.org/",
      "hidden": null
    })"));
    EXPECT_TRUE(st.has_value()) << st.error().message;
    return std::move(builder).build();
  }();
  return *ctx;
}

const model::Timestamp kNow = *model::parse_datetime("2024-01-01T00:00:00Z");
const json::value kContextSource = "https://context.example.org/osaka.jsonld";

Result<Subscription> parse(std::string_view body) {
  return parse_subscription(json::parse(body), user(), kContextSource, kNow);
}

json::object render(const Subscription& s) {
  return render_subscription(s, user(), kNow, false);
}

// A valid body with `extra` members added at the top level.
std::string body(std::string_view extra = {}) {
  std::string out = R"({"id": "urn:ngsi-ld:Subscription:1", "type": "Subscription",
    "entities": [{"type": "Shelter"}],
    "notification": {"endpoint": {"uri": "http://example.org/notify"}})";
  if (!extra.empty()) out += ", " + std::string(extra);
  return out + "}";
}

// A valid body whose notification has `extra` members besides the endpoint.
std::string notification(std::string_view extra) {
  return R"({"type": "Subscription", "entities": [{"type": "Shelter"}],
    "notification": {"endpoint": {"uri": "http://example.org/notify"}, )" +
         std::string(extra) + "}}";
}

// A valid body whose endpoint has `extra` members besides the uri (or instead: give "uri").
std::string endpoint(std::string_view members) {
  return R"({"type": "Subscription", "entities": [{"type": "Shelter"}],
    "notification": {"endpoint": {)" +
         std::string(members) + "}}}";
}

std::string repeated(std::string_view item, int count) {
  std::string out;
  for (int i = 0; i < count; ++i) out += (i ? ", " : "") + std::string(item);
  return out;
}

// ---- valid bodies: parse, render, compare ----

struct ValidCase {
  std::string label;
  std::string body;
  std::string expected;  // the rendering with the same context at kNow
};

void PrintTo(const ValidCase& c, std::ostream* os) {
  *os << c.label;
}

class ValidSubscriptions : public testing::TestWithParam<ValidCase> {};

TEST_P(ValidSubscriptions, RenderAsExpected) {
  const auto& c = GetParam();
  auto s = parse(c.body);
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(json::value(render(*s)), json::parse(c.expected)) << json::serialize(render(*s));
}

// What every rendering of a minimal body shows besides the members given.
constexpr std::string_view kMinimalRendering = R"({
  "id": "urn:ngsi-ld:Subscription:1", "type": "Subscription",
  "entities": [{"type": "Shelter"}],
  "notificationTrigger": ["attributeCreated", "attributeUpdated"],
  "isActive": true,
  "notification": {"format": "normalized", "showChanges": false, "sysAttrs": false,
                   "endpoint": {"uri": "http://example.org/notify",
                                "accept": "application/json"}},
  "status": "active"})";

std::string minimal_with(std::string_view extra) {
  std::string out(kMinimalRendering);
  out.pop_back();
  return out + ", " + std::string(extra) + "}";
}

INSTANTIATE_TEST_SUITE_P(
    Create, ValidSubscriptions,
    testing::Values(
        ValidCase{"Minimal", body(), std::string(kMinimalRendering)},
        ValidCase{"Everything",
                  R"({
          "id": "urn:ngsi-ld:Subscription:everything", "type": "Subscription",
          "subscriptionName": "Shelters of Kita", "description": "temperature of shelters",
          "entities": [{"type": "Shelter|Device", "idPattern": "^urn:ngsi-ld:Shelter:kita-"},
                       {"id": "urn:ngsi-ld:Shelter:001", "type": "Shelter"}],
          "watchedAttributes": ["temperature", "schema:name"],
          "notificationTrigger": ["attributeDeleted", "entityCreated", "entityCreated"],
          "q": "temperature>20;material==\"Wooden\"",
          "geoQ": {"georel": "near;maxDistance==2000", "geometry": "Point",
                   "coordinates": [135.5, 34.7], "geoproperty": "location"},
          "scopeQ": "/Osaka/#",
          "isActive": false,
          "expiresAt": "2030-01-01T09:00:00+09:00",
          "throttling": 5,
          "lang": "ja,en;q=0.5",
          "notification": {
            "attributes": ["temperature", "https://schema.example.org/temperature"],
            "format": "concise", "showChanges": true, "sysAttrs": true,
            "endpoint": {"uri": "mqtts://user@broker.example.org:8883/osaka/shelters",
                         "accept": "application/ld+json", "timeout": 1500, "cooldown": 2.5,
                         "receiverInfo": [{"key": "Authorization", "value": "Bearer t"},
                                          {"key": "X-Tab", "value": "a\tb"}],
                         "notifierInfo": [{"key": "MQTT-Version", "value": "mqtt5.0"},
                                          {"key": "MQTT-QoS", "value": "1"}]}},
          "jsonldContext": "https://context.example.org/notify.jsonld"})",
                  R"({
          "id": "urn:ngsi-ld:Subscription:everything", "type": "Subscription",
          "subscriptionName": "Shelters of Kita", "description": "temperature of shelters",
          "entities": [{"idPattern": "^urn:ngsi-ld:Shelter:kita-", "type": "Shelter|Device"},
                       {"id": "urn:ngsi-ld:Shelter:001", "type": "Shelter"}],
          "watchedAttributes": ["temperature", "schema:name"],
          "notificationTrigger": ["entityCreated", "attributeDeleted"],
          "q": "temperature>20;material==\"Wooden\"",
          "geoQ": {"geometry": "Point", "coordinates": [135.5, 34.7],
                   "georel": "near;maxDistance==2000", "geoproperty": "location"},
          "scopeQ": "/Osaka/#",
          "isActive": false,
          "notification": {
            "attributes": ["temperature"],
            "format": "concise", "showChanges": true, "sysAttrs": true,
            "endpoint": {"uri": "mqtts://user@broker.example.org:8883/osaka/shelters",
                         "accept": "application/ld+json", "timeout": 1500, "cooldown": 2.5,
                         "receiverInfo": [{"key": "Authorization", "value": "Bearer t"},
                                          {"key": "X-Tab", "value": "a\tb"}],
                         "notifierInfo": [{"key": "MQTT-Version", "value": "mqtt5.0"},
                                          {"key": "MQTT-QoS", "value": "1"}]}},
          "expiresAt": "2030-01-01T00:00:00.000Z",
          "throttling": 5,
          "lang": "ja,en;q=0.5",
          "jsonldContext": "https://context.example.org/notify.jsonld",
          "status": "paused"})"},
        ValidCase{"Periodic", body(R"("timeInterval": 60)"), minimal_with(R"("timeInterval": 60)")},
        ValidCase{"WatchedAttributesAlone",
                  R"({"id": "urn:ngsi-ld:Subscription:1", "type": "Subscription",
                      "watchedAttributes": ["temperature", "temperature"],
                      "notification": {"endpoint": {"uri": "https://example.org/n"}}})",
                  R"({"id": "urn:ngsi-ld:Subscription:1", "type": "Subscription",
                      "watchedAttributes": ["temperature"],
                      "notificationTrigger": ["attributeCreated", "attributeUpdated"],
                      "isActive": true,
                      "notification": {"format": "normalized", "showChanges": false,
                                       "sysAttrs": false,
                                       "endpoint": {"uri": "https://example.org/n",
                                                    "accept": "application/json"}},
                      "status": "active"})"},
        ValidCase{"SimplifiedIsKeyValues", notification(R"("format": "simplified")"),
                  R"({"id": "", "type": "Subscription", "entities": [{"type": "Shelter"}],
                      "notificationTrigger": ["attributeCreated", "attributeUpdated"],
                      "isActive": true,
                      "notification": {"format": "keyValues", "showChanges": false,
                                       "sysAttrs": false,
                                       "endpoint": {"uri": "http://example.org/notify",
                                                    "accept": "application/json"}},
                      "status": "active"})"},
        ValidCase{"CoordinatesAsText", body(R"("geoQ": {"georel": "within", "geometry": "Polygon",
                          "coordinates": "[[[135,34],[136,34],[136,35],[135,34]]]"})"),
                  minimal_with(R"("geoQ": {"geometry": "Polygon", "georel": "within",
                          "coordinates": [[[135,34],[136,34],[136,35],[135,34]]]})")},
        ValidCase{"ReadOnlyMembersAndContextAreIgnored",
                  R"({"id": "urn:ngsi-ld:Subscription:1", "type": "Subscription",
                      "@context": "https://context.example.org/osaka.jsonld",
                      "status": "expired", "createdAt": "2020-01-01T00:00:00Z",
                      "modifiedAt": "2020-01-01T00:00:00Z",
                      "entities": [{"type": "Shelter"}],
                      "notification": {"endpoint": {"uri": "http://example.org/notify"},
                                       "status": "failed", "timesSent": 3, "timesFailed": 1,
                                       "lastNotification": "2020-01-01T00:00:00Z",
                                       "lastSuccess": "2020-01-01T00:00:00Z",
                                       "lastFailure": "2020-01-01T00:00:00Z"}})",
                  std::string(kMinimalRendering)},
        ValidCase{"EveryTriggerInTheClauseOrder",
                  body(R"("notificationTrigger": ["attributeDeleted", "attributeUpdated",
                          "attributeCreated", "entityDeleted", "entityUpdated", "entityCreated"])"),
                  [] {
                    std::string out(kMinimalRendering);
                    const std::string from = R"(["attributeCreated", "attributeUpdated"])";
                    out.replace(out.find(from), from.size(),
                                R"(["entityCreated", "entityUpdated", "entityDeleted",
                                    "attributeCreated", "attributeUpdated", "attributeDeleted"])");
                    return out;
                  }()},
        ValidCase{"FractionalThrottling", body(R"("throttling": 0.5)"),
                  minimal_with(R"("throttling": 0.5)")}),
    [](const auto& p) { return p.param.label; });

TEST(SubscriptionParser, BindsNamesAndFilters) {
  auto s = parse(body(R"("watchedAttributes": ["temperature"],
                         "q": "temperature>20;material==\"Wooden\"",
                         "geoQ": {"georel": "within", "geometry": "Point",
                                  "coordinates": [135.5, 34.7]},
                         "scopeQ": "/Osaka/+")"));
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->id, "urn:ngsi-ld:Subscription:1");
  ASSERT_EQ(s->entities.size(), 1u);
  EXPECT_EQ(query::to_string(*s->entities[0].type), "https://schema.example.org/Shelter");
  EXPECT_EQ(s->watched_attributes,
            std::vector<std::string>{"https://schema.example.org/temperature"});
  ASSERT_TRUE(s->q.has_value());
  EXPECT_EQ(query::to_string(*s->q->expr),
            "<https://schema.example.org/temperature>>20;"
            "<https://schema.example.org/material>==\"Wooden\"");
  // Every term the q text uses, with what it meant, for the store to bind it again.
  EXPECT_EQ(s->q->terms.at("temperature"), "https://schema.example.org/temperature");
  EXPECT_EQ(s->q->terms.at("material"), "https://schema.example.org/material");
  EXPECT_EQ(s->q->terms.at("Wooden"), "https://schema.example.org/Wooden");
  ASSERT_TRUE(s->geo.has_value());
  EXPECT_EQ(s->geo->geoproperty, std::nullopt);
  EXPECT_EQ(s->geo->query->geoproperty, query::kDefaultGeoProperty);
  ASSERT_TRUE(s->scope.has_value());
  EXPECT_EQ(s->scope->text, "/Osaka/+");
  EXPECT_EQ(s->context, kContextSource);
  EXPECT_EQ(s->created_at, kNow);
  EXPECT_EQ(s->modified_at, kNow);
  EXPECT_EQ(s->times_sent, 0u);
}

TEST(SubscriptionParser, LeavesTheIdToTheCallerWhenAbsent) {
  auto s = parse(notification(R"("sysAttrs": true)"));
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->id, "");
  EXPECT_TRUE(s->notification.sys_attrs);
}

TEST(SubscriptionParser, AcceptsTheListCaps) {
  const std::string selectors = repeated(R"({"type": "Shelter"})", 100);
  EXPECT_TRUE(parse(R"({"type": "Subscription", "entities": [)" + selectors +
                    R"(], "notification": {"endpoint": {"uri": "http://example.org/n"}}})")
                  .has_value());
  const std::string pairs = repeated(R"({"key": "X-A", "value": "1"})", 100);
  EXPECT_TRUE(parse(endpoint(R"("uri": "http://example.org/n", "receiverInfo": [)" + pairs + "]"))
                  .has_value());
}

// ---- invalid bodies: each with its exact error ----

struct InvalidCase {
  std::string label;
  std::string body;
  std::string message;
  ErrorKind kind = ErrorKind::BadRequestData;
};

void PrintTo(const InvalidCase& c, std::ostream* os) {
  *os << c.label;
}

class InvalidSubscriptions : public testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidSubscriptions, FailWithTheirMessage) {
  const auto& c = GetParam();
  auto s = parse(c.body);
  ASSERT_FALSE(s.has_value()) << "accepted: " << json::serialize(render(*s));
  EXPECT_EQ(s.error().kind, c.kind);
  EXPECT_EQ(s.error().message, c.message);
}

const std::string kNotTheFuture = "is not in the future; it is now 2024-01-01T00:00:00.000Z";

INSTANTIATE_TEST_SUITE_P(
    Subscription, InvalidSubscriptions,
    testing::Values(
        InvalidCase{"NotAnObject", "[]", "a subscription must be a JSON object"},
        InvalidCase{"NoType",
                    R"({"entities": [{"type": "A"}],
                        "notification": {"endpoint": {"uri": "http://example.org/n"}}})",
                    "a subscription needs \"type\": \"Subscription\""},
        InvalidCase{"WrongType",
                    R"({"type": "Query", "entities": [{"type": "A"}],
                        "notification": {"endpoint": {"uri": "http://example.org/n"}}})",
                    "\"type\" must be \"Subscription\""},
        InvalidCase{"NoNotification", R"({"type": "Subscription", "entities": [{"type": "A"}]})",
                    "a subscription needs \"notification\""},
        InvalidCase{"NeitherEntitiesNorWatchedAttributes",
                    R"({"type": "Subscription",
                        "notification": {"endpoint": {"uri": "http://example.org/n"}}})",
                    "a subscription needs \"entities\" or \"watchedAttributes\", or both"},
        InvalidCase{"UnknownMember", body(R"("watchedAttrs": ["temperature"])"),
                    "unknown member \"watchedAttrs\" in a subscription"},
        InvalidCase{"Csf", body(R"("csf": "a==b")"), "\"csf\" is not supported in a subscription",
                    ErrorKind::OperationNotSupported},
        InvalidCase{"LocalOnly", body(R"("localOnly": true)"),
                    "\"localOnly\" is not supported in a subscription",
                    ErrorKind::OperationNotSupported},
        InvalidCase{"NullValue", body(R"("q": "urn:ngsi-ld:null")"),
                    "\"q\": urn:ngsi-ld:null removes a member in an update; it is not a value"},
        InvalidCase{"BadId",
                    R"({"id": "not a uri", "type": "Subscription", "entities": [{"type": "A"}],
                        "notification": {"endpoint": {"uri": "http://example.org/n"}}})",
                    "id: 'not a uri' is not a valid URI: it contains a space at offset 3"},
        InvalidCase{"NameNotAString", body(R"("subscriptionName": 7)"),
                    "\"subscriptionName\" must be a string"},
        InvalidCase{"DescriptionNotAString", body(R"("description": ["x"])"),
                    "\"description\" must be a string"},
        // entities
        InvalidCase{"EntitiesEmpty",
                    R"({"type": "Subscription", "entities": [],
                        "notification": {"endpoint": {"uri": "http://example.org/n"}}})",
                    "\"entities\" must be a non-empty array of entity selectors"},
        InvalidCase{"SelectorEmpty",
                    R"({"type": "Subscription", "entities": [{}],
                        "notification": {"endpoint": {"uri": "http://example.org/n"}}})",
                    "entities[0]: needs at least one of type, id or idPattern"},
        InvalidCase{"SelectorUnknownMember",
                    R"({"type": "Subscription", "entities": [{"type": "A", "q": "b"}],
                        "notification": {"endpoint": {"uri": "http://example.org/n"}}})",
                    "entities[0]: unknown member \"q\""},
        InvalidCase{"SelectorBadType",
                    R"({"type": "Subscription", "entities": [{"type": "A|"}],
                        "notification": {"endpoint": {"uri": "http://example.org/n"}}})",
                    "type: missing term after '|' at position 2"},
        InvalidCase{"SelectorBadPattern",
                    R"({"type": "Subscription", "entities": [{"idPattern": "["}],
                        "notification": {"endpoint": {"uri": "http://example.org/n"}}})",
                    "idPattern '[' is not a valid regular expression: missing ]: ["},
        InvalidCase{"TooManySelectors",
                    R"({"type": "Subscription", "entities": [)" +
                        repeated(R"({"type": "A"})", 101) +
                        R"(], "notification": {"endpoint": {"uri": "http://example.org/n"}}})",
                    "\"entities\" has 101 selectors; at most 100 are allowed"},
        // watchedAttributes
        InvalidCase{"WatchedEmpty", body(R"("watchedAttributes": [])"),
                    "\"watchedAttributes\" must be a non-empty array of attribute names"},
        InvalidCase{"WatchedNotAnArray", body(R"("watchedAttributes": "temperature")"),
                    "\"watchedAttributes\" must be a non-empty array of attribute names"},
        InvalidCase{"WatchedNumber", body(R"("watchedAttributes": ["a", 1])"),
                    "watchedAttributes[1]: an attribute name must be a string"},
        InvalidCase{"WatchedKeyword", body(R"("watchedAttributes": ["id"])"),
                    "watchedAttributes[0]: 'id' is not an attribute name (it means @id)"},
        InvalidCase{"WatchedNullTerm", body(R"("watchedAttributes": ["hidden"])"),
                    "watchedAttributes[0]: term 'hidden' is defined as null by the @context"},
        InvalidCase{"WatchedForbiddenCharacter", body(R"("watchedAttributes": ["a;b"])"),
                    "watchedAttributes[0]: attribute name 'a;b' contains a forbidden character "
                    "(whitespace, control or one of <>\"'=;()\\)"},
        InvalidCase{"TooManyWatched",
                    body(R"("watchedAttributes": [)" + repeated(R"("a")", 101) + "]"),
                    "\"watchedAttributes\" has 101 names; at most 100 are allowed"},
        // notificationTrigger
        InvalidCase{"TriggersEmpty", body(R"("notificationTrigger": [])"),
                    "\"notificationTrigger\" must be a non-empty array of trigger names"},
        InvalidCase{"TriggerUnknown",
                    body(R"("notificationTrigger": ["entityCreated", "attributeChanged"])"),
                    "notificationTrigger[1]: must be one of entityCreated, entityUpdated, "
                    "entityDeleted, attributeCreated, attributeUpdated, attributeDeleted"},
        // q, geoQ, scopeQ, lang
        InvalidCase{"QNotAString", body(R"("q": 5)"), "\"q\" must be a non-empty string"},
        InvalidCase{"QEmpty", body(R"("q": "")"), "\"q\" must be a non-empty string"},
        InvalidCase{"QSyntax", body(R"("q": "temperature>")"),
                    "q: position 12: expected a value after '>', found the end of the "
                    "expression"},
        InvalidCase{"QNullTerm", body(R"("q": "hidden==1")"),
                    "q: position 0: 'hidden' is undefined: the @context maps it to null"},
        InvalidCase{"GeoNotAnObject", body(R"("geoQ": "near")"),
                    "\"geoQ\" must be an object with geometry, coordinates, georel"},
        InvalidCase{"GeoIncomplete",
                    body(R"("geoQ": {"geometry": "Point", "coordinates": [1, 2]})"),
                    "geoQ: needs georel, geometry and coordinates"},
        InvalidCase{"GeoUnknownMember", body(R"("geoQ": {"georel": "within", "geometry": "Point",
                            "coordinates": [1, 2], "maxDistance": 5})"),
                    "geoQ: unknown member \"maxDistance\""},
        InvalidCase{"GeoBadRelation", body(R"("geoQ": {"georel": "sideways", "geometry": "Point",
                            "coordinates": [1, 2]})"),
                    "georel: unknown relation 'sideways'; expected near, within, contains, "
                    "intersects, equals, disjoint or overlaps"},
        InvalidCase{"ScopeBad", body(R"("scopeQ": "Osaka")"),
                    "scopeQ: a scope must start with '/' at position 1"},
        InvalidCase{"LangBad", body(R"("lang": "ja;x=1")"),
                    "lang: 'ja;x=1' has a parameter other than q="},
        // isActive, expiresAt, throttling, timeInterval
        InvalidCase{"IsActiveNotABoolean", body(R"("isActive": "yes")"),
                    "\"isActive\" must be true or false"},
        InvalidCase{"ExpiresInThePast", body(R"("expiresAt": "2023-12-31T23:59:59Z")"),
                    "expiresAt '2023-12-31T23:59:59Z' " + kNotTheFuture},
        InvalidCase{"ExpiresNow", body(R"("expiresAt": "2024-01-01T09:00:00+09:00")"),
                    "expiresAt '2024-01-01T09:00:00+09:00' " + kNotTheFuture},
        InvalidCase{"ExpiresNotADateTime", body(R"("expiresAt": "2030-01-01")"),
                    "expiresAt: '2030-01-01' is not a valid ISO 8601 date-time: expected 'T' "
                    "between date and time at offset 10"},
        InvalidCase{"ExpiresNotAString", body(R"("expiresAt": 1)"),
                    "\"expiresAt\" must be a string"},
        InvalidCase{"ThrottlingZero", body(R"("throttling": 0)"),
                    "\"throttling\" must be greater than 0"},
        InvalidCase{"ThrottlingNegative", body(R"("throttling": -1.5)"),
                    "\"throttling\" must be greater than 0"},
        InvalidCase{"ThrottlingText", body(R"("throttling": "5")"),
                    "\"throttling\" must be a number"},
        InvalidCase{"TimeIntervalZero", body(R"("timeInterval": 0)"),
                    "\"timeInterval\" must be greater than 0"},
        InvalidCase{"TimeIntervalWithWatchedAttributes",
                    body(R"("timeInterval": 10, "watchedAttributes": ["temperature"])"),
                    "\"timeInterval\" and \"watchedAttributes\" cannot be combined: a periodic "
                    "subscription notifies regardless of changes"},
        InvalidCase{"TimeIntervalWithThrottling", body(R"("timeInterval": 10, "throttling": 30)"),
                    "\"timeInterval\" and \"throttling\" cannot be combined: a periodic "
                    "subscription notifies at its interval"},
        // jsonldContext
        InvalidCase{"JsonldContextNotHttp", body(R"("jsonldContext": "urn:ngsi-ld:ctx")"),
                    "jsonldContext: 'urn:ngsi-ld:ctx' must be an http or https URI: "
                    "notifications dereference it"},
        InvalidCase{"JsonldContextNotAUri", body(R"("jsonldContext": "ctx.jsonld")"),
                    "jsonldContext: 'ctx.jsonld' is not a valid URI: it has no scheme; expected "
                    "an absolute URI such as urn:ngsi-ld:Shelter:001"},
        // notification
        InvalidCase{"NotificationNotAnObject",
                    R"({"type": "Subscription", "entities": [{"type": "A"}],
                        "notification": "http://example.org/n"})",
                    "\"notification\" must be an object with \"endpoint\""},
        InvalidCase{"NotificationWithoutEndpoint",
                    R"({"type": "Subscription", "entities": [{"type": "A"}],
                        "notification": {"format": "concise"}})",
                    "notification needs \"endpoint\""},
        InvalidCase{"NotificationUnknownMember", notification(R"("attrs": ["temperature"])"),
                    "notification: unknown member \"attrs\""},
        InvalidCase{"NotificationPick", notification(R"("pick": ["temperature"])"),
                    "\"notification.pick\" is not supported in a subscription",
                    ErrorKind::OperationNotSupported},
        InvalidCase{"FormatUnknown", notification(R"("format": "verbose")"),
                    "\"notification.format\" must be \"normalized\", \"concise\" or "
                    "\"keyValues\""},
        InvalidCase{"ShowChangesWithKeyValues",
                    notification(R"("format": "keyValues", "showChanges": true)"),
                    "notification.showChanges cannot be true with the format keyValues"},
        InvalidCase{"ShowChangesNotABoolean", notification(R"("showChanges": "true")"),
                    "\"notification.showChanges\" must be true or false"},
        InvalidCase{"AttributesEmpty", notification(R"("attributes": [])"),
                    "\"notification.attributes\" must be a non-empty array of attribute names"},
        InvalidCase{"AttributesKeyword", notification(R"("attributes": ["type"])"),
                    "notification.attributes[0]: 'type' is not an attribute name (it means "
                    "@type)"},
        // endpoint
        InvalidCase{"EndpointNotAnObject",
                    R"({"type": "Subscription", "entities": [{"type": "A"}],
                        "notification": {"endpoint": "http://example.org/n"}})",
                    "\"notification.endpoint\" must be an object with \"uri\""},
        InvalidCase{"EndpointWithoutUri", endpoint(R"("accept": "application/json")"),
                    "notification.endpoint needs \"uri\""},
        InvalidCase{"EndpointUnknownMember", endpoint(R"("url": "http://example.org/n")"),
                    "notification.endpoint: unknown member \"url\""},
        InvalidCase{"UriEmpty", endpoint(R"("uri": "")"),
                    "\"notification.endpoint.uri\" must be a non-empty string"},
        InvalidCase{"UriRelative", endpoint(R"("uri": "/notify")"),
                    "notification.endpoint.uri: '/notify' is not a valid URI: it has no scheme; "
                    "expected an absolute URI such as urn:ngsi-ld:Shelter:001"},
        InvalidCase{"UriHeaderInjection", endpoint(R"("uri": "http://a.example/x\r\nX: y")"),
                    "notification.endpoint.uri: 'http://a.example/x\r\nX: y' is not a valid "
                    "URI: it contains a control character 0x0D at offset 18"},
        InvalidCase{"UriFtp", endpoint(R"("uri": "ftp://example.org/n")"),
                    "notification.endpoint.uri: 'ftp://example.org/n' has the scheme 'ftp'; "
                    "notifications are sent to http, https, mqtt or mqtts endpoints"},
        InvalidCase{"UriWithoutHost", endpoint(R"("uri": "mqtt:///shelters")"),
                    "notification.endpoint.uri: 'mqtt:///shelters' has no host"},
        InvalidCase{"MqttWithoutTopic", endpoint(R"("uri": "mqtt://broker.example.org:1883")"),
                    "notification.endpoint.uri: an MQTT endpoint names the topic to publish to, "
                    "as in mqtt://broker.example.org:1883/notifications"},
        InvalidCase{"MqttWildcardTopic", endpoint(R"("uri": "mqtt://broker.example.org/a/+/b")"),
                    "notification.endpoint.uri: the MQTT topic 'a/+/b' contains the wildcard '+'; "
                    "a notification is published to one topic"},
        InvalidCase{"AcceptUnknown",
                    endpoint(R"("uri": "http://example.org/n", "accept": "text/html")"),
                    "\"notification.endpoint.accept\" must be \"application/json\", "
                    "\"application/ld+json\" or \"application/geo+json\""},
        InvalidCase{"TimeoutZero", endpoint(R"("uri": "http://example.org/n", "timeout": 0)"),
                    "\"notification.endpoint.timeout\" must be greater than 0"},
        InvalidCase{"CooldownText", endpoint(R"("uri": "http://example.org/n", "cooldown": "1")"),
                    "\"notification.endpoint.cooldown\" must be a number"},
        InvalidCase{"ReceiverInfoNotAnArray",
                    endpoint(R"("uri": "http://example.org/n", "receiverInfo": {})"),
                    "\"notification.endpoint.receiverInfo\" must be an array of {\"key\", "
                    "\"value\"}"},
        InvalidCase{"ReceiverInfoWithoutValue",
                    endpoint(R"("uri": "http://example.org/n", "receiverInfo": [{"key": "k"}])"),
                    "notification.endpoint.receiverInfo[0]: must be an object with the strings "
                    "\"key\" and \"value\" only"},
        InvalidCase{"ReceiverInfoValueNotAString", endpoint(R"("uri": "http://example.org/n",
                                "receiverInfo": [{"key": "k", "value": 1}])"),
                    "notification.endpoint.receiverInfo[0]: must be an object with the strings "
                    "\"key\" and \"value\" only"},
        InvalidCase{"ReceiverInfoKeyNotAToken", endpoint(R"("uri": "http://example.org/n",
                                "receiverInfo": [{"key": "Bad Key", "value": "v"}])"),
                    "notification.endpoint.receiverInfo[0]: key 'Bad Key' is not a header name "
                    "(letters, digits and !#$%&'*+-.^_`|~)"},
        InvalidCase{"ReceiverInfoValueInjection", endpoint(R"("uri": "http://example.org/n",
                                "receiverInfo": [{"key": "X", "value": "a\r\nInjected: 1"}])"),
                    "notification.endpoint.receiverInfo[0]: the value of 'X' contains a control "
                    "character"},
        InvalidCase{"ReceiverInfoValueBlank", endpoint(R"("uri": "http://example.org/n",
                                "receiverInfo": [{"key": "X", "value": " v"}])"),
                    "notification.endpoint.receiverInfo[0]: the value of 'X' has leading or "
                    "trailing blanks"},
        InvalidCase{"ReceiverInfoFramingHeader", endpoint(R"("uri": "http://example.org/n",
                                "receiverInfo": [{"key": "Content-Length", "value": "0"}])"),
                    "notification.endpoint.receiverInfo[0]: 'Content-Length' is set by the "
                    "broker and cannot be given"},
        InvalidCase{"TooManyReceiverInfo",
                    endpoint(R"("uri": "http://example.org/n", "receiverInfo": [)" +
                             repeated(R"({"key": "X", "value": "1"})", 101) + "]"),
                    "\"notification.endpoint.receiverInfo\" has 101 entries; at most 100 are "
                    "allowed"},
        InvalidCase{"MqttQos", endpoint(R"("uri": "mqtt://broker.example.org/n",
                                "notifierInfo": [{"key": "MQTT-QoS", "value": "3"}])"),
                    "notification.endpoint.notifierInfo[0]: MQTT-QoS must be \"0\", \"1\" or "
                    "\"2\", not '3'"},
        InvalidCase{"MqttVersion", endpoint(R"("uri": "mqtt://broker.example.org/n",
                                "notifierInfo": [{"key": "MQTT-Version", "value": "mqtt4"}])"),
                    "notification.endpoint.notifierInfo[0]: MQTT-Version must be \"mqtt3.1.1\" "
                    "or \"mqtt5.0\", not 'mqtt4'"}),
    [](const auto& p) { return p.param.label; });

// ---- updates (clause 5.8.2) ----

class SubscriptionPatch : public testing::Test {
 protected:
  void SetUp() override {
    auto s = parse(body(R"("watchedAttributes": ["temperature"], "q": "temperature>20",
                           "expiresAt": "2030-01-01T00:00:00Z", "throttling": 10)"));
    ASSERT_TRUE(s.has_value()) << s.error().message;
    current_ = std::move(*s);
    current_.times_sent = 4;
    current_.last_success = kNow;
  }

  Result<Subscription> patch(std::string_view fragment) const {
    return patch_subscription(current_, json::parse(fragment), user(), later_);
  }

  Subscription current_;
  model::Timestamp later_ = kNow + std::chrono::hours(1);
};

TEST_F(SubscriptionPatch, ReplacesTheMembersItNames) {
  auto s = patch(R"({"type": "Subscription", "q": "temperature>30", "isActive": false,
                     "notification": {"endpoint": {"uri": "https://example.org/second"},
                                      "format": "keyValues"}})");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->q->text, "temperature>30");
  EXPECT_FALSE(s->is_active);
  EXPECT_EQ(s->notification.endpoint.uri, "https://example.org/second");
  EXPECT_EQ(s->notification.format, model::NotificationFormat::KeyValues);
  // Untouched members, status and creation stay; modifiedAt moves.
  EXPECT_EQ(s->watched_attributes, current_.watched_attributes);
  EXPECT_EQ(s->throttling, 10.0);
  EXPECT_EQ(s->times_sent, 4u);
  EXPECT_EQ(s->last_success, kNow);
  EXPECT_EQ(s->created_at, kNow);
  EXPECT_EQ(s->modified_at, later_);
  EXPECT_EQ(s->context, kContextSource);
}

TEST_F(SubscriptionPatch, NullRemovesOptionalMembers) {
  auto s = patch(R"({"q": null, "expiresAt": "urn:ngsi-ld:null", "throttling": null,
                     "isActive": null})");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_FALSE(s->q.has_value());
  EXPECT_FALSE(s->expires_at.has_value());
  EXPECT_FALSE(s->throttling.has_value());
  EXPECT_TRUE(s->is_active);
}

TEST_F(SubscriptionPatch, ResultIsValidatedAsAWhole) {
  // timeInterval needs the throttling and watchedAttributes removed in the same update.
  EXPECT_EQ(patch(R"({"timeInterval": 60})").error().message,
            "\"timeInterval\" and \"watchedAttributes\" cannot be combined: a periodic "
            "subscription notifies regardless of changes");
  auto periodic = patch(R"({"timeInterval": 60, "watchedAttributes": null, "throttling": null})");
  ASSERT_TRUE(periodic.has_value()) << periodic.error().message;
  EXPECT_TRUE(model::is_periodic(*periodic));
  auto open = patch(R"({"watchedAttributes": null, "entities": null})");
  ASSERT_FALSE(open.has_value());
  EXPECT_EQ(open.error().message,
            "a subscription needs \"entities\" or \"watchedAttributes\", or both");
}

TEST_F(SubscriptionPatch, RefusesWhatCreationRefuses) {
  struct Case {
    std::string fragment, message;
  };
  for (const auto& c : {
           Case{"[]", "a subscription fragment must be a JSON object"},
           Case{R"({"notification": null})", "\"notification\" is mandatory and cannot be removed"},
           Case{R"({"type": "urn:ngsi-ld:null"})", "\"type\" is mandatory and cannot be removed"},
           Case{R"({"type": "Entity"})", "\"type\" must be \"Subscription\""},
           Case{R"({"id": "urn:ngsi-ld:Subscription:2"})",
                "id: 'urn:ngsi-ld:Subscription:2' differs from the subscription's id "
                "'urn:ngsi-ld:Subscription:1'"},
           Case{R"({"expiresAt": "2024-01-01T00:30:00Z"})",
                "expiresAt '2024-01-01T00:30:00Z' is not in the future; it is now "
                "2024-01-01T01:00:00.000Z"},
           Case{R"({"notification": {"format": "keyValues", "endpoint": null}})",
                "\"notification.endpoint\" must be an object with \"uri\""},
           Case{R"({"throttle": 5})", "unknown member \"throttle\" in a subscription"},
       }) {
    auto s = patch(c.fragment);
    ASSERT_FALSE(s.has_value()) << c.fragment;
    EXPECT_EQ(s.error().kind, ErrorKind::BadRequestData) << c.fragment;
    EXPECT_EQ(s.error().message, c.message) << c.fragment;
  }
}

TEST_F(SubscriptionPatch, AcceptsItsOwnIdAndExpandsWithTheFragmentsContext) {
  auto s = patch(R"({"id": "urn:ngsi-ld:Subscription:1", "watchedAttributes": ["schema:name"]})");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->watched_attributes, std::vector<std::string>{"https://schema.org/name"});
}

}  // namespace
}  // namespace tsunagu::api::ngsild
