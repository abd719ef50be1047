#pragma once
// Every tenant's personal-data rules, in memory, as the policy reads them on each request.
// Changed by the ConsentService (admin API, configuration) after the store has them.
//
// Thread safety: every method may be called from any thread; rules_ is guarded by mu_, and a
// RuleSet handed out is immutable, so a request keeps a consistent set while it runs.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "consent/rules.hpp"

namespace tsunagu::consent {

using SharedRules = std::shared_ptr<const RuleSet>;

class RuleBook {
 public:
  // The tenant's rules; an empty set when it has none.
  SharedRules rules(std::string_view tenant) const;
  void set(std::string_view tenant, RuleSet rules);
  // Whether some tenant has rules: when none has, reads skip the policy altogether.
  bool any() const;
  // The tenants that have rules, sorted.
  std::vector<std::string> tenants() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, SharedRules, std::less<>> rules_;  // guarded by mu_
  SharedRules empty_ = std::make_shared<const RuleSet>();
};

}  // namespace tsunagu::consent
