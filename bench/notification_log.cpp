#include "notification_log.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "measure.hpp"
#include "notify_setup.hpp"

namespace tsunagu::bench {
namespace {

namespace json = boost::json;

// The sequence number and the matching subscription of a notification of one entity.
std::optional<Receipt> read_receipt(std::string_view body, std::string_view attribute,
                                    std::uint64_t matching) {
  unsigned char buffer[16384];  // a notification of one entity fits: no allocation
  json::monotonic_resource arena(buffer, sizeof buffer);
  boost::system::error_code ec;
  const auto doc = json::parse(body, ec, &arena);
  const auto* n = doc.if_object();
  if (ec || !n) return std::nullopt;
  const auto* id = n->if_contains("subscriptionId");
  const auto* data = n->if_contains("data");
  if (!id || !id->is_string() || !data || !data->is_array() || data->as_array().size() != 1) {
    return std::nullopt;
  }
  const auto k = matching_index(id->get_string());
  const auto* entity = data->as_array()[0].if_object();
  const auto* attr = entity ? entity->if_contains(attribute) : nullptr;
  const auto* value = attr && attr->is_object() ? attr->as_object().if_contains("value") : nullptr;
  if (k < 0 || static_cast<std::uint64_t>(k) >= matching || !value || !value->is_int64()) {
    return std::nullopt;
  }
  return Receipt{static_cast<std::uint64_t>(value->get_int64()), static_cast<std::uint64_t>(k), 0};
}

double ms(std::int64_t ns) {
  return static_cast<double>(ns) / 1e6;
}

}  // namespace

void NotificationLog::record(std::string_view body, std::int64_t at_ns) {
  last_at_ns_ = at_ns;
  auto receipt = read_receipt(body, attribute_, matching_);
  if (!receipt) {
    ++unexpected_;
    return;
  }
  receipt->at_ns = at_ns;
  std::lock_guard lock(mu_);
  receipts_.push_back(*receipt);
  bytes_.push_back(body.size());
  ++received_;
}

std::uint64_t NotificationLog::median_bytes() const {
  std::lock_guard lock(mu_);
  return percentile(bytes_, 50);
}

double NotificationLog::wait_for(std::uint64_t count, double stall_s, double limit_s) const {
  const auto start = now_ns();
  const auto stall_ns = static_cast<std::int64_t>(stall_s * 1e9);
  const auto limit = start + static_cast<std::int64_t>(limit_s * 1e9);
  while (received_ < count && now_ns() < limit &&
         now_ns() - std::max<std::int64_t>(last_at_ns_, start) < stall_ns) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return static_cast<double>(now_ns() - start) / 1e9;
}

NotificationFigures NotificationLog::figures(const WriteLoad& load) const {
  std::unordered_map<std::uint64_t, const Write*> writes;
  for (const auto& w : load.writes) writes.emplace(w.seq, &w);
  std::lock_guard lock(mu_);
  NotificationFigures f;
  std::unordered_set<std::uint64_t> seen;  // seq * matching + subscription
  std::vector<double> latency, since_sent;
  std::uint64_t in_window = 0, early = 0;
  for (const auto& r : receipts_) {
    if (!seen.insert(r.seq * matching_ + r.subscription).second) {
      ++f.duplicates;
      continue;
    }
    if (load.in_window(r.at_ns)) ++in_window;
    auto it = writes.find(r.seq);
    if (it == writes.end() || !load.in_window(it->second->answered_ns)) continue;
    latency.push_back(ms(r.at_ns - it->second->answered_ns));
    since_sent.push_back(ms(r.at_ns - it->second->sent_ns));
    if (r.at_ns < it->second->answered_ns) ++early;
  }
  for (const auto& w : load.writes) f.expected += load.in_window(w.answered_ns) ? matching_ : 0;
  f.received = latency.size();
  f.per_s = static_cast<double>(in_window) / load.window_s();
  f.p50_ms = percentile(latency, 50);
  f.p99_ms = percentile(latency, 99);
  f.max_ms = percentile(latency, 100);
  f.sent_p50_ms = percentile(since_sent, 50);
  f.sent_p99_ms = percentile(since_sent, 99);
  f.early_share = latency.empty() ? 0 : static_cast<double>(early) / latency.size();
  return f;
}

}  // namespace tsunagu::bench
