#pragma once
// The policy and the audit together, for one reader: what the broker's restricted services
// hold while they answer one request (docs/design/consent.md). admit() is the whole read path
// for entities: decide each, drop or strip what the reader may not see, and record what it
// does see before the answer is returned.

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "consent/access_policy.hpp"
#include "consent/audit_trail.hpp"

namespace tsunagu::consent {

// Removes the named attributes from the entity.
void strip(model::Entity& entity, const std::vector<std::string>& hidden);

class ReadGuard {
 public:
  ReadGuard(const AccessPolicy& policy, AuditTrail& audit, Viewer viewer)
      : policy_(policy), audit_(audit), viewer_(std::move(viewer)) {}

  const Viewer& viewer() const { return viewer_; }
  bool applies(std::string_view tenant) const { return policy_.applies(viewer_, tenant); }
  bool personal(std::string_view tenant, std::span<const std::string_view> types) const {
    return policy_.personal(tenant, types);
  }

  std::vector<store::SubjectRestriction> restrictions(std::string_view tenant,
                                                      const std::set<std::string>& used) const {
    return policy_.restrictions(viewer_, tenant, used);
  }
  Decision decide(std::string_view tenant, const model::Entity& entity) const {
    return policy_.decide(viewer_, tenant, entity);
  }
  Status record(std::string_view tenant, const std::vector<ReadAccesses>& reads) const {
    return audit_.record(viewer_, tenant, reads);
  }

  // Decides each entity in place: those the reader may not see are removed, hidden attributes
  // stripped, and what remains of personal data recorded. An error (the audit could not be
  // written) means nothing may be returned.
  Status admit(std::string_view tenant, std::vector<model::Entity>& entities) const;

  // admit() for items that carry an entity: `entity_of(item)` is what is decided, and
  // `strip_item(item, hidden)` removes the hidden attributes from everything the item carries.
  template <typename Item, typename EntityOf, typename StripItem>
  Status admit_each(std::string_view tenant, std::vector<Item>& items, EntityOf entity_of,
                    StripItem strip_item) const {
    if (!applies(tenant)) return ok();
    std::vector<ReadAccesses> reads;
    std::size_t kept = 0;
    for (auto& item : items) {
      const model::Entity& entity = entity_of(item);
      auto d = decide(tenant, entity);
      if (!d.visible) continue;
      if (!d.accesses.empty()) reads.push_back({entity.id, std::move(d.accesses)});
      strip_item(item, d.hidden);
      if (&items[kept] != &item) items[kept] = std::move(item);
      ++kept;
    }
    items.resize(kept);
    return record(tenant, reads);
  }

 private:
  const AccessPolicy& policy_;
  AuditTrail& audit_;
  Viewer viewer_;
};

using SharedReadGuard = std::shared_ptr<const ReadGuard>;

}  // namespace tsunagu::consent
