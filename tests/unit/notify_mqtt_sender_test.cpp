// MqttSender against a real mosquitto broker started by the test on a free loopback port, and a
// libmosquitto subscriber that records what the broker delivers. The broker is required: when
// its binary is missing the tests fail and say how to install it.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <mosquitto.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include "notify/dispatcher.hpp"
#include "notify/mqtt_sender.hpp"
#include "notify_test_support.hpp"

namespace tsunagu::notify {
namespace {

using namespace std::chrono_literals;
using testing::Results;
using Outcome = DeliveryResult::Outcome;

// The broker binary: on PATH, or where Debian installs it (sbin is not on every user's PATH).
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

// A mosquitto process with a plain listener (and a TLS one when given an identity) on loopback,
// its configuration and log in a temporary directory. stop() and start() keep the ports.
class Broker {
 public:
  struct Config {
    bool allow_anonymous = true;
    std::optional<testing::TlsIdentity> tls;
  };

  Broker() : Broker(Config{}) {}
  explicit Broker(Config config) : config_(std::move(config)) {
    port_ = testing::closed_port();
    if (config_.tls) tls_port_ = testing::closed_port();
    // The broker may drop root privileges to its own user: it must be able to read the files.
    ::chmod(dir_.path().c_str(), 0755);
    std::string conf = "per_listener_settings false\nallow_anonymous " +
                       std::string(config_.allow_anonymous ? "true" : "false") +
                       "\nlog_dest stderr\nlog_type all\nlistener " + std::to_string(port_) +
                       " 127.0.0.1\n";
    if (config_.tls) {
      const auto cert = dir_.write("cert.pem", config_.tls->certificate_pem);
      const auto key = dir_.write("key.pem", config_.tls->private_key_pem);
      ::chmod(key.c_str(), 0644);
      conf += "listener " + std::to_string(tls_port_) + " 127.0.0.1\ncertfile " + cert.string() +
              "\nkeyfile " + key.string() + "\n";
    }
    config_file_ = dir_.write("mosquitto.conf", conf);
  }
  ~Broker() { stop(); }
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  void start() {
    const std::string binary = mosquitto_binary();
    if (binary.empty()) {
      throw std::runtime_error(
          "the mosquitto broker is not installed: run scripts/install-deps.sh");
    }
    const auto log_path = dir_.path() / "mosquitto.log";
    const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0) throw std::runtime_error("cannot open the broker log");
    std::vector<std::string> args = {binary, "-c", config_file_.string()};
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {  // only async-signal-safe calls until exec
      ::dup2(log_fd, 1);
      ::dup2(log_fd, 2);
      ::syscall(SYS_close_range, 3U, ~0U, 0U);
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(log_fd);
    pid_ = pid;
    const bool ready = testing::wait_until(
        [&] {
          return !alive() || (port_accepts(port_) && (!config_.tls || port_accepts(tls_port_)));
        },
        10s);
    if (!ready || !alive()) {
      throw std::runtime_error("mosquitto did not start; its log:\n" + log());
    }
  }

  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  bool alive() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == 0) return true;
    pid_ = -1;
    return false;
  }

  unsigned short port() const { return port_; }
  unsigned short tls_port() const { return tls_port_; }
  std::string url(const std::string& topic) const {
    return "mqtt://127.0.0.1:" + std::to_string(port_) + "/" + topic;
  }
  std::string log() const {
    std::ifstream in(dir_.path() / "mosquitto.log");
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  }
  // The broker's "New client connected ... as tsunagu-..." lines: our sender's connections.
  std::vector<std::string> sender_connections() const {
    std::vector<std::string> lines;
    std::stringstream in(log());
    for (std::string line; std::getline(in, line);) {
      if (line.find("New client connected") != std::string::npos &&
          line.find(" as tsunagu-") != std::string::npos) {
        lines.push_back(line);
      }
    }
    return lines;
  }

 private:
  Config config_;
  testing::TempDir dir_;
  std::filesystem::path config_file_;
  unsigned short port_ = 0;
  unsigned short tls_port_ = 0;
  pid_t pid_ = -1;
};

// A subscriber on its own libmosquitto thread; ready once the broker acknowledged the
// subscription.
class Subscriber {
 public:
  struct Message {
    std::string topic;
    std::string payload;
    int qos = 0;
  };

  Subscriber(unsigned short port, const std::string& topic, int qos) {
    mosquitto_lib_init();
    mosq_ = mosquitto_new(nullptr, true, this);
    mosquitto_message_callback_set(mosq_, &Subscriber::on_message);
    mosquitto_subscribe_callback_set(mosq_, &Subscriber::on_subscribe);
    if (mosquitto_connect(mosq_, "127.0.0.1", port, 30) != MOSQ_ERR_SUCCESS) {
      throw std::runtime_error("subscriber cannot connect");
    }
    mosquitto_loop_start(mosq_);
    mosquitto_subscribe(mosq_, nullptr, topic.c_str(), qos);
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, 10s, [&] { return subscribed_; })) {
      throw std::runtime_error("no SUBACK");
    }
  }
  ~Subscriber() {
    mosquitto_disconnect(mosq_);
    mosquitto_loop_stop(mosq_, false);
    mosquitto_destroy(mosq_);
  }

  bool wait_for(std::size_t n, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return messages_.size() >= n; });
  }
  std::vector<Message> messages() {
    std::lock_guard lock(mutex_);
    return messages_;
  }

 private:
  static void on_message(struct mosquitto*, void* self, const struct mosquitto_message* m) {
    auto& s = *static_cast<Subscriber*>(self);
    std::lock_guard lock(s.mutex_);
    s.messages_.push_back(
        {m->topic,
         std::string(static_cast<const char*>(m->payload), static_cast<std::size_t>(m->payloadlen)),
         m->qos});
    s.changed_.notify_all();
  }
  static void on_subscribe(struct mosquitto*, void* self, int, int, const int*) {
    auto& s = *static_cast<Subscriber*>(self);
    std::lock_guard lock(s.mutex_);
    s.subscribed_ = true;
    s.changed_.notify_all();
  }

  struct mosquitto* mosq_ = nullptr;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool subscribed_ = false;
  std::vector<Message> messages_;
};

Notification notification(const std::string& endpoint, Fields notifier_info = {}) {
  Notification n;
  n.endpoint = endpoint;
  n.content_type = "application/json";
  n.headers = {
      {"Link", "<https://example.org/ctx.jsonld>; rel=\"http://www.w3.org/ns/json-ld#context\""},
      {"X-Auth-Token", "t0ken"}};
  n.notifier_info = std::move(notifier_info);
  n.body = R"({"id":"urn:ngsi-ld:Notification:1","type":"Notification","data":[{"id":"urn:x:1"}]})";
  return n;
}

constexpr const char* kExpectedPayload =
    R"({"metadata":{"Content-Type":"application/json",)"
    R"("Link":"<https://example.org/ctx.jsonld>; rel=\"http://www.w3.org/ns/json-ld#context\"",)"
    R"("X-Auth-Token":"t0ken"},)"
    R"("body":{"id":"urn:ngsi-ld:Notification:1","type":"Notification","data":[{"id":"urn:x:1"}]}})";

DeliveryResult deliver(MqttSender& sender, const Notification& n) {
  Results results;
  sender.send(n, [&](DeliveryResult r) { results.add(r); });
  if (!results.wait_for(1, 15s)) throw std::runtime_error("no result");
  return results.all().front();
}

class MqttSenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(mosquitto_binary().empty())
        << "the mosquitto broker is not installed: run scripts/install-deps.sh";
  }
};

TEST_F(MqttSenderTest, PublishesQos0WithMqtt311) {
  Broker broker;
  broker.start();
  Subscriber subscriber(broker.port(), "tsunagu/test/q0", 0);
  MqttSender sender;
  auto result = deliver(sender, notification(broker.url("tsunagu/test/q0")));
  ASSERT_TRUE(result.ok()) << result.error;
  ASSERT_TRUE(subscriber.wait_for(1));
  const auto m = subscriber.messages().front();
  EXPECT_EQ(m.topic, "tsunagu/test/q0");
  EXPECT_EQ(m.payload, kExpectedPayload);
  const auto connections = broker.sender_connections();
  ASSERT_EQ(connections.size(), 1u) << broker.log();
  EXPECT_NE(connections[0].find("(p2, c1, k30"), std::string::npos) << connections[0];  // 3.1.1
}

TEST_F(MqttSenderTest, PublishesQos1WithMqtt5AfterThePuback) {
  Broker broker;
  broker.start();
  Subscriber subscriber(broker.port(), "tsunagu/test/q1", 1);
  MqttSender sender;
  auto result = deliver(sender, notification(broker.url("tsunagu/test/q1"),
                                             {{"MQTT-QoS", "1"}, {"MQTT-Version", "mqtt5.0"}}));
  ASSERT_TRUE(result.ok()) << result.error;
  ASSERT_TRUE(subscriber.wait_for(1));
  const auto m = subscriber.messages().front();
  EXPECT_EQ(m.payload, kExpectedPayload);
  EXPECT_EQ(m.qos, 1);
  const auto connections = broker.sender_connections();
  ASSERT_EQ(connections.size(), 1u) << broker.log();
  EXPECT_NE(connections[0].find("(p5, c1, k30"), std::string::npos) << connections[0];  // 5.0
  EXPECT_TRUE(
      std::regex_search(broker.log(), std::regex("Received PUBLISH from tsunagu-[0-9a-f]+ "
                                                 "\\(d0, q1, r0, m[0-9]+, 'tsunagu/test/q1'")))
      << broker.log();
  EXPECT_TRUE(std::regex_search(broker.log(), std::regex("Sending PUBACK to tsunagu-")));
}

TEST_F(MqttSenderTest, PublishesQos2WithBothVersions) {
  Broker broker;
  broker.start();
  Subscriber subscriber(broker.port(), "tsunagu/test/q2", 2);
  MqttSender sender;
  ASSERT_TRUE(
      deliver(sender, notification(broker.url("tsunagu/test/q2"), {{"MQTT-QoS", "2"}})).ok());
  ASSERT_TRUE(deliver(sender, notification(broker.url("tsunagu/test/q2"),
                                           {{"MQTT-QoS", "2"}, {"MQTT-Version", "mqtt5.0"}}))
                  .ok());
  ASSERT_TRUE(subscriber.wait_for(2));
  for (const auto& m : subscriber.messages()) {
    EXPECT_EQ(m.payload, kExpectedPayload);
    EXPECT_EQ(m.qos, 2);
  }
  EXPECT_TRUE(std::regex_search(broker.log(), std::regex("Received PUBREL from tsunagu-")));
  EXPECT_EQ(broker.sender_connections().size(), 2u);  // one per protocol version
}

TEST_F(MqttSenderTest, TopicsOfOneBrokerShareAConnection) {
  Broker broker;
  broker.start();
  Subscriber subscriber(broker.port(), "tsunagu/#", 1);
  MqttSender sender;
  for (const char* topic : {"tsunagu/a", "tsunagu/b", "tsunagu/a/c"}) {
    ASSERT_TRUE(deliver(sender, notification(broker.url(topic), {{"MQTT-QoS", "1"}})).ok());
  }
  ASSERT_TRUE(subscriber.wait_for(3));
  EXPECT_EQ(sender.connections(), 1u);
  EXPECT_EQ(broker.sender_connections().size(), 1u);
}

TEST_F(MqttSenderTest, IdleConnectionIsClosed) {
  Broker broker;
  broker.start();
  MqttSenderOptions options;
  options.idle_timeout = 100ms;
  MqttSender sender(options);
  ASSERT_TRUE(deliver(sender, notification(broker.url("t"))).ok());
  EXPECT_TRUE(testing::wait_until([&] { return sender.connections() == 0; }));
  EXPECT_TRUE(testing::wait_until(
      [&] { return broker.log().find("Received DISCONNECT from tsunagu-") != std::string::npos; }));
  ASSERT_TRUE(deliver(sender, notification(broker.url("t"))).ok());  // opened again on demand
  EXPECT_EQ(broker.sender_connections().size(), 2u);
}

TEST_F(MqttSenderTest, ClosedPortIsTransient) {
  MqttSender sender;
  auto result = deliver(
      sender, notification("mqtt://127.0.0.1:" + std::to_string(testing::closed_port()) + "/t"));
  EXPECT_EQ(result.outcome, Outcome::TransientFailure);
  EXPECT_NE(result.error.find("cannot connect to MQTT broker 127.0.0.1:"), std::string::npos)
      << result.error;
}

TEST_F(MqttSenderTest, RefusedCredentialsArePermanent) {
  Broker broker({.allow_anonymous = false, .tls = std::nullopt});
  broker.start();
  MqttSender sender;
  auto result = deliver(sender, notification(broker.url("t"), {{"MQTT-QoS", "1"}}));
  EXPECT_EQ(result.outcome, Outcome::PermanentFailure);
  EXPECT_NE(result.error.find("refused the connection"), std::string::npos) << result.error;
  EXPECT_NE(result.error.find("not authorised"), std::string::npos) << result.error;
}

TEST_F(MqttSenderTest, InvalidEndpointOrOptionsArePermanentAtOnce) {
  MqttSender sender;
  std::vector<DeliveryResult> results;
  sender.send(notification("mqtt://127.0.0.1/t", {{"MQTT-QoS", "3"}}),
              [&](DeliveryResult r) { results.push_back(r); });
  sender.send(notification("mqtt://127.0.0.1/a/#"),
              [&](DeliveryResult r) { results.push_back(r); });
  ASSERT_EQ(results.size(), 2u);
  for (const auto& r : results) EXPECT_EQ(r.outcome, Outcome::PermanentFailure);
  EXPECT_EQ(sender.connections(), 0u);
}

TEST_F(MqttSenderTest, DeliveredThroughTheDispatcherOnceTheBrokerIsUp) {
  Broker broker;  // configured, not started: its port is closed
  MqttSenderOptions mqtt;
  mqtt.reconnect_delay = 20ms;
  DispatcherOptions options;
  options.initial_backoff = 50ms;
  options.max_backoff = 200ms;
  std::vector<std::unique_ptr<Sender>> senders;
  senders.push_back(std::make_unique<MqttSender>(mqtt));
  Dispatcher dispatcher(options, std::move(senders));
  Results done, attempted;
  dispatcher.submit(notification(broker.url("tsunagu/late"), {{"MQTT-QoS", "1"}}), done.callback(),
                    attempted.callback());
  ASSERT_TRUE(attempted.wait_for(2));
  EXPECT_EQ(done.size(), 0u);
  broker.start();
  ASSERT_TRUE(done.wait_for(1));
  EXPECT_TRUE(done.all()[0].ok()) << done.all()[0].error;
  const auto a = attempted.all();
  for (std::size_t i = 0; i + 1 < a.size(); ++i) {
    EXPECT_EQ(a[i].outcome, Outcome::TransientFailure);
    EXPECT_NE(a[i].error.find("MQTT broker 127.0.0.1:"), std::string::npos) << a[i].error;
  }
  EXPECT_TRUE(a.back().ok());
  EXPECT_TRUE(std::regex_search(broker.log(), std::regex("Received PUBLISH from tsunagu-[0-9a-f]+ "
                                                         "\\(d0, q1, r0, m[0-9]+, 'tsunagu/late'")))
      << broker.log();
}

TEST_F(MqttSenderTest, ReconnectsAfterTheBrokerRestarted) {
  Broker broker;
  broker.start();
  MqttSenderOptions mqtt;
  mqtt.reconnect_delay = 20ms;
  DispatcherOptions options;
  options.initial_backoff = 50ms;
  options.max_backoff = 200ms;
  std::vector<std::unique_ptr<Sender>> senders;
  senders.push_back(std::make_unique<MqttSender>(mqtt));
  Dispatcher dispatcher(options, std::move(senders));
  Results first, second;
  dispatcher.submit(notification(broker.url("t"), {{"MQTT-QoS", "1"}}), first.callback());
  ASSERT_TRUE(first.wait_for(1));
  ASSERT_TRUE(first.all()[0].ok()) << first.all()[0].error;
  broker.stop();
  broker.start();
  dispatcher.submit(notification(broker.url("t"), {{"MQTT-QoS", "1"}}), second.callback());
  ASSERT_TRUE(second.wait_for(1));
  EXPECT_TRUE(second.all()[0].ok()) << second.all()[0].error;
  EXPECT_EQ(broker.sender_connections().size(), 2u);  // the log spans both runs
}

class MqttSenderTls : public MqttSenderTest {
 protected:
  testing::TlsIdentity identity = testing::make_self_signed_identity();
  testing::TempDir dir;
  std::string tls_url(Broker& broker, const std::string& topic) {
    return "mqtts://127.0.0.1:" + std::to_string(broker.tls_port()) + "/" + topic;
  }
};

TEST_F(MqttSenderTls, PublishesOverTlsToATrustedBroker) {
  Broker broker({.allow_anonymous = true, .tls = identity});
  broker.start();
  Subscriber subscriber(broker.port(), "secure/t", 1);  // on the plain listener
  MqttSenderOptions options;
  options.tls.ca_file = dir.write("ca.pem", identity.certificate_pem).string();
  MqttSender sender(options);
  auto result = deliver(sender, notification(tls_url(broker, "secure/t"), {{"MQTT-QoS", "1"}}));
  ASSERT_TRUE(result.ok()) << result.error << "\n" << broker.log();
  ASSERT_TRUE(subscriber.wait_for(1));
  EXPECT_EQ(subscriber.messages().front().payload, kExpectedPayload);
}

TEST_F(MqttSenderTls, VerifiesTheBrokerCertificateByDefault) {
  Broker broker({.allow_anonymous = true, .tls = identity});
  broker.start();
  MqttSender sender;
  auto result = deliver(sender, notification(tls_url(broker, "secure/t"), {{"MQTT-QoS", "1"}}));
  EXPECT_EQ(result.outcome, Outcome::TransientFailure);
  EXPECT_NE(result.error.find("TLS error"), std::string::npos) << result.error;
}

}  // namespace
}  // namespace tsunagu::notify
