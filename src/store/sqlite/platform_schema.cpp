#include "store/sqlite/platform_schema.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>

#include "store/sqlite/sql_session.hpp"

namespace tsunagu::store::sqlite {
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

Result<std::unique_ptr<PlatformDb>> open_platform_db(const std::filesystem::path& data_dir) {
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
  return std::make_unique<PlatformDb>(std::make_unique<SqliteSession>(std::move(*db)));
}

}  // namespace tsunagu::store::sqlite
