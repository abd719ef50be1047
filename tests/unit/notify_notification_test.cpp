// Pure parts of notify/: endpoint schemes, the classification of HTTP answers, the MQTT endpoint
// and notifierInfo parser, and the MQTT notification message.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "notify/http_sender.hpp"
#include "notify/mqtt_endpoint.hpp"
#include "notify/mqtt_payload.hpp"
#include "notify/notification.hpp"

namespace tsunagu::notify {
namespace {

using Outcome = DeliveryResult::Outcome;

TEST(NotifyEndpointScheme, IsLowerCasedAndValidated) {
  EXPECT_EQ(endpoint_scheme("HTTPS://example.org/x"), "https");
  EXPECT_EQ(endpoint_scheme("mqtt://broker/t"), "mqtt");
  EXPECT_EQ(endpoint_scheme("no-scheme"), "");
  EXPECT_EQ(endpoint_scheme(":x"), "");
  EXPECT_EQ(endpoint_scheme("1http://x"), "");
  EXPECT_EQ(endpoint_scheme("ht tp://x"), "");
}

TEST(HttpSenderStatus, SuccessIsAny2xx) {
  EXPECT_TRUE(http_delivery_result(200, "h:1").ok());
  EXPECT_TRUE(http_delivery_result(201, "h:1").ok());
  EXPECT_TRUE(http_delivery_result(204, "h:1").ok());
  EXPECT_TRUE(http_delivery_result(299, "h:1").ok());
}

TEST(HttpSenderStatus, NotNowAndServerErrorsAreTransient) {
  for (unsigned status : {408u, 425u, 429u, 500u, 502u, 503u, 504u, 599u}) {
    EXPECT_EQ(http_delivery_result(status, "h:1").outcome, Outcome::TransientFailure) << status;
  }
}

TEST(HttpSenderStatus, RedirectsAndOtherClientErrorsArePermanent) {
  for (unsigned status : {100u, 301u, 307u, 400u, 401u, 403u, 404u, 410u, 413u, 415u, 422u}) {
    EXPECT_EQ(http_delivery_result(status, "h:1").outcome, Outcome::PermanentFailure) << status;
  }
}

TEST(HttpSenderStatus, MessageNamesStatusAndPeer) {
  EXPECT_EQ(http_delivery_result(404, "example.org:8080").error,
            "HTTP 404 Not Found from example.org:8080");
  EXPECT_EQ(http_delivery_result(555, "h").error, "HTTP 555 from h");
}

TEST(MqttEndpoint, DefaultsAndTopicLevels) {
  auto t = parse_mqtt_target("mqtt://broker.example.org/city/osaka/shelters", {});
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_FALSE(t->broker.tls);
  EXPECT_EQ(t->broker.host, "broker.example.org");
  EXPECT_EQ(t->broker.port, 1883);
  EXPECT_FALSE(t->broker.username);
  EXPECT_FALSE(t->broker.password);
  EXPECT_EQ(t->broker.protocol_version, 4);
  EXPECT_EQ(t->topic, "city/osaka/shelters");
  EXPECT_EQ(t->qos, 0);
  EXPECT_EQ(t->broker.peer(), "broker.example.org:1883");
}

TEST(MqttEndpoint, TlsPortCredentialsAndNotifierInfo) {
  auto t = parse_mqtt_target("MQTTS://us%40er:p%3Ass@10.1.2.3/t",
                             {{"MQTT-QoS", "2"}, {"MQTT-Version", "mqtt5.0"}});
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_TRUE(t->broker.tls);
  EXPECT_EQ(t->broker.port, 8883);
  EXPECT_EQ(t->broker.username, "us@er");
  EXPECT_EQ(t->broker.password, "p:ss");
  EXPECT_EQ(t->broker.protocol_version, 5);
  EXPECT_EQ(t->qos, 2);

  auto explicit_port = parse_mqtt_target("mqtt://user@[::1]:1884/a", {{"mqtt-qos", "1"}});
  ASSERT_TRUE(explicit_port) << explicit_port.error().message;
  EXPECT_EQ(explicit_port->broker.host, "::1");
  EXPECT_EQ(explicit_port->broker.port, 1884);
  EXPECT_EQ(explicit_port->broker.username, "user");
  EXPECT_FALSE(explicit_port->broker.password);
  EXPECT_EQ(explicit_port->broker.peer(), "[::1]:1884");
  EXPECT_EQ(explicit_port->qos, 1);
}

TEST(MqttEndpoint, ConnectionKeySeparatesWhatAConnectionIs) {
  auto key = [](std::string_view uri, Fields info = {}) {
    return parse_mqtt_target(uri, info).value().broker.connection_key();
  };
  EXPECT_EQ(key("mqtt://h/a"), key("mqtt://h:1883/b"));  // topics share a connection
  EXPECT_NE(key("mqtt://h/a"), key("mqtts://h:1883/a"));
  EXPECT_NE(key("mqtt://h/a"), key("mqtt://u:p@h/a"));
  EXPECT_NE(key("mqtt://u:p@h/a"), key("mqtt://u:q@h/a"));
  EXPECT_NE(key("mqtt://h/a"), key("mqtt://h/a", {{"MQTT-Version", "mqtt5.0"}}));
  EXPECT_NE(key("mqtt://a%7Cb@h/a"), key("mqtt://a:b@h/a"));
}

TEST(MqttEndpoint, Rejections) {
  for (const char* uri :
       {"http://h/t", "mqtt://h", "mqtt://h/", "mqtt:///t", "mqtt://h/a/+/b", "mqtt://h/a/%23",
        "mqtt://h/a?x=1", "mqtt://h/a#b", "mqtt://h:0/t", "not a uri"}) {
    auto t = parse_mqtt_target(uri, {});
    EXPECT_FALSE(t) << uri;
    if (!t) {
      EXPECT_EQ(t.error().kind, ErrorKind::InvalidRequest);
    }
  }
  EXPECT_FALSE(parse_mqtt_target("mqtt://h/t", {{"MQTT-QoS", "3"}}));
  EXPECT_FALSE(parse_mqtt_target("mqtt://h/t", {{"MQTT-QoS", ""}}));
  EXPECT_FALSE(parse_mqtt_target("mqtt://h/t", {{"MQTT-Version", "mqtt3.1"}}));
  // Keys the sender does not know are left alone.
  EXPECT_TRUE(parse_mqtt_target("mqtt://h/t", {{"X-Other", "whatever"}}));
}

TEST(MqttPayload, MetadataThenBodyAsIs) {
  Notification n;
  n.endpoint = "mqtt://h/t";
  n.content_type = "application/ld+json";
  n.headers = {
      {"Link", "<https://example.org/ctx.jsonld>; rel=\"http://www.w3.org/ns/json-ld#context\""},
      {"NGSILD-Tenant", "osaka"},
      {"X-Auth-Token", "a\"b\\c\n"}};
  n.body = R"({"id":"urn:ngsi-ld:Notification:1","data":[{"speed": 21.5}]})";
  EXPECT_EQ(
      mqtt_payload(n),
      R"({"metadata":{"Content-Type":"application/ld+json",)"
      R"("Link":"<https://example.org/ctx.jsonld>; rel=\"http://www.w3.org/ns/json-ld#context\"",)"
      R"("NGSILD-Tenant":"osaka","X-Auth-Token":"a\"b\\c\n"},)"
      R"("body":{"id":"urn:ngsi-ld:Notification:1","data":[{"speed": 21.5}]}})");
  EXPECT_NO_THROW(boost::json::parse(mqtt_payload(n)));
}

TEST(MqttPayload, EmptyMetadataAndBody) {
  Notification n;
  EXPECT_EQ(mqtt_payload(n), R"({"metadata":{},"body":null})");
}

}  // namespace
}  // namespace tsunagu::notify
