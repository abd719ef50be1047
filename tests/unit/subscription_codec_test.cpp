#include "store/subscription_codec.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <string>
#include <string_view>

#include "api/ngsild/subscription_parser.hpp"
#include "api/ngsild/subscription_renderer.hpp"
#include "jsonld/context.hpp"
#include "jsonld/core_context.hpp"
#include "model/time.hpp"
#include "query/geo_query.hpp"
#include "query/q_ast.hpp"
#include "query/term_expr.hpp"

namespace tsunagu::store {
namespace {
namespace json = boost::json;
using model::Subscription;

// The client's context: decoding must not need it.
const jsonld::Context& user() {
  static const auto ctx = [] {
    jsonld::ContextBuilder builder(*jsonld::core_context());
    auto st = builder.apply(json::parse(R"({
      "Shelter": "https://schema.example.org/Shelter",
      "temperature": "https://schema.example.org/temperature",
      "reading": "https://schema.example.org/reading",
      "accuracy": "https://schema.example.org/accuracy",
      "material": {"@id": "https://schema.example.org/material", "@type": "@vocab"},
      "Wooden": "https://schema.example.org/Wooden",
      "place": "https://schema.example.org/place",
      "ex": "https://ex.example.org/"
    })"));
    EXPECT_TRUE(st.has_value()) << st.error().message;
    return std::move(builder).build();
  }();
  return *ctx;
}

const model::Timestamp kNow = *model::parse_datetime("2024-01-01T00:00:00Z");

Subscription parse(std::string_view body) {
  auto s = api::ngsild::parse_subscription(json::parse(body), user(),
                                           json::parse(R"(["https://ctx.example.org/a.jsonld",
                                                            {"x": "https://x.example.org/"}])"),
                                           kNow);
  EXPECT_TRUE(s.has_value()) << s.error().message;
  return s ? std::move(*s) : Subscription{};
}

Subscription round_trip(const Subscription& s) {
  auto decoded = decode_subscription_text(encode_subscription_text(s));
  EXPECT_TRUE(decoded.has_value()) << decoded.error().message;
  return decoded ? std::move(*decoded) : Subscription{};
}

constexpr std::string_view kFull = R"({
  "id": "urn:ngsi-ld:Subscription:full", "type": "Subscription",
  "subscriptionName": "all of it", "description": "every member",
  "entities": [{"type": "(Shelter|ex:Tent);ex:Public", "idPattern": "kita"},
               {"id": "urn:ngsi-ld:Shelter:1"}],
  "watchedAttributes": ["temperature", "ex:level"],
  "notificationTrigger": ["entityCreated", "attributeUpdated"],
  "q": "temperature.accuracy<0.5|(reading[a.b]==\"x\";material==\"Wooden\")|!ex:gone",
  "geoQ": {"georel": "near;minDistance==10", "geometry": "Point", "coordinates": [135.5, 34.7],
           "geoproperty": "place"},
  "scopeQ": "/Osaka/#;/Tourism/+",
  "isActive": false,
  "expiresAt": "2031-02-03T04:05:06.789Z",
  "throttling": 2.5,
  "lang": "ja",
  "notification": {"attributes": ["temperature"], "format": "concise", "showChanges": true,
                   "sysAttrs": true,
                   "endpoint": {"uri": "mqtt://broker.example.org/osaka",
                                "accept": "application/geo+json", "timeout": 100,
                                "cooldown": 5000,
                                "receiverInfo": [{"key": "X-A", "value": "1"}],
                                "notifierInfo": [{"key": "MQTT-QoS", "value": "2"}]}},
  "jsonldContext": "https://ctx.example.org/notify.jsonld"})";

TEST(SubscriptionCodec, RoundTripsEveryMember) {
  Subscription s = parse(kFull);
  s.times_sent = 7;
  s.times_failed = 2;
  s.last_notification = kNow + std::chrono::seconds(3);
  s.last_success = kNow + std::chrono::seconds(1);
  s.last_failure = kNow + std::chrono::seconds(3);
  s.modified_at = kNow + std::chrono::minutes(5);
  const Subscription back = round_trip(s);

  // What a client sees is the same, read with any context...
  for (const auto* ctx : {&user(), jsonld::core_context().get()}) {
    EXPECT_EQ(api::ngsild::render_subscription(back, *ctx, kNow, true),
              api::ngsild::render_subscription(s, *ctx, kNow, true))
        << json::serialize(api::ngsild::render_subscription(back, *ctx, kNow, true));
  }
  // ...and so is what the matcher uses.
  EXPECT_EQ(query::to_string(*back.q->expr), query::to_string(*s.q->expr));
  EXPECT_EQ(back.q->terms, s.q->terms);
  EXPECT_EQ(query::to_string(*back.entities[0].type), query::to_string(*s.entities[0].type));
  EXPECT_EQ(back.entities[1].ids, s.entities[1].ids);
  EXPECT_EQ(back.geo->query->rel, query::GeoRel::Near);
  EXPECT_EQ(back.geo->query->min_distance, 10.0);
  EXPECT_EQ(back.geo->query->geoproperty, "https://schema.example.org/place");
  EXPECT_EQ(query::to_string(*back.scope->expr), query::to_string(*s.scope->expr));
  EXPECT_EQ(back.context, s.context);
  EXPECT_EQ(back.notification.endpoint.timeout_ms, 100.0);
  EXPECT_EQ(back.times_sent, 7u);
  EXPECT_EQ(back.times_failed, 2u);
  EXPECT_EQ(back.last_failure, s.last_failure);
  EXPECT_EQ(back.created_at, kNow);
  EXPECT_EQ(back.modified_at, s.modified_at);
  // A second round changes nothing.
  EXPECT_EQ(encode_subscription(round_trip(back)), encode_subscription(s));
}

TEST(SubscriptionCodec, RoundTripsTheMinimalForm) {
  const Subscription s = parse(R"({"type": "Subscription", "watchedAttributes": ["temperature"],
    "notification": {"endpoint": {"uri": "http://example.org/n", "accept": "application/ld+json"}}})");
  const Subscription back = round_trip(s);
  EXPECT_EQ(encode_subscription(back), encode_subscription(s));
  EXPECT_FALSE(back.q || back.geo || back.scope || back.expires_at || back.throttling);
  EXPECT_EQ(back.notification_trigger, model::default_triggers());
}

// The q text binds again, without the @context, to the tree the first parse gave.
class QRoundTrip : public testing::TestWithParam<std::string> {};

TEST_P(QRoundTrip, ParsesAgainToTheSameTree) {
  std::string body = R"({"type": "Subscription", "entities": [{"type": "Shelter"}],
    "notification": {"endpoint": {"uri": "http://example.org/n", "accept": "application/ld+json"}},
    "q": )";
  body += json::serialize(json::value(GetParam())) + "}";
  const Subscription s = parse(body);
  ASSERT_TRUE(s.q.has_value());
  const Subscription back = round_trip(s);
  ASSERT_TRUE(back.q.has_value());
  EXPECT_EQ(query::to_string(*back.q->expr), query::to_string(*s.q->expr));
  EXPECT_EQ(back.q->text, GetParam());
}

INSTANTIATE_TEST_SUITE_P(Texts, QRoundTrip,
                         testing::Values("temperature>20", "temperature==20..30;ex:level!=1,2,3",
                                         "material==\"Wooden\"|material==\"unknown-term\"",
                                         "reading.accuracy.observedAt>=2024-01-01T00:00:00Z",
                                         "reading[a.b.c]~=\"^x\"", "createdAt<2030-01-01T00:00:00Z",
                                         "!temperature|(ex:a;(ex:b|ex:c))",
                                         "place==urn:ngsi-ld:Place:1,urn:ngsi-ld:Place:2"));

TEST(SubscriptionCodec, CorruptDocumentsAreInternalErrors) {
  const json::object good = encode_subscription(parse(kFull));
  struct Case {
    std::string label;
    json::object doc;
    std::string message;
  };
  auto without = [&](std::string_view key) {
    json::object o = good;
    o.erase(key);
    return o;
  };
  auto with = [&](std::string_view key, json::value v) {
    json::object o = good;
    o[key] = std::move(v);
    return o;
  };
  const std::string prefix = "stored subscription 'urn:ngsi-ld:Subscription:full' is corrupt: ";
  for (const auto& c : {
           Case{"NoId", without("id"), "stored subscription is corrupt: "},
           Case{"NoNotification", without("notification"), prefix},
           Case{"UnknownTrigger", with("notificationTrigger", json::array{"sometimes"}),
                prefix + "an unknown notification trigger"},
           Case{"QTermMissing",
                with("q", json::object{{"text", "temperature>1"}, {"terms", json::object{}}}),
                prefix + "q uses a term whose expansion was not stored"},
           Case{"QNotParsing",
                with("q", json::object{{"text", "temperature>"},
                                       {"terms", json::object{{"temperature", "https://t"}}}}),
                prefix + "q does not parse again: q: position 12:"},
           Case{"GeoNotParsing",
                with("geoQ",
                     json::object{
                         {"georel", "near"}, {"geometry", "Point"}, {"coordinates", "[1,2]"}}),
                prefix + "geoQ does not parse again: georel:"},
           Case{"ScopeNotParsing", with("scopeQ", "Osaka"),
                prefix + "scopeQ does not parse again: scopeQ:"},
           Case{"TypeTreeMalformed",
                with("entities", json::array{json::object{{"type", json::object{{"and", 1}}}}}),
                prefix},
       }) {
    auto s = decode_subscription(c.doc);
    ASSERT_FALSE(s.has_value()) << c.label;
    EXPECT_EQ(s.error().kind, ErrorKind::InternalError) << c.label;
    EXPECT_TRUE(s.error().message.starts_with(c.message)) << c.label << ": " << s.error().message;
  }
  auto text = decode_subscription_text("[1]");
  ASSERT_FALSE(text.has_value());
  EXPECT_EQ(text.error().message, "stored subscription is not a JSON object");
}

}  // namespace
}  // namespace tsunagu::store
