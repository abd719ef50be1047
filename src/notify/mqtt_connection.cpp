#include "notify/mqtt_connection.hpp"

#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <random>
#include <system_error>
#include <vector>

namespace tsunagu::notify {
namespace {

using namespace std::chrono_literals;

// "tsunagu-" and 12 hex digits: within the 23 characters every MQTT 3.1.1 broker must accept.
std::string new_client_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "tsunagu-";
  auto bits = rng();
  for (int i = 0; i < 12; ++i, bits >>= 4) id += kHex[bits & 0xf];
  return id;
}

int milliseconds_until(std::chrono::steady_clock::time_point t) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(t - std::chrono::steady_clock::now());
  return static_cast<int>(std::clamp<std::int64_t>(left.count(), 0, 1000));
}

// A refused CONNACK: credentials and bans are the subscriber's to fix, not worth retrying;
// "server unavailable", "busy" and the like are.
bool refusal_is_permanent(int version, int rc) {
  if (version == 5) {
    return rc == MQTT_RC_UNSUPPORTED_PROTOCOL_VERSION || rc == MQTT_RC_CLIENTID_NOT_VALID ||
           rc == MQTT_RC_BAD_USERNAME_OR_PASSWORD || rc == MQTT_RC_NOT_AUTHORIZED ||
           rc == MQTT_RC_BANNED;
  }
  return rc == CONNACK_REFUSED_PROTOCOL_VERSION || rc == CONNACK_REFUSED_IDENTIFIER_REJECTED ||
         rc == CONNACK_REFUSED_BAD_USERNAME_PASSWORD || rc == CONNACK_REFUSED_NOT_AUTHORIZED;
}

// A PUBACK or PUBREC reason code (MQTT 5; always 0 with 3.1.1). Below 0x80 is success, "no
// matching subscribers" (0x10) included: the broker took the message.
DeliveryResult acknowledgement(int reason_code, const std::string& peer) {
  if (reason_code < 0x80) return DeliveryResult::delivered();
  std::string message =
      "MQTT broker " + peer + " rejected the publication: " + mosquitto_reason_string(reason_code);
  if (reason_code == MQTT_RC_NOT_AUTHORIZED || reason_code == MQTT_RC_TOPIC_NAME_INVALID ||
      reason_code == MQTT_RC_PACKET_TOO_LARGE || reason_code == MQTT_RC_PAYLOAD_FORMAT_INVALID) {
    return DeliveryResult::permanent(std::move(message));
  }
  return DeliveryResult::transient(std::move(message));
}

}  // namespace

void CompletionGate::call(Sender::Completion& done, DeliveryResult result) {
  std::lock_guard lock(mutex_);
  if (!closed_ && done) done(std::move(result));
}

void CompletionGate::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
}

MqttConnection::MqttConnection(MqttBroker broker, MqttSenderOptions options,
                               std::shared_ptr<CompletionGate> gate)
    : broker_(std::move(broker)),
      options_(std::move(options)),
      gate_(std::move(gate)),
      client_id_(new_client_id()),
      wake_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)),
      last_used_(Clock::now()) {}

MqttConnection::~MqttConnection() {
  destroy_handle();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

std::thread MqttConnection::start() {
  return std::thread([self = shared_from_this()] { self->run(); });
}

bool MqttConnection::publish(std::string topic, std::string payload, int qos,
                             Sender::Completion& done) {
  {
    std::lock_guard lock(mutex_);
    if (closing_) return false;
    auto p = std::make_shared<Publication>();
    p->topic = std::move(topic);
    p->payload = std::move(payload);
    p->qos = qos;
    p->deadline = Clock::now() + options_.timeout;
    p->done = std::move(done);
    publications_.push_back(std::move(p));
    last_used_ = Clock::now();
  }
  wake();
  return true;
}

void MqttConnection::expire(Clock::time_point now) {
  std::vector<std::pair<Sender::Completion, bool>> expired;
  {
    std::lock_guard lock(mutex_);
    for (auto it = publications_.begin(); it != publications_.end();) {
      auto& p = **it;
      if (p.deadline > now) {
        ++it;
        continue;
      }
      if (p.mid >= 0) by_mid_.erase(p.mid);
      expired.emplace_back(std::move(p.done), p.handed);
      p.done = nullptr;
      it = publications_.erase(it);
    }
  }
  const auto ms = std::to_string(options_.timeout.count());
  for (auto& [done, handed] : expired) {
    gate_->call(done, DeliveryResult::transient(
                          handed ? "no acknowledgement from MQTT broker " + broker_.peer() +
                                       " within " + ms + " ms"
                                 : "could not publish to MQTT broker " + broker_.peer() +
                                       " within " + ms + " ms (not connected)"));
  }
}

void MqttConnection::request_stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    closing_ = true;
  }
  wake();
}

bool MqttConnection::finished() const {
  std::lock_guard lock(mutex_);
  return finished_;
}

void MqttConnection::run() {
  while (step()) {
  }
  if (mosq_ != nullptr && accepted_) {
    // A polite DISCONNECT, written at once (this thread is the handle's only user).
    mosquitto_disconnect(mosq_);
  }
  destroy_handle();
  std::list<PublicationPtr> left;
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    left.swap(publications_);
    by_mid_.clear();
  }
  // Left only when stopped (the gate is closed then) or when a publish raced the idle close.
  for (auto& p : left) {
    gate_->call(p->done, DeliveryResult::transient("MQTT connection to " + broker_.peer() +
                                                   " closed before the publication settled"));
  }
  std::lock_guard lock(mutex_);
  finished_ = true;
}

// One turn of the connection's loop; false when the thread should end.
bool MqttConnection::step() {
  const auto now = Clock::now();
  expire(now);
  bool waiting = false;
  Clock::time_point idle_until;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    waiting = std::any_of(publications_.begin(), publications_.end(),
                          [](const PublicationPtr& p) { return !p->handed; });
    idle_until = last_used_ + options_.idle_timeout;
    if (publications_.empty() && now >= idle_until) {
      closing_ = true;
      return false;
    }
  }
  if (!link_up_) {
    if (waiting) {
      connect();
    } else {
      wait_for_work(std::chrono::milliseconds(milliseconds_until(idle_until)));
    }
    return true;
  }
  if (accepted_ && waiting) hand_over();
  if (link_up_) poll_link();
  return true;
}

void MqttConnection::connect() {
  const auto now = Clock::now();
  if (now < retry_after_) {
    // A connect failed a moment ago: answer with its error instead of trying again at once,
    // so that many topics on one dead broker do not each cost a connect.
    fail_publications(false, last_failure_);
    wait_for_work(std::chrono::milliseconds(milliseconds_until(retry_after_)));
    return;
  }
  if (mosq_ == nullptr && !create_handle()) return;
  refused_ = false;
  accepted_ = false;
  const int rc =
      mosquitto_connect_bind_v5(mosq_, broker_.host.c_str(), broker_.port,
                                static_cast<int>(options_.keepalive.count()), nullptr, nullptr);
  if (rc != MOSQ_ERR_SUCCESS) {
    return connect_failed(DeliveryResult::transient("cannot connect to MQTT broker " +
                                                    broker_.peer() + ": " + describe(rc)));
  }
  link_up_ = true;
  connect_started_ = Clock::now();
}

bool MqttConnection::create_handle() {
  mosq_ = mosquitto_new(client_id_.c_str(), true, this);
  if (mosq_ == nullptr) {
    connect_failed(DeliveryResult::transient("cannot create an MQTT client: out of memory"));
    return false;
  }
  mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION,
                       broker_.protocol_version == 5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311);
  if (broker_.username) {
    mosquitto_username_pw_set(mosq_, broker_.username->c_str(),
                              broker_.password ? broker_.password->c_str() : nullptr);
  }
  if (broker_.tls) {
    mosquitto_int_option(mosq_, MOSQ_OPT_TLS_USE_OS_CERTS, 1);
    int rc = MOSQ_ERR_SUCCESS;
    if (!options_.tls.ca_file.empty()) {
      rc = mosquitto_tls_set(mosq_, options_.tls.ca_file.c_str(), nullptr, nullptr, nullptr,
                             nullptr);
    }
    if (rc == MOSQ_ERR_SUCCESS && !options_.tls.verify_peer) {
      rc = mosquitto_tls_opts_set(mosq_, 0, nullptr, nullptr);  // 0: SSL_VERIFY_NONE
      if (rc == MOSQ_ERR_SUCCESS) rc = mosquitto_tls_insecure_set(mosq_, true);
    }
    if (rc != MOSQ_ERR_SUCCESS) {
      connect_failed(DeliveryResult::transient("cannot set up TLS for MQTT broker " +
                                               broker_.peer() + ": " + describe(rc)));
      return false;
    }
  }
  mosquitto_connect_v5_callback_set(mosq_, &MqttConnection::on_connect);
  mosquitto_publish_v5_callback_set(mosq_, &MqttConnection::on_publish);
  return true;
}

void MqttConnection::destroy_handle() {
  if (mosq_ != nullptr) mosquitto_destroy(mosq_);
  mosq_ = nullptr;
  link_up_ = false;
  accepted_ = false;
}

// Gives the publications that wait to libmosquitto, oldest first.
void MqttConnection::hand_over() {
  std::vector<PublicationPtr> batch;
  {
    std::lock_guard lock(mutex_);
    for (auto& p : publications_) {
      if (p->handed) continue;
      p->handed = true;
      batch.push_back(p);
    }
  }
  for (auto& p : batch) {
    int mid = 0;
    early_acks_.clear();
    publishing_ = true;
    const int rc =
        mosquitto_publish_v5(mosq_, &mid, p->topic.c_str(), static_cast<int>(p->payload.size()),
                             p->payload.data(), p->qos, false, nullptr);
    publishing_ = false;
    if (rc == MOSQ_ERR_PAYLOAD_SIZE || rc == MOSQ_ERR_INVAL || rc == MOSQ_ERR_MALFORMED_UTF8 ||
        rc == MOSQ_ERR_QOS_NOT_SUPPORTED || rc == MOSQ_ERR_OVERSIZE_PACKET) {
      settle(p, DeliveryResult::permanent("MQTT broker " + broker_.peer() +
                                          " cannot take the publication: " + describe(rc)));
      continue;
    }
    if (rc != MOSQ_ERR_SUCCESS) {
      settle(p, DeliveryResult::transient("cannot publish to MQTT broker " + broker_.peer() + ": " +
                                          describe(rc)));
      return link_lost(DeliveryResult::transient("MQTT connection to " + broker_.peer() +
                                                 " failed: " + describe(rc)));
    }
    // QoS 0 may be written, and so settled, inside mosquitto_publish_v5 already.
    if (auto it = early_acks_.find(mid); it != early_acks_.end()) {
      settle(p, acknowledgement(it->second, broker_.peer()));
      continue;
    }
    std::lock_guard lock(mutex_);
    if (!p->done) continue;  // expired meanwhile
    p->mid = mid;
    by_mid_[mid] = p;
  }
}

// Waits for the socket or a wake-up, then lets libmosquitto read, write and keep the session
// alive.
void MqttConnection::poll_link() {
  const int fd = mosquitto_socket(mosq_);
  if (fd < 0) {
    return link_lost(DeliveryResult::transient("MQTT connection to " + broker_.peer() + " closed"));
  }
  pollfd fds[2] = {
      {fd, static_cast<short>(POLLIN | (mosquitto_want_write(mosq_) ? POLLOUT : 0)), 0},
      {wake_fd_, POLLIN, 0}};
  ::poll(fds, 2, 250);
  if (fds[1].revents & POLLIN) {
    std::uint64_t count = 0;
    [[maybe_unused]] auto n = ::read(wake_fd_, &count, sizeof count);
  }
  int rc = MOSQ_ERR_SUCCESS;
  if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) rc = mosquitto_loop_read(mosq_, 1);
  if (rc == MOSQ_ERR_SUCCESS && (fds[0].revents & POLLOUT)) rc = mosquitto_loop_write(mosq_, 1);
  if (rc == MOSQ_ERR_SUCCESS) rc = mosquitto_loop_misc(mosq_);
  if (refused_) return connect_failed(refusal_);
  if (rc != MOSQ_ERR_SUCCESS && !accepted_) {
    // Still connecting: a TLS handshake that libmosquitto finishes in its loop fails here, and
    // that is a failed connect like any other (everything waiting fails, then the delay).
    return connect_failed(DeliveryResult::transient("cannot connect to MQTT broker " +
                                                    broker_.peer() + ": " + describe(rc)));
  }
  if (rc != MOSQ_ERR_SUCCESS) {
    return link_lost(DeliveryResult::transient("MQTT connection to " + broker_.peer() +
                                               " lost: " + describe(rc)));
  }
  if (!accepted_ && Clock::now() - connect_started_ >= options_.timeout) {
    connect_failed(DeliveryResult::transient("no CONNACK from MQTT broker " + broker_.peer() +
                                             " within " + std::to_string(options_.timeout.count()) +
                                             " ms"));
  }
}

// Connecting failed: what waits fails with the same error, and so does what comes during the
// reconnect delay.
void MqttConnection::connect_failed(DeliveryResult result) {
  spdlog::debug("mqtt: {}", result.error);
  destroy_handle();
  last_failure_ = result;
  retry_after_ = Clock::now() + options_.reconnect_delay;
  fail_publications(true, result);
  fail_publications(false, result);
}

// An established link broke: what was handed over may be lost, so it fails (the dispatcher sends
// it again: at least once); what waits is published after the next connect.
void MqttConnection::link_lost(DeliveryResult result) {
  spdlog::debug("mqtt: {}", result.error);
  destroy_handle();
  fail_publications(true, result);
}

void MqttConnection::fail_publications(bool handed, const DeliveryResult& result) {
  std::vector<PublicationPtr> failing;
  {
    std::lock_guard lock(mutex_);
    for (auto& p : publications_) {
      if (p->handed == handed) failing.push_back(p);
    }
  }
  for (auto& p : failing) settle(p, result);
}

void MqttConnection::settle(const PublicationPtr& publication, DeliveryResult result) {
  Sender::Completion done;
  {
    std::lock_guard lock(mutex_);
    if (!publication->done) return;  // settled already
    done = std::move(publication->done);
    publication->done = nullptr;
    if (publication->mid >= 0) by_mid_.erase(publication->mid);
    publications_.remove(publication);
  }
  gate_->call(done, std::move(result));
}

void MqttConnection::wait_for_work(std::chrono::milliseconds at_most) {
  pollfd fd{wake_fd_, POLLIN, 0};
  if (::poll(&fd, 1, static_cast<int>(at_most.count())) > 0) {
    std::uint64_t count = 0;
    [[maybe_unused]] auto n = ::read(wake_fd_, &count, sizeof count);
  }
}

void MqttConnection::wake() {
  const std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
}

std::string MqttConnection::describe(int rc) const {
  if (rc == MOSQ_ERR_ERRNO) return std::system_category().message(errno);
  return mosquitto_strerror(rc);
}

void MqttConnection::on_connect(struct mosquitto*, void* self, int rc, int,
                                const mqtt5__property*) {
  auto& c = *static_cast<MqttConnection*>(self);
  if (rc == 0) {
    c.accepted_ = true;
    return;
  }
  const int version = c.broker_.protocol_version;
  std::string message = "MQTT broker " + c.broker_.peer() + " refused the connection: " +
                        (version == 5 ? mosquitto_reason_string(rc) : mosquitto_connack_string(rc));
  c.refused_ = true;
  c.refusal_ = refusal_is_permanent(version, rc) ? DeliveryResult::permanent(std::move(message))
                                                 : DeliveryResult::transient(std::move(message));
}

void MqttConnection::on_publish(struct mosquitto*, void* self, int mid, int reason_code,
                                const mqtt5__property*) {
  auto& c = *static_cast<MqttConnection*>(self);
  PublicationPtr p;
  {
    std::lock_guard lock(c.mutex_);
    if (auto it = c.by_mid_.find(mid); it != c.by_mid_.end()) p = it->second;
  }
  if (p) return c.settle(p, acknowledgement(reason_code, c.broker_.peer()));
  if (c.publishing_) c.early_acks_[mid] = reason_code;  // before its mid is known
}

}  // namespace tsunagu::notify
