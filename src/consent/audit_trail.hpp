#pragma once
// Writes the policy's decisions to the audit log (store/audit_log.hpp): one record per access
// to one resident's data, all of one answer in one durable write, before the answer leaves
// (docs/design/consent.md, "Audit"). When the write fails, the answer must not be sent: a read
// that cannot be recorded does not happen.

#include <string>
#include <string_view>
#include <vector>

#include "consent/access_policy.hpp"
#include "model/error.hpp"
#include "model/time.hpp"
#include "store/audit_log.hpp"

namespace tsunagu::consent {

// What one answer read, entity by entity.
struct ReadAccesses {
  std::string entity_id;
  std::vector<Access> accesses;
};

class AuditTrail {
 public:
  AuditTrail(store::AuditLog& log, const model::Clock& clock) : log_(log), clock_(clock) {}

  // Appends a record per access; nothing to do when there is none.
  Status record(const Viewer& viewer, std::string_view tenant,
                const std::vector<ReadAccesses>& reads);

  // The JSON text of a record's `data`: {"tenant", "type", "id", "category", "attributes"?}.
  static std::string data_text(std::string_view tenant, std::string_view entity_id,
                               const Access& access);

 private:
  store::AuditLog& log_;
  const model::Clock& clock_;
};

}  // namespace tsunagu::consent
