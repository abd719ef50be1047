#include "broker/history_recorder.hpp"

#include "broker/history_diff.hpp"

namespace tsunagu::broker {

const HistoryPolicy::Rule& HistoryPolicy::rule_for(std::string_view tenant) const {
  auto it = tenants.find(tenant);
  return it == tenants.end() ? defaults : it->second;
}

bool HistoryRecorder::watches(const std::string& tenant) const {
  return policy_.rule_for(tenant).enabled;
}

Result<ChangeObserver::AfterCommit> HistoryRecorder::on_changes(
    const std::string&, store::WriteTxn& txn, const std::vector<EntityChange>& changes) {
  const auto now = clock_.now();
  for (const auto& change : changes) {
    auto append = history_of(change, now);
    if (!append) continue;
    if (auto st = txn.history().append(*append); !st) return std::unexpected(st.error());
  }
  return AfterCommit();
}

}  // namespace tsunagu::broker
