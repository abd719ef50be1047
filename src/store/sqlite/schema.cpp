#include "store/sqlite/schema.hpp"

#include <array>
#include <string>

#include "store/entity_codec.hpp"
#include "store/sqlite/entity_tables.hpp"
#include "store/sqlite/history_reader.hpp"
#include "store/sqlite/summary_tables.hpp"

namespace tsunagu::store::sqlite {
namespace {

// Entities are kept whole as documents (store/entity_codec.hpp); the other tables are indexes
// derived from them. `rid` is stable for an entity's life, so ordering by it gives pagination
// that does not shift when entities are updated. Type and attribute IRIs are interned in
// `terms`, which keeps the index tables narrow at millions of entities.
constexpr std::array<std::string_view, 6> kMigrations{{
    R"sql(
CREATE TABLE terms(
  id  INTEGER PRIMARY KEY,
  iri TEXT NOT NULL UNIQUE);
CREATE TABLE entities(
  rid         INTEGER PRIMARY KEY,
  id          TEXT NOT NULL UNIQUE,
  created_at  INTEGER NOT NULL,
  modified_at INTEGER NOT NULL,
  doc         TEXT NOT NULL);
CREATE TABLE entity_types(
  term   INTEGER NOT NULL,
  entity INTEGER NOT NULL,
  PRIMARY KEY(term, entity)) WITHOUT ROWID;
CREATE INDEX entity_types_by_entity ON entity_types(entity);
CREATE TABLE entity_attrs(
  term   INTEGER NOT NULL,
  entity INTEGER NOT NULL,
  PRIMARY KEY(term, entity)) WITHOUT ROWID;
CREATE INDEX entity_attrs_by_entity ON entity_attrs(entity);
)sql",
    // Values and geometries for q and geoQ (store/value_index.hpp says which). Rows of existing
    // entities are written by backfill_value_index() right after this migration.
    R"sql(
CREATE TABLE attr_values(
  term   INTEGER NOT NULL,
  entity INTEGER NOT NULL,
  num    REAL,
  txt    TEXT);
CREATE INDEX attr_values_by_number ON attr_values(term, num) WHERE num IS NOT NULL;
CREATE INDEX attr_values_by_text ON attr_values(term, txt) WHERE txt IS NOT NULL;
CREATE INDEX attr_values_by_entity ON attr_values(entity);
CREATE VIRTUAL TABLE geo_index USING rtree(id, min_lon, max_lon, min_lat, max_lat);
CREATE TABLE geo_owner(
  id     INTEGER PRIMARY KEY,
  entity INTEGER NOT NULL,
  term   INTEGER NOT NULL);
CREATE INDEX geo_owner_by_entity ON geo_owner(entity);
)sql",
    // Discovery summaries (summary_tables.hpp): counts per type, per attribute and per (type,
    // attribute, set of kinds), so that listing types and attributes never reads the entities.
    // entity_attrs learns each attribute's kinds and instance count, which is what an entity's
    // old contribution is subtracted by. Existing entities are counted by backfill_summaries().
    R"sql(
ALTER TABLE entity_attrs ADD COLUMN kinds INTEGER NOT NULL DEFAULT 0;
ALTER TABLE entity_attrs ADD COLUMN instances INTEGER NOT NULL DEFAULT 0;
CREATE TABLE type_summary(
  type     INTEGER PRIMARY KEY,
  entities INTEGER NOT NULL);
CREATE TABLE attr_summary(
  attr      INTEGER PRIMARY KEY,
  entities  INTEGER NOT NULL,
  instances INTEGER NOT NULL);
CREATE TABLE type_attr_summary(
  type     INTEGER NOT NULL,
  attr     INTEGER NOT NULL,
  kinds    INTEGER NOT NULL,
  entities INTEGER NOT NULL,
  PRIMARY KEY(type, attr, kinds)) WITHOUT ROWID;
CREATE INDEX type_attr_summary_by_attr ON type_attr_summary(attr);
)sql",
    // Entity scopes join the value index (store/value_index.hpp, kScopeIndexName) for scopeQ;
    // backfill_scopes() indexes those of existing entities. No table changes.
    R"sql(
SELECT 1;
)sql",
    // Subscriptions and the notifications owed for them (subscription_tables.hpp); its SQL is
    // written out here so that a migration, once released, never changes.
    R"sql(
CREATE TABLE subscriptions(
  id  TEXT PRIMARY KEY,
  doc TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE owed_notifications(
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  subscription TEXT NOT NULL,
  trigger      TEXT NOT NULL,
  at           INTEGER NOT NULL,
  entity       TEXT NOT NULL,
  previous     TEXT);
CREATE INDEX owed_notifications_by_subscription ON owed_notifications(subscription);
)sql",
    // History (docs/design/temporal.md, history_tables.hpp): the instances every change appends.
    // Times are milliseconds since the epoch. `history` rows carry the columns a range or an
    // aggregation needs, so that neither reads `doc` (absent for a plain number, whose value is
    // `num`). `t` places an instance in time: its observedAt (then `exact` is 1), else when it was
    // recorded. One index serves ranges of observedAt (t with exact = 1), the order of instances
    // without a range (t), and numeric aggregation from the index alone (num): every write pays
    // for one index of history only.
    R"sql(
CREATE TABLE history_entities(
  hid     INTEGER PRIMARY KEY,
  id      TEXT NOT NULL UNIQUE,
  types   TEXT NOT NULL,
  created INTEGER NOT NULL);
CREATE TABLE history_types(
  term INTEGER NOT NULL,
  hid  INTEGER NOT NULL,
  PRIMARY KEY(term, hid)) WITHOUT ROWID;
CREATE INDEX history_types_by_entity ON history_types(hid);
CREATE TABLE history_attrs(
  hid     INTEGER NOT NULL,
  attr    INTEGER NOT NULL,
  classes INTEGER NOT NULL,
  kind    INTEGER NOT NULL,
  PRIMARY KEY(hid, attr)) WITHOUT ROWID;
CREATE TABLE history(
  iid      INTEGER PRIMARY KEY AUTOINCREMENT,
  hid      INTEGER NOT NULL,
  attr     INTEGER NOT NULL,
  dataset  INTEGER,
  t        INTEGER NOT NULL,
  exact    INTEGER NOT NULL,
  created  INTEGER NOT NULL,
  modified INTEGER NOT NULL,
  deleted  INTEGER,
  kind     INTEGER NOT NULL,
  class    INTEGER NOT NULL,
  num      REAL,
  txt      TEXT,
  doc      TEXT);
CREATE INDEX history_by_time ON history(hid, attr, t, exact, num);
)sql",
}};

// Migration 2 adds index tables; the entities stored before it get their rows here, in the
// migration's transaction.
Status backfill_value_index(Connection& db) {
  auto rows = db.prepare("SELECT doc FROM entities");
  if (!rows) return std::unexpected(rows.error());
  TermCache terms;
  int rc;
  while ((rc = (*rows)->step()) == SQLITE_ROW) {
    auto entity = decode_entity_text((*rows)->column_text(0));
    if (!entity) return std::unexpected(entity.error());
    if (auto st = reindex_values(db, terms, *entity); !st) return st;
  }
  return rc == SQLITE_DONE ? ok() : Status(db.error("backfill value index"));
}

// Migration 4: the entities stored with a scope before it get their values reindexed.
Status backfill_scopes(Connection& db) {
  auto rows = db.prepare("SELECT doc FROM entities");
  if (!rows) return std::unexpected(rows.error());
  TermCache terms;
  int rc;
  while ((rc = (*rows)->step()) == SQLITE_ROW) {
    auto entity = decode_entity_text((*rows)->column_text(0));
    if (!entity) return std::unexpected(entity.error());
    if (!entity->scope) continue;
    if (auto st = reindex_values(db, terms, *entity); !st) return st;
  }
  return rc == SQLITE_DONE ? ok() : Status(db.error("backfill scopes"));
}

Result<int> user_version(Connection& db) {
  auto stmt = db.prepare("PRAGMA user_version");
  if (!stmt) return std::unexpected(stmt.error());
  if ((*stmt)->step() != SQLITE_ROW) return db.error("read schema version");
  return static_cast<int>((*stmt)->column_int(0));
}

Status migrate(Connection& db) {
  auto version = user_version(db);
  if (!version) return std::unexpected(version.error());
  if (*version > schema_version()) {
    return fail(ErrorKind::InternalError, "database schema version " + std::to_string(*version) +
                                              " is newer than this Tsunagu understands (" +
                                              std::to_string(schema_version()) + ")");
  }
  for (int v = *version; v < schema_version(); ++v) {
    std::string sql = "BEGIN IMMEDIATE;";
    sql += kMigrations[static_cast<std::size_t>(v)];
    sql += "PRAGMA user_version = " + std::to_string(v + 1) + ";";
    Status st = db.exec(sql);
    if (st && v + 1 == 2) st = backfill_value_index(db);
    if (st && v + 1 == 3) st = backfill_summaries(db);
    if (st && v + 1 == 4) st = backfill_scopes(db);
    if (st) st = db.exec("COMMIT");
    if (!st) {
      (void)db.exec("ROLLBACK");
      return st;
    }
  }
  return ok();
}

}  // namespace

int schema_version() {
  return static_cast<int>(kMigrations.size());
}

Status prepare_writer(Connection& db) {
  // WAL lets readers go on while the writer commits; synchronous=FULL makes each commit
  // durable against power loss, and group commit pays that fsync once per group.
  // temp_store stays FILE on the writer: with MEMORY, the statement journals of the summary
  // upserts (one per write, inside savepoints) were truncated in a loop whose cost grew with the
  // tenant, making each write 7 times dearer from 15,000 entities on (bench, docs/performance.md).
  if (auto st = db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                        "PRAGMA foreign_keys=OFF; PRAGMA cache_size=-32000;"
                        "PRAGMA temp_store=FILE;");
      !st) {
    return st;
  }
  return migrate(db);
}

Status prepare_reader(Connection& db) {
  if (auto st = db.exec("PRAGMA query_only=1; PRAGMA cache_size=-16000;"
                        "PRAGMA mmap_size=268435456; PRAGMA temp_store=MEMORY;");
      !st) {
    return st;
  }
  return register_history_functions(db);
}

}  // namespace tsunagu::store::sqlite
