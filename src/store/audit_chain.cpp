#include "store/audit_chain.hpp"

#include "crypto/primitives.hpp"

namespace tsunagu::store {
namespace {

// Bumped if the encoding ever changes, so that old and new hashes can never be confused.
constexpr std::string_view kEncodingVersion = "tsunagu-audit-1";

void netstring(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
  out += ',';
}

std::string encoding(const AuditRecord& r) {
  std::string out;
  netstring(out, kEncodingVersion);
  netstring(out, std::to_string(r.seq));
  netstring(out, std::to_string(r.at.time_since_epoch().count()));
  for (const std::string* field :
       {&r.client_id, &r.subject, &r.data, &r.purpose, &r.grant_id, &r.prev_hash}) {
    netstring(out, *field);
  }
  return out;
}

AuditCheck bad(std::int64_t checked, std::int64_t seq, std::string problem) {
  return AuditCheck{false, checked, seq, std::move(problem)};
}

}  // namespace

std::string audit_hash(const AuditRecord& r) {
  return crypto::base64url_encode(crypto::sha256(encoding(r)));
}

AuditCheck verify_chain(const std::vector<AuditRecord>& records_in_seq_order,
                        std::string_view expected_prev_of_first) {
  std::string_view expected_prev = expected_prev_of_first;
  std::int64_t checked = 0;
  const AuditRecord* before = nullptr;
  for (const auto& r : records_in_seq_order) {
    if (before && r.seq != before->seq + 1) {
      return bad(checked, r.seq,
                 "seq " + std::to_string(r.seq) + " follows seq " + std::to_string(before->seq) +
                     ": a record is missing or out of order");
    }
    if (r.prev_hash != expected_prev) {
      return bad(checked, r.seq,
                 "prev_hash does not match the hash of the record before it: a record was "
                 "removed, inserted or reordered");
    }
    if (audit_hash(r) != r.hash) {
      return bad(checked, r.seq, "hash does not match the record's fields: the record was changed");
    }
    expected_prev = r.hash;
    before = &r;
    ++checked;
  }
  return AuditCheck{true, checked, std::nullopt, {}};
}

}  // namespace tsunagu::store
