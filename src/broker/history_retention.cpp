#include "broker/history_retention.hpp"

#include <spdlog/spdlog.h>

#include <future>

namespace tsunagu::broker {

void HistoryRetention::start() {
  bool any = policy_.defaults.retention_days.has_value();
  for (const auto& [name, rule] : policy_.tenants) any = any || rule.retention_days.has_value();
  if (!any) return;
  thread_ = std::thread([this] {
    for (;;) {
      run_once();
      std::unique_lock lock(mu_);
      if (wake_.wait_for(lock, interval_, [this] { return stopping_; })) return;
    }
  });
}

void HistoryRetention::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool HistoryRetention::stopping() {
  std::lock_guard lock(mu_);
  return stopping_;
}

std::size_t HistoryRetention::run_once() {
  std::size_t erased = 0;
  for (const auto& tenant : store_.tenant_names()) {
    const auto& rule = policy_.rule_for(tenant);
    if (!rule.retention_days) continue;
    const auto before = clock_.now() - std::chrono::days(*rule.retention_days);
    auto n = prune(tenant, before);
    if (!n) {
      spdlog::warn("history retention of tenant '{}': {}", tenant, n.error().message);
      continue;
    }
    erased += *n;
  }
  return erased;
}

Result<std::size_t> HistoryRetention::prune(const std::string& tenant, model::Timestamp before) {
  auto db = store_.tenant(tenant, false);
  if (!db) return std::unexpected(db.error());
  std::size_t total = 0;
  while (!stopping()) {
    auto erased = std::make_shared<std::size_t>(0);
    std::promise<Status> done;
    auto finished = done.get_future();
    (*db)->submit(store::WriteJob{[before, erased](store::WriteTxn& txn) -> Status {
                                    auto n = txn.history().erase_recorded_before(before, kBatch);
                                    if (!n) return std::unexpected(n.error());
                                    *erased = *n;
                                    return ok();
                                  },
                                  [&done](Status st) { done.set_value(std::move(st)); }});
    if (auto st = finished.get(); !st) return std::unexpected(st.error());
    total += *erased;
    if (*erased < kBatch) break;
  }
  return total;
}

}  // namespace tsunagu::broker
