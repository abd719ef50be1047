#pragma once
// The platform database: what belongs to no tenant (oneID's keys, clients and revoked tokens,
// store/identity_store.hpp; residents' accounts, store/account_store.hpp; the audit log of
// accesses to personal data, store/audit_log.hpp; consent, store/consent_store.hpp; metering,
// store/usage_store.hpp), written once over store/sql_session.hpp for every backend: SQLite's
// <data-dir>/platform.sqlite (sqlite/platform_schema.hpp) or PostgreSQL. Writes are rare and
// small (a client registered, a key rotated, a token revoked, a read audited), so one
// connection serves reads and writes under a mutex; each write is durable when it returns.
// Another process (`tsunagu keys rotate`, `tsunagu clients add`) may write meanwhile: the
// backend serializes writers, and the server reloads what it caches on the next start.
//
// Thread safety: every method may be called from any thread; session_ is guarded by mu_.

#include <functional>
#include <memory>
#include <mutex>

#include "store/account_store.hpp"
#include "store/audit_log.hpp"
#include "store/consent_store.hpp"
#include "store/identity_store.hpp"
#include "store/sql_session.hpp"
#include "store/usage_store.hpp"

namespace tsunagu::store {

class PlatformDb final : public IdentityStore,
                         public AccountStore,
                         public AuditLog,
                         public ConsentStore,
                         public UsageStore {
 public:
  // What the platform's writes tell the other nodes sharing the database, which cache these
  // (store/sql_session.hpp announce): to read them again.
  static constexpr std::string_view kKeysChanged = "platform keys";
  static constexpr std::string_view kRevocationsChanged = "platform revocations";
  static constexpr std::string_view kRulesChanged = "platform rules";
  static constexpr std::string_view kGrantsChanged = "platform grants";

  // Over a session whose database has the platform schema (the backend's migrations ran).
  explicit PlatformDb(std::unique_ptr<SqlSession> session) : session_(std::move(session)) {}

  Result<std::vector<StoredKey>> keys() override;
  Status add_signing_key(const StoredKey& key) override;
  Status forget_keys_retired_before(model::Timestamp before) override;
  Result<std::vector<ClientRecord>> clients() override;
  Result<std::optional<ClientRecord>> client(std::string_view id) override;
  Status put_client(const ClientRecord& client) override;
  Result<bool> remove_client(std::string_view id) override;
  Status revoke(const RevokedToken& token, model::Timestamp now) override;
  Result<std::vector<RevokedToken>> revoked(model::Timestamp now) override;

  // AccountStore (platform_accounts.cpp)
  Status add_account(const AccountRecord& account) override;
  Result<std::optional<AccountRecord>> account(std::string_view id) override;
  Result<std::optional<AccountRecord>> account_by_email(std::string_view email) override;
  Status update_account(const AccountRecord& account) override;
  Status set_password(std::string_view account_id, std::string_view password_hash) override;
  Result<bool> use_totp_step(std::string_view account_id, std::int64_t step) override;
  Result<bool> delete_account(std::string_view id) override;
  Status add_session(const SessionRecord& session) override;
  Result<std::optional<SessionRecord>> session(std::string_view id_hash,
                                               model::Timestamp now) override;
  Status update_session(const SessionRecord& session) override;
  Status end_session(std::string_view id_hash) override;
  Status put_ticket(std::string_view kind, const Ticket& ticket) override;
  Result<std::optional<Ticket>> ticket(std::string_view kind, std::string_view id_hash,
                                       model::Timestamp now) override;
  Status drop_ticket(std::string_view kind, std::string_view id_hash) override;
  Result<std::pair<Consumed, std::optional<Ticket>>> consume_ticket(std::string_view kind,
                                                                    std::string_view id_hash,
                                                                    model::Timestamp now) override;
  Status update_ticket_doc(std::string_view kind, std::string_view id_hash,
                           std::string_view doc) override;
  Status add_refresh_token(const RefreshTokenRecord& token) override;
  Result<std::optional<RefreshTokenRecord>> refresh_token(std::string_view hash) override;
  Result<bool> rotate_refresh_token(std::string_view old_hash, model::Timestamp now,
                                    const RefreshTokenRecord& successor) override;
  Status revoke_refresh_family(std::string_view family) override;
  Result<std::optional<ConsentRecord>> consent(std::string_view account_id,
                                               std::string_view client_id) override;
  Status put_consent(const ConsentRecord& consent) override;
  Status add_mail_token(const MailTokenRecord& token) override;
  Result<std::optional<MailTokenRecord>> take_mail_token(std::string_view hash, MailPurpose purpose,
                                                         model::Timestamp now) override;
  Result<std::optional<std::string>> linked_account(std::string_view provider,
                                                    std::string_view subject) override;
  Status link_account(std::string_view provider, std::string_view subject,
                      std::string_view account_id, model::Timestamp now) override;
  Status prune(model::Timestamp now) override;

  // AuditLog (platform_audit.cpp)
  Result<AuditRecord> append(AuditRecord r) override;
  Result<std::vector<AuditRecord>> append_all(std::vector<AuditRecord> records) override;
  Result<std::vector<AuditRecord>> for_subject(std::string_view subject, std::size_t limit,
                                               std::int64_t before_seq) override;
  Result<std::vector<AuditRecord>> range(std::int64_t from_seq, std::size_t limit) override;

  // UsageStore (platform_usage.cpp)
  Status add_usage(const std::vector<UsageRow>& rows) override;
  Result<std::vector<UsageRow>> usage(model::Timestamp from, model::Timestamp to,
                                      std::string_view client_id) override;

  // ConsentStore (platform_consent.cpp)
  Result<std::vector<std::pair<std::string, std::string>>> all_rules() override;
  Status put_rules(std::string_view tenant, std::string_view rules_json) override;
  Status add_grant(const GrantRecord& grant) override;
  Result<std::optional<GrantRecord>> grant(std::string_view id) override;
  Result<bool> withdraw_grant(std::string_view id, std::string_view subject,
                              model::Timestamp at) override;
  Result<std::vector<GrantRecord>> grants_of(std::string_view subject) override;
  Result<std::vector<GrantRecord>> active_grants(model::Timestamp now) override;
  Result<int> withdraw_all(std::string_view subject, model::Timestamp at) override;
  Status add_request(const ConsentRequestRecord& request) override;
  Result<std::optional<ConsentRequestRecord>> request(std::string_view id) override;
  Result<std::vector<ConsentRequestRecord>> requests_of(std::string_view subject,
                                                        bool pending_only) override;
  Result<bool> decide_request(std::string_view id, std::string_view subject, RequestState state,
                              model::Timestamp at,
                              const std::optional<GrantRecord>& grant) override;

 private:
  Status add_signing_key_locked(const StoredKey& key);
  Status revoke_locked(const RevokedToken& token, model::Timestamp now);
  Status put_rules_locked(std::string_view tenant, std::string_view rules_json);
  Result<bool> decide_request_locked(std::string_view id, std::string_view subject,
                                     RequestState state, model::Timestamp at,
                                     const std::optional<GrantRecord>& grant);
  Status in_transaction(const std::function<Status()>& work) {
    return session_->in_transaction(work);
  }
  // Runs one statement that returns no rows, binding its parameters with `bind`; the number of
  // rows it changed. Callers hold mu_.
  Result<int> run(std::string_view sql, const SqlBind& bind, std::string_view what) {
    return session_->run(sql, bind, what);
  }
  // Announces `what` changed (after a write that succeeded); a failure is logged: the write
  // stands, and the other nodes read it at their next start or reconnection.
  void tell_nodes(std::string_view what);
  // Passes `result` through, telling the nodes `what` changed when it is a success.
  template <typename R>
  R told(R result, std::string_view what) {
    if (result) tell_nodes(what);
    return result;
  }
  // run() for a statement whose count of changed rows does not matter.
  Status exec_one(std::string_view sql, const SqlBind& bind, std::string_view what);
  // Runs a query of at most one row: nullopt when there is none, else `row` of it.
  template <typename T>
  Result<std::optional<T>> one(std::string_view sql, const SqlBind& bind,
                               const std::function<T(SqlStatement&)>& row, std::string_view what) {
    std::optional<T> out;
    auto st = session_->query(
        sql, bind,
        [&](SqlStatement& s) {
          if (!out) out = row(s);
        },
        what);
    if (!st) return std::unexpected(st.error());
    return out;
  }
  // Runs a query, turning each row into a T with `row`.
  template <typename T>
  Result<std::vector<T>> many(std::string_view sql, const SqlBind& bind,
                              const std::function<T(SqlStatement&)>& row, std::string_view what) {
    std::vector<T> out;
    auto st = session_->query(
        sql, bind, [&](SqlStatement& s) { out.push_back(row(s)); }, what);
    if (!st) return std::unexpected(st.error());
    return out;
  }

  // The last audit record's seq and hash; 0 and the genesis hash when the log is empty. Callers
  // hold mu_.
  struct ChainEnd {
    std::int64_t seq = 0;
    std::string hash;
  };
  Result<ChainEnd> chain_end();
  // The audit records the query `sql` returns, binding its parameters with `bind`. Callers hold
  // mu_.
  Result<std::vector<AuditRecord>> audit_rows(std::string_view sql, const SqlBind& bind);

  std::mutex mu_;
  std::unique_ptr<SqlSession> session_;  // guarded by mu_
};

}  // namespace tsunagu::store
