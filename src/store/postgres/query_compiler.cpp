#include "store/postgres/query_compiler.hpp"

#include <map>
#include <optional>

#include "query/scope_query.hpp"
#include "store/postgres/entity_tables.hpp"
#include "store/postgres/schema.hpp"
#include "store/value_index.hpp"

namespace tsunagu::store::postgres {
namespace {

using query::TermExpr;

// The statement's parameters; each added value gets its placeholder ($1, $2, ...), which may
// appear anywhere in the text.
class Params {
 public:
  std::string add(Param value) {
    values_.push_back(std::move(value));
    return "$" + std::to_string(values_.size());
  }
  std::string text(std::string_view v) { return add(param(v)); }
  std::string texts(const std::vector<std::string>& v) { return add(text_array(v)) + "::text[]"; }
  std::string number(double v) { return add(param(v)) + "::float8"; }
  std::vector<Param> take() { return std::move(values_); }

 private:
  std::vector<Param> values_;
};

std::string joined(const std::vector<std::string>& parts, std::string_view op) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += op;
    out += p;
  }
  return out;
}

// attr_values rows of `e` for one attribute passing `test` (over num and txt).
std::string values_where(Params& p, const std::string& attr, const std::string& test) {
  return "EXISTS (SELECT 1 FROM {s}.attr_values v WHERE v.rid = e.rid AND v.attr = " +
         p.text(attr) + " AND (" + test + "))";
}

std::string has_attrs(Params& p, const std::vector<std::string>& attrs) {
  return "e.attrs && " + p.texts(attrs);
}

// ---- q ----

// The index form of q values: numbers, and texts as they are indexed (a Text also as its vocab
// IRI, since VocabProperty values are stored expanded); raw_texts as given, for order bounds.
struct IndexableValues {
  std::vector<double> numbers;
  std::vector<std::string> texts;
  std::vector<std::string> raw_texts;
};

std::optional<IndexableValues> indexable(const std::vector<query::Value>& values) {
  IndexableValues out;
  for (const auto& v : values) {
    if (const auto* d = std::get_if<double>(&v)) {
      out.numbers.push_back(*d);
    } else if (const auto* t = std::get_if<query::Text>(&v)) {
      out.texts.push_back(indexed_text(t->value));
      out.raw_texts.push_back(t->value);
      if (!t->vocab_iri.empty() && t->vocab_iri != t->value) {
        out.texts.push_back(indexed_text(t->vocab_iri));
        out.raw_texts.push_back(t->vocab_iri);
      }
    } else if (const auto* u = std::get_if<query::Uri>(&v)) {
      out.texts.push_back(indexed_text(u->value));
      out.raw_texts.push_back(u->value);
    } else {
      return std::nullopt;  // booleans and times are decided by the evaluator alone
    }
  }
  return out;
}

// An order comparison of texts, widened to the bounds of their indexed forms (entity_tables.hpp).
std::string text_order(Params& p, query::Op op, const std::string& value) {
  if (op == query::Op::Gt || op == query::Op::Ge) {
    return "v.txt >= " + p.text(indexed_lower_bound(value));
  }
  return "v.txt <= " + p.text(indexed_upper_bound(value));
}

// A superset condition for one q comparison, or nullopt when the index cannot narrow it. Only
// plain attribute paths are indexed.
std::optional<std::string> comparison_condition(Params& p, const query::Comparison& c) {
  const auto& path = c.path;
  if (path.attr.empty() || !path.sub_attrs.empty() || path.metadata || !path.json_keys.empty()) {
    return std::nullopt;
  }
  if (c.op == query::Op::Exists) return "e.attrs @> " + p.texts({path.attr});
  if (c.range && c.op == query::Op::Eq) {
    auto ends = indexable({c.range->min, c.range->max});
    if (!ends) return std::nullopt;
    if (ends->numbers.size() == 2) {
      return values_where(
          p, path.attr,
          "v.num BETWEEN " + p.number(ends->numbers[0]) + " AND " + p.number(ends->numbers[1]));
    }
    if (ends->texts.size() == 2) {
      return values_where(p, path.attr,
                          "v.txt BETWEEN " + p.text(indexed_lower_bound(ends->raw_texts[0])) +
                              " AND " + p.text(indexed_upper_bound(ends->raw_texts[1])));
    }
    return std::nullopt;
  }
  auto values = indexable(c.values);
  if (!values || c.values.empty()) return std::nullopt;
  if (c.op == query::Op::Eq) {
    std::vector<std::string> parts;
    if (!values->numbers.empty()) {
      parts.push_back("v.num = ANY(" +
                      p.add(number_array(std::vector<std::optional<double>>(
                          values->numbers.begin(), values->numbers.end()))) +
                      "::float8[])");
    }
    if (!values->texts.empty()) parts.push_back("v.txt = ANY(" + p.texts(values->texts) + ")");
    return values_where(p, path.attr, joined(parts, " OR "));
  }
  static const std::map<query::Op, std::string> kOrder = {
      {query::Op::Gt, ">"}, {query::Op::Ge, ">="}, {query::Op::Lt, "<"}, {query::Op::Le, "<="}};
  auto op = kOrder.find(c.op);
  if (op == kOrder.end() || c.values.size() != 1) return std::nullopt;
  if (!values->numbers.empty()) {
    return values_where(p, path.attr, "v.num " + op->second + " " + p.number(values->numbers[0]));
  }
  return values_where(p, path.attr, text_order(p, c.op, values->raw_texts[0]));
}

// The top-level conjuncts of q the index can narrow.
void add_q(Params& p, const query::Expr& q, std::vector<std::string>& out) {
  if (q.kind == query::Expr::Kind::Leaf) {
    if (auto c = comparison_condition(p, q.leaf)) out.push_back(std::move(*c));
  } else if (q.kind == query::Expr::Kind::And) {
    for (const auto& child : q.children) add_q(p, child, out);
  }
}

// ---- geo ----

std::string geo_condition(Params& p, const query::GeoQuery& geo) {
  const auto box = query::search_box(geo);
  if (box.min_lon <= -180 && box.max_lon >= 180 && box.min_lat <= -90 && box.max_lat >= 90) {
    return "e.attrs @> " + p.texts({geo.geoproperty});
  }
  return "EXISTS (SELECT 1 FROM {s}.geometries g WHERE g.rid = e.rid AND g.attr = " +
         p.text(geo.geoproperty) + " AND g.geom && ST_MakeEnvelope(" + p.number(box.min_lon) +
         ", " + p.number(box.min_lat) + ", " + p.number(box.max_lon) + ", " +
         p.number(box.max_lat) + ", 4326))";
}

// ---- types and scopes: expressions over conditions on atoms ----

template <typename AtomsCondition>
std::string expression(Params& p, const TermExpr& expr, const AtomsCondition& of_atoms) {
  if (expr.kind == TermExpr::Kind::Atom) return of_atoms(p, {expr.atom});
  if (auto any = query::as_any_of(expr)) return of_atoms(p, *any);
  std::vector<std::string> parts;
  for (const auto& child : expr.children) parts.push_back(expression(p, child, of_atoms));
  return "(" + joined(parts, expr.kind == TermExpr::Kind::And ? " AND " : " OR ") + ")";
}

std::string types_condition(Params& p, const std::vector<std::string>& types) {
  if (types.size() == 1) return "e.types @> " + p.texts(types);
  return "e.types && " + p.texts(types);
}

// Scope patterns: the scope values in the range each pattern's literal prefix allows ('0'
// follows '/' in ASCII, so [p + "/", p + "0") holds exactly the scopes below p).
std::string scopes_condition(Params& p, const std::vector<std::string>& patterns) {
  std::vector<std::string> ranges;
  for (const auto& pattern : patterns) {
    const auto key = query::scope_index_prefix(pattern);
    if (key.exact) {
      ranges.push_back("v.txt = " + p.text(indexed_text(key.prefix)));
    } else if (key.prefix == "/") {
      ranges.push_back("(v.txt >= '/' AND v.txt < '0')");
    } else {
      ranges.push_back("v.txt = " + p.text(indexed_text(key.prefix)) +
                       " OR (v.txt >= " + p.text(indexed_text(key.prefix + "/")) +
                       " AND v.txt <= " + p.text(indexed_text(key.prefix + "0")) + ")");
    }
  }
  return values_where(p, std::string(kScopeIndexName), joined(ranges, " OR "));
}

// ---- selectors ----

// A selector's conditions as SQL; its id pattern is left to the evaluator.
std::string selector_condition(Params& p, const query::EntitySelector& s) {
  std::vector<std::string> parts;
  if (s.type) parts.push_back(expression(p, *s.type, types_condition));
  if (!s.ids.empty()) parts.push_back("e.id = ANY(" + p.texts(s.ids) + ")");
  return parts.empty() ? "TRUE" : "(" + joined(parts, " AND ") + ")";
}

void add_selectors(Params& p, const std::vector<query::EntitySelector>& selectors,
                   std::vector<std::string>& out) {
  if (selectors.empty()) return;
  std::vector<std::string> any;
  for (const auto& s : selectors) any.push_back(selector_condition(p, s));
  out.push_back(any.size() == 1 ? any.front() : "(" + joined(any, " OR ") + ")");
}

// ---- personal data ----

// Whether every entity the query can match has `type`: one selector naming only it.
bool only_type(const EntityQuery& q, const std::string& type) {
  if (q.entities.size() != 1 || !q.entities.front().type) return false;
  const auto& t = *q.entities.front().type;
  return t.kind == TermExpr::Kind::Atom && t.atom == type;
}

// "Has the type only with a granted subject": entities without the type pass. When the query is
// about that type alone, the subjects are the whole condition, which the planner may drive from
// (a few granted residents among a million applications).
std::string restriction_condition(Params& p, const SubjectRestriction& r, bool only_this_type) {
  std::vector<std::string> subjects;
  for (const auto& v : r.values) subjects.push_back(indexed_text(v));
  const std::string granted =
      r.values.empty() ? "FALSE"
                       : values_where(p, r.attr, "v.txt = ANY(" + p.texts(subjects) + ")");
  if (only_this_type) return granted;
  return "(NOT e.types @> " + p.texts({r.type}) + " OR " + granted + ")";
}

bool has_id_pattern(const EntityQuery& q) {
  for (const auto& s : q.entities) {
    if (s.id_pattern) return true;
  }
  return false;
}

}  // namespace

CompiledQuery compile(const EntityQuery& q, const std::string& schema) {
  Params p;
  std::vector<std::string> where;
  add_selectors(p, q.entities, where);
  if (!q.attrs.empty()) where.push_back(has_attrs(p, q.attrs));
  if (q.q) add_q(p, *q.q, where);
  if (q.geo) where.push_back(geo_condition(p, *q.geo));
  if (q.scope) where.push_back(expression(p, *q.scope, scopes_condition));
  for (const auto& r : q.restrictions) {
    where.push_back(restriction_condition(p, r, only_type(q, r.type)));
  }

  CompiledQuery out;
  const std::string where_sql = where.empty() ? "" : " WHERE " + joined(where, " AND ");
  out.needs_evaluation = q.q || q.geo || q.scope || has_id_pattern(q);
  out.page = in_schema("SELECT e.doc FROM {s}.entities e" + where_sql + " ORDER BY e.rid", schema);
  out.params = p.take();
  if (out.needs_evaluation) return out;
  out.page += " LIMIT " + std::to_string(q.limit) + " OFFSET " + std::to_string(q.offset);
  out.count = in_schema("SELECT count(*) FROM {s}.entities e" + where_sql, schema);
  return out;
}

}  // namespace tsunagu::store::postgres
