#include "store/sqlite/query_compiler.hpp"

#include <array>
#include <charconv>
#include <map>
#include <optional>

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

std::string number_literal(double v) {
  std::array<char, 32> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return std::string(buf.data(), end);
}

// The SQL form of a q value the value index can compare: a number literal or a text parameter
// (a Text also as its vocab IRI, since VocabProperty values are stored expanded).
struct IndexableValues {
  std::vector<std::string> numbers;  // SQL literals
  std::vector<std::string> texts;    // raw strings, bound as parameters
};

std::optional<IndexableValues> indexable(const std::vector<query::Value>& values) {
  IndexableValues out;
  for (const auto& v : values) {
    if (const auto* d = std::get_if<double>(&v)) {
      out.numbers.push_back(number_literal(*d));
    } else if (const auto* t = std::get_if<query::Text>(&v)) {
      out.texts.push_back(t->value);
      if (!t->vocab_iri.empty() && t->vocab_iri != t->value) out.texts.push_back(t->vocab_iri);
    } else if (const auto* u = std::get_if<query::Uri>(&v)) {
      out.texts.push_back(u->value);
    } else {
      return std::nullopt;  // booleans and times are decided by the evaluator alone
    }
  }
  return out;
}

std::string term_id(Builder& b, const std::string& iri) {
  return "(SELECT id FROM terms WHERE iri = " + b.param(iri) + ")";
}

std::string values_where(Builder& b, const std::string& attr, const std::string& condition) {
  return "e.rid IN (SELECT entity FROM attr_values WHERE term = " + term_id(b, attr) + " AND (" +
         condition + "))";
}

std::optional<std::string> comparison_sql(Builder& b, const query::Comparison& c);

// A superset condition for one q comparison, or nullopt when the index cannot narrow it (the
// evaluator then decides alone). Only plain attribute paths are indexed.
std::optional<std::string> comparison_sql(Builder& b, const query::Comparison& c) {
  const auto& p = c.path;
  if (p.attr.empty() || !p.sub_attrs.empty() || p.metadata || !p.json_keys.empty()) {
    return std::nullopt;
  }
  if (c.op == query::Op::Exists) {
    return "e.rid IN (SELECT entity FROM entity_attrs WHERE term = " + term_id(b, p.attr) + ")";
  }
  if (c.range && c.op == query::Op::Eq) {
    auto ends = indexable({c.range->min, c.range->max});
    if (!ends) return std::nullopt;
    if (ends->numbers.size() == 2) {
      return values_where(b, p.attr,
                          "num BETWEEN " + ends->numbers[0] + " AND " + ends->numbers[1]);
    }
    if (ends->texts.size() == 2) {
      return values_where(
          b, p.attr, "txt BETWEEN " + b.param(ends->texts[0]) + " AND " + b.param(ends->texts[1]));
    }
    return std::nullopt;
  }
  auto values = indexable(c.values);
  if (!values || c.values.empty()) return std::nullopt;
  if (c.op == query::Op::Eq) {
    std::vector<std::string> parts;
    if (!values->numbers.empty()) {
      std::string list;
      for (const auto& n : values->numbers) list += (list.empty() ? "" : ", ") + n;
      parts.push_back("num IN (" + list + ")");
    }
    if (!values->texts.empty()) parts.push_back("txt IN (" + b.placeholders(values->texts) + ")");
    return values_where(b, p.attr, parts.size() == 2 ? parts[0] + " OR " + parts[1] : parts[0]);
  }
  static const std::map<query::Op, std::string> kOrder = {
      {query::Op::Gt, ">"}, {query::Op::Ge, ">="}, {query::Op::Lt, "<"}, {query::Op::Le, "<="}};
  auto op = kOrder.find(c.op);
  if (op == kOrder.end() || c.values.size() != 1) return std::nullopt;
  if (!values->numbers.empty())
    return values_where(b, p.attr, "num " + op->second + " " + values->numbers[0]);
  return values_where(b, p.attr, "txt " + op->second + " " + b.param(values->texts[0]));
}

// The conditions the index can check for the top-level conjuncts of q.
void add_q_conditions(Builder& b, const query::Expr& q) {
  if (q.kind == query::Expr::Kind::Leaf) {
    if (auto sql = comparison_sql(b, q.leaf)) b.where(*sql);
  } else if (q.kind == query::Expr::Kind::And) {
    for (const auto& child : q.children) add_q_conditions(b, child);
  }
}

void add_geo_condition(Builder& b, const query::GeoQuery& geo) {
  b.where("e.rid IN (SELECT entity FROM entity_attrs WHERE term = " + term_id(b, geo.geoproperty) +
          ")");
  const auto box = query::search_box(geo);
  if (box.min_lon <= -180 && box.max_lon >= 180 && box.min_lat <= -90 && box.max_lat >= 90) return;
  b.where(
      "e.rid IN (SELECT o.entity FROM geo_index g JOIN geo_owner o ON o.id = g.id WHERE "
      "g.max_lon >= " +
      number_literal(box.min_lon) + " AND g.min_lon <= " + number_literal(box.max_lon) +
      " AND g.max_lat >= " + number_literal(box.min_lat) + " AND g.min_lat <= " +
      number_literal(box.max_lat) + " AND o.term = " + term_id(b, geo.geoproperty) + ")");
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
  if (q.q) add_q_conditions(b, *q.q);
  if (q.geo) add_geo_condition(b, *q.geo);
  CompiledQuery out;
  if (q.q || q.geo) {
    out.sql = "SELECT e.doc FROM " + from + b.conditions + " ORDER BY " +
              (by_one_type ? "x.entity" : "e.rid");
    out.params = std::move(b.params);
    out.needs_evaluation = true;
    return out;
  }
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
