#include "notify/mqtt_endpoint.hpp"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <cctype>

namespace tsunagu::notify {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::unexpected<Error> invalid(std::string_view endpoint, std::string_view why) {
  return fail(ErrorKind::InvalidRequest,
              "MQTT endpoint '" + std::string(endpoint) + "': " + std::string(why));
}

Status apply_notifier_info(const Fields& info, MqttTarget& target) {
  for (const auto& [key, value] : info) {
    if (iequals(key, "MQTT-QoS")) {
      if (value != "0" && value != "1" && value != "2") {
        return fail(ErrorKind::InvalidRequest, "MQTT-QoS must be 0, 1 or 2, not '" + value + "'");
      }
      target.qos = value[0] - '0';
    } else if (iequals(key, "MQTT-Version")) {
      if (value == "mqtt3.1.1") {
        target.broker.protocol_version = 4;
      } else if (value == "mqtt5.0") {
        target.broker.protocol_version = 5;
      } else {
        return fail(ErrorKind::InvalidRequest,
                    "MQTT-Version must be mqtt3.1.1 or mqtt5.0, not '" + value + "'");
      }
    }
  }
  return ok();
}

}  // namespace

std::string MqttBroker::connection_key() const {
  // Length-prefixed parts: no user name or password can make two different brokers collide.
  std::string key = (tls ? "mqtts|" : "mqtt|") + std::to_string(protocol_version) + "|" +
                    std::to_string(port) + "|" + std::to_string(host.size()) + ":" + host;
  if (username) key += "|u" + std::to_string(username->size()) + ":" + *username;
  if (password) key += "|p" + std::to_string(password->size()) + ":" + *password;
  return key;
}

std::string MqttBroker::peer() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<MqttTarget> parse_mqtt_target(std::string_view endpoint, const Fields& notifier_info) {
  auto u = boost::urls::parse_uri(endpoint);
  if (!u) return invalid(endpoint, "not a URI");
  MqttTarget target;
  if (iequals(u->scheme(), "mqtts")) {
    target.broker.tls = true;
  } else if (!iequals(u->scheme(), "mqtt")) {
    return invalid(endpoint, "the scheme must be mqtt or mqtts");
  }
  auto& broker = target.broker;
  broker.host = u->host_type() == boost::urls::host_type::ipv6 ? u->host_ipv6_address().to_string()
                                                               : std::string(u->host_address());
  if (broker.host.empty()) return invalid(endpoint, "no host");
  broker.port = broker.tls ? 8883 : 1883;
  if (u->has_port()) {
    if (u->port_number() == 0) return invalid(endpoint, "invalid port");
    broker.port = u->port_number();
  }
  if (u->has_userinfo()) {
    broker.username = std::string(u->user());
    if (u->has_password()) broker.password = std::string(u->password());
  }
  if (u->has_query() || u->has_fragment()) {
    return invalid(endpoint, "a topic cannot hold '?' or '#'");
  }
  std::string path = std::string(u->path());
  target.topic = path.empty() ? path : path.substr(1);  // the '/' after the authority
  if (target.topic.empty()) return invalid(endpoint, "no topic");
  if (target.topic.find_first_of(std::string_view("+#\0", 3)) != std::string::npos) {
    return invalid(endpoint, "a topic to publish to cannot hold '+', '#' or NUL");
  }
  if (target.topic.size() > 65535) return invalid(endpoint, "the topic is too long");
  if (auto s = apply_notifier_info(notifier_info, target); !s) return std::unexpected(s.error());
  return target;
}

}  // namespace tsunagu::notify
