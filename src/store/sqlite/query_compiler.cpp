#include "store/sqlite/query_compiler.hpp"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <charconv>
#include <map>
#include <optional>

#include "query/scope_query.hpp"
#include "store/value_index.hpp"

namespace tsunagu::store::sqlite {

SqlFragment& SqlFragment::operator+=(const SqlFragment& other) {
  sql += other.sql;
  params.insert(params.end(), other.params.begin(), other.params.end());
  return *this;
}

SqlFragment& SqlFragment::operator+=(std::string_view text) {
  sql += text;
  return *this;
}

namespace {

using query::TermExpr;
namespace json = boost::json;

SqlFragment text(std::string sql) {
  return {std::move(sql), {}};
}

SqlFragment param(std::string value) {
  return {"?", {std::move(value)}};
}

SqlFragment operator+(SqlFragment a, const SqlFragment& b) {
  a += b;
  return a;
}

SqlFragment operator+(SqlFragment a, std::string_view b) {
  a += b;
  return a;
}

SqlFragment operator+(std::string_view a, const SqlFragment& b) {
  return text(std::string(a)) + b;
}

// "?, ?, ?" for the values.
SqlFragment param_list(const std::vector<std::string>& values) {
  SqlFragment out;
  for (const auto& v : values) {
    if (!out.sql.empty()) out += ", ";
    out += param(v);
  }
  return out;
}

SqlFragment joined(const std::vector<SqlFragment>& parts, std::string_view op) {
  SqlFragment out;
  for (const auto& p : parts) {
    if (!out.sql.empty()) out += op;
    out += p;
  }
  return out;
}

SqlFragment term_id(const std::string& iri) {
  return "(SELECT id FROM terms WHERE iri = " + param(iri) + ")";
}

SqlFragment term_ids(const std::vector<std::string>& iris) {
  if (iris.size() == 1) return "= " + term_id(iris.front());
  return "IN (SELECT id FROM terms WHERE iri IN (" + param_list(iris) + "))";
}

std::string number_literal(double v) {
  std::array<char, 32> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return std::string(buf.data(), end);
}

// A condition answered by index rows, in two forms: as a driver, " FROM <tables> WHERE <test>"
// whose `entity` column lists the rids it may hold for; and as a check of one entity `e`, an
// expression that must look the entity up by its rid (an index on the entity), never scan the
// condition's rows: a check runs once per entity of the walk.
struct IndexCondition {
  SqlFragment from_where;
  std::string entity;
  SqlFragment check_sql;

  SqlFragment rids() const { return "SELECT " + entity + from_where; }
  SqlFragment check() const { return check_sql; }
};

// entity_types and entity_attrs: the primary key (term, entity) serves both forms.
IndexCondition under_terms(const char* table, const std::vector<std::string>& iris) {
  const SqlFragment terms = term_ids(iris);
  return {" FROM " + std::string(table) + " WHERE term " + terms, "entity",
          "EXISTS (SELECT 1 FROM " + std::string(table) + " WHERE term " + terms +
              " AND entity = e.rid)"};
}

// attr_values: the driver goes by (term, value); the check by entity, which SQLite would not
// choose by itself when the value condition looks selective.
IndexCondition values_where(const std::string& attr, const SqlFragment& test) {
  const SqlFragment term = term_id(attr);
  return {" FROM attr_values WHERE term = " + term + " AND (" + test + ")", "entity",
          "EXISTS (SELECT 1 FROM attr_values INDEXED BY attr_values_by_entity WHERE entity = "
          "e.rid AND term = " +
              term + " AND (" + test + "))"};
}

// One condition of the query's conjunction: answered by the index, or a filter over `e`.
struct Condition {
  std::optional<IndexCondition> index;
  SqlFragment filter;                   // when there is no index form
  std::optional<std::string> one_type;  // set when the condition is "has this one type"
  // Its rows, when known without asking the index (the planner then skips the estimate).
  std::optional<std::size_t> rows_hint{};

  SqlFragment check() const { return index ? index->check() : filter; }
};

// ---- q ----

// A q value the value index can compare: a number literal or a text parameter (a Text also as
// its vocab IRI, since VocabProperty values are stored expanded).
struct IndexableValues {
  std::vector<std::string> numbers;  // SQL literals
  std::vector<std::string> texts;    // bound as parameters
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

// A superset condition for one q comparison, or nullopt when the index cannot narrow it (the
// evaluator then decides alone). Only plain attribute paths are indexed.
std::optional<IndexCondition> comparison_condition(const query::Comparison& c) {
  const auto& p = c.path;
  if (p.attr.empty() || !p.sub_attrs.empty() || p.metadata || !p.json_keys.empty()) {
    return std::nullopt;
  }
  if (c.op == query::Op::Exists) return under_terms("entity_attrs", {p.attr});
  if (c.range && c.op == query::Op::Eq) {
    auto ends = indexable({c.range->min, c.range->max});
    if (!ends) return std::nullopt;
    if (ends->numbers.size() == 2) {
      return values_where(p.attr,
                          text("num BETWEEN " + ends->numbers[0] + " AND " + ends->numbers[1]));
    }
    if (ends->texts.size() == 2) {
      return values_where(p.attr,
                          "txt BETWEEN " + param(ends->texts[0]) + " AND " + param(ends->texts[1]));
    }
    return std::nullopt;
  }
  auto values = indexable(c.values);
  if (!values || c.values.empty()) return std::nullopt;
  if (c.op == query::Op::Eq) {
    std::vector<SqlFragment> parts;
    if (!values->numbers.empty()) {
      std::string list;
      for (const auto& n : values->numbers) list += (list.empty() ? "" : ", ") + n;
      parts.push_back(text("num IN (" + list + ")"));
    }
    if (!values->texts.empty()) parts.push_back("txt IN (" + param_list(values->texts) + ")");
    return values_where(p.attr, joined(parts, " OR "));
  }
  static const std::map<query::Op, std::string> kOrder = {
      {query::Op::Gt, ">"}, {query::Op::Ge, ">="}, {query::Op::Lt, "<"}, {query::Op::Le, "<="}};
  auto op = kOrder.find(c.op);
  if (op == kOrder.end() || c.values.size() != 1) return std::nullopt;
  if (!values->numbers.empty()) {
    return values_where(p.attr, text("num " + op->second + " " + values->numbers[0]));
  }
  return values_where(p.attr, "txt " + op->second + " " + param(values->texts[0]));
}

// The top-level conjuncts of q the index can narrow.
void add_q(const query::Expr& q, std::vector<Condition>& out) {
  if (q.kind == query::Expr::Kind::Leaf) {
    if (auto c = comparison_condition(q.leaf)) out.push_back({std::move(*c), {}, {}});
  } else if (q.kind == query::Expr::Kind::And) {
    for (const auto& child : q.children) add_q(child, out);
  }
}

// ---- geo ----

Condition geo_condition(const query::GeoQuery& geo) {
  const auto box = query::search_box(geo);
  if (box.min_lon <= -180 && box.max_lon >= 180 && box.min_lat <= -90 && box.max_lat >= 90) {
    return {under_terms("entity_attrs", {geo.geoproperty}), {}, {}};
  }
  const SqlFragment in_box = text("g.max_lon >= " + number_literal(box.min_lon) +
                                  " AND g.min_lon <= " + number_literal(box.max_lon) +
                                  " AND g.max_lat >= " + number_literal(box.min_lat) +
                                  " AND g.min_lat <= " + number_literal(box.max_lat));
  const SqlFragment term = term_id(geo.geoproperty);
  // CROSS JOIN fixes the order: the driver searches the R*Tree by box and looks the owners up;
  // the check finds the entity's own geometries and looks their boxes up by id.
  return {IndexCondition{
              " FROM geo_index g CROSS JOIN geo_owner o ON o.id = g.id WHERE " + in_box +
                  " AND o.term = " + term,
              "o.entity",
              "EXISTS (SELECT 1 FROM geo_owner o CROSS JOIN geo_index g ON g.id = o.id WHERE "
              "o.entity = e.rid AND o.term = " +
                  term + " AND " + in_box + ")"},
          {},
          {}};
}

// ---- types and scopes: expressions over index conditions ----

// An And splits into separate conditions (each may drive); an atom or an Or of atoms is one
// index condition; anything else is a filter combining checks.
template <typename AtomsCondition>
SqlFragment expression_check(const TermExpr& expr, const AtomsCondition& of_atoms) {
  if (expr.kind == TermExpr::Kind::Atom) return of_atoms({expr.atom}).check();
  if (auto any = query::as_any_of(expr)) return of_atoms(*any).check();
  std::vector<SqlFragment> parts;
  for (const auto& child : expr.children) parts.push_back(expression_check(child, of_atoms));
  return "(" + joined(parts, expr.kind == TermExpr::Kind::And ? " AND " : " OR ") + ")";
}

// `of_types`: the atoms are types, so a single atom may be walked in order (Plan::by_type).
template <typename AtomsCondition>
void add_expression(const TermExpr& expr, const AtomsCondition& of_atoms, bool of_types,
                    std::vector<Condition>& out) {
  if (expr.kind == TermExpr::Kind::And) {
    for (const auto& child : expr.children) add_expression(child, of_atoms, of_types, out);
    return;
  }
  if (auto any = query::as_any_of(expr)) {
    Condition c{of_atoms(*any), {}, {}};
    if (of_types && any->size() == 1) c.one_type = any->front();
    out.push_back(std::move(c));
    return;
  }
  out.push_back({std::nullopt, expression_check(expr, of_atoms), {}});
}

IndexCondition types_condition(const std::vector<std::string>& types) {
  return under_terms("entity_types", types);
}

// Scope patterns: the scope values of the index in the range each pattern's literal prefix
// allows ('0' follows '/' in ASCII, so [p + "/", p + "0") holds exactly the scopes below p).
IndexCondition scopes_condition(const std::vector<std::string>& patterns) {
  std::vector<SqlFragment> ranges;
  for (const auto& pattern : patterns) {
    const auto key = query::scope_index_prefix(pattern);
    if (key.exact) {
      ranges.push_back("txt = " + param(key.prefix));
    } else if (key.prefix == "/") {
      ranges.push_back(text("(txt >= '/' AND txt < '0')"));
    } else {
      ranges.push_back("txt = " + param(key.prefix) + " OR (txt >= " + param(key.prefix + "/") +
                       " AND txt < " + param(key.prefix + "0") + ")");
    }
  }
  return values_where(std::string(kScopeIndexName), joined(ranges, " OR "));
}

// ---- selectors ----

// The conditions of one selector, combined with AND, as a filter over `e`.
SqlFragment selector_filter(const query::EntitySelector& s) {
  std::vector<SqlFragment> parts;
  if (s.type) parts.push_back(expression_check(*s.type, types_condition));
  if (!s.ids.empty()) parts.push_back("e.id IN (" + param_list(s.ids) + ")");
  if (s.id_pattern) parts.push_back("e.id REGEXP " + param(*s.id_pattern));
  return parts.empty() ? text("1") : "(" + joined(parts, " AND ") + ")";
}

void add_selectors(const std::vector<query::EntitySelector>& selectors,
                   std::vector<Condition>& out) {
  if (selectors.size() == 1) {
    const auto& s = selectors.front();
    if (s.type) add_expression(*s.type, types_condition, true, out);
    if (!s.ids.empty()) {
      out.push_back({IndexCondition{" FROM entities WHERE id IN (" + param_list(s.ids) + ")", "rid",
                                    "e.id IN (" + param_list(s.ids) + ")"},
                     {},
                     {}});
    }
    if (s.id_pattern) out.push_back({std::nullopt, "e.id REGEXP " + param(*s.id_pattern), {}});
    return;
  }
  std::vector<SqlFragment> any;
  for (const auto& s : selectors) any.push_back(selector_filter(s));
  if (!any.empty()) out.push_back({std::nullopt, "(" + joined(any, " OR ") + ")", {}});
}

// ---- personal data ----

// The restriction's subjects as one JSON array parameter: a reader may be granted thousands,
// more than SQLite allows parameters.
SqlFragment values_in(const std::vector<std::string>& values) {
  json::array list;
  for (const auto& v : values) list.emplace_back(v);
  return "txt IN (SELECT value FROM json_each(" + param(json::serialize(list)) + "))";
}

// "Has the type only with a granted subject". When the query is about that one type alone, the
// subjects are an index condition that may drive (a few granted residents among a million
// applications); otherwise a filter: entities without the type pass.
Condition restriction_condition(const SubjectRestriction& r, bool only_this_type) {
  if (only_this_type) {
    if (r.values.empty()) return {std::nullopt, text("0"), {}, {}};
    // One entity per granted subject, each subject given in its two indexed forms: counting
    // the index rows instead would cost a seek per value on every query.
    return {values_where(r.attr, values_in(r.values)), {}, {}, (r.values.size() + 1) / 2};
  }
  const SqlFragment typed = types_condition({r.type}).check();
  if (r.values.empty()) return {std::nullopt, "NOT " + typed, {}, {}};
  return {std::nullopt,
          "(NOT " + typed + " OR " + values_where(r.attr, values_in(r.values)).check() + ")",
          {},
          {}};
}

// Whether every entity the query can match has `type`: one selector naming only it.
bool only_type(const EntityQuery& q, const std::string& type) {
  if (q.entities.size() != 1 || !q.entities.front().type) return false;
  const auto& t = *q.entities.front().type;
  return t.kind == TermExpr::Kind::Atom && t.atom == type;
}

std::vector<Condition> conditions_of(const EntityQuery& q) {
  std::vector<Condition> out;
  add_selectors(q.entities, out);
  if (!q.attrs.empty()) out.push_back({under_terms("entity_attrs", q.attrs), {}, {}});
  if (q.q) add_q(*q.q, out);
  if (q.geo) out.push_back(geo_condition(*q.geo));
  if (q.scope) add_expression(*q.scope, scopes_condition, false, out);
  for (const auto& r : q.restrictions)
    out.push_back(restriction_condition(r, only_type(q, r.type)));
  return out;
}

// ---- planning ----

struct Plan {
  std::optional<std::size_t> driver;   // index of the condition whose rids drive
  std::optional<std::size_t> by_type;  // else: the one-type condition whose index is walked
};

// `wanted`: the rows a page needs (offset + limit) when the walk may stop there, 0 when every
// candidate must be read (the evaluators decide, or the page is counted in full).
Plan choose(const std::vector<Condition>& conditions, const RowEstimator& estimate,
            std::size_t selective_rows, std::size_t wanted) {
  Plan plan;
  for (std::size_t i = 0; i < conditions.size(); ++i) {
    if (conditions[i].one_type && !plan.by_type) plan.by_type = i;
  }
  std::size_t indexed = 0;
  for (const auto& c : conditions) indexed += c.index ? 1 : 0;
  // A lone type is walked in order: nothing could be more selective.
  if (indexed == 1 && plan.by_type) return plan;
  std::size_t best = selective_rows;
  std::size_t type_rows = 0;
  for (std::size_t i = 0; i < conditions.size(); ++i) {
    if (!conditions[i].index) continue;
    const auto& hint = conditions[i].rows_hint;
    const std::size_t rows = hint ? std::min(*hint, selective_rows)
                                  : estimate(conditions[i].index->rids(), selective_rows);
    if (i == plan.by_type) type_rows = rows;
    if (rows < best) {
      best = rows;
      plan.driver = i;
    }
  }
  // A driver lists all its rows before the first is returned; walking the type in order stops
  // after `wanted` matches, which takes about wanted x type_rows / best entities when the
  // driver's rows are spread over the type. When most of a type matches (a client granted by
  // most residents), the walk is the cheaper.
  // The type's estimate must be exact (under the bound) for the walk's length to be known.
  if (plan.driver && plan.by_type && *plan.driver != *plan.by_type && wanted > 0 && best > 0 &&
      type_rows < selective_rows && wanted * type_rows / best < best / 2) {
    plan.driver.reset();
    return plan;
  }
  if (plan.driver) plan.by_type.reset();
  return plan;
}

}  // namespace

CompiledQuery compile(const EntityQuery& q, const RowEstimator& estimate,
                      std::size_t selective_rows) {
  const auto conditions = conditions_of(q);
  const bool evaluated = q.q || q.geo || q.scope;
  const Plan plan =
      choose(conditions, estimate, selective_rows, evaluated ? 0 : q.offset + q.limit);
  CompiledQuery out;
  SqlFragment from = text(" FROM entities e");
  std::vector<SqlFragment> where;
  std::string order = "e.rid";
  out.driver = "scan";
  if (plan.driver) {
    where.push_back("e.rid IN (" + conditions[*plan.driver].index->rids() + ")");
    out.driver = "index:" + std::to_string(*plan.driver);
  } else if (plan.by_type) {
    // The primary key (term, entity) of entity_types yields one type's entities in rid order,
    // so LIMIT stops the walk after one page.
    from = text(" FROM entity_types x JOIN entities e ON e.rid = x.entity");
    where.push_back("x.term = " + term_id(*conditions[*plan.by_type].one_type));
    order = "x.entity";
    out.driver = "type";
  }
  for (std::size_t i = 0; i < conditions.size(); ++i) {
    if (i == plan.driver || i == plan.by_type) continue;
    where.push_back(conditions[i].check());
  }
  const SqlFragment where_sql = where.empty() ? SqlFragment{} : " WHERE " + joined(where, " AND ");
  out.needs_evaluation = q.q || q.geo || q.scope;
  out.page = "SELECT e.doc" + from + where_sql + " ORDER BY " + order;
  if (out.needs_evaluation) return out;
  out.page += " LIMIT " + std::to_string(q.limit) + " OFFSET " + std::to_string(q.offset);
  // Counting every entity of one type needs only the index, not the entity rows.
  if (plan.by_type && conditions.size() == 1) {
    out.count = "SELECT count(*) FROM entity_types x WHERE " + where.front();
  } else {
    out.count = "SELECT count(*)" + from + where_sql;
  }
  return out;
}

}  // namespace tsunagu::store::sqlite
