// The audit log of accesses to personal data in the platform database (store/audit_log.hpp):
// the SQLite side of PlatformDb's AuditLog. append() reads the last hash and inserts the next
// record in one BEGIN IMMEDIATE transaction, so two processes appending at once still form one
// chain; the table's triggers refuse UPDATE and DELETE.

#include <algorithm>
#include <limits>

#include "store/audit_chain.hpp"
#include "store/platform/platform_db.hpp"

namespace tsunagu::store {
namespace {

constexpr std::string_view kAuditColumns =
    "seq, at, client_id, subject, data, purpose, grant_id, prev_hash, hash";

AuditRecord audit_row(SqlStatement& s) {
  AuditRecord r;
  r.seq = s.column_int(0);
  r.at = from_ms(s.column_int(1));
  r.client_id = s.column_text(2);
  r.subject = s.column_text(3);
  r.data = s.column_text(4);
  r.purpose = s.column_text(5);
  r.grant_id = s.column_text(6);
  r.prev_hash = s.column_text(7);
  r.hash = s.column_text(8);
  return r;
}

void bind_audit(SqlStatement& s, const AuditRecord& r) {
  s.bind(1, r.seq);
  s.bind(2, to_ms(r.at));
  s.bind(3, r.client_id);
  s.bind(4, r.subject);
  s.bind(5, r.data);
  s.bind(6, r.purpose);
  s.bind(7, r.grant_id);
  s.bind(8, r.prev_hash);
  s.bind(9, r.hash);
}

std::int64_t sql_limit(std::size_t limit) {
  constexpr auto most = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  return static_cast<std::int64_t>(std::min(limit, most));
}

}  // namespace

Result<AuditRecord> PlatformDb::append(AuditRecord r) {
  std::vector<AuditRecord> one_record;
  one_record.push_back(std::move(r));
  auto stored = append_all(std::move(one_record));
  if (!stored) return std::unexpected(stored.error());
  return std::move(stored->front());
}

Result<std::vector<AuditRecord>> PlatformDb::append_all(std::vector<AuditRecord> records) {
  std::lock_guard lock(mu_);
  auto st = in_transaction([&]() -> Status {
    auto end = chain_end();
    if (!end) return std::unexpected(end.error());
    std::int64_t seq = end->seq;
    std::string prev = end->hash;
    for (auto& r : records) {
      r.seq = ++seq;
      r.prev_hash = prev;
      r.hash = audit_hash(r);
      prev = r.hash;
      auto inserted = run(
          "INSERT INTO audit_log(" + std::string(kAuditColumns) +
              ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
          [&](SqlStatement& s) { bind_audit(s, r); }, "append to the audit log");
      if (!inserted) return std::unexpected(inserted.error());
    }
    return ok();
  });
  if (!st) return std::unexpected(st.error());
  return records;
}

Result<std::vector<AuditRecord>> PlatformDb::for_subject(std::string_view subject,
                                                         std::size_t limit,
                                                         std::int64_t before_seq) {
  std::lock_guard lock(mu_);
  return audit_rows("SELECT " + std::string(kAuditColumns) +
                        " FROM audit_log WHERE subject = ?1 AND seq < ?2 ORDER BY seq DESC "
                        "LIMIT ?3",
                    [&](SqlStatement& s) {
                      s.bind(1, subject);
                      s.bind(2, before_seq);
                      s.bind(3, sql_limit(limit));
                    });
}

Result<std::vector<AuditRecord>> PlatformDb::range(std::int64_t from_seq, std::size_t limit) {
  std::lock_guard lock(mu_);
  return audit_rows("SELECT " + std::string(kAuditColumns) +
                        " FROM audit_log WHERE seq >= ?1 ORDER BY seq LIMIT ?2",
                    [&](SqlStatement& s) {
                      s.bind(1, from_seq);
                      s.bind(2, sql_limit(limit));
                    });
}

Result<PlatformDb::ChainEnd> PlatformDb::chain_end() {
  auto end = one<ChainEnd>(
      "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", [](SqlStatement&) {},
      [](SqlStatement& s) {
        return ChainEnd{s.column_int(0), std::string(s.column_text(1))};
      },
      "read the end of the audit log");
  if (!end) return std::unexpected(end.error());
  return end->value_or(ChainEnd{0, std::string(kAuditGenesis)});
}

Result<std::vector<AuditRecord>> PlatformDb::audit_rows(
    std::string_view sql, const std::function<void(SqlStatement&)>& bind) {
  return many<AuditRecord>(sql, bind, audit_row, "read the audit log");
}

}  // namespace tsunagu::store
