#pragma once
// Where an MQTT notification goes: the broker connection (scheme, host, port, credentials,
// protocol version) and the publication (topic, QoS), from the endpoint URI and the
// notifierInfo of NGSI-LD clause 7.2:
//   mqtt[s]://[<username>[:<password>]@]<host>[:<port>]/<topic>[/<subtopic>]*
// with port 1883 for mqtt and 8883 for mqtts by default, and the notifierInfo keys "MQTT-QoS"
// ("0", "1" or "2"; default 0) and "MQTT-Version" ("mqtt3.1.1", the default, or "mqtt5.0").

#include <optional>
#include <string>
#include <string_view>

#include "model/error.hpp"
#include "notify/notification.hpp"

namespace tsunagu::notify {

struct MqttBroker {
  bool tls = false;
  std::string host;
  int port = 1883;
  std::optional<std::string> username;  // percent-decoded
  std::optional<std::string> password;
  int protocol_version = 4;  // 4: MQTT 3.1.1, 5: MQTT 5.0 (the protocol level of CONNECT)

  // Identifies one shared connection: brokers with equal keys use the same one. Holds the
  // password, so it is never logged.
  std::string connection_key() const;
  // host:port, for messages.
  std::string peer() const;
};

struct MqttTarget {
  MqttBroker broker;
  std::string topic;
  int qos = 0;
};

// InvalidRequest for a URI that is not mqtt(s), has no host or no topic, a topic with wildcards
// ('+', '#'), and notifierInfo values outside the ones above.
Result<MqttTarget> parse_mqtt_target(std::string_view endpoint, const Fields& notifier_info);

}  // namespace tsunagu::notify
