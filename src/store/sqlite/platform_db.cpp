#include "store/sqlite/platform_db.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <boost/json/parse.hpp>

#include "model/json_text.hpp"

namespace tsunagu::store::sqlite {
namespace json = boost::json;

namespace {

// Released migrations are never edited; a new one is appended.
constexpr std::array<std::string_view, 5> kMigrations{{
    R"sql(
CREATE TABLE signing_keys(
  kid         TEXT PRIMARY KEY,
  created     INTEGER NOT NULL,
  retired     INTEGER,
  private_pem TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE clients(
  id  TEXT PRIMARY KEY,
  doc TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE revoked_tokens(
  jti     TEXT PRIMARY KEY,
  expires INTEGER NOT NULL) WITHOUT ROWID;
)sql",
    // Residents (store/account_store.hpp). Secrets are kept as hashes only.
    R"sql(
CREATE TABLE accounts(
  id             TEXT PRIMARY KEY,
  email          TEXT NOT NULL UNIQUE,
  email_verified INTEGER NOT NULL,
  password_hash  TEXT NOT NULL,
  name           TEXT NOT NULL,
  locale         TEXT NOT NULL,
  totp_secret    TEXT,
  totp_last_step INTEGER,
  created        INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE sessions(
  id_hash    TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  created    INTEGER NOT NULL,
  expires    INTEGER NOT NULL,
  auth_time  INTEGER NOT NULL,
  pending_second_factor INTEGER NOT NULL,
  amr        TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX sessions_by_account ON sessions(account_id);
CREATE TABLE tickets(
  kind    TEXT NOT NULL,
  id_hash TEXT NOT NULL,
  doc     TEXT NOT NULL,
  expires INTEGER NOT NULL,
  used    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(kind, id_hash)) WITHOUT ROWID;
CREATE TABLE refresh_tokens(
  token_hash   TEXT PRIMARY KEY,
  family       TEXT NOT NULL,
  account_id   TEXT NOT NULL,
  client_id    TEXT NOT NULL,
  scope        TEXT NOT NULL,
  session_hash TEXT NOT NULL,
  auth_time    INTEGER NOT NULL,
  created      INTEGER NOT NULL,
  expires      INTEGER NOT NULL,
  rotated      INTEGER,
  revoked      INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
CREATE INDEX refresh_tokens_by_family ON refresh_tokens(family);
CREATE INDEX refresh_tokens_by_account ON refresh_tokens(account_id);
CREATE INDEX refresh_tokens_by_session ON refresh_tokens(session_hash);
CREATE TABLE consents(
  account_id TEXT NOT NULL,
  client_id  TEXT NOT NULL,
  scopes     TEXT NOT NULL,
  granted    INTEGER NOT NULL,
  PRIMARY KEY(account_id, client_id)) WITHOUT ROWID;
CREATE TABLE mail_tokens(
  token_hash TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  purpose    TEXT NOT NULL,
  expires    INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX mail_tokens_by_account ON mail_tokens(account_id);
)sql",
    // Accounts linked to an upstream OpenID provider's subjects.
    R"sql(
CREATE TABLE account_links(
  provider   TEXT NOT NULL,
  subject    TEXT NOT NULL,
  account_id TEXT NOT NULL,
  created    INTEGER NOT NULL,
  PRIMARY KEY(provider, subject)) WITHOUT ROWID;
CREATE INDEX account_links_by_account ON account_links(account_id);
)sql",
    // The audit log of accesses to personal data (store/audit_log.hpp, platform_audit.cpp).
    // The triggers refuse changes through SQL; the hash chain finds changes made otherwise.
    R"sql(
CREATE TABLE audit_log(
  seq       INTEGER PRIMARY KEY,
  at        INTEGER NOT NULL,
  client_id TEXT NOT NULL,
  subject   TEXT NOT NULL,
  data      TEXT NOT NULL,
  purpose   TEXT NOT NULL,
  grant_id  TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL);
CREATE INDEX audit_by_subject ON audit_log(subject, seq);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql",
    // Consent (store/consent_store.hpp, platform_consent.cpp) and the metering of what
    // clients read (store/usage_store.hpp).
    R"sql(
CREATE TABLE personal_data_rules(
  tenant TEXT PRIMARY KEY,
  rules  TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE consent_grants(
  id        TEXT PRIMARY KEY,
  subject   TEXT NOT NULL,
  client_id TEXT NOT NULL,
  tenant    TEXT NOT NULL,
  category  TEXT NOT NULL,
  purpose   TEXT NOT NULL,
  granted   INTEGER NOT NULL,
  expires   INTEGER NOT NULL,
  withdrawn INTEGER) WITHOUT ROWID;
CREATE INDEX consent_grants_by_subject ON consent_grants(subject, granted);
CREATE INDEX consent_grants_active ON consent_grants(expires) WHERE withdrawn IS NULL;
CREATE TABLE consent_requests(
  id        TEXT PRIMARY KEY,
  subject   TEXT NOT NULL,
  client_id TEXT NOT NULL,
  tenant    TEXT NOT NULL,
  category  TEXT NOT NULL,
  purpose   TEXT NOT NULL,
  requested INTEGER NOT NULL,
  until     INTEGER NOT NULL,
  state     TEXT NOT NULL,
  decided   INTEGER,
  grant_id  TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX consent_requests_by_subject ON consent_requests(subject, requested);
CREATE TABLE client_usage(
  hour      INTEGER NOT NULL,
  client_id TEXT NOT NULL,
  tenant    TEXT NOT NULL,
  type      TEXT NOT NULL,
  requests  INTEGER NOT NULL,
  entities  INTEGER NOT NULL,
  bytes     INTEGER NOT NULL,
  PRIMARY KEY(hour, client_id, tenant, type)) WITHOUT ROWID;
)sql",
}};

constexpr auto ms = to_ms;
constexpr auto at_ms = from_ms;

json::array strings(const std::vector<std::string>& list) {
  json::array out;
  for (const auto& s : list) out.emplace_back(s);
  return out;
}

std::vector<std::string> strings_of(const json::value* v) {
  std::vector<std::string> out;
  if (!v || !v->is_array()) return out;
  for (const auto& s : v->get_array()) {
    if (s.is_string()) out.emplace_back(s.get_string());
  }
  return out;
}

std::string encode_client(const ClientRecord& c) {
  json::object o;
  o["name"] = c.name;
  o["secretHash"] = c.secret_hash;
  o["scopes"] = strings(c.scopes);
  if (c.tenants) o["tenants"] = strings(*c.tenants);
  if (c.types) o["types"] = strings(*c.types);
  o["redirectUris"] = strings(c.redirect_uris);
  o["created"] = ms(c.created);
  return model::to_json_text(o);
}

Result<ClientRecord> decode_client(std::string id, std::string_view doc) {
  boost::system::error_code ec;
  auto v = json::parse(doc, ec);
  if (ec || !v.is_object()) {
    return fail(ErrorKind::InternalError, "stored client '" + id + "' is corrupt");
  }
  const auto& o = v.get_object();
  ClientRecord c;
  c.id = std::move(id);
  if (const auto* n = o.if_contains("name"); n && n->is_string()) c.name = n->get_string();
  if (const auto* h = o.if_contains("secretHash"); h && h->is_string()) {
    c.secret_hash = h->get_string();
  }
  c.scopes = strings_of(o.if_contains("scopes"));
  if (o.contains("tenants")) c.tenants = strings_of(o.if_contains("tenants"));
  if (o.contains("types")) c.types = strings_of(o.if_contains("types"));
  c.redirect_uris = strings_of(o.if_contains("redirectUris"));
  if (const auto* t = o.if_contains("created"); t && t->is_int64())
    c.created = at_ms(t->get_int64());
  return c;
}

Result<std::size_t> schema_version(Connection& db) {
  auto stmt = db.prepare("PRAGMA user_version");
  if (!stmt) return std::unexpected(stmt.error());
  if ((*stmt)->step() != SQLITE_ROW) return db.error("read platform schema version");
  return static_cast<std::size_t>((*stmt)->column_int(0));
}

// The version is read inside the write transaction: two processes opening a new file at once
// (a server and `tsunagu clients add`) then migrate it once, one after the other.
Status migrate(Connection& db) {
  if (auto st = db.exec("BEGIN IMMEDIATE"); !st) return st;
  auto version = schema_version(db);
  Status st = version ? ok() : Status(std::unexpected(version.error()));
  if (st && *version > kMigrations.size()) {
    st = fail(ErrorKind::InternalError,
              "the platform database is newer than this Tsunagu understands");
  }
  for (auto v = st ? *version : kMigrations.size(); st && v < kMigrations.size(); ++v) {
    st = db.exec(std::string(kMigrations[v]) + "PRAGMA user_version = " + std::to_string(v + 1) +
                 ";");
  }
  if (st) st = db.exec("COMMIT");
  if (!st) (void)db.exec("ROLLBACK");
  return st;
}

}  // namespace

Result<std::unique_ptr<PlatformDb>> PlatformDb::open(const std::filesystem::path& data_dir) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  const auto file = data_dir / "platform.sqlite";
  // Created owner-only before SQLite opens it (which would use the umask), so that the private
  // keys are never readable by others, not even for a moment; SQLite gives its -wal and -shm
  // files the database file's mode.
  if (const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600); fd >= 0) {
    ::close(fd);
  }
  auto db = Connection::open(file, Connection::Mode::ReadWrite);
  if (!db) return std::unexpected(db.error());
  // The file holds private keys and secret hashes: readable by the server's user alone.
  std::filesystem::permissions(
      file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, ec);
  if (auto st = (*db)->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"); !st) {
    return std::unexpected(st.error());
  }
  if (auto st = migrate(**db); !st) return std::unexpected(st.error());
  return std::unique_ptr<PlatformDb>(new PlatformDb(std::move(*db)));
}

Status PlatformDb::in_transaction(const std::function<Status()>& work) {
  if (auto st = db_->exec("BEGIN IMMEDIATE"); !st) return st;
  Status st = work();
  if (st) st = db_->exec("COMMIT");
  if (!st) (void)db_->exec("ROLLBACK");
  return st;
}

Result<std::vector<StoredKey>> PlatformDb::keys() {
  std::lock_guard lock(mu_);
  auto stmt = db_->cached(
      "SELECT kid, created, retired, private_pem FROM signing_keys "
      "ORDER BY created");
  if (!stmt) return std::unexpected(stmt.error());
  StatementUse s(**stmt);
  std::vector<StoredKey> out;
  int rc;
  while ((rc = s->step()) == SQLITE_ROW) {
    StoredKey k{std::string(s->column_text(0)), std::string(s->column_text(3)),
                at_ms(s->column_int(1)), std::nullopt};
    if (!s->column_null(2)) k.retired = at_ms(s->column_int(2));
    out.push_back(std::move(k));
  }
  if (rc != SQLITE_DONE) return db_->error("read signing keys");
  return out;
}

Status PlatformDb::add_signing_key(const StoredKey& key) {
  std::lock_guard lock(mu_);
  return in_transaction([&]() -> Status {
    auto retire = db_->cached("UPDATE signing_keys SET retired = ?1 WHERE retired IS NULL");
    if (!retire) return std::unexpected(retire.error());
    {
      StatementUse s(**retire);
      s->bind(1, ms(key.created));
      if (s->step() != SQLITE_DONE) return db_->error("retire signing keys");
    }
    auto insert = db_->cached(
        "INSERT INTO signing_keys(kid, created, retired, private_pem) VALUES(?1, ?2, NULL, ?3)");
    if (!insert) return std::unexpected(insert.error());
    StatementUse s(**insert);
    s->bind(1, key.kid);
    s->bind(2, ms(key.created));
    s->bind(3, key.private_pem);
    if (s->step() != SQLITE_DONE) return db_->error("store signing key");
    return ok();
  });
}

Status PlatformDb::forget_keys_retired_before(model::Timestamp before) {
  std::lock_guard lock(mu_);
  auto stmt = db_->cached("DELETE FROM signing_keys WHERE retired IS NOT NULL AND retired < ?1");
  if (!stmt) return std::unexpected(stmt.error());
  StatementUse s(**stmt);
  s->bind(1, ms(before));
  if (s->step() != SQLITE_DONE) return db_->error("forget signing keys");
  return ok();
}

Result<std::vector<ClientRecord>> PlatformDb::clients() {
  std::lock_guard lock(mu_);
  auto stmt = db_->cached("SELECT id, doc FROM clients ORDER BY id");
  if (!stmt) return std::unexpected(stmt.error());
  StatementUse s(**stmt);
  std::vector<ClientRecord> out;
  int rc;
  while ((rc = s->step()) == SQLITE_ROW) {
    auto c = decode_client(std::string(s->column_text(0)), s->column_text(1));
    if (!c) return std::unexpected(c.error());
    out.push_back(std::move(*c));
  }
  if (rc != SQLITE_DONE) return db_->error("read clients");
  return out;
}

Result<std::optional<ClientRecord>> PlatformDb::client(std::string_view id) {
  std::lock_guard lock(mu_);
  auto stmt = db_->cached("SELECT doc FROM clients WHERE id = ?1");
  if (!stmt) return std::unexpected(stmt.error());
  StatementUse s(**stmt);
  s->bind(1, id);
  const int rc = s->step();
  if (rc == SQLITE_DONE) return std::optional<ClientRecord>();
  if (rc != SQLITE_ROW) return db_->error("read client");
  auto c = decode_client(std::string(id), s->column_text(0));
  if (!c) return std::unexpected(c.error());
  return std::optional<ClientRecord>(std::move(*c));
}

Status PlatformDb::put_client(const ClientRecord& client) {
  std::lock_guard lock(mu_);
  auto stmt = db_->cached(
      "INSERT INTO clients(id, doc) VALUES(?1, ?2) ON CONFLICT(id) DO UPDATE SET doc = ?2");
  if (!stmt) return std::unexpected(stmt.error());
  StatementUse s(**stmt);
  s->bind(1, client.id);
  s->bind(2, encode_client(client));
  if (s->step() != SQLITE_DONE) return db_->error("store client");
  return ok();
}

Result<bool> PlatformDb::remove_client(std::string_view id) {
  std::lock_guard lock(mu_);
  auto stmt = db_->cached("DELETE FROM clients WHERE id = ?1");
  if (!stmt) return std::unexpected(stmt.error());
  StatementUse s(**stmt);
  s->bind(1, id);
  if (s->step() != SQLITE_DONE) return db_->error("remove client");
  return sqlite3_changes(db_->handle()) > 0;
}

Status PlatformDb::revoke(const RevokedToken& token, model::Timestamp now) {
  std::lock_guard lock(mu_);
  return in_transaction([&]() -> Status {
    auto stmt = db_->cached(
        "INSERT INTO revoked_tokens(jti, expires) VALUES(?1, ?2) ON CONFLICT(jti) DO NOTHING");
    if (!stmt) return std::unexpected(stmt.error());
    {
      StatementUse s(**stmt);
      s->bind(1, token.jti);
      s->bind(2, ms(token.expires));
      if (s->step() != SQLITE_DONE) return db_->error("revoke token");
    }
    // What has expired needs no revocation any more.
    auto prune = db_->cached("DELETE FROM revoked_tokens WHERE expires < ?1");
    if (!prune) return std::unexpected(prune.error());
    StatementUse s(**prune);
    s->bind(1, ms(now));
    if (s->step() != SQLITE_DONE) return db_->error("prune revoked tokens");
    return ok();
  });
}

Result<std::vector<RevokedToken>> PlatformDb::revoked(model::Timestamp now) {
  std::lock_guard lock(mu_);
  auto stmt = db_->cached("SELECT jti, expires FROM revoked_tokens WHERE expires > ?1");
  if (!stmt) return std::unexpected(stmt.error());
  StatementUse s(**stmt);
  s->bind(1, ms(now));
  std::vector<RevokedToken> out;
  int rc;
  while ((rc = s->step()) == SQLITE_ROW) {
    out.push_back({std::string(s->column_text(0)), at_ms(s->column_int(1))});
  }
  if (rc != SQLITE_DONE) return db_->error("read revoked tokens");
  return out;
}

}  // namespace tsunagu::store::sqlite
