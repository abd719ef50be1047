#include "notify/mqtt_sender.hpp"

#include <mosquitto.h>

#include <mutex>

#include "notify/mqtt_connection.hpp"
#include "notify/mqtt_endpoint.hpp"
#include "notify/mqtt_payload.hpp"

namespace tsunagu::notify {
namespace {

using namespace std::chrono_literals;

// How often overdue publications are failed and ended connections reaped: the granularity of
// the publication timeout when a connection's own thread is stuck in a blocking connect.
constexpr auto kSweepInterval = 50ms;

// How long stop() waits for connection threads to end before it leaves them to end by themselves
// (one stuck in DNS or a TCP connect to a silent host can take minutes).
constexpr auto kStopGrace = 1000ms;

void init_library() {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
}

}  // namespace

MqttSender::MqttSender(MqttSenderOptions options)
    : options_(std::move(options)), gate_(std::make_shared<CompletionGate>()) {
  init_library();
  sweeper_ = std::thread([this] { sweep_loop(); });
}

MqttSender::~MqttSender() {
  stop();
}

bool MqttSender::accepts(std::string_view scheme) const {
  return scheme == "mqtt" || scheme == "mqtts";
}

void MqttSender::send(const Notification& notification, Completion done) {
  auto target = parse_mqtt_target(notification.endpoint, notification.notifier_info);
  if (!target) return done(DeliveryResult::permanent(target.error().message));
  auto payload = mqtt_payload(notification);
  std::lock_guard lock(mutex_);
  if (stopped_) return;
  auto& entry = connections_[target->broker.connection_key()];
  if (entry.connection &&
      entry.connection->publish(target->topic, std::move(payload), target->qos, done)) {
    return;
  }
  // None yet, or the one there is closing (idle): its thread ends by itself and is reaped later.
  if (entry.connection) retired_.push_back(std::move(entry));
  entry.connection = std::make_shared<MqttConnection>(target->broker, options_, gate_);
  entry.thread = entry.connection->start();
  entry.connection->publish(std::move(target->topic), std::move(payload), target->qos, done);
}

// Once the gate is closed no completion runs, whatever the connection threads still do; those
// that do not end within the grace period are detached and end on their own (they hold their
// connection, and nothing of the sender but the gate).
void MqttSender::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
  }
  gate_->close();
  sweep_wake_.notify_all();
  if (sweeper_.joinable()) sweeper_.join();

  std::vector<Entry> entries;
  {
    std::lock_guard lock(mutex_);
    for (auto& [key, entry] : connections_) entries.push_back(std::move(entry));
    for (auto& entry : retired_) entries.push_back(std::move(entry));
    connections_.clear();
    retired_.clear();
  }
  for (auto& entry : entries) entry.connection->request_stop();
  const auto give_up = std::chrono::steady_clock::now() + kStopGrace;
  for (auto& entry : entries) {
    while (!entry.connection->finished() && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(5ms);
    }
    if (entry.connection->finished()) {
      entry.thread.join();
    } else {
      entry.thread.detach();
    }
  }
}

std::size_t MqttSender::connections() const {
  std::lock_guard lock(mutex_);
  return connections_.size() + retired_.size();
}

void MqttSender::sweep_loop() {
  std::unique_lock lock(mutex_);
  while (!stopped_) {
    sweep_wake_.wait_for(lock, kSweepInterval);
    if (stopped_) break;
    std::vector<std::shared_ptr<MqttConnection>> live;
    for (auto& [key, entry] : connections_) live.push_back(entry.connection);
    reap_finished_locked();
    lock.unlock();
    const auto now = std::chrono::steady_clock::now();
    for (auto& connection : live) connection->expire(now);
    lock.lock();
  }
}

// Joins the threads of connections that ended (idle), which takes no time, and forgets them.
void MqttSender::reap_finished_locked() {
  for (auto it = connections_.begin(); it != connections_.end();) {
    if (!it->second.connection->finished()) {
      ++it;
      continue;
    }
    it->second.thread.join();
    it = connections_.erase(it);
  }
  std::erase_if(retired_, [](Entry& entry) {
    if (!entry.connection->finished()) return false;
    entry.thread.join();
    return true;
  });
}

}  // namespace tsunagu::notify
