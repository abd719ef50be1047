#include "notify_scenario.hpp"

#include <iostream>
#include <sstream>

#include "notification_log.hpp"
#include "notify_receiver.hpp"
#include "notify_setup.hpp"
#include "shelter.hpp"

namespace tsunagu::bench {
namespace {

constexpr const char* kAttribute = "occupancy";
constexpr double kStallSeconds = 3;  // no notification for this long: the rest is not coming

std::vector<std::string> split(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');) out.push_back(item);
  return out;
}

std::string receiver_uri(unsigned short port, const std::string& path) {
  return "http://127.0.0.1:" + std::to_string(port) + path;
}

void print_writes(std::ostream& out, const std::string& prefix, const WriteLoad& load) {
  const auto f = figures_of(load);
  out << " " << prefix << "_writes=" << f.count << " " << prefix << "_per_s=" << f.per_s << " "
      << prefix << "_p50_ms=" << f.p50_ms << " " << prefix << "_p99_ms=" << f.p99_ms << " "
      << prefix << "_cpu_us=" << f.cpu_us << " " << prefix << "_failures=" << load.failures;
  if (load.failures) {
    std::cerr << "notify_bench: " << prefix << ": " << load.failures
              << " writes failed; the first: " << load.first_failure << "\n";
  }
}

// Server CPU per notification beyond what the same writes cost with the same subscriptions
// present but none matching (the w1 load).
double marginal_cpu_us(const WriteLoad& idle, const WriteLoad& notify, double notifications) {
  const double write_cpu_us = figures_of(idle).cpu_us;
  const double rest = notify.server_cpu_s * 1e6 - write_cpu_us * figures_of(notify).count;
  return notifications > 0 ? rest / notifications : 0;
}

// A line on stderr as each step begins, so that a profiler can be started at the right moment
// (docs/performance.md, "Subscriptions").
void step(const std::string& what) {
  std::cerr << "notify_bench: " << what << std::endl;
}

}  // namespace

int run_notify(const Args& args) {
  const auto port = static_cast<unsigned short>(args.num("port"));
  const auto subscriptions = args.num("subscriptions", 10000);
  const auto matching = std::min(args.num("matching", 10), subscriptions);
  const auto conns = args.num("conns", 8);
  const auto kinds = split(args.str("kinds", "types,attrs"));
  const bool shared_endpoint = args.num("shared-endpoint", 0) != 0;

  WriteLoadOptions load;
  load.port = port;
  load.server_pid = static_cast<pid_t>(args.num("server-pid"));
  const auto prefix = args.str("prefix");
  for (std::uint64_t i = 0, n = args.num("entities"); i < n; ++i) {
    load.entity_ids.push_back(ShelterTemplate::id(prefix, i));
  }
  load.attribute = kAttribute;
  load.connections = conns;
  load.warmup_s = static_cast<double>(args.num("warmup", 2));
  load.seconds = static_cast<double>(args.num("seconds", 10));

  NotificationLog log(kAttribute, matching);
  // Listener `matching` receives what the non-matching subscriptions would send: nothing.
  const std::size_t listeners = (shared_endpoint ? 1 : matching) + 1;
  Receiver receiver(listeners, [&](std::size_t, std::string_view body, std::int64_t at) {
    log.record(body, at);
  });
  const auto ports = receiver.ports();

  std::atomic<std::uint64_t> next_seq{0};
  step("w0: writes without subscriptions");
  const auto none = run_write_load(load, next_seq);

  std::vector<std::string> bodies;
  for (std::uint64_t i = 0; i < subscriptions - matching; ++i) {
    bodies.push_back(other_subscription(i, kinds[i % kinds.size()], kAttribute,
                                        receiver_uri(ports.back(), "/other")));
  }
  step("creating " + std::to_string(bodies.size()) + " non-matching subscriptions");
  const double subscribe_s = create_subscriptions(port, bodies, conns);
  step("w1: writes with them");
  const auto idle = run_write_load(load, next_seq);

  bodies.clear();
  for (std::uint64_t k = 0; k < matching; ++k) {
    const auto listener = shared_endpoint ? 0 : k;
    bodies.push_back(matching_subscription(
        k, kAttribute, receiver_uri(ports[listener], "/notify/" + std::to_string(k))));
  }
  create_subscriptions(port, bodies, conns);
  step("w2: writes with " + std::to_string(matching) + " matching subscriptions more");
  const auto notify = run_write_load(load, next_seq);
  const double drain_s = log.wait_for(notify.writes.size() * matching, kStallSeconds,
                                      static_cast<double>(args.num("drain-seconds", 15)));
  receiver.stop();

  const auto n = log.figures(notify);
  std::ostringstream out;
  out << "entities=" << load.entity_ids.size() << " subscriptions=" << subscriptions
      << " matching=" << matching << " conns=" << conns
      << " subscribe_per_s=" << static_cast<double>(subscriptions - matching) / subscribe_s;
  print_writes(out, "w0", none);
  print_writes(out, "w1", idle);
  print_writes(out, "w2", notify);
  out << " notifications_per_s=" << n.per_s << " latency_p50_ms=" << n.p50_ms
      << " latency_p99_ms=" << n.p99_ms << " latency_max_ms=" << n.max_ms
      << " sent_to_receipt_p50_ms=" << n.sent_p50_ms << " sent_to_receipt_p99_ms=" << n.sent_p99_ms
      << " early_share=" << n.early_share << " cpu_us_per_notification="
      << (n.per_s > 0 ? notify.server_cpu_s * 1e6 / (n.per_s * notify.window_s()) : 0)
      << " marginal_cpu_us_per_notification="
      << marginal_cpu_us(idle, notify, n.per_s * notify.window_s()) << " expected=" << n.expected
      << " received=" << n.received << " missing=" << n.expected - n.received
      << " duplicates=" << n.duplicates << " unexpected=" << log.unexpected()
      << " all_expected=" << notify.writes.size() * matching << " all_received=" << log.received()
      << " drain_s=" << drain_s << " body_bytes=" << log.median_bytes() << "\n";
  std::cout << out.str();
  return 0;
}

}  // namespace tsunagu::bench
