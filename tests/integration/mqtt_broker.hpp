#pragma once
// MQTT side of the notification tests: a real mosquitto broker as a child process on a free
// loopback port, and a libmosquitto subscriber that records what the broker delivers to it.
//
// The broker is required (scripts/install-deps.sh installs it): a test that needs it fails with
// that advice when the binary is missing, rather than passing without having checked anything.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

struct mosquitto;
struct mosquitto_message;

namespace tsunagu::it {

using namespace std::chrono_literals;

// A mosquitto process listening on 127.0.0.1. Its configuration, log and persistence file live in
// a temporary directory of its own; persistence is on, so a subscriber with a persistent session
// keeps its subscription and its queued QoS 1 messages across stop() and start(), which keep the
// port.
class MosquittoBroker {
 public:
  MosquittoBroker();
  ~MosquittoBroker();
  MosquittoBroker(const MosquittoBroker&) = delete;
  MosquittoBroker& operator=(const MosquittoBroker&) = delete;

  // Starts the broker and waits until its port accepts connections; throws std::runtime_error
  // (quoting its log) otherwise.
  void start();
  // SIGTERM and wait: the broker writes its persistence file on the way out.
  void stop();

  unsigned short port() const { return port_; }
  // mqtt://127.0.0.1:<port>/<topic>
  std::string url(std::string_view topic) const;
  std::string log() const;
  // The broker's "New client connected ... as tsunagu..." lines: the server's connections, which
  // name the protocol version ("p2" is MQTT 3.1.1, "p5" MQTT 5.0).
  std::vector<std::string> server_connections() const;

 private:
  std::filesystem::path dir_;
  unsigned short port_ = 0;
  int pid_ = -1;
};

// A subscriber on its own libmosquitto network thread, subscribed at QoS 2 so that every message
// arrives with the QoS it was published with. It uses a persistent session under a fixed client
// id and reconnects by itself: messages published at QoS 1 while it is cut off from a restarting
// broker reach it afterwards.
//
// Thread-safety: the public methods may be called from any thread; messages_ and subscribed_ are
// guarded by mutex_ (written by the network thread).
class MqttSubscriber {
 public:
  struct Message {
    std::string topic;
    std::string payload;
    int qos = 0;
  };

  // Connects and waits for the broker's SUBACK; throws std::runtime_error when that fails.
  MqttSubscriber(unsigned short port, const std::string& topic, const std::string& client_id);
  ~MqttSubscriber();
  MqttSubscriber(const MqttSubscriber&) = delete;
  MqttSubscriber& operator=(const MqttSubscriber&) = delete;

  // Waits until `count` messages have arrived or `timeout` passed; returns every message so far.
  std::vector<Message> wait_for(std::size_t count, std::chrono::milliseconds timeout = 20000ms);
  std::vector<Message> messages() const;

 private:
  static void on_message(mosquitto*, void* self, const mosquitto_message* message);
  static void on_subscribe(mosquitto*, void* self, int, int, const int*);

  mosquitto* mosq_ = nullptr;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool subscribed_ = false;
  std::vector<Message> messages_;
};

}  // namespace tsunagu::it
