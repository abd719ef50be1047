#include "write_load.hpp"

#include <chrono>
#include <memory>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>

#include "http_client.hpp"
#include "measure.hpp"

namespace tsunagu::bench {
namespace {

struct Shared {
  Shared(const WriteLoadOptions& o, std::atomic<std::uint64_t>& seq) : options(o), next_seq(seq) {}
  const WriteLoadOptions& options;
  std::atomic<std::uint64_t>& next_seq;
  std::atomic<bool> stop{false};
  std::mutex mu;
  WriteLoad result;  // writes and failures guarded by mu
};

void count_failure(Shared& shared, const std::string& why) {
  std::lock_guard lock(shared.mu);
  if (shared.result.failures++ == 0) shared.result.first_failure = why;
}

// One connection's writes, kept apart until the end so that writers never share a lock.
void writer(Shared& shared, unsigned index) {
  const auto& o = shared.options;
  std::mt19937_64 random(0x5eed0000 + index);
  std::uniform_int_distribution<std::size_t> pick(0, o.entity_ids.size() - 1);
  std::vector<Write> mine;
  std::unique_ptr<Connection> c;
  while (!shared.stop) {
    try {
      if (!c) c = std::make_unique<Connection>(o.port);
      const auto seq = shared.next_seq++;
      const std::string path =
          "/ngsi-ld/v1/entities/" + o.entity_ids[pick(random)] + "/attrs/" + o.attribute;
      const auto sent = now_ns();
      const auto reply = c->request("PATCH", path, R"({"value":)" + std::to_string(seq) + "}");
      const auto answered = now_ns();
      if (reply.status / 100 == 2) {
        mine.push_back({seq, sent, answered});
      } else {
        count_failure(shared, "PATCH answered " + std::to_string(reply.status) + ": " +
                                  reply.body.substr(0, 200));
      }
    } catch (const std::exception& ex) {
      count_failure(shared, ex.what());
      c.reset();  // a fresh connection next time, after a pause that a dead server needs
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  std::lock_guard lock(shared.mu);
  auto& all = shared.result.writes;
  all.insert(all.end(), mine.begin(), mine.end());
}

void sleep_until_ns(std::int64_t t) {
  const auto left = t - now_ns();
  if (left > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(left));
}

}  // namespace

WriteLoad run_write_load(const WriteLoadOptions& options, std::atomic<std::uint64_t>& next_seq) {
  if (options.entity_ids.empty()) throw std::runtime_error("no entities to write");
  Shared shared(options, next_seq);
  const auto start = now_ns();
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < options.connections; ++i) {
    threads.emplace_back([&shared, i] { writer(shared, i); });
  }
  auto& r = shared.result;
  r.window_start_ns = start + static_cast<std::int64_t>(options.warmup_s * 1e9);
  r.window_end_ns = r.window_start_ns + static_cast<std::int64_t>(options.seconds * 1e9);
  sleep_until_ns(r.window_start_ns);
  const double cpu0 = cpu_seconds_of(options.server_pid);
  sleep_until_ns(r.window_end_ns);
  r.server_cpu_s = cpu_seconds_of(options.server_pid) - cpu0;
  shared.stop = true;
  for (auto& t : threads) t.join();
  return std::move(shared.result);
}

WriteFigures figures_of(const WriteLoad& load) {
  std::vector<double> ms;
  for (const auto& w : load.writes) {
    if (load.in_window(w.answered_ns)) {
      ms.push_back(static_cast<double>(w.answered_ns - w.sent_ns) / 1e6);
    }
  }
  WriteFigures f;
  f.count = ms.size();
  f.per_s = static_cast<double>(f.count) / load.window_s();
  f.p50_ms = percentile(ms, 50);
  f.p99_ms = percentile(ms, 99);
  f.cpu_us = f.count ? load.server_cpu_s * 1e6 / static_cast<double>(f.count) : 0;
  return f;
}

}  // namespace tsunagu::bench
