#pragma once
// Appends to a tenant's history what each write changed (history_diff.hpp), inside the write's
// own transaction: an acknowledged write is in the history, a failed one is not.

#include <map>
#include <optional>
#include <string>

#include "broker/entity_change.hpp"
#include "model/time.hpp"

namespace tsunagu::broker {

// Whether a tenant keeps history, and for how long (docs/configuration.md, [history]).
struct HistoryPolicy {
  struct Rule {
    bool enabled = true;
    std::optional<unsigned> retention_days;  // none: forever
  };
  Rule defaults;
  std::map<std::string, Rule, std::less<>> tenants;  // by tenant name; "" is the default tenant

  const Rule& rule_for(std::string_view tenant) const;
};

// Constant after construction; thread-safe.
class HistoryRecorder final : public ChangeObserver {
 public:
  HistoryRecorder(HistoryPolicy policy, const model::Clock& clock)
      : policy_(std::move(policy)), clock_(clock) {}

  bool watches(const std::string& tenant) const override;
  Result<AfterCommit> on_changes(const std::string& tenant, store::WriteTxn& txn,
                                 const std::vector<EntityChange>& changes) override;

 private:
  const HistoryPolicy policy_;
  const model::Clock& clock_;
};

}  // namespace tsunagu::broker
