#include "mqtt_baseline.hpp"

#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>

#include "measure.hpp"
#include "mqtt_client.hpp"

namespace tsunagu::bench {
namespace {

constexpr const char* kTopic = "tsunagu-bench/notify";
constexpr double kDrainSeconds = 5;

// The head of every payload: which message, and when it was published.
struct Stamp {
  std::uint64_t seq;
  std::int64_t sent_ns;
};

struct Delivery {
  Stamp stamp;
  std::int64_t at_ns;
};

// Counts deliveries and wakes the publisher when it waits for its window to open.
class Flow {
 public:
  void delivered() {
    ++delivered_;
    if (waiting_) {
      std::lock_guard lock(mu_);
      opened_.notify_one();
    }
  }
  std::uint64_t count() const { return delivered_; }
  // Waits (a millisecond at most per call) until fewer than `limit` deliveries are owed.
  void wait_below(std::uint64_t owed_total, std::uint64_t limit) {
    std::unique_lock lock(mu_);
    waiting_ = true;
    opened_.wait_for(lock, std::chrono::milliseconds(1),
                     [&] { return owed_total - delivered_ < limit; });
    waiting_ = false;
  }

 private:
  std::atomic<std::uint64_t> delivered_{0};
  std::atomic<bool> waiting_{false};
  std::mutex mu_;
  std::condition_variable opened_;
};

// A subscriber and what it received, read only once it has stopped.
struct Subscriber {
  std::vector<Delivery> got;
  std::unique_ptr<MqttClient> client;
};

std::string client_id(const std::string& role, std::size_t i) {
  return "tsunagu-bench-" + role + std::to_string(i) + "-" + std::to_string(::getpid());
}

std::vector<std::string> idle_topics(std::uint64_t n) {
  std::vector<std::string> topics;
  for (std::uint64_t i = 0; i < n; ++i)
    topics.push_back("tsunagu-bench/other/" + std::to_string(i));
  return topics;
}

// The publisher's side: how fast, and when the measurement window lies.
struct Pace {
  std::uint64_t fanout, window, rate;  // rate: messages/s, 0 for as fast as the window allows
  std::int64_t start_ns, measure_from_ns, measure_to_ns;
  pid_t broker;

  bool measured(std::int64_t t) const { return t >= measure_from_ns && t < measure_to_ns; }
  double seconds() const { return static_cast<double>(measure_to_ns - measure_from_ns) / 1e9; }
};

struct Published {
  std::uint64_t count = 0;
  double broker_cpu_s = 0;  // in the measurement window
};

// Publishes until the end of the window, then waits (a few seconds at most) for the deliveries.
Published publish(MqttClient& publisher, const Pace& pace, Flow& flow, std::size_t bytes, int qos) {
  std::string payload(bytes, 'x');
  Published out;
  double cpu0 = -1;
  for (std::int64_t now; (now = now_ns()) < pace.measure_to_ns;) {
    if (cpu0 < 0 && pace.measured(now)) cpu0 = cpu_seconds_of(pace.broker);
    if (out.count * pace.fanout - flow.count() >= pace.window * pace.fanout) {
      flow.wait_below(out.count * pace.fanout, pace.window * pace.fanout);
      continue;
    }
    if (pace.rate) {
      const auto due = pace.start_ns +
                       static_cast<std::int64_t>(static_cast<double>(out.count) * 1e9 / pace.rate);
      if (due > now) std::this_thread::sleep_for(std::chrono::nanoseconds(due - now));
    }
    const Stamp stamp{out.count++, now_ns()};
    std::memcpy(payload.data(), &stamp, sizeof stamp);
    publisher.publish(kTopic, payload, qos);
  }
  out.broker_cpu_s = cpu_seconds_of(pace.broker) - cpu0;
  const auto drain_start = now_ns();
  while (flow.count() < out.count * pace.fanout &&
         now_ns() - drain_start < static_cast<std::int64_t>(kDrainSeconds * 1e9)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return out;
}

// Deliveries in the window per second, and the latency of the messages published in it.
void print_figures(const std::vector<Subscriber>& subscribers, const Pace& pace,
                   const Published& published, std::uint64_t delivered) {
  std::vector<double> latency;
  std::uint64_t in_window = 0;
  for (const auto& s : subscribers) {
    for (const auto& d : s.got) {
      if (pace.measured(d.at_ns)) ++in_window;
      if (pace.measured(d.stamp.sent_ns)) {
        latency.push_back(static_cast<double>(d.at_ns - d.stamp.sent_ns) / 1e6);
      }
    }
  }
  std::cout << "subscribers=" << pace.fanout << " window=" << pace.window << " rate=" << pace.rate
            << " deliveries_per_s=" << static_cast<double>(in_window) / pace.seconds()
            << " p50_ms=" << percentile(latency, 50) << " p99_ms=" << percentile(latency, 99)
            << " max_ms=" << percentile(latency, 100) << " cpu_us_per_delivery="
            << (in_window ? published.broker_cpu_s * 1e6 / static_cast<double>(in_window) : 0)
            << " published=" << published.count
            << " lost=" << published.count * pace.fanout - delivered;
}

}  // namespace

int run_mqtt(const Args& args) {
  const auto port = static_cast<unsigned short>(args.num("port"));
  const int qos = static_cast<int>(args.num("qos", 0));
  const auto bytes = std::max<std::uint64_t>(sizeof(Stamp), args.num("bytes"));
  const auto idle_n = args.num("idle-subscriptions", 9990);
  Pace pace{};
  pace.fanout = std::max<std::uint64_t>(1, args.num("subscribers", 10));
  pace.window = std::max<std::uint64_t>(1, args.num("window", 100));
  pace.rate = args.num("rate", 0);
  pace.broker = static_cast<pid_t>(args.num("broker-pid"));

  Flow flow;
  std::vector<Subscriber> subscribers(pace.fanout);
  for (std::size_t i = 0; i < pace.fanout; ++i) {
    auto& s = subscribers[i];
    s.client = std::make_unique<MqttClient>(
        client_id("sub", i), port, [&s, &flow](std::string_view payload) {
          Stamp stamp{};
          std::memcpy(&stamp, payload.data(), std::min(payload.size(), sizeof stamp));
          s.got.push_back({stamp, now_ns()});
          flow.delivered();
        });
    s.client->subscribe({kTopic}, qos);
  }
  MqttClient idle(client_id("idle", 0), port);
  idle.subscribe(idle_topics(idle_n), qos);
  MqttClient publisher(client_id("pub", 0), port);

  pace.start_ns = now_ns();
  pace.measure_from_ns =
      pace.start_ns + static_cast<std::int64_t>(args.num("warmup", 2)) * 1'000'000'000;
  pace.measure_to_ns =
      pace.measure_from_ns + static_cast<std::int64_t>(args.num("seconds", 10)) * 1'000'000'000;
  const auto published = publish(publisher, pace, flow, bytes, qos);
  for (auto& s : subscribers) s.client->stop();
  std::cout << "qos=" << qos << " idle_subscriptions=" << idle_n << " bytes=" << bytes << " ";
  print_figures(subscribers, pace, published, flow.count());
  std::cout << "\n";
  return 0;
}

}  // namespace tsunagu::bench
