#pragma once
// The write load of the notify scenario: PATCH of one attribute of random entities, as fast as
// the server answers, over several keep-alive connections. Every write carries its own sequence
// number as the attribute's value, so that a notification read at the receiver names the write
// (and so the commit) it comes from.

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace tsunagu::bench {

struct WriteLoadOptions {
  unsigned short port = 0;
  pid_t server_pid = 0;                 // whose CPU time the measurement window counts
  std::vector<std::string> entity_ids;  // the writes pick among these
  std::string attribute;                // the attribute written
  std::uint64_t connections = 8;
  double warmup_s = 2, seconds = 10;
};

// One write answered 2xx: the commit is durable when `answered_ns` is taken.
struct Write {
  std::uint64_t seq;
  std::int64_t sent_ns, answered_ns;
};

struct WriteLoad {
  std::vector<Write> writes;   // every 2xx write, warm-up included
  std::uint64_t failures = 0;  // non-2xx answers and broken connections
  std::string first_failure;
  std::int64_t window_start_ns = 0, window_end_ns = 0;  // the measured part
  double server_cpu_s = 0;                              // in the window

  bool in_window(std::int64_t t) const { return t >= window_start_ns && t < window_end_ns; }
  double window_s() const { return static_cast<double>(window_end_ns - window_start_ns) / 1e9; }
};

// Figures of the writes answered in the window.
struct WriteFigures {
  std::uint64_t count = 0;
  double per_s = 0, p50_ms = 0, p99_ms = 0, cpu_us = 0;  // cpu_us: server CPU per write
};

// Runs the load for warmup_s + seconds; sequence numbers come from `next_seq`, so that the
// loads of one run never reuse one.
WriteLoad run_write_load(const WriteLoadOptions& options, std::atomic<std::uint64_t>& next_seq);
WriteFigures figures_of(const WriteLoad& load);

}  // namespace tsunagu::bench
