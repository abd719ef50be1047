#pragma once
// A libmosquitto client for the MQTT baseline, connected and with its network thread running
// once constructed. Every call fails by exception; the callbacks run on the network thread.

#include <mosquitto.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace tsunagu::bench {

class MqttClient {
 public:
  // Receives the payload of each message on a subscribed topic, on the client's thread.
  using OnMessage = std::function<void(std::string_view payload)>;

  MqttClient(const std::string& id, unsigned short port, OnMessage on_message = {});
  ~MqttClient();  // stop()
  MqttClient(const MqttClient&) = delete;
  MqttClient& operator=(const MqttClient&) = delete;

  // Subscribes to every topic and returns once the broker has acknowledged them all.
  void subscribe(const std::vector<std::string>& topics, int qos);
  void publish(const std::string& topic, std::string_view payload, int qos);
  // Disconnects and joins the client's thread: no callback runs after it returns.
  void stop();

 private:
  void wait(const char* what, const std::function<bool()>& ready);

  mosquitto* m_;
  OnMessage on_message_;
  std::mutex mu_;
  std::condition_variable changed_;
  int connack_ = -1;           // guarded by mu_: the CONNACK's code, -1 before it came
  std::uint64_t subacks_ = 0;  // guarded by mu_
  bool stopped_ = false;
};

}  // namespace tsunagu::bench
