#pragma once
// The audit log of accesses to residents' personal data (issue 9, item 4): who (client_id) read
// what (data) of whom (subject), for which purpose, under which consent grant, and when. A
// resident is shown it ("who used my data"); an operator exports and verifies it.
//
// Contract of every implementation:
//   - Append-only. Records are never changed or removed through this interface, and the backend
//     refuses to do so through its own query language where it can (SQLite: triggers).
//   - Hash-chained (store/audit_chain.hpp): each record carries the hash of the one before it,
//     so a record changed, removed or reordered by another tool is found by verify_chain().
//   - seq numbers are 1, 2, 3, ... without gaps, in the order of append().
//   - append() is durable when it returns; every method may be called from any thread and
//     returns errors as values.

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "model/error.hpp"
#include "model/time.hpp"

namespace tsunagu::store {

struct AuditRecord {
  std::int64_t seq = 0;
  model::Timestamp at{};
  std::string client_id;
  std::string subject;   // the resident whose data was read
  std::string data;      // what was read, e.g. "tenant/type/entity id/attrs"
  std::string purpose;   // why, as the client declared it
  std::string grant_id;  // the consent grant that allowed it
  std::string prev_hash;
  std::string hash;
};

// for_subject(): from the newest record on.
inline constexpr std::int64_t kAuditNewest = std::numeric_limits<std::int64_t>::max();

class AuditLog {
 public:
  virtual ~AuditLog() = default;

  // Appends `r`, ignoring its seq, prev_hash and hash: it assigns the next seq, the hash of the
  // last record as prev_hash (the genesis value for the first) and the record's own hash, and
  // returns the record as stored.
  virtual Result<AuditRecord> append(AuditRecord r) = 0;
  // Appends the records in order, all or none, in one durable write: one request's accesses.
  virtual Result<std::vector<AuditRecord>> append_all(std::vector<AuditRecord> records) = 0;
  // The subject's records with seq < before_seq, newest first, at most `limit`. The next page
  // starts before the seq of the last record returned; pass kAuditNewest for the first page.
  virtual Result<std::vector<AuditRecord>> for_subject(std::string_view subject, std::size_t limit,
                                                       std::int64_t before_seq) = 0;
  // Every subject's records with seq >= from_seq, oldest first, at most `limit`: the chain in
  // order, for verification and export.
  virtual Result<std::vector<AuditRecord>> range(std::int64_t from_seq, std::size_t limit) = 0;
};

}  // namespace tsunagu::store
