#include "consent/rule_book.hpp"

namespace tsunagu::consent {

SharedRules RuleBook::rules(std::string_view tenant) const {
  std::lock_guard lock(mu_);
  auto it = rules_.find(tenant);
  return it == rules_.end() ? empty_ : it->second;
}

void RuleBook::set(std::string_view tenant, RuleSet rules) {
  std::lock_guard lock(mu_);
  if (rules.empty()) {
    if (auto it = rules_.find(tenant); it != rules_.end()) rules_.erase(it);
    return;
  }
  rules_.insert_or_assign(std::string(tenant), std::make_shared<const RuleSet>(std::move(rules)));
}

std::vector<std::string> RuleBook::tenants() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [tenant, _] : rules_) out.push_back(tenant);
  return out;
}

bool RuleBook::any() const {
  std::lock_guard lock(mu_);
  return !rules_.empty();
}

}  // namespace tsunagu::consent
