// What a notification carries (ETSI GS CIM 009 v1.8 clause 5.3.1, NotificationParams 5.2.14,
// Endpoint 5.2.15): its members, the entity in the format, projection, system attributes,
// language and @context the subscription asked for, showChanges, the media type of
// endpoint.accept, receiverInfo headers and the tenant, and the triggerReason of each kind of
// change. The receiver is a loopback HTTP server; every body is compared whole.

#include <map>
#include <set>

#include "notification_support.hpp"

namespace tsunagu::it {
namespace {

namespace json = boost::json;

// One shelter in the three formats of clause 4.5, without "type" (each test has its own).
constexpr std::string_view kShelter = R"({
  "name": {"type": "Property", "value": "Hall"},
  "capacity": {"type": "Property", "value": 350, "unitCode": "C62"},
  "operatedBy": {"type": "Relationship", "object": "urn:ngsi-ld:Organization:osaka"},
  "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [135.5, 34.7]}}
})";
constexpr std::string_view kShelterConcise = R"({
  "name": "Hall",
  "capacity": {"value": 350, "unitCode": "C62"},
  "operatedBy": {"object": "urn:ngsi-ld:Organization:osaka"},
  "location": {"type": "Point", "coordinates": [135.5, 34.7]}
})";
constexpr std::string_view kShelterSimplified = R"({
  "name": "Hall",
  "capacity": 350,
  "operatedBy": "urn:ngsi-ld:Organization:osaka",
  "location": {"type": "Point", "coordinates": [135.5, 34.7]}
})";

// An entity as a notification shows it: id, type, then the members of `members`.
json::value entity(std::string_view id, std::string_view type, std::string_view members) {
  json::object out{{"id", id}, {"type", type}};
  const auto parsed = J(members);
  for (const auto& [key, value] : parsed.as_object()) out[key] = value;
  return out;
}

json::value one(const json::value& item) {
  return json::array{item};
}

class NotificationContent : public NotificationTest {
 protected:
  // A subscription to `type` notifying the receiver at `path` of creations (and of the other
  // triggers in `triggers`, a JSON array text).
  json::object subscription(const std::string& type, const std::string& path,
                            std::string_view triggers = R"(["entityCreated"])") {
    return subscription_to(type, endpoint(path),
                           R"({"notificationTrigger": )" + std::string(triggers) + "}");
  }

  // The one notification expected at `path`; null (after a recorded failure) when none came.
  json::value only_notification(const std::string& path) {
    const auto got = notifications(path, 1);
    EXPECT_EQ(got.size(), 1U) << "notifications at " << path;
    return got.empty() ? json::value(nullptr) : got.front();
  }
};

TEST_F(NotificationContent, FormatsNormalizedConciseAndKeyValues) {
  const auto type = unique("Shelter");
  const std::map<std::string, std::string_view> expected = {
      {"normalized", kShelter}, {"concise", kShelterConcise}, {"keyValues", kShelterSimplified}};
  for (const auto& [format, members] : expected) {
    auto s = subscription(type, "/" + format);
    notification_of(s)["format"] = format;
    subscribe(s);
  }
  const auto id = make_entity(type, kShelter);
  for (const auto& [format, members] : expected) {
    const auto n = only_notification("/" + format);
    EXPECT_EQ(member(n, "data"), one(entity(id, type, members))) << format;
  }
}

TEST_F(NotificationContent, AttributesProjectTheEntityButDoNotFilterTheChanges) {
  const auto type = unique("Shelter");
  auto s = subscription(type, "/projected", R"(["entityCreated", "attributeUpdated"])");
  notification_of(s)["attributes"] = J(R"(["capacity", "operatedBy"])");
  subscribe(s);
  const auto id = make_entity(type, kShelter);
  // "name" is not projected, yet changing it notifies: only watchedAttributes filter changes.
  ASSERT_STATUS(set_value(http(), id, "name", "New Hall"), 204);
  const auto got = notifications("/projected", 2);
  ASSERT_EQ(got.size(), 2U);
  const auto projected = entity(id, type, R"({
    "capacity": {"type": "Property", "value": 350, "unitCode": "C62"},
    "operatedBy": {"type": "Relationship", "object": "urn:ngsi-ld:Organization:osaka"}})");
  EXPECT_EQ(member(got[0], "data"), one(projected));
  EXPECT_EQ(member(got[1], "triggerReason"), "attributeUpdated");
  EXPECT_EQ(member(got[1], "data"), one(projected));
}

TEST_F(NotificationContent, SysAttrsAddTheTimestampsAReaderWouldSee) {
  const auto type = unique("Shelter");
  auto with = subscription(type, "/sys");
  notification_of(with)["sysAttrs"] = true;
  subscribe(with);
  subscribe(subscription(type, "/plain"));
  const auto id = make_entity(type, kShelter);
  const auto n = only_notification("/sys");
  // Nothing has changed the entity since: the notification shows what a reader sees now.
  const auto stored = read(id, "?options=sysAttrs");
  EXPECT_EQ(member(n, "data"), one(stored));
  EXPECT_TRUE(is_utc_ms_timestamp(member(stored, "createdAt"))) << stored;
  EXPECT_TRUE(is_utc_ms_timestamp(member(member(stored, "capacity"), "modifiedAt"))) << stored;
  EXPECT_EQ(member(only_notification("/plain"), "data"), one(entity(id, type, kShelter)));
}

TEST_F(NotificationContent, ShowChangesGivesThePreviousValueOfWhatChanged) {
  const auto type = unique("Shelter");
  auto s = subscription(type, "/changes", R"(["entityCreated", "attributeUpdated"])");
  notification_of(s)["showChanges"] = true;
  subscribe(s);
  const auto id = make_entity(type, kShelter);
  ASSERT_STATUS(http().patch(entity_path(id) + "/attrs", R"({
    "capacity": {"type": "Property", "value": 400, "unitCode": "C62"},
    "operatedBy": {"type": "Relationship", "object": "urn:ngsi-ld:Organization:kita"}})"),
                204);
  const auto got = notifications("/changes", 2);
  ASSERT_EQ(got.size(), 2U);
  // A creation has no previous values.
  EXPECT_EQ(member(got[0], "data"), one(entity(id, type, kShelter)));
  EXPECT_EQ(member(got[1], "triggerReason"), "attributeUpdated");
  EXPECT_EQ(member(got[1], "data"), one(entity(id, type, R"({
    "name": {"type": "Property", "value": "Hall"},
    "capacity": {"type": "Property", "value": 400, "unitCode": "C62", "previousValue": 350},
    "operatedBy": {"type": "Relationship", "object": "urn:ngsi-ld:Organization:kita",
                   "previousObject": "urn:ngsi-ld:Organization:osaka"},
    "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [135.5, 34.7]}}
  })")));
}

TEST_F(NotificationContent, LangPicksOneLanguageOfALanguageProperty) {
  const auto type = unique("Shelter");
  auto english = subscription(type, "/en");
  english["lang"] = "en";
  subscribe(english);
  subscribe(subscription(type, "/all"));
  const std::string_view members =
      R"({"name": {"type": "LanguageProperty", "languageMap": {"ja": "北会館", "en": "North Hall"}}})";
  const auto id = make_entity(type, members);
  EXPECT_EQ(member(only_notification("/en"), "data"), one(entity(id, type, R"({
    "name": {"type": "Property", "value": "North Hall", "lang": "en"}})")));
  EXPECT_EQ(member(only_notification("/all"), "data"), one(entity(id, type, members)));
}

TEST_F(NotificationContent, AcceptJsonNamesTheContextInALinkHeader) {
  const auto type = unique("Shelter");
  const auto sub = subscribe(subscription(type, "/json"));
  const auto id = make_entity(type, kShelter);
  const auto got = receiver_.wait_for("/json", 1);
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].method, "POST");
  EXPECT_EQ(got[0].headers.at("content-type"), "application/json");
  EXPECT_EQ(got[0].headers.at("link"), link_to(kCoreContext));
  EXPECT_FALSE(got[0].headers.contains("ngsild-tenant")) << "the default tenant has no name";
  const auto n = J(got[0].body);
  EXPECT_FALSE(n.as_object().contains("@context")) << n;
  EXPECT_EQ(member(n, "subscriptionId"), json::value(sub));
  EXPECT_EQ(member(n, "data"), one(entity(id, type, kShelter)));
}

TEST_F(NotificationContent, AcceptJsonLdPutsTheContextInTheBody) {
  const auto type = unique("Shelter");
  auto s = subscription(type, "/ld");
  endpoint_of(s)["accept"] = "application/ld+json";
  subscribe(s);
  const auto id = make_entity(type, kShelter);
  const auto got = receiver_.wait_for("/ld", 1);
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].headers.at("content-type"), "application/ld+json");
  EXPECT_FALSE(got[0].headers.contains("link")) << got[0].headers.at("link");
  const auto n = J(got[0].body);
  EXPECT_EQ(context_entries(n), json::array{json::value(kCoreContext)}) << n;
  EXPECT_EQ(member(n, "data"), one(entity(id, type, kShelter)));
}

TEST_F(NotificationContent, AcceptGeoJsonSendsAFeatureCollection) {
  const auto type = unique("Shelter");
  auto s = subscription(type, "/geo");
  endpoint_of(s)["accept"] = "application/geo+json";
  subscribe(s);
  const auto located = make_entity(type, kShelter);
  const auto nowhere = make_entity(type, R"({"name": {"type": "Property", "value": "Tent"}})");
  const auto got = receiver_.wait_for("/geo", 2);
  ASSERT_EQ(got.size(), 2U);
  EXPECT_EQ(got[0].headers.at("content-type"), "application/geo+json");
  EXPECT_EQ(got[0].headers.at("link"), link_to(kCoreContext));
  auto properties = entity(located, type, kShelter).as_object();
  properties.erase("id");
  const json::object feature{
      {"id", located},
      {"type", "Feature"},
      {"geometry", J(R"({"type": "Point", "coordinates": [135.5, 34.7]})")},
      {"properties", properties},
  };
  EXPECT_EQ(member(J(got[0].body), "data"),
            J(R"({"type": "FeatureCollection", "features": [)" + S(feature) + "]}"));
  // Without a location the Feature has a null geometry (RFC 7946 3.2), still in a collection.
  EXPECT_EQ(
      member(J(got[1].body), "data"), J(R"({"type": "FeatureCollection", "features": [
      {"id": ")" + nowhere + R"(", "type": "Feature", "geometry": null,
       "properties": {"type": ")" + type +
                                        R"(", "name": {"type": "Property", "value": "Tent"}}}]})"));
}

TEST_F(NotificationContent, ReceiverInfoArrivesAsHeaders) {
  const auto type = unique("Shelter");
  auto s = subscription(type, "/headers");
  endpoint_of(s)["receiverInfo"] = J(R"([{"key": "X-Auth-Token", "value": "t0ken"},
                                         {"key": "X-Region", "value": "Osaka Kita"}])");
  subscribe(s);
  make_entity(type);
  const auto got = receiver_.wait_for("/headers", 1);
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].headers.at("x-auth-token"), "t0ken");
  EXPECT_EQ(got[0].headers.at("x-region"), "Osaka Kita");
  EXPECT_EQ(got[0].headers.at("content-type"), "application/json");
}

TEST_F(NotificationContent, ANamedTenantIsNamedInTheNotification) {
  const auto type = unique("Shelter");
  const auto tenant = unique("t");
  const auto sub = subscribe(subscription(type, "/tenant"), with_tenant(tenant));
  // The same type in the default tenant is another entity that this subscription cannot see;
  // it is written first, so a notification of it would arrive first.
  make_entity(type);
  const auto id = make_entity(type, "{}", with_tenant(tenant));
  const auto got = receiver_.wait_for("/tenant", 1);
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].headers.at("ngsild-tenant"), tenant);
  const auto n = J(got[0].body);
  EXPECT_EQ(member(n, "subscriptionId"), json::value(sub));
  EXPECT_EQ(member(n, "data"), one(entity(id, type, "{}")));
  // The subscription lives in its tenant only.
  EXPECT_PROBLEM(http().get(subscription_path(sub)), 404, "ResourceNotFound");
  EXPECT_STATUS(http().get(subscription_path(sub), with_tenant(tenant)), 200);
}

TEST_F(NotificationContent, EachKindOfChangeHasItsTriggerReason) {
  const auto type = unique("Shelter");
  subscribe(subscription(type, "/reasons",
                         R"(["entityCreated", "attributeCreated", "attributeUpdated",
                             "attributeDeleted", "entityDeleted"])"));
  const auto id = make_entity(type, R"({"capacity": {"type": "Property", "value": 1}})");
  ASSERT_STATUS(
      http().post(entity_path(id) + "/attrs", R"({"name": {"type": "Property", "value": "Hall"}})"),
      204);
  ASSERT_STATUS(set_value(http(), id, "capacity", 2), 204);
  ASSERT_STATUS(http().del(entity_path(id) + "/attrs/name"), 204);
  const auto before_delete = utc_from_now(0ms);
  ASSERT_STATUS(http().del(entity_path(id)), 204);
  const auto got = notifications("/reasons", 5);
  ASSERT_EQ(got.size(), 5U);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"entityCreated", R"({"capacity": {"type": "Property", "value": 1}})"},
      {"attributeCreated", R"({"capacity": {"type": "Property", "value": 1},
                               "name": {"type": "Property", "value": "Hall"}})"},
      {"attributeUpdated", R"({"capacity": {"type": "Property", "value": 2},
                               "name": {"type": "Property", "value": "Hall"}})"},
  };
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(member(got[i], "triggerReason"), json::value(expected[i].first));
    EXPECT_EQ(member(got[i], "data"), one(entity(id, type, expected[i].second))) << i;
  }
  EXPECT_EQ(member(got[3], "triggerReason"), "attributeDeleted");
  EXPECT_EQ(member(member(member(got[3], "data").at(0), "capacity"), "value"), 2) << got[3];
  // A deleted entity is notified by its id, type and the time of its deletion.
  EXPECT_EQ(member(got[4], "triggerReason"), "entityDeleted");
  const auto gone = member(got[4], "data");
  ASSERT_TRUE(gone.is_array() && gone.as_array().size() == 1) << got[4];
  const auto deleted_at = member(gone.at(0), "deletedAt");
  EXPECT_TRUE(is_utc_ms_timestamp(deleted_at)) << got[4];
  EXPECT_GE(std::string(deleted_at.as_string()), before_delete) << got[4];
  EXPECT_EQ(gone, one(entity(id, type, R"({"deletedAt": )" + S(deleted_at) + "}")));
}

TEST_F(NotificationContent, EntityUpdatedNotifiesEveryKindOfAttributeChange) {
  const auto type = unique("Shelter");
  const auto id = make_entity(type, R"({"capacity": {"type": "Property", "value": 1}})");
  subscribe(subscription(type, "/updated", R"(["entityUpdated"])"));
  ASSERT_STATUS(set_value(http(), id, "capacity", 2), 204);
  ASSERT_STATUS(
      http().post(entity_path(id) + "/attrs", R"({"name": {"type": "Property", "value": "Hall"}})"),
      204);
  ASSERT_STATUS(http().del(entity_path(id) + "/attrs/name"), 204);
  const auto got = notifications("/updated", 3);
  ASSERT_EQ(got.size(), 3U);
  EXPECT_EQ(first_values(got, "capacity"), (std::vector<json::value>{2, 2, 2}));
  EXPECT_EQ(member(member(got[1], "data").at(0), "name"),
            J(R"({"type": "Property", "value": "Hall"})"));
}

TEST_F(NotificationContent, TheNotificationHasItsOwnIdAndTheSubscriptionsId) {
  const auto type = unique("Shelter");
  const auto sub = subscribe(subscription(type, "/members"));
  const auto before = utc_from_now(0ms);
  make_entity(type);
  make_entity(type);
  const auto got = notifications("/members", 2);
  const auto after = utc_from_now(0ms);
  ASSERT_EQ(got.size(), 2U);
  for (const auto& n : got) {
    ASSERT_TRUE(n.is_object()) << n;
    std::set<std::string> names;
    for (const auto& m : n.as_object()) names.emplace(m.key());
    EXPECT_EQ(names, (std::set<std::string>{"id", "type", "subscriptionId", "notifiedAt",
                                            "triggerReason", "data"}));
    EXPECT_EQ(member(n, "type"), "Notification");
    EXPECT_EQ(member(n, "subscriptionId"), json::value(sub));
    EXPECT_TRUE(member(n, "id").is_string() &&
                member(n, "id").as_string().starts_with("urn:ngsi-ld:Notification:"))
        << n;
    const auto at = member(n, "notifiedAt");
    ASSERT_TRUE(is_utc_ms_timestamp(at)) << n;
    EXPECT_GE(std::string(at.as_string()), before);
    EXPECT_LE(std::string(at.as_string()), after);
  }
  EXPECT_NE(member(got[0], "id"), member(got[1], "id")) << "each notification is identified";
}

// A user @context, served by the receiver itself: the subscription created with it, or naming
// it in jsonldContext, notifies in its terms; one created without it sees the full IRIs.
TEST_F(NotificationContent, AUserContextCompactsTheNames) {
  const auto type = unique("Refuge");
  const std::string vocab = "https://example.org/vocab/";
  receiver_.serve("/ctx.jsonld", R"({"@context": {")" + type + R"(": ")" + vocab + type +
                                     R"(", "capacity": ")" + vocab + R"(capacity"}})");
  const auto ctx = receiver_.url("/ctx.jsonld");
  subscribe(subscription(type, "/linked"), with_link(ctx));
  auto ld = subscription(type, "/linked-ld");
  endpoint_of(ld)["accept"] = "application/ld+json";
  subscribe(ld, with_link(ctx));
  auto named = subscription(vocab + type, "/named");
  named["jsonldContext"] = ctx;
  subscribe(named);
  subscribe(subscription(vocab + type, "/core"));

  const auto id =
      make_entity(type, R"({"capacity": {"type": "Property", "value": 7}})", with_link(ctx));
  const auto compacted = one(entity(id, type, R"({"capacity": {"type": "Property", "value": 7}})"));
  for (const std::string path : {"/linked", "/named"}) {
    const auto got = receiver_.wait_for(path, 1);
    ASSERT_EQ(got.size(), 1U) << path;
    EXPECT_EQ(got[0].headers.at("link"), link_to(ctx)) << path;
    EXPECT_EQ(member(J(got[0].body), "data"), compacted) << path;
  }
  const auto ld_got = receiver_.wait_for("/linked-ld", 1);
  ASSERT_EQ(ld_got.size(), 1U);
  EXPECT_EQ(context_entries(J(ld_got[0].body)), json::array{json::value(ctx)});
  EXPECT_EQ(member(J(ld_got[0].body), "data"), compacted);
  EXPECT_EQ(member(only_notification("/core"), "data"),
            one(entity(id, vocab + type,
                       R"({")" + vocab + R"(capacity": {"type": "Property", "value": 7}})")));
}

// Created as JSON-LD with a list of contexts: the notification is compacted with them, and a
// JSON notification's Link header must name a context that gives its terms that meaning.
TEST_F(NotificationContent, ASubscriptionCreatedAsJsonLdNotifiesInItsContext) {
  const auto type = unique("Refuge");
  const std::string vocab = "https://example.org/vocab/";
  receiver_.serve("/ld-ctx.jsonld", R"({"@context": {")" + type + R"(": ")" + vocab + type +
                                        R"(", "capacity": ")" + vocab + R"(capacity"}})");
  const auto ctx = receiver_.url("/ld-ctx.jsonld");
  const json::array contexts{json::value(ctx), json::value(kCoreContext)};
  const Headers as_jsonld{{"Content-Type", "application/ld+json"}};
  for (const auto* accept : {"application/json", "application/ld+json"}) {
    auto s = subscription(type, "/" + std::string(accept));
    endpoint_of(s)["accept"] = accept;
    s["@context"] = contexts;
    subscribe(s, as_jsonld);
  }
  const auto id = make_entity(type, R"({"capacity": 7})", with_link(ctx));
  const auto compacted = one(entity(id, type, R"({"capacity": {"type": "Property", "value": 7}})"));
  const auto ld = receiver_.wait_for("/application/ld+json", 1);
  ASSERT_EQ(ld.size(), 1U);
  EXPECT_EQ(context_entries(J(ld[0].body)), contexts);
  EXPECT_EQ(member(J(ld[0].body), "data"), compacted);
  const auto plain = receiver_.wait_for("/application/json", 1);
  ASSERT_EQ(plain.size(), 1U);
  EXPECT_EQ(member(J(plain[0].body), "data"), compacted);
  EXPECT_EQ(plain[0].headers.at("link"), link_to(ctx));
}

// An inline @context has no URL a Link header could name: a JSON notification cannot carry it,
// so such a subscription is refused unless it names jsonldContext or asks for JSON-LD.
TEST_F(NotificationContent, AnInlineContextNeedsJsonLdOrAJsonldContext) {
  const auto type = unique("Refuge");
  const json::object inline_ctx{{"capacity", "https://example.org/vocab/capacity"}};
  const json::array contexts{json::value(inline_ctx), json::value(kCoreContext)};
  const Headers as_jsonld{{"Content-Type", "application/ld+json"}};
  auto s = subscription(type, "/inline");
  s["@context"] = contexts;
  const auto refused = http().post("/ngsi-ld/v1/subscriptions", json::serialize(s), as_jsonld);
  EXPECT_PROBLEM(refused, 422, "OperationNotSupported");
  EXPECT_NE(refused.body.find("jsonldContext"), std::string::npos) << refused.body;

  endpoint_of(s)["accept"] = "application/ld+json";
  const auto id = subscribe(s, as_jsonld);
  // Switching that subscription to JSON is refused the same way, and changes nothing.
  EXPECT_PROBLEM(http().patch("/ngsi-ld/v1/subscriptions/" + id,
                              R"({"notification": {"endpoint": {"uri": ")" + endpoint("/inline") +
                                  R"(", "accept": "application/json"}}})"),
                 422, "OperationNotSupported");
  make_entity(type, R"({"capacity": {"type": "Property", "value": 3}})");
  const auto got = receiver_.wait_for("/inline", 1);
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].headers.at("content-type"), "application/ld+json");
  EXPECT_EQ(context_entries(J(got[0].body)), contexts);
}

}  // namespace
}  // namespace tsunagu::it
