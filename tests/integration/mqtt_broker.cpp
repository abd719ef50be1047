#include "mqtt_broker.hpp"

#include <mosquitto.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "harness.hpp"

namespace tsunagu::it {
namespace {

// On PATH, or where Debian installs it (sbin is not on every user's PATH).
std::string mosquitto_binary() {
  std::vector<std::string> dirs;
  if (const char* path = std::getenv("PATH")) {
    std::stringstream in(path);
    for (std::string dir; std::getline(in, dir, ':');) dirs.push_back(dir);
  }
  dirs.insert(dirs.end(), {"/usr/sbin", "/usr/local/sbin"});
  for (const auto& dir : dirs) {
    const auto candidate = std::filesystem::path(dir) / "mosquitto";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return {};
}

bool port_accepts(unsigned short port) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  boost::system::error_code ec;
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
  return !ec;
}

// mosquitto_lib_init() is not thread-safe and is needed once per process.
void init_libmosquitto() {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
}

}  // namespace

MosquittoBroker::MosquittoBroker() : dir_(make_temp_dir("tsunagu-it-mqtt-")), port_(closed_port()) {
  // Started as root, mosquitto drops to its own user, which must still write its persistence file.
  ::chmod(dir_.c_str(), 0777);
  std::ofstream conf(dir_ / "mosquitto.conf");
  conf << "per_listener_settings false\nallow_anonymous true\n"
       << "listener " << port_ << " 127.0.0.1\n"
       << "persistence true\npersistence_location " << (dir_ / "").string() << "\n"
       << "log_dest stderr\nlog_type all\n";
}

MosquittoBroker::~MosquittoBroker() {
  stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void MosquittoBroker::start() {
  if (pid_ > 0) return;
  const std::string binary = mosquitto_binary();
  if (binary.empty()) {
    throw std::runtime_error("the mosquitto broker is not installed: run scripts/install-deps.sh");
  }
  pid_ = spawn_process({binary, "-c", (dir_ / "mosquitto.conf").string()}, dir_ / "mosquitto.log");
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("mosquitto exited at start; its log:\n" + log());
    }
    if (port_accepts(port_)) return;
    std::this_thread::sleep_for(20ms);
  }
  stop();
  throw std::runtime_error("mosquitto did not listen within 10 s; its log:\n" + log());
}

void MosquittoBroker::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string MosquittoBroker::url(std::string_view topic) const {
  return "mqtt://127.0.0.1:" + std::to_string(port_) + "/" + std::string(topic);
}

std::string MosquittoBroker::log() const {
  return read_text_file(dir_ / "mosquitto.log");
}

std::vector<std::string> MosquittoBroker::server_connections() const {
  std::vector<std::string> lines;
  std::stringstream in(log());
  for (std::string line; std::getline(in, line);) {
    if (line.find("New client connected") != std::string::npos &&
        line.find(" as tsunagu") != std::string::npos) {
      lines.push_back(line);
    }
  }
  return lines;
}

MqttSubscriber::MqttSubscriber(unsigned short port, const std::string& topic,
                               const std::string& client_id) {
  init_libmosquitto();
  mosq_ = mosquitto_new(client_id.c_str(), false, this);
  if (mosq_ == nullptr) throw std::runtime_error("mosquitto_new failed");
  mosquitto_message_callback_set(mosq_, &MqttSubscriber::on_message);
  mosquitto_subscribe_callback_set(mosq_, &MqttSubscriber::on_subscribe);
  if (mosquitto_connect(mosq_, "127.0.0.1", port, 30) != MOSQ_ERR_SUCCESS ||
      mosquitto_loop_start(mosq_) != MOSQ_ERR_SUCCESS ||
      mosquitto_subscribe(mosq_, nullptr, topic.c_str(), 2) != MOSQ_ERR_SUCCESS) {
    mosquitto_destroy(mosq_);
    throw std::runtime_error("the MQTT subscriber cannot connect to port " + std::to_string(port));
  }
  std::unique_lock lock(mutex_);
  if (!changed_.wait_for(lock, 10s, [this] { return subscribed_; })) {
    lock.unlock();
    mosquitto_loop_stop(mosq_, true);
    mosquitto_destroy(mosq_);
    throw std::runtime_error("the MQTT broker did not acknowledge the subscription to " + topic);
  }
}

MqttSubscriber::~MqttSubscriber() {
  mosquitto_disconnect(mosq_);
  mosquitto_loop_stop(mosq_, false);
  mosquitto_destroy(mosq_);
}

std::vector<MqttSubscriber::Message> MqttSubscriber::wait_for(std::size_t count,
                                                              std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return messages_.size() >= count; });
  return messages_;
}

std::vector<MqttSubscriber::Message> MqttSubscriber::messages() const {
  std::lock_guard lock(mutex_);
  return messages_;
}

void MqttSubscriber::on_message(mosquitto*, void* self, const mosquitto_message* message) {
  auto& s = *static_cast<MqttSubscriber*>(self);
  std::lock_guard lock(s.mutex_);
  s.messages_.push_back({message->topic,
                         std::string(static_cast<const char*>(message->payload),
                                     static_cast<std::size_t>(message->payloadlen)),
                         message->qos});
  s.changed_.notify_all();
}

void MqttSubscriber::on_subscribe(mosquitto*, void* self, int, int, const int*) {
  auto& s = *static_cast<MqttSubscriber*>(self);
  std::lock_guard lock(s.mutex_);
  s.subscribed_ = true;
  s.changed_.notify_all();
}

}  // namespace tsunagu::it
