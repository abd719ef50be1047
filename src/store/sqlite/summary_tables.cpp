#include "store/sqlite/summary_tables.hpp"

#include <algorithm>
#include <string>

#include "store/entity_codec.hpp"

namespace tsunagu::store::sqlite {
namespace {

std::unexpected<Error> out_of_step(std::string_view table) {
  return fail(ErrorKind::InternalError,
              "the discovery summary (" + std::string(table) +
                  ") disagrees with the stored entities; a count would become negative");
}

// Adds `delta` to the counts of one summary row (inserting it when missing) and returns the
// counts the row has now; the caller deletes it when they reach zero.
Result<std::vector<std::int64_t>> upsert(Connection& db, const char* sql,
                                         std::initializer_list<std::int64_t> params, int returned) {
  auto stmt = db.cached(sql);
  if (!stmt) return std::unexpected(stmt.error());
  StatementUse s(**stmt);
  int i = 0;
  for (auto p : params) s->bind(++i, p);
  if (s->step() != SQLITE_ROW) return db.error("update discovery summary");
  std::vector<std::int64_t> now;
  for (int c = 0; c < returned; ++c) now.push_back(s->column_int(c));
  return now;
}

Status run(Connection& db, const char* sql, std::initializer_list<std::int64_t> params) {
  auto stmt = db.cached(sql);
  if (!stmt) return std::unexpected(stmt.error());
  StatementUse s(**stmt);
  int i = 0;
  for (auto p : params) s->bind(++i, p);
  if (s->step() != SQLITE_DONE) return db.error("update discovery summary");
  return ok();
}

Status write_attr_shape(Connection& db, std::int64_t rid, const StoredShape::Attr& a) {
  return run(db,
             "INSERT INTO entity_attrs(term, entity, kinds, instances) VALUES(?1, ?2, ?3, ?4) "
             "ON CONFLICT(term, entity) DO UPDATE SET kinds = excluded.kinds, "
             "instances = excluded.instances",
             {a.term, rid, static_cast<std::int64_t>(a.kinds), a.instances});
}

}  // namespace

Result<StoredShape> read_stored_shape(Connection& db, std::int64_t rid) {
  StoredShape shape;
  auto types = db.cached("SELECT term FROM entity_types WHERE entity = ?1 ORDER BY term");
  if (!types) return std::unexpected(types.error());
  {
    StatementUse s(**types);
    s->bind(1, rid);
    int rc;
    while ((rc = s->step()) == SQLITE_ROW) shape.types.push_back(s->column_int(0));
    if (rc != SQLITE_DONE) return db.error("read entity types");
  }
  auto attrs =
      db.cached("SELECT term, kinds, instances FROM entity_attrs WHERE entity = ?1 ORDER BY term");
  if (!attrs) return std::unexpected(attrs.error());
  StatementUse s(**attrs);
  s->bind(1, rid);
  int rc;
  while ((rc = s->step()) == SQLITE_ROW) {
    shape.attrs.push_back(
        {s->column_int(0), static_cast<KindSet>(s->column_int(1)), s->column_int(2)});
  }
  if (rc != SQLITE_DONE) return db.error("read entity attributes");
  return shape;
}

Result<StoredShape> intern_shape(Connection& db, TermCache& terms, const EntityShape& shape) {
  StoredShape out;
  for (const auto& type : shape.types) {
    auto term = terms.id_of(db, type);
    if (!term) return std::unexpected(term.error());
    out.types.push_back(*term);
  }
  for (const auto& a : shape.attributes) {
    auto term = terms.id_of(db, a.name);
    if (!term) return std::unexpected(term.error());
    out.attrs.push_back({*term, a.kinds, a.instances});
  }
  std::sort(out.types.begin(), out.types.end());
  std::sort(out.attrs.begin(), out.attrs.end(),
            [](const auto& x, const auto& y) { return x.term < y.term; });
  return out;
}

void SummaryDelta::add(const StoredShape& shape, std::int64_t sign) {
  for (auto type : shape.types) types_[type] += sign;
  for (const auto& a : shape.attrs) {
    auto& counts = attrs_[a.term];
    counts.first += sign;
    counts.second += sign * a.instances;
    for (auto type : shape.types) type_attrs_[{type, a.term, a.kinds}] += sign;
  }
}

void SummaryDelta::add(const SummaryDelta& other) {
  for (const auto& [type, delta] : other.types_) types_[type] += delta;
  for (const auto& [attr, delta] : other.attrs_) {
    auto& counts = attrs_[attr];
    counts.first += delta.first;
    counts.second += delta.second;
  }
  for (const auto& [key, delta] : other.type_attrs_) type_attrs_[key] += delta;
}

Status SummaryDelta::apply(Connection& db) const {
  if (auto st = apply_types(db); !st) return st;
  if (auto st = apply_attrs(db); !st) return st;
  return apply_type_attrs(db);
}

Status SummaryDelta::apply_types(Connection& db) const {
  for (const auto& [type, delta] : types_) {
    if (delta == 0) continue;
    auto now = upsert(db,
                      "INSERT INTO type_summary(type, entities) VALUES(?1, ?2) "
                      "ON CONFLICT(type) DO UPDATE SET entities = entities + excluded.entities "
                      "RETURNING entities",
                      {type, delta}, 1);
    if (!now) return std::unexpected(now.error());
    if ((*now)[0] < 0) return out_of_step("type_summary");
    if ((*now)[0] > 0) continue;
    if (auto st = run(db, "DELETE FROM type_summary WHERE type = ?1", {type}); !st) return st;
  }
  return ok();
}

Status SummaryDelta::apply_attrs(Connection& db) const {
  for (const auto& [attr, delta] : attrs_) {
    if (delta.first == 0 && delta.second == 0) continue;
    auto now = upsert(db,
                      "INSERT INTO attr_summary(attr, entities, instances) VALUES(?1, ?2, ?3) "
                      "ON CONFLICT(attr) DO UPDATE SET entities = entities + excluded.entities, "
                      "instances = instances + excluded.instances RETURNING entities, instances",
                      {attr, delta.first, delta.second}, 2);
    if (!now) return std::unexpected(now.error());
    const auto entities = (*now)[0], instances = (*now)[1];
    if (entities < 0 || instances < 0 || (entities == 0 && instances != 0)) {
      return out_of_step("attr_summary");
    }
    if (entities > 0) continue;
    if (auto st = run(db, "DELETE FROM attr_summary WHERE attr = ?1", {attr}); !st) return st;
  }
  return ok();
}

Status SummaryDelta::apply_type_attrs(Connection& db) const {
  for (const auto& [key, delta] : type_attrs_) {
    if (delta == 0) continue;
    const auto& [type, attr, kinds] = key;
    const auto k = static_cast<std::int64_t>(kinds);
    auto now = upsert(db,
                      "INSERT INTO type_attr_summary(type, attr, kinds, entities) "
                      "VALUES(?1, ?2, ?3, ?4) ON CONFLICT(type, attr, kinds) "
                      "DO UPDATE SET entities = entities + excluded.entities RETURNING entities",
                      {type, attr, k, delta}, 1);
    if (!now) return std::unexpected(now.error());
    if ((*now)[0] < 0) return out_of_step("type_attr_summary");
    if ((*now)[0] > 0) continue;
    auto st = run(db, "DELETE FROM type_attr_summary WHERE type = ?1 AND attr = ?2 AND kinds = ?3",
                  {type, attr, k});
    if (!st) return st;
  }
  return ok();
}

Status backfill_summaries(Connection& db) {
  auto rows = db.prepare("SELECT rid, doc FROM entities");
  if (!rows) return std::unexpected(rows.error());
  TermCache terms;
  SummaryDelta total;
  int rc;
  while ((rc = (*rows)->step()) == SQLITE_ROW) {
    const auto rid = (*rows)->column_int(0);
    auto entity = decode_entity_text((*rows)->column_text(1));
    if (!entity) return std::unexpected(entity.error());
    auto shape = intern_shape(db, terms, shape_of(*entity));
    if (!shape) return std::unexpected(shape.error());
    for (const auto& a : shape->attrs) {
      if (auto st = write_attr_shape(db, rid, a); !st) return st;
    }
    total.add(*shape, +1);
  }
  if (rc != SQLITE_DONE) return db.error("backfill discovery summaries");
  return total.apply(db);
}

}  // namespace tsunagu::store::sqlite
