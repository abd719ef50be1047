#pragma once
// What deleting a resident's account does beyond oneID (issue 9, item 5; docs/consent.md):
// every consent grant is withdrawn, the resident's personal entities and their histories are
// erased in every tenant, and the audit log records that it happened (the records of earlier
// accesses stay: the log is append-only).

#include <string_view>

#include "broker/subject_data.hpp"
#include "consent/consent_service.hpp"
#include "model/time.hpp"
#include "store/audit_log.hpp"

namespace tsunagu::app {

Status erase_resident(std::string_view subject, consent::ConsentService& consents,
                      broker::SubjectData& data, store::AuditLog& audit, const model::Clock& clock);

}  // namespace tsunagu::app
