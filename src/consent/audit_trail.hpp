#pragma once
// Writes the policy's decisions to the audit log (store/audit_log.hpp): one record per access
// to one resident's data, all of one answer in one durable write, before the answer leaves
// (docs/design/consent.md, "Audit"). When the write fails, the answer must not be sent: a read
// that cannot be recorded does not happen.
//
// Group commit: answers recorded at the same time share one transaction and one sync. A caller
// that finds no write in progress writes everything queued (its own records and those queued
// meanwhile); the others wait, and when a write ends, one whose records are still queued writes
// the next group. No caller writes more than one group. Thread safety: record() from any
// thread; queue_, writing_ and the batches' outcomes are guarded by mu_.

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
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
  struct Batch {
    std::vector<store::AuditRecord> records;
    bool written = false;   // guarded by mu_
    Status outcome = ok();  // guarded by mu_; set with written
  };
  // Queues the records and returns once the write that took them is durable (or failed).
  Status commit(std::vector<store::AuditRecord> records);

  store::AuditLog& log_;
  const model::Clock& clock_;
  std::mutex mu_;
  std::condition_variable write_ended_;
  std::deque<std::shared_ptr<Batch>> queue_;  // guarded by mu_
  bool writing_ = false;                      // guarded by mu_
};

}  // namespace tsunagu::consent
