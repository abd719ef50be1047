#include "query/q_eval.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <compare>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

namespace tsunagu::query {
namespace {

namespace json = boost::json;
using model::Attribute;
using model::AttributeKind;
using model::Timestamp;

// Where a target element's candidates come from; it decides which operators apply and how a
// string query value is read.
enum class Source { Value, Object, Vocab, Metadata };

// One thing a query value is compared with: a JSON value inside the entity, or a metadata member.
using Candidate = std::variant<const json::value*, Timestamp, std::string_view>;

// One resolved target element (one instance of the attribute or sub-attribute).
struct Element {
  Source source = Source::Value;
  std::vector<Candidate> candidates;
};

// A candidate reduced to what comparisons need.
struct Scalar {
  enum class Kind { None, Number, Bool, Text, Instant };
  Kind kind = Kind::None;
  double number = 0;
  bool boolean = false;
  std::string_view text;
  Timestamp instant{};
};

// ---- resolving the path ----

void flatten(const json::value& v, std::vector<Candidate>& out) {
  if (const auto* a = v.if_array()) {
    for (const auto& e : *a) out.emplace_back(&e);
    return;
  }
  out.emplace_back(&v);
}

// ECMA-262 member access along `keys`; nullptr where a member is undefined.
const json::value* walk(const json::value& v, const std::vector<std::string>& keys) {
  const json::value* at = &v;
  for (const auto& key : keys) {
    const auto* o = at->if_object();
    at = o ? o->if_contains(key) : nullptr;
    if (at == nullptr) return nullptr;
  }
  return at;
}

std::optional<Element> language_element(const json::value& map,
                                        const std::vector<std::string>& keys) {
  const auto* o = map.if_object();
  if (o == nullptr) return std::nullopt;
  Element e;
  if (keys.empty() || (keys.size() == 1 && keys.front() == "*")) {
    for (const auto& [tag, text] : *o) flatten(text, e.candidates);
    return e;
  }
  const json::value* text = keys.size() == 1 ? o->if_contains(keys.front()) : nullptr;
  if (text == nullptr) return std::nullopt;
  flatten(*text, e.candidates);
  return e;
}

// objectList items are URIs or {"object": URI} objects.
Element object_list_element(const json::value& list) {
  Element e{Source::Object, {}};
  const auto* a = list.if_array();
  if (a == nullptr) return e;
  for (const auto& item : *a) {
    const auto* o = item.if_object();
    const json::value* uri = o ? o->if_contains("object") : &item;
    if (uri != nullptr) e.candidates.emplace_back(uri);
  }
  return e;
}

std::optional<Element> metadata_element(const Attribute& a, Metadata m) {
  auto one = [](Candidate c) { return Element{Source::Metadata, {c}}; };
  switch (m) {
    case Metadata::ObservedAt:
      return a.observed_at ? std::optional(one(*a.observed_at)) : std::nullopt;
    case Metadata::UnitCode:
      return a.unit_code ? std::optional(one(std::string_view(*a.unit_code))) : std::nullopt;
    case Metadata::DatasetId:
      return a.dataset_id ? std::optional(one(std::string_view(*a.dataset_id))) : std::nullopt;
    case Metadata::CreatedAt:
      return one(a.created_at);
    case Metadata::ModifiedAt:
      return one(a.modified_at);
  }
  return std::nullopt;
}

std::optional<Element> element_of(const Attribute& a, const AttrPath& path) {
  if (path.metadata) return metadata_element(a, *path.metadata);
  const bool keyed = !path.json_keys.empty();
  switch (a.kind) {
    case AttributeKind::LanguageProperty:
      return language_element(a.value, path.json_keys);
    case AttributeKind::Relationship:
    case AttributeKind::VocabProperty: {
      if (keyed) return std::nullopt;  // a URI has no members
      Element e{a.kind == AttributeKind::Relationship ? Source::Object : Source::Vocab, {}};
      flatten(a.value, e.candidates);
      return e;
    }
    case AttributeKind::ListRelationship:
      if (keyed) return std::nullopt;
      return object_list_element(a.value);
    default: {
      const json::value* v = walk(a.value, path.json_keys);
      if (v == nullptr) return std::nullopt;
      Element e;
      flatten(*v, e.candidates);
      return e;
    }
  }
}

void collect_instances(const model::AttributeList& list, const AttrPath& path, std::size_t depth,
                       std::vector<const Attribute*>& out) {
  const auto* entry = model::find_entry(list, depth == 0 ? path.attr : path.sub_attrs[depth - 1]);
  if (entry == nullptr) return;
  for (const auto& instance : entry->instances) {
    if (depth == path.sub_attrs.size()) {
      out.push_back(&instance);
    } else {
      collect_instances(instance.sub_attributes, path, depth + 1, out);
    }
  }
}

std::vector<Element> resolve(const model::Entity& entity, const AttrPath& path) {
  if (path.attr.empty()) {
    if (!path.metadata) return {};
    const bool created = *path.metadata == Metadata::CreatedAt;
    return {Element{Source::Metadata, {created ? entity.created_at : entity.modified_at}}};
  }
  std::vector<const Attribute*> instances;
  collect_instances(entity.attributes, path, 0, instances);
  std::vector<Element> elements;
  for (const Attribute* a : instances) {
    if (auto e = element_of(*a, path)) elements.push_back(std::move(*e));
  }
  return elements;
}

// ---- comparing ----

Scalar json_scalar(const json::value& raw) {
  // A JSON-LD value object ({"@type": "DateTime", "@value": "..."}) stands for its @value.
  const json::value* v = &raw;
  if (const auto* o = raw.if_object(); o && o->contains("@value")) v = o->if_contains("@value");
  Scalar s;
  switch (v->kind()) {
    case json::kind::int64:
      return {Scalar::Kind::Number, static_cast<double>(v->get_int64()), false, {}, {}};
    case json::kind::uint64:
      return {Scalar::Kind::Number, static_cast<double>(v->get_uint64()), false, {}, {}};
    case json::kind::double_:
      return {Scalar::Kind::Number, v->get_double(), false, {}, {}};
    case json::kind::bool_:
      return {Scalar::Kind::Bool, 0, v->get_bool(), {}, {}};
    case json::kind::string:
      return {Scalar::Kind::Text, 0, false, v->get_string(), {}};
    default:
      return s;
  }
}

Scalar scalar_of(const Candidate& c) {
  if (const auto* t = std::get_if<Timestamp>(&c)) return {Scalar::Kind::Instant, 0, false, {}, *t};
  if (const auto* s = std::get_if<std::string_view>(&c)) {
    return {Scalar::Kind::Text, 0, false, *s, {}};
  }
  return json_scalar(*std::get<const json::value*>(c));
}

constexpr auto kUnordered = std::partial_ordering::unordered;

// The order of a string target against a temporal query value, when the string parses as one.
template <typename Parse, typename T>
std::partial_ordering temporal(const Scalar& s, Parse parse, const T& query) {
  if (s.kind != Scalar::Kind::Text) return kUnordered;
  auto parsed = parse(s.text);
  return parsed ? std::partial_ordering(*parsed <=> query) : kUnordered;
}

// How a target orders against each kind of query value; unordered when the types differ.
struct OrderAgainst {
  const Scalar& s;
  Source source;

  std::partial_ordering operator()(double d) const {
    return s.kind == Scalar::Kind::Number ? s.number <=> d : kUnordered;
  }
  std::partial_ordering operator()(bool b) const {
    return s.kind == Scalar::Kind::Bool ? s.boolean <=> b : kUnordered;
  }
  std::partial_ordering operator()(const Text& t) const {
    // A VocabProperty holds expanded IRIs, so the string is compared in its expanded form.
    return text(source == Source::Vocab ? t.vocab_iri : t.value);
  }
  std::partial_ordering operator()(const Uri& u) const { return text(u.value); }
  std::partial_ordering operator()(Timestamp t) const {
    if (s.kind == Scalar::Kind::Instant) return s.instant <=> t;
    return temporal(
        s, [](std::string_view x) { return model::parse_datetime(x); }, t);
  }
  std::partial_ordering operator()(Date d) const {
    return temporal(
        s, [](std::string_view x) { return model::parse_date(x); }, d.day);
  }
  std::partial_ordering operator()(TimeOfDay t) const {
    return temporal(
        s, [](std::string_view x) { return model::parse_time(x); }, t.since_midnight);
  }

  std::partial_ordering text(std::string_view query) const {
    return s.kind == Scalar::Kind::Text ? s.text <=> query : kUnordered;
  }
};

std::partial_ordering order(const Scalar& s, const Value& v, Source source) {
  return std::visit(OrderAgainst{s, source}, v);
}

bool equals_query(const Scalar& s, const Comparison& c, Source source) {
  if (c.range) {
    return order(s, c.range->min, source) >= 0 && order(s, c.range->max, source) <= 0;
  }
  return std::any_of(c.values.begin(), c.values.end(),
                     [&](const Value& v) { return order(s, v, source) == 0; });
}

bool ordered_as(std::partial_ordering o, Op op) {
  switch (op) {
    case Op::Gt:
      return o > 0;
    case Op::Ge:
      return o >= 0;
    case Op::Lt:
      return o < 0;
    case Op::Le:
      return o <= 0;
    default:
      return false;
  }
}

template <typename Pred>
bool any_candidate(const Element& e, Pred pred) {
  return std::any_of(e.candidates.begin(), e.candidates.end(),
                     [&](const Candidate& c) { return pred(scalar_of(c)); });
}

bool is_text(const Scalar& s) {
  return s.kind == Scalar::Kind::Text;
}

bool pattern_matches(const Scalar& s, const re2::RE2& re) {
  return is_text(s) && re2::RE2::FullMatch(s.text, re);
}

bool holds(const Element& e, const Comparison& c) {
  if (e.source == Source::Object && c.op != Op::Exists && c.op != Op::Eq && c.op != Op::Ne) {
    return false;
  }
  auto equal = [&](const Scalar& s) { return equals_query(s, c, e.source); };
  auto match = [&](const Scalar& s) { return pattern_matches(s, *c.pattern); };
  switch (c.op) {
    case Op::Exists:
      return true;
    case Op::NotExists:
      return false;  // decided by the caller: no element at all
    case Op::Eq:
      return any_candidate(e, equal);
    case Op::Ne:
      return !any_candidate(e, equal);
    case Op::Match:
      return any_candidate(e, match);
    case Op::NotMatch:
      return any_candidate(e, is_text) && !any_candidate(e, match);
    default:
      return any_candidate(e, [&](const Scalar& s) {
        return ordered_as(order(s, c.values.front(), e.source), c.op);
      });
  }
}

bool leaf_matches(const Comparison& c, const model::Entity& entity) {
  const auto elements = resolve(entity, c.path);
  if (c.op == Op::NotExists) return elements.empty();
  return std::any_of(elements.begin(), elements.end(),
                     [&](const Element& e) { return holds(e, c); });
}

}  // namespace

bool matches(const Expr& expr, const model::Entity& entity) {
  auto child_matches = [&](const Expr& child) { return matches(child, entity); };
  switch (expr.kind) {
    case Expr::Kind::Leaf:
      return leaf_matches(expr.leaf, entity);
    case Expr::Kind::And:
      return std::all_of(expr.children.begin(), expr.children.end(), child_matches);
    case Expr::Kind::Or:
      return std::any_of(expr.children.begin(), expr.children.end(), child_matches);
  }
  return false;
}

}  // namespace tsunagu::query
