#include "store/sqlite/query_compiler.hpp"

namespace tsunagu::store::sqlite {
namespace {

class Builder {
 public:
  // "?N, ?N+1, ..." for the values, which are appended to the parameters.
  std::string placeholders(const std::vector<std::string>& values) {
    std::string out;
    for (const auto& v : values) {
      if (!out.empty()) out += ", ";
      out += param(v);
    }
    return out;
  }

  std::string param(const std::string& value) {
    params.push_back(value);
    return "?" + std::to_string(params.size());
  }

  void where(std::string condition) {
    conditions += conditions.empty() ? " WHERE " : " AND ";
    conditions += condition;
  }

  std::vector<std::string> params;
  std::string conditions;
};

// Entities indexed under any of these terms in `table` (entity_types or entity_attrs).
std::string indexed_under(Builder& b, const char* table, const std::vector<std::string>& iris) {
  return std::string("e.rid IN (SELECT x.entity FROM ") + table +
         " x JOIN terms t ON t.id = x.term WHERE t.iri IN (" + b.placeholders(iris) + "))";
}

}  // namespace

CompiledQuery compile(const EntityQuery& q) {
  Builder b;
  // One type, the most common query, drives the scan from entity_types: its primary key
  // (term, entity) yields the matches in rid order, so LIMIT stops the scan after one page
  // instead of collecting every entity of the type and sorting them.
  const bool by_one_type = q.types.size() == 1;
  std::string from = "entities e";
  if (by_one_type) {
    from = "entity_types x JOIN entities e ON e.rid = x.entity";
    b.where("x.term = (SELECT id FROM terms WHERE iri = " + b.param(q.types.front()) + ")");
  } else if (!q.types.empty()) {
    b.where(indexed_under(b, "entity_types", q.types));
  }
  if (!q.ids.empty()) b.where("e.id IN (" + b.placeholders(q.ids) + ")");
  if (q.id_pattern) b.where("e.id REGEXP " + b.param(*q.id_pattern));
  if (!q.attrs.empty()) b.where(indexed_under(b, "entity_attrs", q.attrs));
  CompiledQuery out;
  const std::string order = by_one_type ? "x.entity" : "e.rid";
  out.sql = "SELECT e.doc FROM " + from + b.conditions + " ORDER BY " + order + " LIMIT " +
            std::to_string(q.limit) + " OFFSET " + std::to_string(q.offset);
  // Counting every entity of one type needs only the index, not the entity rows.
  const bool type_only = by_one_type && q.ids.empty() && !q.id_pattern && q.attrs.empty();
  out.count_sql =
      "SELECT count(*) FROM " + (type_only ? std::string("entity_types x") : from) + b.conditions;
  out.params = std::move(b.params);
  return out;
}

}  // namespace tsunagu::store::sqlite
