#include "store/postgres/platform_schema.hpp"

#include <array>

#include "store/postgres/schema.hpp"
#include "store/postgres/sql_session.hpp"

namespace tsunagu::store::postgres {
namespace {

constexpr std::string_view kSetup = "SET search_path TO tsunagu_platform";

// Released migrations are never edited; a new one is appended. The first holds what SQLite's
// first five do.
constexpr std::array<std::string_view, 1> kMigrations{{
    R"sql(
CREATE TABLE signing_keys(
  kid         text COLLATE "C" PRIMARY KEY,
  created     bigint NOT NULL,
  retired     bigint,
  private_pem text NOT NULL);
CREATE TABLE clients(
  id  text COLLATE "C" PRIMARY KEY,
  doc text NOT NULL);
CREATE TABLE revoked_tokens(
  jti     text COLLATE "C" PRIMARY KEY,
  expires bigint NOT NULL);
CREATE TABLE accounts(
  id             text COLLATE "C" PRIMARY KEY,
  email          text COLLATE "C" NOT NULL UNIQUE,
  email_verified bigint NOT NULL,
  password_hash  text NOT NULL,
  name           text NOT NULL,
  locale         text NOT NULL,
  totp_secret    text,
  totp_last_step bigint,
  created        bigint NOT NULL);
CREATE TABLE sessions(
  id_hash    text COLLATE "C" PRIMARY KEY,
  account_id text COLLATE "C" NOT NULL,
  created    bigint NOT NULL,
  expires    bigint NOT NULL,
  auth_time  bigint NOT NULL,
  pending_second_factor bigint NOT NULL,
  amr        text NOT NULL);
CREATE INDEX sessions_by_account ON sessions(account_id);
CREATE TABLE tickets(
  kind    text COLLATE "C" NOT NULL,
  id_hash text COLLATE "C" NOT NULL,
  doc     text NOT NULL,
  expires bigint NOT NULL,
  used    bigint NOT NULL DEFAULT 0,
  PRIMARY KEY(kind, id_hash));
CREATE TABLE refresh_tokens(
  token_hash   text COLLATE "C" PRIMARY KEY,
  family       text COLLATE "C" NOT NULL,
  account_id   text COLLATE "C" NOT NULL,
  client_id    text COLLATE "C" NOT NULL,
  scope        text NOT NULL,
  session_hash text COLLATE "C" NOT NULL,
  auth_time    bigint NOT NULL,
  created      bigint NOT NULL,
  expires      bigint NOT NULL,
  rotated      bigint,
  revoked      bigint NOT NULL DEFAULT 0);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens(family);
CREATE INDEX refresh_tokens_by_account ON refresh_tokens(account_id);
CREATE INDEX refresh_tokens_by_session ON refresh_tokens(session_hash);
CREATE TABLE consents(
  account_id text COLLATE "C" NOT NULL,
  client_id  text COLLATE "C" NOT NULL,
  scopes     text NOT NULL,
  granted    bigint NOT NULL,
  PRIMARY KEY(account_id, client_id));
CREATE TABLE mail_tokens(
  token_hash text COLLATE "C" PRIMARY KEY,
  account_id text COLLATE "C" NOT NULL,
  purpose    text NOT NULL,
  expires    bigint NOT NULL);
CREATE INDEX mail_tokens_by_account ON mail_tokens(account_id);
CREATE TABLE account_links(
  provider   text COLLATE "C" NOT NULL,
  subject    text COLLATE "C" NOT NULL,
  account_id text COLLATE "C" NOT NULL,
  created    bigint NOT NULL,
  PRIMARY KEY(provider, subject));
CREATE INDEX account_links_by_account ON account_links(account_id);
-- The audit log (store/audit_log.hpp): the trigger refuses changes through SQL; the hash chain
-- finds changes made otherwise.
CREATE TABLE audit_log(
  seq       bigint PRIMARY KEY,
  at        bigint NOT NULL,
  client_id text COLLATE "C" NOT NULL,
  subject   text COLLATE "C" NOT NULL,
  data      text NOT NULL,
  purpose   text NOT NULL,
  grant_id  text NOT NULL,
  prev_hash text NOT NULL,
  hash      text NOT NULL);
CREATE INDEX audit_by_subject ON audit_log(subject, seq);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TABLE personal_data_rules(
  tenant text COLLATE "C" PRIMARY KEY,
  rules  text NOT NULL);
CREATE TABLE consent_grants(
  id        text COLLATE "C" PRIMARY KEY,
  subject   text COLLATE "C" NOT NULL,
  client_id text COLLATE "C" NOT NULL,
  tenant    text COLLATE "C" NOT NULL,
  category  text COLLATE "C" NOT NULL,
  purpose   text NOT NULL,
  granted   bigint NOT NULL,
  expires   bigint NOT NULL,
  withdrawn bigint);
CREATE INDEX consent_grants_by_subject ON consent_grants(subject, granted);
CREATE INDEX consent_grants_active ON consent_grants(expires) WHERE withdrawn IS NULL;
CREATE TABLE consent_requests(
  id        text COLLATE "C" PRIMARY KEY,
  subject   text COLLATE "C" NOT NULL,
  client_id text COLLATE "C" NOT NULL,
  tenant    text COLLATE "C" NOT NULL,
  category  text COLLATE "C" NOT NULL,
  purpose   text NOT NULL,
  requested bigint NOT NULL,
  until     bigint NOT NULL,
  state     text NOT NULL,
  decided   bigint,
  grant_id  text NOT NULL);
CREATE INDEX consent_requests_by_subject ON consent_requests(subject, requested);
CREATE TABLE client_usage(
  hour      bigint NOT NULL,
  client_id text COLLATE "C" NOT NULL,
  tenant    text COLLATE "C" NOT NULL,
  type      text COLLATE "C" NOT NULL,
  requests  bigint NOT NULL,
  entities  bigint NOT NULL,
  bytes     bigint NOT NULL,
  PRIMARY KEY(hour, client_id, tenant, type));
)sql",
}};

// Under the registry lock: nodes starting together migrate once.
Status migrate(Connection& db) {
  if (auto st =
          db.exec("BEGIN; SELECT pg_advisory_xact_lock(" + std::to_string(kLockSpace) +
                  ", 0); CREATE SCHEMA IF NOT EXISTS tsunagu_platform; " +
                  "CREATE TABLE IF NOT EXISTS tsunagu_platform.version(v integer NOT NULL); " +
                  std::string(kSetup));
      !st) {
    (void)db.exec("ROLLBACK");
    return st;
  }
  Status st = ok();
  auto rows = db.run("SELECT v FROM tsunagu_platform.version");
  if (!rows) st = std::unexpected(rows.error());
  const std::size_t version =
      st && rows->size() > 0 ? static_cast<std::size_t>(rows->integer(0, 0)) : 0;
  if (st && version > kMigrations.size()) {
    st = fail(ErrorKind::InternalError,
              "the platform schema is newer than this Tsunagu understands");
  }
  for (auto v = version; st && v < kMigrations.size(); ++v) st = db.exec(kMigrations[v]);
  if (st && version < kMigrations.size()) {
    st = db.exec(
        "DELETE FROM tsunagu_platform.version; INSERT INTO tsunagu_platform.version "
        "VALUES(" +
        std::to_string(kMigrations.size()) + ")");
  }
  if (st) st = db.exec("COMMIT");
  if (!st) (void)db.exec("ROLLBACK");
  return st;
}

}  // namespace

Result<std::unique_ptr<PlatformDb>> open_platform_db(const std::string& url) {
  auto db = Connection::open(url);
  if (!db) return std::unexpected(db.error());
  if (auto st = migrate(**db); !st) return std::unexpected(st.error());
  auto session = PgSession::open(url, std::string(kSetup));
  if (!session) return std::unexpected(session.error());
  return std::make_unique<PlatformDb>(std::move(*session));
}

}  // namespace tsunagu::store::postgres
