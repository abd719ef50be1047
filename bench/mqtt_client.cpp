#include "mqtt_client.hpp"

#include <chrono>
#include <stdexcept>

namespace tsunagu::bench {
namespace {

constexpr auto kAckTimeout = std::chrono::seconds(30);
constexpr std::size_t kTopicsPerSubscribe = 100;

void check(int rc, const std::string& what) {
  if (rc != MOSQ_ERR_SUCCESS) {
    throw std::runtime_error("mqtt " + what + ": " + mosquitto_strerror(rc));
  }
}

// libmosquitto is initialised once for the process, before the first client.
void init_library() {
  static const int rc = mosquitto_lib_init();
  check(rc, "init");
}

}  // namespace

MqttClient::MqttClient(const std::string& id, unsigned short port, OnMessage on_message)
    : on_message_(std::move(on_message)) {
  init_library();
  m_ = mosquitto_new(id.c_str(), true, this);
  if (m_ == nullptr) throw std::runtime_error("mosquitto_new failed");
  mosquitto_connect_callback_set(m_, [](mosquitto*, void* self, int rc) {
    auto* c = static_cast<MqttClient*>(self);
    std::lock_guard lock(c->mu_);
    c->connack_ = rc;
    c->changed_.notify_all();
  });
  mosquitto_subscribe_callback_set(m_, [](mosquitto*, void* self, int, int, const int*) {
    auto* c = static_cast<MqttClient*>(self);
    std::lock_guard lock(c->mu_);
    ++c->subacks_;
    c->changed_.notify_all();
  });
  mosquitto_message_callback_set(m_, [](mosquitto*, void* self, const mosquitto_message* msg) {
    auto* c = static_cast<MqttClient*>(self);
    if (c->on_message_) {
      c->on_message_(
          {static_cast<const char*>(msg->payload), static_cast<std::size_t>(msg->payloadlen)});
    }
  });
  // Without it, Nagle's algorithm holds a message back until the previous one is acknowledged;
  // the receiver and Tsunagu's sender disable it too.
  check(mosquitto_int_option(m_, MOSQ_OPT_TCP_NODELAY, 1), "TCP_NODELAY");
  try {
    check(mosquitto_connect(m_, "127.0.0.1", port, 60), "connect");
    check(mosquitto_loop_start(m_), "loop_start");
    wait("CONNACK", [this] { return connack_ >= 0; });
    if (connack_ != 0) throw std::runtime_error("mqtt broker refused the connection");
  } catch (...) {
    stop();
    throw;
  }
}

MqttClient::~MqttClient() {
  stop();
}

void MqttClient::wait(const char* what, const std::function<bool()>& ready) {
  std::unique_lock lock(mu_);
  if (!changed_.wait_for(lock, kAckTimeout, ready)) {
    throw std::runtime_error(std::string("no ") + what + " from the mqtt broker in time");
  }
}

void MqttClient::subscribe(const std::vector<std::string>& topics, int qos) {
  std::uint64_t target = 0;
  {
    std::lock_guard lock(mu_);
    target = subacks_;  // acks may come before the last request is sent: count from here
  }
  for (std::size_t first = 0; first < topics.size(); first += kTopicsPerSubscribe) {
    std::vector<char*> names;
    for (auto i = first; i < std::min(topics.size(), first + kTopicsPerSubscribe); ++i) {
      names.push_back(const_cast<char*>(topics[i].c_str()));  // libmosquitto only reads them
    }
    check(mosquitto_subscribe_multiple(m_, nullptr, static_cast<int>(names.size()), names.data(),
                                       qos, 0, nullptr),
          "subscribe");
    ++target;
  }
  wait("SUBACK", [&] { return subacks_ >= target; });
}

void MqttClient::publish(const std::string& topic, std::string_view payload, int qos) {
  check(mosquitto_publish(m_, nullptr, topic.c_str(), static_cast<int>(payload.size()),
                          payload.data(), qos, false),
        "publish");
}

void MqttClient::stop() {
  if (stopped_) return;
  stopped_ = true;
  mosquitto_disconnect(m_);
  mosquitto_loop_stop(m_, true);
  mosquitto_destroy(m_);
}

}  // namespace tsunagu::bench
