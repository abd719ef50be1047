// Notifications over MQTT end to end (ETSI GS CIM 009 v1.8 clause 7.2 binding; the message format
// of docs/ngsi-ld-api.md "Subscriptions" and docs/design/subscriptions.md "MQTT"): the server
// publishes to a real mosquitto broker on loopback and a real subscriber receives
// {"metadata": {headers}, "body": notification}, with the QoS and protocol version that
// notifierInfo asked for; a broker that was down gets the notification once it is back.

#include "mqtt_broker.hpp"
#include "notification_support.hpp"

namespace tsunagu::it {
namespace {

namespace json = boost::json;

class NotificationMqtt : public NotificationTest {
 protected:
  void SetUp() override {
    NotificationTest::SetUp();
    ASSERT_NO_THROW(broker_.start());
  }

  std::string topic() const { return "tsunagu/it/" + test_name(); }

  // A subscriber of topic() with a client id of this test's own.
  std::unique_ptr<MqttSubscriber> subscriber() {
    return std::make_unique<MqttSubscriber>(broker_.port(), topic(), "it-" + test_name());
  }

  // A subscription to the creations of entities of `type`, published to topic() with the
  // notifierInfo `notifier_info` (a JSON array text).
  json::object subscription(const std::string& type, std::string_view notifier_info = "[]") {
    auto s = subscription_to(type, broker_.url(topic()),
                             R"({"notificationTrigger": ["entityCreated"]})");
    if (notifier_info != "[]") endpoint_of(s)["notifierInfo"] = J(notifier_info);
    return s;
  }

  // The one message expected, parsed; null after a recorded failure.
  json::value only_message(MqttSubscriber& subscriber, int qos) {
    const auto got = subscriber.wait_for(1);
    EXPECT_EQ(got.size(), 1U);
    if (got.empty()) return nullptr;
    EXPECT_EQ(got[0].topic, topic());
    EXPECT_EQ(got[0].qos, qos) << "the subscriber asked for QoS 2: it gets what was published";
    return J(got[0].payload);
  }

  // The server's connections to the broker name this protocol ("p2" 3.1.1, "p5" 5.0) only.
  void expect_protocol(std::string_view tag) {
    const auto lines = broker_.server_connections();
    EXPECT_FALSE(lines.empty()) << broker_.log();
    for (const auto& line : lines) {
      EXPECT_NE(line.find("(" + std::string(tag) + ","), std::string::npos) << line;
    }
  }

  // The body a notification of the creation of `id` of `type` carries, without the members
  // that change with each notification (id, notifiedAt), which it checks.
  static json::value stable_part(json::value body) {
    EXPECT_TRUE(member(body, "id").is_string() &&
                member(body, "id").as_string().starts_with("urn:ngsi-ld:Notification:"))
        << body;
    EXPECT_TRUE(is_utc_ms_timestamp(member(body, "notifiedAt"))) << body;
    if (body.is_object()) {
      body.as_object().erase("id");
      body.as_object().erase("notifiedAt");
    }
    return body;
  }

  static json::value created(const std::string& sub, const std::string& id,
                             const std::string& type) {
    return json::object{{"type", "Notification"},
                        {"subscriptionId", sub},
                        {"triggerReason", "entityCreated"},
                        {"data", json::array{json::object{{"id", id}, {"type", type}}}}};
  }

  MosquittoBroker broker_;
};

struct MqttSettings {
  const char* qos;
  const char* version;
  const char* protocol_tag;  // how mosquitto logs the version
};

class NotificationMqttSettings : public NotificationMqtt,
                                 public ::testing::WithParamInterface<MqttSettings> {};

TEST_P(NotificationMqttSettings, TheSubscriberReceivesTheNotification) {
  const auto& p = GetParam();
  const auto type = unique("Shelter");
  const auto listener = subscriber();
  auto s =
      subscription(type, R"([{"key": "MQTT-QoS", "value": ")" + std::string(p.qos) +
                             R"("}, {"key": "MQTT-Version", "value": ")" + p.version + R"("}])");
  endpoint_of(s)["receiverInfo"] = J(R"([{"key": "X-Key", "value": "v1"}])");
  const auto sub = subscribe(s);
  const auto id = make_entity(type);
  const auto message = only_message(*listener, std::stoi(p.qos));
  ASSERT_TRUE(message.is_object()) << message;
  EXPECT_EQ(message.as_object().size(), 2U) << message;
  EXPECT_EQ(member(message, "metadata"), (json::object{{"Content-Type", "application/json"},
                                                       {"Link", link_to(kCoreContext)},
                                                       {"X-Key", "v1"}}));
  EXPECT_EQ(stable_part(member(message, "body")), created(sub, id, type));
  expect_protocol(p.protocol_tag);
}

INSTANTIATE_TEST_SUITE_P(
    NotificationMqtt, NotificationMqttSettings,
    ::testing::Values(MqttSettings{"0", "mqtt3.1.1", "p2"}, MqttSettings{"1", "mqtt3.1.1", "p2"},
                      MqttSettings{"0", "mqtt5.0", "p5"}, MqttSettings{"1", "mqtt5.0", "p5"}),
    [](const ::testing::TestParamInfo<MqttSettings>& param) {
      return "Qos" + std::string(param.param.qos) +
             (std::string_view(param.param.version) == "mqtt5.0" ? "Mqtt5" : "Mqtt311");
    });

TEST_F(NotificationMqtt, WithoutNotifierInfoItIsQos0OverMqtt311) {
  const auto type = unique("Shelter");
  const auto listener = subscriber();
  const auto sub = subscribe(subscription(type));
  const auto id = make_entity(type);
  const auto message = only_message(*listener, 0);
  EXPECT_EQ(stable_part(member(message, "body")), created(sub, id, type));
  expect_protocol("p2");
}

TEST_F(NotificationMqtt, JsonLdAndTheTenantGoIntoTheMessage) {
  const auto type = unique("Shelter");
  const auto tenant = unique("t");
  const auto listener = subscriber();
  auto s = subscription(type);
  endpoint_of(s)["accept"] = "application/ld+json";
  const auto sub = subscribe(s, with_tenant(tenant));
  const auto id = make_entity(type, "{}", with_tenant(tenant));
  const auto message = only_message(*listener, 0);
  EXPECT_EQ(member(message, "metadata"),
            (json::object{{"Content-Type", "application/ld+json"}, {"NGSILD-Tenant", tenant}}));
  auto body = stable_part(member(message, "body"));
  EXPECT_EQ(context_entries(body), json::array{json::value(kCoreContext)}) << body;
  if (body.is_object()) body.as_object().erase("@context");
  EXPECT_EQ(body, created(sub, id, type));
}

// QoS 1 with a persistent subscriber session: the broker keeps what arrives for the subscriber
// while it reconnects, so the only question is whether the server publishes again.
TEST_F(NotificationMqtt, ABrokerThatWasDownGetsTheNotificationOnceItIsBack) {
  const auto type = unique("Shelter");
  const auto listener = subscriber();
  const auto sub = subscribe(subscription(type, R"([{"key": "MQTT-QoS", "value": "1"}])"));
  broker_.stop();
  const auto id = make_entity(type);
  const auto failed = wait_subscription(http(), sub, [](const json::value& s) {
    return !member(member(s, "notification"), "lastFailure").is_null();
  });
  ASSERT_EQ(member(member(failed, "notification"), "status"), "failed") << failed;
  ASSERT_NO_THROW(broker_.start());
  const auto got = listener->wait_for(1, 60s);
  ASSERT_EQ(got.size(), 1U) << broker_.log();
  EXPECT_EQ(got[0].qos, 1);
  EXPECT_EQ(stable_part(member(J(got[0].payload), "body")), created(sub, id, type));
  const auto recovered = wait_subscription(http(), sub, [](const json::value& s) {
    return member(member(s, "notification"), "status") == "ok";
  });
  EXPECT_EQ(member(member(recovered, "notification"), "status"), "ok") << recovered;
}

// A broker that accepts the connection and never answers CONNECT, and one that refuses it, delay
// neither the healthy broker's subscriber nor an HTTP receiver of the same changes.
TEST_F(NotificationMqtt, DeadBrokersDelayNoHealthyEndpoint) {
  const auto type = unique("Counter");
  SilentServer silent;
  const auto listener = subscriber();
  const std::vector<std::string> uris = {
      "mqtt://127.0.0.1:" + std::to_string(silent.port()) + "/silent",
      "mqtt://127.0.0.1:" + std::to_string(closed_port()) + "/refused",
      broker_.url(topic()),
      endpoint("/http"),
  };
  for (const auto& uri : uris) {
    auto s = subscription_to(type, uri, R"({"notificationTrigger": ["entityCreated",
                                                                   "attributeUpdated"]})");
    if (uri.starts_with("mqtt"))
      endpoint_of(s)["notifierInfo"] = J(R"([{"key": "MQTT-QoS", "value": "1"}])");
    subscribe(s);
  }
  constexpr int kUpdates = 20;
  std::vector<json::value> written;
  const auto id = make_entity(type, R"({"count": 0})");
  written.emplace_back(0);
  for (int i = 1; i <= kUpdates; ++i) {
    ASSERT_STATUS(set_value(http(), id, "count", i), 204);
    written.emplace_back(i);
  }
  // Each notification waiting behind a dead broker would cost the sender's timeout (seconds).
  std::vector<json::value> published;
  for (const auto& m : listener->wait_for(written.size(), 30s)) {
    published.push_back(member(J(m.payload), "body"));
  }
  EXPECT_EQ(first_values(published, "count"), written);
  EXPECT_EQ(first_values(bodies_of(receiver_.wait_for("/http", written.size(), 30s)), "count"),
            written);
  EXPECT_GE(silent.connections(), 1) << "the silent broker was tried";
}

}  // namespace
}  // namespace tsunagu::it
