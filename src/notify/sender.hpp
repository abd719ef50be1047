#pragma once
// The transport interface the Dispatcher drives: one delivery attempt at a time per endpoint,
// asynchronous, bounded in time by the sender's own timeout. HttpSender and MqttSender implement
// it; tests implement it with fakes.

#include <functional>
#include <string>
#include <string_view>

#include "notify/notification.hpp"

namespace tsunagu::notify {

class Sender {
 public:
  using Completion = std::function<void(DeliveryResult)>;

  virtual ~Sender() = default;

  // True when this sender delivers to endpoints of this URI scheme (lower case, e.g. "https").
  virtual bool accepts(std::string_view scheme) const = 0;

  // Starts one delivery attempt. `notification` is valid only during the call: the sender copies
  // what it needs. `done` is called exactly once with the attempt's result, on any thread, possibly
  // before send() returns (an endpoint that cannot be parsed) — unless stop() comes first, after
  // which completions not yet made are dropped. send() never blocks on the network.
  virtual void send(const Notification& notification, Completion done) = 0;

  // Ends all work in progress and closes connections. No completion runs after stop() returns;
  // send() after stop() drops the notification without calling `done`. Does not wait for slow or
  // dead peers. Idempotent.
  virtual void stop() = 0;
};

// Certificate checks of outbound TLS (https, mqtts).
struct TlsOptions {
  // Verify the peer's certificate chain and host name. Turning it off is for tests only: it makes
  // every TLS connection open to interception.
  bool verify_peer = true;
  // A PEM file of extra trust anchors (e.g. a municipality's private CA), used besides the
  // system's trust store. Empty: the system store only.
  std::string ca_file;
};

}  // namespace tsunagu::notify
