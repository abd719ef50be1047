#include "store/postgres/schema.hpp"

#include <array>
#include <cstdio>
#include <functional>

namespace tsunagu::store::postgres {
namespace {

constexpr std::size_t kMaxIdentifier = 63;

// The registry lock (second key 0) guards the registry and every schema migration.
constexpr std::string_view kLockRegistry = "SELECT pg_advisory_xact_lock(29811, 0)";

constexpr std::string_view kBootstrap = R"sql(
CREATE SCHEMA IF NOT EXISTS tsunagu;
CREATE TABLE IF NOT EXISTS tsunagu.tenants(
  key        integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name       text NOT NULL UNIQUE,
  schema     text NOT NULL UNIQUE,
  version    integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now());
-- The nodes sharing the database, each live while its lease has not expired, and the node that
-- delivers each subscription's notifications (node_leases.hpp).
CREATE TABLE IF NOT EXISTS tsunagu.nodes(
  name       text PRIMARY KEY,
  expires_at timestamptz NOT NULL);
CREATE TABLE IF NOT EXISTS tsunagu.subscription_owners(
  tenant       integer NOT NULL REFERENCES tsunagu.tenants(key),
  subscription text NOT NULL,
  node         text,
  PRIMARY KEY(tenant, subscription));
CREATE INDEX IF NOT EXISTS subscription_owners_by_node ON tsunagu.subscription_owners(node);
)sql";

// Entities are kept whole as documents (store/entity_codec.hpp) in `text`: the codec's exact
// bytes come back, no JSON is parsed by the server on a write, and an operator can still cast
// `doc::jsonb`. The other columns and tables are indexes derived from the document:
// - types and attrs arrays with GIN indexes for "has this type / attribute";
// - kinds and instances, parallel to attrs: the entity's discovery shape (store/entity_shape.hpp),
//   which is what an update subtracts from the summaries;
// - attr_values for q (numbers, and texts in the "C" collation: the byte order the evaluator
//   compares in); texts are cut to an indexable prefix (value_prefix.hpp);
// - geometries in a PostGIS column with a GiST index, for geoQ.
// `rid` is stable for an entity's life, so ordering by it pages without shifting.
// `{s}` stands for the tenant's schema, `{k}` for its key in tsunagu.tenants.
constexpr std::array<std::string_view, 2> kTenantMigrations{{
    R"sql(
CREATE TABLE {s}.entities(
  rid         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id          text NOT NULL UNIQUE,
  types       text[] NOT NULL,
  attrs       text[] NOT NULL,
  kinds       integer[] NOT NULL,
  instances   integer[] NOT NULL,
  created_at  bigint NOT NULL,
  modified_at bigint NOT NULL,
  doc         text NOT NULL);
CREATE INDEX entities_by_type ON {s}.entities USING gin(types);
CREATE INDEX entities_by_attr ON {s}.entities USING gin(attrs);
CREATE TABLE {s}.attr_values(
  rid  bigint NOT NULL,
  attr text NOT NULL,
  num  double precision,
  txt  text COLLATE "C");
CREATE INDEX attr_values_by_number ON {s}.attr_values(attr, num) WHERE num IS NOT NULL;
CREATE INDEX attr_values_by_text ON {s}.attr_values(attr, txt) WHERE txt IS NOT NULL;
CREATE INDEX attr_values_by_entity ON {s}.attr_values(rid);
CREATE TABLE {s}.geometries(
  rid  bigint NOT NULL,
  attr text NOT NULL,
  geom geometry(Geometry, 4326) NOT NULL);
CREATE INDEX geometries_by_shape ON {s}.geometries USING gist(geom);
CREATE INDEX geometries_by_entity ON {s}.geometries(rid);
CREATE TABLE {s}.type_summary(
  type     text PRIMARY KEY,
  entities bigint NOT NULL);
CREATE TABLE {s}.attr_summary(
  attr      text PRIMARY KEY,
  entities  bigint NOT NULL,
  instances bigint NOT NULL);
CREATE TABLE {s}.type_attr_summary(
  type     text NOT NULL,
  attr     text NOT NULL,
  kinds    integer NOT NULL,
  entities bigint NOT NULL,
  PRIMARY KEY(type, attr, kinds));
CREATE INDEX type_attr_summary_by_attr ON {s}.type_attr_summary(attr);
CREATE TABLE {s}.subscriptions(
  id  text PRIMARY KEY,
  doc text NOT NULL);
CREATE TABLE {s}.owed_notifications(
  seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  subscription text NOT NULL,
  trigger      text NOT NULL,
  at           bigint NOT NULL,
  entity       text NOT NULL,
  previous     text,
  node         text NOT NULL DEFAULT '');
CREATE INDEX owed_notifications_by_subscription ON {s}.owed_notifications(subscription);
CREATE INDEX owed_notifications_by_node ON {s}.owed_notifications(node, seq);
-- History (history_tables.hpp): names in the "C" collation, so that they sort in byte order as
-- on SQLite; `history` partitioned by the month an instance was recorded in, each month's
-- partition made by the writer on the month's first append (history_partitions.hpp).
CREATE TABLE {s}.history_entities(
  hid     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id      text COLLATE "C" NOT NULL UNIQUE,
  types   text NOT NULL,
  created bigint NOT NULL);
CREATE TABLE {s}.history_types(
  type text COLLATE "C" NOT NULL,
  hid  bigint NOT NULL,
  PRIMARY KEY(type, hid));
CREATE INDEX history_types_by_entity ON {s}.history_types(hid);
CREATE TABLE {s}.history_attrs(
  hid     bigint NOT NULL,
  attr    text COLLATE "C" NOT NULL,
  classes bigint NOT NULL,
  kind    smallint NOT NULL,
  PRIMARY KEY(hid, attr));
-- A partitioned table has no identity column before PostgreSQL 17: a sequence gives iids.
CREATE SEQUENCE {s}.history_iid;
-- Fixed-width columns first, widest first, so that none is padded for alignment.
CREATE TABLE {s}.history(
  iid      bigint NOT NULL DEFAULT nextval('{s}.history_iid'),
  hid      bigint NOT NULL,
  t        bigint NOT NULL,
  created  bigint NOT NULL,
  modified bigint NOT NULL,
  deleted  bigint,
  num      double precision,
  kind     smallint NOT NULL,
  class    smallint NOT NULL,
  exact    boolean NOT NULL,
  attr     text COLLATE "C" NOT NULL,
  dataset  text COLLATE "C",
  txt      text COLLATE "C",
  doc      text) PARTITION BY RANGE (created);
ALTER SEQUENCE {s}.history_iid OWNED BY {s}.history.iid;
-- One btree serves a range of observedAt, the order of instances and numeric aggregation from
-- the index alone, as history_by_time does on SQLite. Rows arrive in iid and created order, so a
-- BRIN index of a few pages per month finds an instance by iid (PATCH or DELETE of one instance)
-- and the rows retention erases, for little work per write.
CREATE INDEX history_by_time ON {s}.history(hid, attr, t, exact, num);
CREATE INDEX history_by_arrival ON {s}.history USING brin(iid, created)
  WITH (autosummarize = on);
)sql",
    // Owed notifications are delivered by their subscription's owner, whichever node wrote
    // them: subscriptions made before owners existed get a row no node owns yet, and the first
    // node to look claims them. The version of the subscriptions tells a node's writer that
    // another node changed them (SubscriptionTxn::version).
    R"sql(
INSERT INTO tsunagu.subscription_owners(tenant, subscription)
  SELECT {k}, id FROM {s}.subscriptions ON CONFLICT DO NOTHING;
DROP INDEX {s}.owed_notifications_by_node;
DROP INDEX {s}.owed_notifications_by_subscription;
ALTER TABLE {s}.owed_notifications DROP COLUMN node;
CREATE INDEX owed_notifications_by_subscription ON {s}.owed_notifications(subscription, seq);
CREATE TABLE {s}.subscription_version(v bigint NOT NULL);
INSERT INTO {s}.subscription_version VALUES(0);
)sql",
}};

std::string quoted(std::string_view identifier) {
  std::string out = "\"";
  for (char c : identifier) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

Result<std::optional<TenantSchema>> find(Connection& db, std::string_view name, int& version) {
  const Param p[] = {param(name)};
  auto rows = db.run("SELECT schema, key, version FROM tsunagu.tenants WHERE name = $1", p);
  if (!rows) return std::unexpected(rows.error());
  if (rows->size() == 0) return std::optional<TenantSchema>();
  version = static_cast<int>(rows->integer(0, 2));
  return TenantSchema{std::string(name), quoted(rows->text(0, 0)),
                      static_cast<std::int32_t>(rows->integer(0, 1))};
}

Status migrate(Connection& db, const TenantSchema& t, int from) {
  if (from > tenant_schema_version()) {
    return fail(ErrorKind::InternalError, "tenant schema " + t.schema + " has version " +
                                              std::to_string(from) +
                                              ", newer than this Tsunagu understands (" +
                                              std::to_string(tenant_schema_version()) + ")");
  }
  for (int v = from; v < tenant_schema_version(); ++v) {
    std::string sql = in_schema(kTenantMigrations[static_cast<std::size_t>(v)], t.schema);
    for (auto at = sql.find("{k}"); at != std::string::npos; at = sql.find("{k}", at)) {
      sql.replace(at, 3, std::to_string(t.lock_key));
    }
    if (auto st = db.exec(sql); !st) return st;
  }
  if (from == tenant_schema_version()) return ok();
  const Param p[] = {param(std::int64_t{tenant_schema_version()}), param(t.name)};
  auto rows = db.run("UPDATE tsunagu.tenants SET version = $1 WHERE name = $2", p);
  return rows ? ok() : Status(std::unexpected(rows.error()));
}

// Inside the registry lock.
Result<TenantSchema> create_or_migrate(Connection& db, std::string_view name) {
  int version = 0;
  auto found = find(db, name, version);
  if (!found) return std::unexpected(found.error());
  if (!*found) {
    const std::string schema = schema_name_of(name);
    const Param p[] = {param(name), param(schema)};
    auto rows = db.run("INSERT INTO tsunagu.tenants(name, schema) VALUES($1, $2) RETURNING key", p);
    if (!rows) return std::unexpected(rows.error());
    if (auto st = db.exec("CREATE SCHEMA " + quoted(schema)); !st) {
      return std::unexpected(st.error());
    }
    found = TenantSchema{std::string(name), quoted(schema),
                         static_cast<std::int32_t>(rows->integer(0, 0))};
  }
  if (auto st = migrate(db, **found, version); !st) return std::unexpected(st.error());
  return **found;
}

Status in_transaction(Connection& db, const std::function<Status()>& body) {
  if (auto st = db.exec("BEGIN"); !st) return st;
  Status st = db.exec(kLockRegistry);
  if (st) st = body();
  if (st) st = db.exec("COMMIT");
  if (!st) (void)db.exec("ROLLBACK");
  return st;
}

}  // namespace

int tenant_schema_version() {
  return static_cast<int>(kTenantMigrations.size());
}

std::string schema_name_of(std::string_view tenant) {
  const std::string name = "t_" + std::string(tenant.empty() ? "_default" : tenant);
  if (name.size() <= kMaxIdentifier) return name;
  std::array<char, 17> hash{};
  std::snprintf(hash.data(), hash.size(), "%016llx",
                static_cast<unsigned long long>(fnv1a(tenant)));
  return name.substr(0, kMaxIdentifier - 17) + "_" + hash.data();
}

std::string in_schema(std::string_view sql, std::string_view schema) {
  std::string out;
  out.reserve(sql.size() + 64);
  for (std::size_t i = 0; i < sql.size();) {
    if (sql.substr(i, 3) == "{s}") {
      out += schema;
      i += 3;
    } else {
      out += sql[i++];
    }
  }
  return out;
}

Status bootstrap(Connection& db) {
  Status st = in_transaction(db, [&]() -> Status { return db.exec(kBootstrap); });
  if (!st) return st;
  auto postgis = db.run("SELECT 1 FROM pg_extension WHERE extname = 'postgis'");
  if (!postgis) return std::unexpected(postgis.error());
  if (postgis->size() == 1) return ok();
  if (db.exec("CREATE EXTENSION IF NOT EXISTS postgis")) return ok();
  return fail(ErrorKind::InternalError,
              "PostGIS is not available in this database: install it (Debian: "
              "postgresql-15-postgis-3) and run CREATE EXTENSION postgis as a superuser");
}

Result<TenantSchema> open_tenant_schema(Connection& db, std::string_view name, bool create) {
  int version = 0;
  auto found = find(db, name, version);
  if (!found) return std::unexpected(found.error());
  if (*found && version == tenant_schema_version()) return **found;
  if (!*found && !create) {
    return fail(ErrorKind::NonexistentTenant, "tenant '" + std::string(name) + "' does not exist");
  }
  TenantSchema out;
  Status st = in_transaction(db, [&]() -> Status {
    auto made = create_or_migrate(db, name);
    if (!made) return std::unexpected(made.error());
    out = std::move(*made);
    return ok();
  });
  if (!st) return std::unexpected(st.error());
  return out;
}

Result<std::vector<std::string>> registered_tenants(Connection& db) {
  auto rows = db.run("SELECT name FROM tsunagu.tenants ORDER BY name COLLATE \"C\"");
  if (!rows) return std::unexpected(rows.error());
  std::vector<std::string> out;
  for (int i = 0; i < rows->size(); ++i) out.emplace_back(rows->text(i, 0));
  return out;
}

}  // namespace tsunagu::store::postgres
