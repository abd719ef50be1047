#pragma once
// One connection to one MQTT broker, driven by its own thread through libmosquitto's external
// loop interface (the thread polls the socket and a wake-up eventfd). Every libmosquitto call on
// the handle happens on that thread, so the handle needs no locking and can be destroyed and made
// anew after a failure, which also drops whatever libmosquitto still had queued.
//
// Other threads talk to it through publish(), expire() and request_stop(), which touch only the
// list of publications under mutex_. The thread connects when there is something to publish and
// the link is down (mosquitto_connect blocks: DNS and TCP), publishes once the CONNACK accepted
// the session, and settles each publication on libmosquitto's on_publish callback. A publication
// settles exactly once: whoever removes it from the list (the callback, a failure, or expire())
// calls its completion, through the CompletionGate.

#include <chrono>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "notify/mqtt_endpoint.hpp"
#include "notify/mqtt_sender.hpp"

struct mosquitto;
struct mqtt5__property;

namespace tsunagu::notify {

// Completions pass through the gate; after close() returns none runs and none is running.
class CompletionGate {
 public:
  void call(Sender::Completion& done, DeliveryResult result);
  void close();

 private:
  std::mutex mutex_;
  bool closed_ = false;  // guarded by mutex_
};

class MqttConnection : public std::enable_shared_from_this<MqttConnection> {
 public:
  using Clock = std::chrono::steady_clock;

  MqttConnection(MqttBroker broker, MqttSenderOptions options,
                 std::shared_ptr<CompletionGate> gate);
  ~MqttConnection();
  MqttConnection(const MqttConnection&) = delete;
  MqttConnection& operator=(const MqttConnection&) = delete;

  // Starts the connection's thread, which keeps the connection alive until it ends.
  std::thread start();

  // Queues a publication and takes `done`. False, leaving `done` untouched, once the connection
  // is closing (idle or stopped): the caller opens another.
  bool publish(std::string topic, std::string payload, int qos, Sender::Completion& done);

  // Fails the publications whose deadline has passed. The connection's thread calls it itself;
  // the sender calls it too, for when the thread is stuck in a blocking connect.
  void expire(Clock::time_point now);

  // Asks the thread to end (without waiting for it).
  void request_stop();
  bool finished() const;

 private:
  struct Publication {
    std::string topic;
    std::string payload;
    int qos = 0;
    Clock::time_point deadline;
    Sender::Completion done;  // empty once settled
    bool handed = false;      // given to libmosquitto
    int mid = -1;             // libmosquitto's message id once handed
  };
  using PublicationPtr = std::shared_ptr<Publication>;

  void run();
  bool step();
  void connect();
  bool create_handle();
  void destroy_handle();
  void hand_over();
  void poll_link();
  void connect_failed(DeliveryResult result);
  void link_lost(DeliveryResult result);
  void fail_publications(bool handed, const DeliveryResult& result);
  void settle(const PublicationPtr& publication, DeliveryResult result);
  void wait_for_work(std::chrono::milliseconds at_most);
  void wake();
  std::string describe(int rc) const;

  static void on_connect(struct mosquitto*, void* self, int rc, int flags,
                         const mqtt5__property* props);
  static void on_publish(struct mosquitto*, void* self, int mid, int reason_code,
                         const mqtt5__property* props);

  // Constant after construction.
  const MqttBroker broker_;
  const MqttSenderOptions options_;
  const std::shared_ptr<CompletionGate> gate_;
  const std::string client_id_;
  int wake_fd_ = -1;

  mutable std::mutex mutex_;
  std::list<PublicationPtr> publications_;          // guarded by mutex_
  std::unordered_map<int, PublicationPtr> by_mid_;  // guarded by mutex_
  Clock::time_point last_used_;                     // guarded by mutex_
  bool stopping_ = false;                           // guarded by mutex_
  bool closing_ = false;                            // guarded by mutex_
  bool finished_ = false;                           // guarded by mutex_

  // The connection's thread only.
  struct mosquitto* mosq_ = nullptr;
  bool link_up_ = false;   // TCP (and TLS) connected, CONNECT sent
  bool accepted_ = false;  // CONNACK accepted the session
  bool refused_ = false;   // CONNACK refused it: refusal_ says why
  DeliveryResult refusal_;
  Clock::time_point connect_started_;
  Clock::time_point retry_after_;  // no new connect before, after a failed one
  DeliveryResult last_failure_;
  bool publishing_ = false;                  // inside mosquitto_publish_v5
  std::unordered_map<int, int> early_acks_;  // on_publish during mosquitto_publish_v5: mid -> rc
};

}  // namespace tsunagu::notify
