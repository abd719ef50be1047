#pragma once
// Delivers notifications as MQTT publications (libmosquitto), NGSI-LD clause 7: the payload is
// mqtt_payload(), the topic, QoS and protocol version come from the endpoint URI and notifierInfo
// (mqtt_endpoint.hpp).
//
// One connection per broker (scheme, host, port, credentials, protocol version), shared by every
// topic on it, kept open while used, closed after an idle timeout, and opened again on demand
// after a failure. Each connection runs on its own thread, so a broker that is slow to connect or
// to acknowledge never delays another broker. A publication is delivered when libmosquitto has
// written it (QoS 0), or when the broker's PUBACK (QoS 1) or PUBCOMP (QoS 2) has arrived; a
// publication not settled within the timeout is a transient failure.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "notify/sender.hpp"

namespace tsunagu::notify {

struct MqttSenderOptions {
  std::chrono::milliseconds timeout{5000};          // one publication, connecting included
  std::chrono::milliseconds idle_timeout{300000};   // an unused broker connection is closed after
  std::chrono::milliseconds reconnect_delay{1000};  // after a failed connect, publications fail at
                                                    // once with its error for this long
  std::chrono::seconds keepalive{30};
  TlsOptions tls;  // for mqtts
};

class MqttConnection;
class CompletionGate;

class MqttSender final : public Sender {
 public:
  explicit MqttSender(MqttSenderOptions options = {});
  ~MqttSender() override;

  MqttSender(const MqttSender&) = delete;
  MqttSender& operator=(const MqttSender&) = delete;

  bool accepts(std::string_view scheme) const override;
  void send(const Notification& notification, Completion done) override;
  void stop() override;

  // Broker connections that exist (open, opening or waiting to be reaped), for tests.
  std::size_t connections() const;

 private:
  struct Entry {
    std::shared_ptr<MqttConnection> connection;
    std::thread thread;
  };

  void sweep_loop();
  void reap_finished_locked();

  const MqttSenderOptions options_;
  // Shared with the connections, which may outlive the sender (see stop()).
  const std::shared_ptr<CompletionGate> gate_;

  mutable std::mutex mutex_;
  std::condition_variable sweep_wake_;
  bool stopped_ = false;                                // guarded by mutex_
  std::unordered_map<std::string, Entry> connections_;  // guarded by mutex_; by connection key
  std::vector<Entry> retired_;  // guarded by mutex_; replaced while closing, reaped when ended
  std::thread sweeper_;         // expires overdue publications, reaps ended connections
};

}  // namespace tsunagu::notify
