#pragma once
// The hash chain of the audit log (store/audit_log.hpp). Pure: no I/O.
//
// Each record's hash is base64url(SHA-256(encoding)) without padding, 43 characters, where the
// encoding is a version tag and then seq, at (milliseconds since the epoch, in decimal),
// client_id, subject, data, purpose, grant_id and prev_hash, each written as a netstring
// ("<byte length in decimal>:<bytes>,"). Because every field carries its length, no two
// different records encode alike: ("ab", "c") and ("a", "bc") differ.
//
// The first record's prev_hash is kAuditGenesis: 43 'A' characters, the base64url of a digest of
// 32 zero bytes, which no real record hashes to in practice.
//
// What the chain proves: a record changed in place (its hash no longer matches its fields), a
// record removed from the middle (a gap in seq, or a prev_hash naming no record before it), a
// record reordered or inserted (prev_hash or seq out of line). What it cannot prove alone: that
// records were cut off at the end, or that the whole tail was rewritten with recomputed hashes;
// for that an operator compares the last hash with one noted earlier (tsunagu audit verify
// prints it).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/audit_log.hpp"

namespace tsunagu::store {

inline constexpr std::string_view kAuditGenesis = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

// The hash `r` must carry, from every field but r.hash.
std::string audit_hash(const AuditRecord& r);

struct AuditCheck {
  bool ok = true;
  std::int64_t checked = 0;  // records found intact before the first bad one (all when ok)
  std::optional<std::int64_t> first_bad_seq;
  std::string problem;  // what is wrong with that record; empty when ok
};

// Checks records that follow each other in seq order (a whole log, or a page of it whose first
// record should name `expected_prev_of_first`: kAuditGenesis for seq 1, else the hash of the
// record before the page). Stops at the first record that is out of line.
AuditCheck verify_chain(const std::vector<AuditRecord>& records_in_seq_order,
                        std::string_view expected_prev_of_first);

}  // namespace tsunagu::store
