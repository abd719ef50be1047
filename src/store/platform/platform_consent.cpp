// Consent in the platform database (store/consent_store.hpp): the SQLite side of PlatformDb's
// ConsentStore. Each method is one statement or one transaction under the connection's mutex.

#include "store/platform/platform_db.hpp"

namespace tsunagu::store {
namespace {

constexpr std::string_view kGrantColumns =
    "id, subject, client_id, tenant, category, purpose, granted, expires, withdrawn";
constexpr std::string_view kRequestColumns =
    "id, subject, client_id, tenant, category, purpose, requested, until, state, decided, "
    "grant_id";

std::optional<model::Timestamp> optional_time(SqlStatement& s, int column) {
  if (s.column_null(column)) return std::nullopt;
  return from_ms(s.column_int(column));
}

void bind_optional_time(SqlStatement& s, int index, const std::optional<model::Timestamp>& t) {
  if (t) {
    s.bind(index, to_ms(*t));
  } else {
    s.bind_null(index);
  }
}

GrantRecord grant_row(SqlStatement& s) {
  GrantRecord g;
  g.id = s.column_text(0);
  g.subject = s.column_text(1);
  g.client_id = s.column_text(2);
  g.tenant = s.column_text(3);
  g.category = s.column_text(4);
  g.purpose = s.column_text(5);
  g.granted = from_ms(s.column_int(6));
  g.expires = from_ms(s.column_int(7));
  g.withdrawn = optional_time(s, 8);
  return g;
}

void bind_grant(SqlStatement& s, const GrantRecord& g) {
  s.bind(1, g.id);
  s.bind(2, g.subject);
  s.bind(3, g.client_id);
  s.bind(4, g.tenant);
  s.bind(5, g.category);
  s.bind(6, g.purpose);
  s.bind(7, to_ms(g.granted));
  s.bind(8, to_ms(g.expires));
  bind_optional_time(s, 9, g.withdrawn);
}

std::string_view state_name(RequestState state) {
  switch (state) {
    case RequestState::Pending:
      return "pending";
    case RequestState::Approved:
      return "approved";
    case RequestState::Declined:
      return "declined";
  }
  return "pending";
}

RequestState state_from(std::string_view name) {
  if (name == "approved") return RequestState::Approved;
  if (name == "declined") return RequestState::Declined;
  return RequestState::Pending;
}

ConsentRequestRecord request_row(SqlStatement& s) {
  ConsentRequestRecord r;
  r.id = s.column_text(0);
  r.subject = s.column_text(1);
  r.client_id = s.column_text(2);
  r.tenant = s.column_text(3);
  r.category = s.column_text(4);
  r.purpose = s.column_text(5);
  r.requested = from_ms(s.column_int(6));
  r.until = from_ms(s.column_int(7));
  r.state = state_from(s.column_text(8));
  r.decided = optional_time(s, 9);
  r.grant_id = s.column_text(10);
  return r;
}

void bind_request(SqlStatement& s, const ConsentRequestRecord& r) {
  s.bind(1, r.id);
  s.bind(2, r.subject);
  s.bind(3, r.client_id);
  s.bind(4, r.tenant);
  s.bind(5, r.category);
  s.bind(6, r.purpose);
  s.bind(7, to_ms(r.requested));
  s.bind(8, to_ms(r.until));
  s.bind(9, state_name(r.state));
  bind_optional_time(s, 10, r.decided);
  s.bind(11, r.grant_id);
}

const std::string kInsertGrant = "INSERT INTO consent_grants(" + std::string(kGrantColumns) +
                                 ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

}  // namespace

Result<std::vector<std::pair<std::string, std::string>>> PlatformDb::all_rules() {
  std::lock_guard lock(mu_);
  return many<std::pair<std::string, std::string>>(
      "SELECT tenant, rules FROM personal_data_rules ORDER BY tenant", [](SqlStatement&) {},
      [](SqlStatement& s) {
        return std::pair{std::string(s.column_text(0)), std::string(s.column_text(1))};
      },
      "read personal-data rules");
}

Status PlatformDb::put_rules(std::string_view tenant, std::string_view rules_json) {
  std::lock_guard lock(mu_);
  return told(put_rules_locked(tenant, rules_json), kRulesChanged);
}

Status PlatformDb::put_rules_locked(std::string_view tenant, std::string_view rules_json) {
  if (rules_json.empty()) {
    return exec_one(
        "DELETE FROM personal_data_rules WHERE tenant = ?1",
        [&](SqlStatement& s) { s.bind(1, tenant); }, "remove personal-data rules");
  }
  return exec_one(
      "INSERT INTO personal_data_rules(tenant, rules) VALUES(?1, ?2) "
      "ON CONFLICT(tenant) DO UPDATE SET rules = excluded.rules",
      [&](SqlStatement& s) {
        s.bind(1, tenant);
        s.bind(2, rules_json);
      },
      "store personal-data rules");
}

Status PlatformDb::add_grant(const GrantRecord& grant) {
  std::lock_guard lock(mu_);
  return told(
      exec_one(
          kInsertGrant, [&](SqlStatement& s) { bind_grant(s, grant); }, "store consent grant"),
      kGrantsChanged);
}

Result<std::optional<GrantRecord>> PlatformDb::grant(std::string_view id) {
  std::lock_guard lock(mu_);
  return one<GrantRecord>(
      "SELECT " + std::string(kGrantColumns) + " FROM consent_grants WHERE id = ?1",
      [&](SqlStatement& s) { s.bind(1, id); }, grant_row, "read consent grant");
}

Result<bool> PlatformDb::withdraw_grant(std::string_view id, std::string_view subject,
                                        model::Timestamp at) {
  std::lock_guard lock(mu_);
  auto changed = run(
      "UPDATE consent_grants SET withdrawn = ?3 WHERE id = ?1 AND subject = ?2 AND withdrawn "
      "IS NULL",
      [&](SqlStatement& s) {
        s.bind(1, id);
        s.bind(2, subject);
        s.bind(3, to_ms(at));
      },
      "withdraw consent grant");
  if (!changed) return std::unexpected(changed.error());
  if (*changed > 0) tell_nodes(kGrantsChanged);
  return *changed > 0;
}

Result<std::vector<GrantRecord>> PlatformDb::grants_of(std::string_view subject) {
  std::lock_guard lock(mu_);
  return many<GrantRecord>(
      "SELECT " + std::string(kGrantColumns) +
          " FROM consent_grants WHERE subject = ?1 ORDER BY granted DESC, id",
      [&](SqlStatement& s) { s.bind(1, subject); }, grant_row, "read consent grants");
}

Result<std::vector<GrantRecord>> PlatformDb::active_grants(model::Timestamp now) {
  std::lock_guard lock(mu_);
  return many<GrantRecord>(
      "SELECT " + std::string(kGrantColumns) +
          " FROM consent_grants WHERE withdrawn IS NULL AND expires > ?1",
      [&](SqlStatement& s) { s.bind(1, to_ms(now)); }, grant_row, "read active consent grants");
}

Result<int> PlatformDb::withdraw_all(std::string_view subject, model::Timestamp at) {
  std::lock_guard lock(mu_);
  return told(run(
                  "UPDATE consent_grants SET withdrawn = ?2 WHERE subject = ?1 AND withdrawn "
                  "IS NULL",
                  [&](SqlStatement& s) {
                    s.bind(1, subject);
                    s.bind(2, to_ms(at));
                  },
                  "withdraw consent grants"),
              kGrantsChanged);
}

Status PlatformDb::add_request(const ConsentRequestRecord& request) {
  std::lock_guard lock(mu_);
  return exec_one(
      "INSERT INTO consent_requests(" + std::string(kRequestColumns) +
          ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
      [&](SqlStatement& s) { bind_request(s, request); }, "store consent request");
}

Result<std::optional<ConsentRequestRecord>> PlatformDb::request(std::string_view id) {
  std::lock_guard lock(mu_);
  return one<ConsentRequestRecord>(
      "SELECT " + std::string(kRequestColumns) + " FROM consent_requests WHERE id = ?1",
      [&](SqlStatement& s) { s.bind(1, id); }, request_row, "read consent request");
}

Result<std::vector<ConsentRequestRecord>> PlatformDb::requests_of(std::string_view subject,
                                                                  bool pending_only) {
  std::lock_guard lock(mu_);
  return many<ConsentRequestRecord>(
      "SELECT " + std::string(kRequestColumns) +
          " FROM consent_requests WHERE subject = ?1 AND (?2 = 0 OR state = 'pending') "
          "ORDER BY requested DESC, id",
      [&](SqlStatement& s) {
        s.bind(1, subject);
        s.bind(2, std::int64_t{pending_only ? 1 : 0});
      },
      request_row, "read consent requests");
}

Result<bool> PlatformDb::decide_request(std::string_view id, std::string_view subject,
                                        RequestState state, model::Timestamp at,
                                        const std::optional<GrantRecord>& grant) {
  std::lock_guard lock(mu_);
  return told(decide_request_locked(id, subject, state, at, grant), kGrantsChanged);
}

Result<bool> PlatformDb::decide_request_locked(std::string_view id, std::string_view subject,
                                               RequestState state, model::Timestamp at,
                                               const std::optional<GrantRecord>& grant) {
  bool decided = false;
  auto st = in_transaction([&]() -> Status {
    auto changed = run(
        "UPDATE consent_requests SET state = ?3, decided = ?4, grant_id = ?5 "
        "WHERE id = ?1 AND subject = ?2 AND state = 'pending'",
        [&](SqlStatement& s) {
          s.bind(1, id);
          s.bind(2, subject);
          s.bind(3, state_name(state));
          s.bind(4, to_ms(at));
          s.bind(5, grant ? std::string_view(grant->id) : std::string_view(""));
        },
        "decide consent request");
    if (!changed) return std::unexpected(changed.error());
    decided = *changed > 0;
    if (!decided || !grant) return ok();
    return exec_one(
        kInsertGrant, [&](SqlStatement& s) { bind_grant(s, *grant); }, "store consent grant");
  });
  if (!st) return std::unexpected(st.error());
  return decided;
}

}  // namespace tsunagu::store
