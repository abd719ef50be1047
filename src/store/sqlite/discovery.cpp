#include "store/sqlite/discovery.hpp"

#include <string>

#include "store/entity_shape.hpp"

namespace tsunagu::store::sqlite {
namespace {

// One row per (type, attribute, set of kinds); a type whose entities have no attribute comes
// once, its third column 0 and the attribute columns null.
constexpr const char* kTypeRows =
    "SELECT ty.iri, s.entities, a.attr IS NOT NULL, an.iri, a.kinds "
    "FROM type_summary s JOIN terms ty ON ty.id = s.type "
    "LEFT JOIN type_attr_summary a ON a.type = s.type "
    "LEFT JOIN terms an ON an.id = a.attr ";
constexpr const char* kTypeOrder = "ORDER BY ty.iri, an.iri";

// One row per (attribute, type, set of kinds).
constexpr const char* kAttrRows =
    "SELECT an.iri, s.entities, s.instances, a.type IS NOT NULL, ty.iri, a.kinds "
    "FROM attr_summary s JOIN terms an ON an.id = s.attr "
    "LEFT JOIN type_attr_summary a ON a.attr = s.attr "
    "LEFT JOIN terms ty ON ty.id = a.type ";
constexpr const char* kAttrOrder = "ORDER BY an.iri, ty.iri";

// Runs `rows`, restricted to filter_column = only when given, in `order`, calling on_row for
// each row. Both forms are cached statements.
template <typename OnRow>
Status each_row(Connection& db, std::string_view rows, std::string_view filter_column,
                std::string_view order, std::optional<std::string_view> only, OnRow&& on_row) {
  std::string sql(rows);
  if (only) sql += "WHERE " + std::string(filter_column) + " = ?1 ";
  sql += order;
  auto stmt = db.cached(sql);
  if (!stmt) return std::unexpected(stmt.error());
  StatementUse s(**stmt);
  if (only) s->bind(1, *only);
  int rc;
  while ((rc = s->step()) == SQLITE_ROW) on_row(*s);
  if (rc != SQLITE_DONE) return db.error("read discovery summaries");
  return ok();
}

std::size_t count(const Statement& s, int column) {
  return static_cast<std::size_t>(s.column_int(column));
}

// Rows arrive grouped by type, then by attribute: each new name starts a new element.
void add_type_row(std::vector<TypeSummary>& out, std::vector<KindSet>& masks, const Statement& s) {
  if (out.empty() || out.back().type != s.column_text(0)) {
    out.push_back({std::string(s.column_text(0)), count(s, 1), {}});
    masks.clear();
  }
  if (s.column_int(2) == 0) return;
  auto& attrs = out.back().attributes;
  if (attrs.empty() || attrs.back().name != s.column_text(3)) {
    attrs.push_back({std::string(s.column_text(3)), {}});
    masks.push_back(0);
  }
  masks.back() |= static_cast<KindSet>(s.column_int(4));
  attrs.back().kinds = kinds_of(masks.back());
}

void add_attr_row(std::vector<AttributeSummary>& out, KindSet& mask, const Statement& s) {
  if (out.empty() || out.back().name != s.column_text(0)) {
    out.push_back({std::string(s.column_text(0)), count(s, 1), count(s, 2), {}, {}});
    mask = 0;
  }
  if (s.column_int(3) == 0) return;
  auto& summary = out.back();
  if (summary.types.empty() || summary.types.back() != s.column_text(4)) {
    summary.types.emplace_back(s.column_text(4));
  }
  mask |= static_cast<KindSet>(s.column_int(5));
  summary.kinds = kinds_of(mask);
}

}  // namespace

Result<std::vector<TypeSummary>> read_type_summaries(Connection& db,
                                                     std::optional<std::string_view> only) {
  std::vector<TypeSummary> out;
  std::vector<KindSet> masks;  // of the attributes of out.back()
  auto st = each_row(db, kTypeRows, "ty.iri", kTypeOrder, only,
                     [&](const Statement& s) { add_type_row(out, masks, s); });
  if (!st) return std::unexpected(st.error());
  return out;
}

Result<std::vector<AttributeSummary>> read_attribute_summaries(
    Connection& db, std::optional<std::string_view> only) {
  std::vector<AttributeSummary> out;
  KindSet mask = 0;  // of out.back()
  auto st = each_row(db, kAttrRows, "an.iri", kAttrOrder, only,
                     [&](const Statement& s) { add_attr_row(out, mask, s); });
  if (!st) return std::unexpected(st.error());
  return out;
}

}  // namespace tsunagu::store::sqlite
