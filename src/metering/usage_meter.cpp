#include "metering/usage_meter.hpp"

#include <chrono>

namespace tsunagu::metering {
namespace {

std::int64_t hour_ms(model::Timestamp t) {
  using namespace std::chrono;
  return duration_cast<milliseconds>(floor<hours>(t).time_since_epoch()).count();
}

}  // namespace

void UsageMeter::count(const std::string& client_id, const std::string& tenant,
                       const RequestUsage& usage, std::size_t bytes) {
  const auto hour = hour_ms(clock_.now());
  std::size_t total = 0;
  for (const auto& [_, n] : usage.by_type()) total += n;
  std::lock_guard lock(mu_);
  if (total == 0) {
    auto& c = counts_[Key{hour, client_id, tenant, ""}];
    ++c.requests;
    c.bytes += bytes;
    return;
  }
  std::size_t shared = 0;
  std::size_t left = usage.by_type().size();
  for (const auto& [type, n] : usage.by_type()) {
    auto& c = counts_[Key{hour, client_id, tenant, type}];
    ++c.requests;
    c.entities += n;
    // The last type takes the remainder, so the parts add up to the whole.
    const std::size_t part = --left == 0 ? bytes - shared : bytes * n / total;
    c.bytes += part;
    shared += part;
  }
}

Status UsageMeter::flush() {
  std::map<Key, Counts> taken;
  {
    std::lock_guard lock(mu_);
    taken.swap(counts_);
  }
  if (taken.empty()) return ok();
  std::vector<store::UsageRow> rows;
  for (const auto& [key, c] : taken) {
    const auto& [hour, client, tenant, type] = key;
    rows.push_back({model::Timestamp(std::chrono::milliseconds(hour)), client, tenant, type,
                    c.requests, c.entities, c.bytes});
  }
  auto st = store_.add_usage(rows);
  if (!st) {
    std::lock_guard lock(mu_);
    for (const auto& [key, c] : taken) {
      auto& kept = counts_[key];
      kept.requests += c.requests;
      kept.entities += c.entities;
      kept.bytes += c.bytes;
    }
  }
  return st;
}

}  // namespace tsunagu::metering
