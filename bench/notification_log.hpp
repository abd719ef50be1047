#pragma once
// What the receiver got in the notify scenario, and the figures drawn from it once the writes
// are known. Each notification names its write by the sequence number that the write stored in
// the watched attribute (write_load.hpp) and its subscription by id (notify_setup.hpp).

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "write_load.hpp"

namespace tsunagu::bench {

struct Receipt {
  std::uint64_t seq;
  std::uint64_t subscription;  // k of matching_id(k)
  std::int64_t at_ns;
};

struct NotificationFigures {
  double per_s = 0;                           // received in the write window
  double p50_ms = 0, p99_ms = 0, max_ms = 0;  // commit (2xx) to receipt
  double sent_p50_ms = 0, sent_p99_ms = 0;    // write sent to receipt
  double early_share = 0;  // share received before the writer had its 2xx (negative latency)
  std::uint64_t expected = 0, received = 0;  // of the writes answered in the window
  std::uint64_t duplicates = 0;
};

class NotificationLog {
 public:
  NotificationLog(std::string_view attribute, std::uint64_t matching)
      : attribute_(attribute), matching_(matching) {}

  // The receiver's callback. Notifications that no matching subscription should have sent, or
  // that cannot be read, count as unexpected.
  void record(std::string_view body, std::int64_t at_ns);

  std::uint64_t received() const { return received_; }
  std::uint64_t unexpected() const { return unexpected_; }
  std::uint64_t median_bytes() const;

  // Waits until `count` notifications have come, none has come for `stall_s`, or `limit_s`
  // passed. Returns the seconds waited.
  double wait_for(std::uint64_t count, double stall_s, double limit_s) const;

  NotificationFigures figures(const WriteLoad& load) const;

 private:
  const std::string attribute_;
  const std::uint64_t matching_;
  mutable std::mutex mu_;
  std::vector<Receipt> receipts_;     // guarded by mu_
  std::vector<std::uint64_t> bytes_;  // guarded by mu_
  std::atomic<std::uint64_t> received_{0}, unexpected_{0};
  std::atomic<std::int64_t> last_at_ns_{0};
};

}  // namespace tsunagu::bench
