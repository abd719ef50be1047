#pragma once
// Everything personal the platform holds about one resident, across tenants
// (docs/design/consent.md, "Portability, erasure"): found for the resident's download, and
// erased when the account is deleted. Personal means what the tenants' rules declare: entities
// of a personal type naming the resident as their subject, and the histories of such entities,
// also of those deleted since (found by the subject attribute's recorded instances).
//
// Reads and writes as the system: the resident's own request or their account's deletion is
// what allows them, which the callers check.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "consent/rule_book.hpp"
#include "model/entity.hpp"
#include "model/error.hpp"
#include "store/store.hpp"

namespace tsunagu::broker {

struct TenantSubjectData {
  std::string tenant;
  std::vector<model::Entity> entities;
  std::vector<store::HistoryEntity> histories;
};

struct Erased {
  std::size_t entities = 0;
  std::size_t histories = 0;
};

class SubjectData {
 public:
  SubjectData(store::Store& store, const consent::RuleBook& rules) : store_(store), rules_(rules) {}

  // The subject's personal entities and histories in every tenant that declares personal data.
  Result<std::vector<TenantSubjectData>> find(std::string_view subject);

  // Erases them: one write job per tenant, waited for, so a success means the erasure is
  // durable. Not an NGSI-LD deletion: no notification is sent and no tombstone recorded.
  Result<Erased> erase(std::string_view subject);

 private:
  Result<TenantSubjectData> find_in(const std::string& tenant, store::TenantStore& db,
                                    std::string_view subject);

  store::Store& store_;
  const consent::RuleBook& rules_;
};

}  // namespace tsunagu::broker
