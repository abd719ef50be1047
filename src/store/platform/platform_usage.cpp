// Metering in the platform database (store/usage_store.hpp): PlatformDb's UsageStore, the
// table client_usage.

#include "store/platform/platform_db.hpp"

namespace tsunagu::store {
namespace {

UsageRow usage_row(SqlStatement& s) {
  UsageRow r;
  r.hour = from_ms(s.column_int(0));
  r.client_id = s.column_text(1);
  r.tenant = s.column_text(2);
  r.type = s.column_text(3);
  r.requests = static_cast<std::uint64_t>(s.column_int(4));
  r.entities = static_cast<std::uint64_t>(s.column_int(5));
  r.bytes = static_cast<std::uint64_t>(s.column_int(6));
  return r;
}

}  // namespace

Status PlatformDb::add_usage(const std::vector<UsageRow>& rows) {
  if (rows.empty()) return ok();
  std::lock_guard lock(mu_);
  return in_transaction([&]() -> Status {
    for (const auto& r : rows) {
      auto st = exec_one(
          "INSERT INTO client_usage(hour, client_id, tenant, type, requests, entities, bytes) "
          "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(hour, client_id, tenant, type) DO "
          "UPDATE SET requests = client_usage.requests + excluded.requests, "
          "entities = client_usage.entities + excluded.entities, "
          "bytes = client_usage.bytes + excluded.bytes",
          [&](SqlStatement& s) {
            s.bind(1, to_ms(r.hour));
            s.bind(2, r.client_id);
            s.bind(3, r.tenant);
            s.bind(4, r.type);
            s.bind(5, static_cast<std::int64_t>(r.requests));
            s.bind(6, static_cast<std::int64_t>(r.entities));
            s.bind(7, static_cast<std::int64_t>(r.bytes));
          },
          "record client usage");
      if (!st) return st;
    }
    return ok();
  });
}

Result<std::vector<UsageRow>> PlatformDb::usage(model::Timestamp from, model::Timestamp to,
                                                std::string_view client_id) {
  std::lock_guard lock(mu_);
  return many<UsageRow>(
      "SELECT hour, client_id, tenant, type, requests, entities, bytes FROM client_usage WHERE "
      "hour >= ?1 AND hour < ?2 AND (?3 = '' OR client_id = ?3) ORDER BY hour, client_id, "
      "tenant, type",
      [&](SqlStatement& s) {
        s.bind(1, to_ms(from));
        s.bind(2, to_ms(to));
        s.bind(3, client_id);
      },
      usage_row, "read client usage");
}

}  // namespace tsunagu::store
