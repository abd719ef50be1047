#include "consent/grant_index.hpp"

#include <algorithm>
#include <mutex>

namespace tsunagu::consent {

std::string GrantIndex::scope_key(std::string_view client_id, std::string_view tenant,
                                  std::string_view category) {
  // NUL cannot occur in a client id, tenant name or category.
  std::string key;
  key.reserve(client_id.size() + tenant.size() + category.size() + 2);
  key.append(client_id).append(1, '\0').append(tenant).append(1, '\0').append(category);
  return key;
}

void GrantIndex::load(const std::vector<store::GrantRecord>& grants) {
  std::unique_lock lock(mu_);
  by_scope_.clear();
  by_id_.clear();
  ids_of_subject_.clear();
  for (const auto& g : grants) add_locked(g);
}

void GrantIndex::add(const store::GrantRecord& grant) {
  std::unique_lock lock(mu_);
  add_locked(grant);
}

void GrantIndex::add_locked(const store::GrantRecord& grant) {
  if (grant.withdrawn || by_id_.contains(grant.id)) return;
  auto key = scope_key(grant.client_id, grant.tenant, grant.category);
  by_scope_[key][grant.subject].push_back(GrantRef{grant.id, grant.purpose, grant.expires});
  by_id_.emplace(grant.id, Located{std::move(key), grant.subject});
  ids_of_subject_[grant.subject].push_back(grant.id);
}

void GrantIndex::remove(std::string_view grant_id) {
  std::unique_lock lock(mu_);
  remove_locked(grant_id);
}

void GrantIndex::remove_subject(std::string_view subject) {
  std::unique_lock lock(mu_);
  auto ids = ids_of_subject_.find(std::string(subject));
  if (ids == ids_of_subject_.end()) return;
  const auto copy = ids->second;
  for (const auto& id : copy) remove_locked(id);
}

void GrantIndex::remove_locked(std::string_view grant_id) {
  auto found = by_id_.find(std::string(grant_id));
  if (found == by_id_.end()) return;
  const Located where = found->second;
  by_id_.erase(found);
  auto scope = by_scope_.find(where.scope);
  if (scope != by_scope_.end()) {
    auto subject = scope->second.find(where.subject);
    if (subject != scope->second.end()) {
      std::erase_if(subject->second, [&](const GrantRef& g) { return g.id == grant_id; });
      if (subject->second.empty()) scope->second.erase(subject);
    }
    if (scope->second.empty()) by_scope_.erase(scope);
  }
  auto ids = ids_of_subject_.find(where.subject);
  if (ids != ids_of_subject_.end()) {
    std::erase(ids->second, std::string(grant_id));
    if (ids->second.empty()) ids_of_subject_.erase(ids);
  }
}

std::optional<GrantRef> GrantIndex::find(std::string_view client_id, std::string_view tenant,
                                         std::string_view category, std::string_view subject,
                                         model::Timestamp now) const {
  std::shared_lock lock(mu_);
  auto scope = by_scope_.find(scope_key(client_id, tenant, category));
  if (scope == by_scope_.end()) return std::nullopt;
  auto grants = scope->second.find(std::string(subject));
  if (grants == scope->second.end()) return std::nullopt;
  const GrantRef* best = nullptr;
  for (const auto& g : grants->second) {
    if (g.expires > now && (!best || g.expires > best->expires)) best = &g;
  }
  return best ? std::optional<GrantRef>(*best) : std::nullopt;
}

std::vector<std::string> GrantIndex::subjects(std::string_view client_id, std::string_view tenant,
                                              std::string_view category,
                                              model::Timestamp now) const {
  std::vector<std::string> out;
  std::shared_lock lock(mu_);
  auto scope = by_scope_.find(scope_key(client_id, tenant, category));
  if (scope == by_scope_.end()) return out;
  for (const auto& [subject, grants] : scope->second) {
    if (std::any_of(grants.begin(), grants.end(),
                    [&](const GrantRef& g) { return g.expires > now; })) {
      out.push_back(subject);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace tsunagu::consent
