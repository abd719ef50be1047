#pragma once
// What the notify layer delivers, and what a delivery attempt came to. Knows nothing of NGSI-LD:
// a Notification is bytes for an endpoint plus the headers and transport options to send them with.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tsunagu::notify {

using Fields = std::vector<std::pair<std::string, std::string>>;

struct Notification {
  std::string endpoint;  // http(s)://host[:port]/path or mqtt(s)://[user:pass@]host[:port]/topic
  std::string content_type;  // application/json or application/ld+json
  Fields headers;            // receiverInfo entries, Link, NGSILD-Tenant: HTTP headers, or the
                             // "metadata" of an MQTT message
  Fields notifier_info;      // transport options: MQTT-QoS, MQTT-Version
  std::string body;          // JSON text, sent as it is
  // The caller's sequence number (the outbox row). The dispatcher keeps the submission order per
  // endpoint and does not reorder by this key; it is carried so that logs and callbacks can name
  // the notification.
  std::uint64_t ordering_key = 0;
};

// The outcome of one delivery attempt, or the final outcome of a submitted notification.
//
// Transient: worth trying again later with the same content. Connection refused or reset, DNS
// and TLS failures (a certificate gets renewed, a name gets fixed), timeouts, HTTP 5xx, 408, 425
// and 429, an MQTT broker that is down, busy or did not acknowledge in time.
// Permanent: the same request would fail the same way however often it is sent. An endpoint URI
// that cannot be parsed or has no sender, invalid transport options (MQTT-QoS 3), HTTP 3xx (no
// redirect is followed for a notification) and 4xx other than 408, 425 and 429, an MQTT broker
// that refuses the credentials, or an MQTT 5 PUBACK/PUBREC that rejects the topic or payload.
struct DeliveryResult {
  enum class Outcome { Delivered, TransientFailure, PermanentFailure };

  Outcome outcome = Outcome::Delivered;
  std::string error;  // what failed, for lastFailure and logs; empty when delivered

  static DeliveryResult delivered() { return {}; }
  static DeliveryResult transient(std::string message) {
    return {Outcome::TransientFailure, std::move(message)};
  }
  static DeliveryResult permanent(std::string message) {
    return {Outcome::PermanentFailure, std::move(message)};
  }

  bool ok() const { return outcome == Outcome::Delivered; }
  bool retryable() const { return outcome == Outcome::TransientFailure; }
};

// The URI scheme of an endpoint, lower-cased ("http", "mqtts"); empty when there is none.
std::string endpoint_scheme(std::string_view endpoint);

}  // namespace tsunagu::notify
