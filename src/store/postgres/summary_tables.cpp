#include "store/postgres/summary_tables.hpp"

#include "store/postgres/schema.hpp"

namespace tsunagu::store::postgres {
namespace {

std::unexpected<Error> out_of_step(std::string_view table) {
  return fail(ErrorKind::InternalError,
              "the discovery summary (" + std::string(table) +
                  ") disagrees with the stored entities; a count would become negative");
}

// Adds the deltas (one array parameter per column, unnest()ed) and returns the counts the rows
// have now; refuses negative counts; deletes the rows that fell to zero (a third statement, only
// when one did: a type or attribute that no entity has any more).
Status upsert_rows(Connection& db, const std::string& schema, std::string_view table,
                   const std::string& upsert, const std::string& zero,
                   std::span<const Param> params) {
  auto rows = db.run(in_schema(upsert, schema), params);
  if (!rows) return std::unexpected(rows.error());
  bool any_zero = false;
  for (int i = 0; i < rows->size(); ++i) {
    for (int c = 0; c < 2 && !rows->null(i, c); ++c) {
      if (rows->integer(i, c) < 0) return out_of_step(table);
      any_zero = any_zero || rows->integer(i, c) == 0;
    }
  }
  if (!any_zero) return ok();
  auto gone = db.run(in_schema(zero, schema));
  return gone ? ok() : Status(std::unexpected(gone.error()));
}

std::size_t count(const Rows& rows, int row, int col) {
  return static_cast<std::size_t>(rows.integer(row, col));
}

}  // namespace

void SummaryDelta::add(const EntityShape& shape, std::int64_t sign) {
  for (const auto& type : shape.types) types_[type] += sign;
  for (const auto& a : shape.attributes) {
    auto& counts = attrs_[a.name];
    counts.first += sign;
    counts.second += sign * a.instances;
    for (const auto& type : shape.types) type_attrs_[{type, a.name, a.kinds}] += sign;
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

Status SummaryDelta::apply(Connection& db, const std::string& schema) const {
  if (auto st = apply_types(db, schema); !st) return st;
  if (auto st = apply_attrs(db, schema); !st) return st;
  return apply_type_attrs(db, schema);
}

Status SummaryDelta::apply_types(Connection& db, const std::string& schema) const {
  std::vector<std::string> types;
  std::vector<std::int64_t> deltas;
  for (const auto& [type, delta] : types_) {
    if (delta == 0) continue;
    types.push_back(type);
    deltas.push_back(delta);
  }
  if (types.empty()) return ok();
  const Param p[] = {text_array(types), integer_array(deltas)};
  return upsert_rows(db, schema, "type_summary",
                     "INSERT INTO {s}.type_summary AS s(type, entities) "
                     "SELECT * FROM unnest($1::text[], $2::bigint[]) "
                     "ON CONFLICT(type) DO UPDATE SET entities = s.entities + excluded.entities "
                     "RETURNING s.entities, NULL::bigint",
                     "DELETE FROM {s}.type_summary WHERE entities = 0", p);
}

Status SummaryDelta::apply_attrs(Connection& db, const std::string& schema) const {
  std::vector<std::string> attrs;
  std::vector<std::int64_t> entities, instances;
  for (const auto& [attr, delta] : attrs_) {
    if (delta.first == 0 && delta.second == 0) continue;
    attrs.push_back(attr);
    entities.push_back(delta.first);
    instances.push_back(delta.second);
  }
  if (attrs.empty()) return ok();
  const Param p[] = {text_array(attrs), integer_array(entities), integer_array(instances)};
  return upsert_rows(db, schema, "attr_summary",
                     "INSERT INTO {s}.attr_summary AS s(attr, entities, instances) "
                     "SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[]) "
                     "ON CONFLICT(attr) DO UPDATE SET entities = s.entities + excluded.entities, "
                     "instances = s.instances + excluded.instances RETURNING s.entities, "
                     "CASE WHEN s.entities = 0 AND s.instances <> 0 THEN -1 ELSE s.instances END",
                     "DELETE FROM {s}.attr_summary WHERE entities = 0", p);
}

Status SummaryDelta::apply_type_attrs(Connection& db, const std::string& schema) const {
  std::vector<std::string> types, attrs;
  std::vector<std::int64_t> kinds, deltas;
  for (const auto& [key, delta] : type_attrs_) {
    if (delta == 0) continue;
    types.push_back(std::get<0>(key));
    attrs.push_back(std::get<1>(key));
    kinds.push_back(static_cast<std::int64_t>(std::get<2>(key)));
    deltas.push_back(delta);
  }
  if (types.empty()) return ok();
  const Param p[] = {text_array(types), text_array(attrs), integer_array(kinds),
                     integer_array(deltas)};
  return upsert_rows(db, schema, "type_attr_summary",
                     "INSERT INTO {s}.type_attr_summary AS s(type, attr, kinds, entities) "
                     "SELECT * FROM unnest($1::text[], $2::text[], $3::integer[], $4::bigint[]) "
                     "ON CONFLICT(type, attr, kinds) "
                     "DO UPDATE SET entities = s.entities + excluded.entities "
                     "RETURNING s.entities, NULL::bigint",
                     "DELETE FROM {s}.type_attr_summary WHERE entities = 0", p);
}

Result<std::vector<TypeSummary>> read_type_summaries(Connection& db, const std::string& schema,
                                                     std::optional<std::string_view> only) {
  // One row per (type, attribute, set of kinds); a type whose entities have no attribute comes
  // once with null attribute columns. Byte order ("C"), as SQLite sorts.
  std::string sql =
      "SELECT s.type, s.entities, a.attr, a.kinds FROM {s}.type_summary s "
      "LEFT JOIN {s}.type_attr_summary a ON a.type = s.type ";
  if (only) sql += "WHERE s.type = $1 ";
  sql += "ORDER BY s.type COLLATE \"C\", a.attr COLLATE \"C\"";
  std::vector<Param> p;
  if (only) p.push_back(param(*only));
  auto rows = db.run(in_schema(sql, schema), p);
  if (!rows) return std::unexpected(rows.error());
  std::vector<TypeSummary> out;
  KindSet mask = 0;  // of out.back().attributes.back()
  for (int i = 0; i < rows->size(); ++i) {
    if (out.empty() || out.back().type != rows->text(i, 0)) {
      out.push_back({std::string(rows->text(i, 0)), count(*rows, i, 1), {}});
    }
    if (rows->null(i, 2)) continue;
    auto& attrs = out.back().attributes;
    if (attrs.empty() || attrs.back().name != rows->text(i, 2)) {
      attrs.push_back({std::string(rows->text(i, 2)), {}});
      mask = 0;
    }
    mask |= static_cast<KindSet>(rows->integer(i, 3));
    attrs.back().kinds = kinds_of(mask);
  }
  return out;
}

Result<std::vector<AttributeSummary>> read_attribute_summaries(
    Connection& db, const std::string& schema, std::optional<std::string_view> only) {
  std::string sql =
      "SELECT s.attr, s.entities, s.instances, a.type, a.kinds FROM {s}.attr_summary s "
      "LEFT JOIN {s}.type_attr_summary a ON a.attr = s.attr ";
  if (only) sql += "WHERE s.attr = $1 ";
  sql += "ORDER BY s.attr COLLATE \"C\", a.type COLLATE \"C\"";
  std::vector<Param> p;
  if (only) p.push_back(param(*only));
  auto rows = db.run(in_schema(sql, schema), p);
  if (!rows) return std::unexpected(rows.error());
  std::vector<AttributeSummary> out;
  KindSet mask = 0;  // of out.back()
  for (int i = 0; i < rows->size(); ++i) {
    if (out.empty() || out.back().name != rows->text(i, 0)) {
      out.push_back(
          {std::string(rows->text(i, 0)), count(*rows, i, 1), count(*rows, i, 2), {}, {}});
      mask = 0;
    }
    if (rows->null(i, 3)) continue;
    auto& summary = out.back();
    if (summary.types.empty() || summary.types.back() != rows->text(i, 3)) {
      summary.types.emplace_back(rows->text(i, 3));
    }
    mask |= static_cast<KindSet>(rows->integer(i, 4));
    summary.kinds = kinds_of(mask);
  }
  return out;
}

}  // namespace tsunagu::store::postgres
