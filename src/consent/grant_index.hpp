#pragma once
// The consent grants in force, in memory (docs/design/consent.md, "Grants"): the policy asks
// it on every read of personal data, so it answers without I/O. The ConsentService changes it
// in the same step as the store, so a withdrawal takes effect on the next read.
//
// Thread safety: every method may be called from any thread; the maps are guarded by mu_
// (shared for lookups, exclusive for changes).

#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/time.hpp"
#include "store/consent_store.hpp"

namespace tsunagu::consent {

struct GrantRef {
  std::string id;
  std::string purpose;
  model::Timestamp expires{};
};

class GrantIndex {
 public:
  // Replaces every grant with these (those withdrawn are left out).
  void load(const std::vector<store::GrantRecord>& grants);
  void add(const store::GrantRecord& grant);
  void remove(std::string_view grant_id);
  // Removes every grant of the subject.
  void remove_subject(std::string_view subject);

  // The grant, unexpired at `now`, that lets the client read the subject's data of the
  // category in the tenant; of several, the one that lasts longest.
  std::optional<GrantRef> find(std::string_view client_id, std::string_view tenant,
                               std::string_view category, std::string_view subject,
                               model::Timestamp now) const;
  // Every subject that granted the client the category in the tenant, unexpired at `now`,
  // sorted.
  std::vector<std::string> subjects(std::string_view client_id, std::string_view tenant,
                                    std::string_view category, model::Timestamp now) const;

 private:
  struct Located {
    std::string scope;  // key of by_scope_
    std::string subject;
  };
  static std::string scope_key(std::string_view client_id, std::string_view tenant,
                               std::string_view category);
  void add_locked(const store::GrantRecord& grant);
  void remove_locked(std::string_view grant_id);

  mutable std::shared_mutex mu_;
  // client, tenant, category -> subject -> the grants in force
  std::unordered_map<std::string, std::unordered_map<std::string, std::vector<GrantRef>>>
      by_scope_;                                                              // guarded by mu_
  std::unordered_map<std::string, Located> by_id_;                            // guarded by mu_
  std::unordered_map<std::string, std::vector<std::string>> ids_of_subject_;  // guarded by mu_
};

}  // namespace tsunagu::consent
