#include "store/sqlite/entity_tables.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/entity_codec.hpp"
#include "store/entity_shape.hpp"
#include "store/sqlite/summary_tables.hpp"
#include "store/value_index.hpp"

namespace tsunagu::store::sqlite {
namespace {

std::int64_t millis(model::Timestamp t) {
  return t.time_since_epoch().count();
}

Status insert_index_row(Connection& db, const char* sql, std::int64_t term, std::int64_t rid) {
  auto stmt = db.cached(sql);
  if (!stmt) return std::unexpected(stmt.error());
  StatementUse s(**stmt);
  s->bind(1, term);
  s->bind(2, rid);
  if (s->step() != SQLITE_DONE) return db.error("write index");
  return ok();
}

// One row of attr_values.
struct ValueRow {
  std::int64_t term = 0;
  std::optional<double> num;
  std::optional<std::string> txt;

  auto operator<=>(const ValueRow&) const = default;
};

Status insert_value_row(Connection& db, std::int64_t rid, const ValueRow& v) {
  auto stmt = db.cached("INSERT INTO attr_values(term, entity, num, txt) VALUES(?1, ?2, ?3, ?4)");
  if (!stmt) return std::unexpected(stmt.error());
  StatementUse s(**stmt);
  s->bind(1, v.term);
  s->bind(2, rid);
  if (v.num)
    s->bind(3, *v.num);
  else
    s->bind_null(3);
  if (v.txt)
    s->bind(4, *v.txt);
  else
    s->bind_null(4);
  if (s->step() != SQLITE_DONE) return db.error("write value index");
  return ok();
}

// The attr_values rows the entity's values call for.
Result<std::vector<ValueRow>> value_rows(Connection& db, TermCache& terms,
                                         const model::Entity& entity) {
  std::vector<ValueRow> rows;
  for (auto& v : indexed_values(entity)) {
    auto term = terms.id_of(db, v.attr);
    if (!term) return std::unexpected(term.error());
    rows.push_back({*term, v.number, std::move(v.text)});
  }
  return rows;
}

Status write_geometries(Connection& db, TermCache& terms, std::int64_t rid,
                        const model::Entity& entity) {
  for (const auto& g : indexed_geometries(entity)) {
    auto term = terms.id_of(db, g.attr);
    if (!term) return std::unexpected(term.error());
    auto owner = db.cached("INSERT INTO geo_owner(entity, term) VALUES(?1, ?2) RETURNING id");
    if (!owner) return std::unexpected(owner.error());
    std::int64_t id = 0;
    {
      StatementUse s(**owner);
      s->bind(1, rid);
      s->bind(2, *term);
      if (s->step() != SQLITE_ROW) return db.error("write geometry owner");
      id = s->column_int(0);
    }
    auto box = db.cached(
        "INSERT INTO geo_index(id, min_lon, max_lon, min_lat, max_lat) VALUES(?1, ?2, ?3, ?4, ?5)");
    if (!box) return std::unexpected(box.error());
    StatementUse s(**box);
    s->bind(1, id);
    s->bind(2, g.box.min_lon);
    s->bind(3, g.box.max_lon);
    s->bind(4, g.box.min_lat);
    s->bind(5, g.box.max_lat);
    if (s->step() != SQLITE_DONE) return db.error("write geometry index");
  }
  return ok();
}

Status write_values(Connection& db, TermCache& terms, std::int64_t rid,
                    const model::Entity& entity) {
  auto rows = value_rows(db, terms, entity);
  if (!rows) return std::unexpected(rows.error());
  for (const auto& v : *rows) {
    if (auto st = insert_value_row(db, rid, v); !st) return st;
  }
  return write_geometries(db, terms, rid, entity);
}

Status run_for_entity(Connection& db, const char* sql, std::int64_t rid, const char* what) {
  auto stmt = db.cached(sql);
  if (!stmt) return std::unexpected(stmt.error());
  StatementUse s(**stmt);
  s->bind(1, rid);
  if (s->step() != SQLITE_DONE) return db.error(what);
  return ok();
}

Status clear_geometries(Connection& db, std::int64_t rid) {
  for (const char* sql : {"DELETE FROM geo_index WHERE id IN "
                          "(SELECT id FROM geo_owner WHERE entity = ?1)",
                          "DELETE FROM geo_owner WHERE entity = ?1"}) {
    if (auto st = run_for_entity(db, sql, rid, "clear geometry index"); !st) return st;
  }
  return ok();
}

// Brings the entity's attr_values rows to what its values call for, deleting and inserting
// only the rows that differ: a sensor's PATCH changes one value of many, and each row costs
// three B-trees. Both sides sorted, then merged.
Status rewrite_changed_values(Connection& db, TermCache& terms, std::int64_t rid,
                              const model::Entity& entity) {
  auto wanted = value_rows(db, terms, entity);
  if (!wanted) return std::unexpected(wanted.error());
  std::sort(wanted->begin(), wanted->end());
  std::vector<std::pair<ValueRow, std::int64_t>> stored;  // with its rowid
  {
    auto stmt = db.cached("SELECT term, num, txt, rowid FROM attr_values WHERE entity = ?1");
    if (!stmt) return std::unexpected(stmt.error());
    StatementUse s(**stmt);
    s->bind(1, rid);
    int rc;
    while ((rc = s->step()) == SQLITE_ROW) {
      ValueRow row{s->column_int(0), std::nullopt, std::nullopt};
      if (!s->column_null(1)) row.num = s->column_double(1);
      if (!s->column_null(2)) row.txt = std::string(s->column_text(2));
      stored.emplace_back(std::move(row), s->column_int(3));
    }
    if (rc != SQLITE_DONE) return db.error("read value index");
  }
  std::sort(stored.begin(), stored.end());
  auto w = wanted->begin();
  for (const auto& [row, rowid] : stored) {
    while (w != wanted->end() && *w < row) {
      if (auto st = insert_value_row(db, rid, *w++); !st) return st;
    }
    if (w != wanted->end() && *w == row) {
      ++w;  // unchanged
      continue;
    }
    auto del = db.cached("DELETE FROM attr_values WHERE rowid = ?1");
    if (!del) return std::unexpected(del.error());
    StatementUse s(**del);
    s->bind(1, rowid);
    if (s->step() != SQLITE_DONE) return db.error("clear value index");
  }
  for (; w != wanted->end(); ++w) {
    if (auto st = insert_value_row(db, rid, *w); !st) return st;
  }
  return ok();
}

Result<std::int64_t> rid_of(Connection& db, std::string_view id) {
  auto stmt = db.cached("SELECT rid FROM entities WHERE id = ?1");
  if (!stmt) return std::unexpected(stmt.error());
  StatementUse s(**stmt);
  s->bind(1, id);
  if (s->step() != SQLITE_ROW) return db.error("find entity");
  return s->column_int(0);
}

}  // namespace

Result<std::int64_t> TermCache::id_of(Connection& db, std::string_view iri) {
  if (auto it = ids_.find(std::string(iri)); it != ids_.end()) return it->second;
  auto stmt = db.cached(
      "INSERT INTO terms(iri) VALUES(?1) ON CONFLICT(iri) DO UPDATE SET iri=iri RETURNING id");
  if (!stmt) return std::unexpected(stmt.error());
  StatementUse s(**stmt);
  s->bind(1, iri);
  if (s->step() != SQLITE_ROW) return db.error("intern term");
  const auto id = s->column_int(0);
  ids_.emplace(std::string(iri), id);
  return id;
}

Result<bool> read_entity_document(Connection& db, std::string_view id, std::string& doc) {
  auto stmt = db.cached("SELECT doc FROM entities WHERE id = ?1");
  if (!stmt) return std::unexpected(stmt.error());
  StatementUse s(**stmt);
  s->bind(1, id);
  const int rc = s->step();
  if (rc == SQLITE_DONE) return false;
  if (rc != SQLITE_ROW) return db.error("read entity");
  doc.assign(s->column_text(0));
  return true;
}

Result<std::optional<model::Entity>> load_entity(Connection& db, std::string_view id) {
  std::string doc;
  auto found = read_entity_document(db, id, doc);
  if (!found) return std::unexpected(found.error());
  if (!*found) return std::optional<model::Entity>();
  auto entity = decode_entity_text(doc);
  if (!entity) return std::unexpected(entity.error());
  return std::optional<model::Entity>(std::move(*entity));
}

Status reindex_values(Connection& db, TermCache& terms, const model::Entity& entity) {
  auto rid = rid_of(db, entity.id);
  if (!rid) return std::unexpected(rid.error());
  return write_values(db, terms, *rid, entity);
}

Status EntityWriter::insert(const model::Entity& entity) {
  auto stmt = db_.cached(
      "INSERT INTO entities(id, created_at, modified_at, doc) VALUES(?1, ?2, ?3, ?4) "
      "ON CONFLICT(id) DO NOTHING RETURNING rid");
  if (!stmt) return std::unexpected(stmt.error());
  std::int64_t rid = 0;
  {
    StatementUse s(**stmt);
    s->bind(1, entity.id);
    s->bind(2, millis(entity.created_at));
    s->bind(3, millis(entity.modified_at));
    s->bind(4, encode_entity_text(entity));
    const int rc = s->step();
    if (rc == SQLITE_DONE) {
      return fail(ErrorKind::AlreadyExists, "entity '" + entity.id + "' already exists");
    }
    if (rc != SQLITE_ROW) return db_.error("insert entity");
    rid = s->column_int(0);
  }
  auto shape = intern_shape(db_, terms_, shape_of(entity));
  if (!shape) return std::unexpected(shape.error());
  if (auto st = write_index(rid, entity, *shape); !st) return st;
  change_summaries(nullptr, &*shape);
  return ok();
}

Status EntityWriter::update(const model::Entity& entity) {
  auto stmt =
      db_.cached("UPDATE entities SET modified_at = ?2, doc = ?3 WHERE id = ?1 RETURNING rid");
  if (!stmt) return std::unexpected(stmt.error());
  std::int64_t rid = 0;
  {
    StatementUse s(**stmt);
    s->bind(1, entity.id);
    s->bind(2, millis(entity.modified_at));
    s->bind(3, encode_entity_text(entity));
    const int rc = s->step();
    if (rc == SQLITE_DONE) {
      return fail(ErrorKind::ResourceNotFound, "entity '" + entity.id + "' does not exist");
    }
    if (rc != SQLITE_ROW) return db_.error("update entity");
    rid = s->column_int(0);
  }
  auto before = read_stored_shape(db_, rid);
  if (!before) return std::unexpected(before.error());
  auto after = intern_shape(db_, terms_, shape_of(entity));
  if (!after) return std::unexpected(after.error());
  if (*before == *after) {
    // Values changed, nothing else: the type and attribute rows and the summaries stand, and
    // of the value rows those that changed are rewritten. The geometries are rewritten whole:
    // the R*Tree keeps boxes rounded outward to 32-bit floats, which cannot tell whether a new
    // box is the same.
    if (auto st = rewrite_changed_values(db_, terms_, rid, entity); !st) return st;
    if (auto st = clear_geometries(db_, rid); !st) return st;
    return write_geometries(db_, terms_, rid, entity);
  }
  if (auto st = clear_index(rid); !st) return st;
  if (auto st = write_index(rid, entity, *after); !st) return st;
  change_summaries(&*before, &*after);
  return ok();
}

Result<bool> EntityWriter::remove(std::string_view id) {
  auto stmt = db_.cached("DELETE FROM entities WHERE id = ?1 RETURNING rid");
  if (!stmt) return std::unexpected(stmt.error());
  std::int64_t rid = 0;
  {
    StatementUse s(**stmt);
    s->bind(1, id);
    const int rc = s->step();
    if (rc == SQLITE_DONE) return false;
    if (rc != SQLITE_ROW) return db_.error("delete entity");
    rid = s->column_int(0);
  }
  auto before = read_stored_shape(db_, rid);
  if (!before) return std::unexpected(before.error());
  if (auto st = clear_index(rid); !st) return std::unexpected(st.error());
  change_summaries(&*before, nullptr);
  return true;
}

Status EntityWriter::write_index(std::int64_t rid, const model::Entity& entity,
                                 const StoredShape& shape) {
  for (const auto term : shape.types) {
    auto st = insert_index_row(
        db_, "INSERT OR IGNORE INTO entity_types(term, entity) VALUES(?1, ?2)", term, rid);
    if (!st) return st;
  }
  for (const auto& a : shape.attrs) {
    auto stmt = db_.cached(
        "INSERT OR IGNORE INTO entity_attrs(term, entity, kinds, instances) "
        "VALUES(?1, ?2, ?3, ?4)");
    if (!stmt) return std::unexpected(stmt.error());
    StatementUse s(**stmt);
    s->bind(1, a.term);
    s->bind(2, rid);
    s->bind(3, static_cast<std::int64_t>(a.kinds));
    s->bind(4, a.instances);
    if (s->step() != SQLITE_DONE) return db_.error("write index");
  }
  return write_values(db_, terms_, rid, entity);
}

void EntityWriter::change_summaries(const StoredShape* before, const StoredShape* after) {
  if (before) summaries_.add(*before, -1);
  if (after) summaries_.add(*after, +1);
}

Status EntityWriter::clear_index(std::int64_t rid) {
  for (const char* sql : {"DELETE FROM entity_types WHERE entity = ?1",
                          "DELETE FROM entity_attrs WHERE entity = ?1"}) {
    auto stmt = db_.cached(sql);
    if (!stmt) return std::unexpected(stmt.error());
    StatementUse s(**stmt);
    s->bind(1, rid);
    if (s->step() != SQLITE_DONE) return db_.error("clear index");
  }
  return clear_values(rid);
}

Status EntityWriter::clear_values(std::int64_t rid) {
  auto st = run_for_entity(db_, "DELETE FROM attr_values WHERE entity = ?1", rid, "clear index");
  if (!st) return st;
  return clear_geometries(db_, rid);
}

}  // namespace tsunagu::store::sqlite
