#include "api/ngsild/entity_query.hpp"

#include <re2/re2.h>

#include <boost/json/serialize.hpp>

#include "api/ngsild/entity_parser.hpp"
#include "api/ngsild/query_params.hpp"
#include "model/uri.hpp"
#include "query/geo_query.hpp"
#include "query/q_parser.hpp"
#include "query/scope_query.hpp"
#include "query/type_query.hpp"

namespace tsunagu::api::ngsild {
namespace json = boost::json;
namespace {

std::unexpected<Error> bad(std::string message) {
  return fail(ErrorKind::BadRequestData, std::move(message));
}

// A type expression with every name expanded to its IRI.
Result<std::shared_ptr<const query::TermExpr>> type_selection(std::string_view text,
                                                              const jsonld::Context& ctx) {
  auto expr = query::parse_type_query(text);
  if (!expr) return std::unexpected(expr.error());
  std::optional<Error> failed;
  query::for_each_atom(*expr, [&](std::string& atom) {
    if (failed) return;
    auto iri = expand_name(atom, ctx, "entity type");
    if (iri) {
      atom = std::move(*iri);
    } else {
      failed = iri.error();
    }
  });
  if (failed) return std::unexpected(*failed);
  return std::make_shared<const query::TermExpr>(std::move(*expr));
}

Status check_id(std::string_view id) {
  return model::validate_uri(id, "id");
}

Status check_id_pattern(std::string_view pattern) {
  RE2::Options options;
  options.set_log_errors(false);
  const RE2 re(pattern, options);
  if (re.ok()) return ok();
  return bad("idPattern '" + std::string(pattern) +
             "' is not a valid regular expression: " + re.error());
}

Result<std::shared_ptr<const query::Expr>> q_filter(std::string_view text,
                                                    const jsonld::Context& ctx) {
  auto parsed = query::parse_q(text, ctx);
  if (!parsed) return std::unexpected(parsed.error());
  return std::make_shared<const query::Expr>(std::move(*parsed));
}

Result<std::shared_ptr<const query::TermExpr>> scope_filter(std::string_view text) {
  auto parsed = query::parse_scope_query(text);
  if (!parsed) return std::unexpected(parsed.error());
  return std::make_shared<const query::TermExpr>(std::move(*parsed));
}

struct GeoText {
  std::optional<std::string> georel, geometry, coordinates, geoproperty;
};

// georel, geometry, coordinates and geoproperty (clause 4.10): all three of the first, or none.
Result<std::shared_ptr<const query::GeoQuery>> geo_filter(const GeoText& g,
                                                          const jsonld::Context& ctx) {
  if (!g.georel && !g.geometry && !g.coordinates) {
    if (g.geoproperty) return bad("geoproperty is given without georel");
    return nullptr;
  }
  if (!g.georel || !g.geometry || !g.coordinates) {
    return bad("a geo-query needs georel, geometry and coordinates together");
  }
  std::optional<std::string> property;
  if (g.geoproperty) {
    auto iri = expand_name(*g.geoproperty, ctx, "geoproperty");
    if (!iri) return std::unexpected(iri.error());
    property = std::move(*iri);
  }
  auto parsed =
      query::parse_geo_query(*g.georel, *g.geometry, *g.coordinates,
                             property ? std::optional<std::string_view>(*property) : std::nullopt);
  if (!parsed) return std::unexpected(parsed.error());
  return std::make_shared<const query::GeoQuery>(std::move(*parsed));
}

Status paging(const http::Request& req, const ApiLimits& limits, store::EntityQuery& q) {
  constexpr std::size_t kHuge = 1'000'000'000;
  q.limit = limits.default_page_size;
  if (auto v = req.query_param("limit")) {
    auto limit = parse_size(*v, "limit", kHuge);
    if (!limit) return std::unexpected(limit.error());
    if (*limit > limits.max_page_size) {
      return fail(ErrorKind::TooManyResults, "limit " + std::to_string(*limit) +
                                                 " exceeds the maximum page size of " +
                                                 std::to_string(limits.max_page_size));
    }
    q.limit = *limit;
  }
  if (auto v = req.query_param("offset")) {
    auto offset = parse_size(*v, "offset", kHuge);
    if (!offset) return std::unexpected(offset.error());
    q.offset = *offset;
  }
  if (auto v = req.query_param("count")) {
    auto count = parse_bool(*v, "count");
    if (!count) return std::unexpected(count.error());
    q.count = *count;
  }
  if (q.limit == 0 && !q.count) return bad("limit=0 is only meaningful with count=true");
  return ok();
}

// A query must narrow the entities somehow (clause 6.4.3.2): one of these at least.
Status check_not_open(const store::EntityQuery& q) {
  const bool typed_or_named = std::any_of(q.entities.begin(), q.entities.end(), [](const auto& s) {
    return s.type || !s.ids.empty() || s.id_pattern;
  });
  if (typed_or_named || !q.attrs.empty() || q.q || q.geo || q.scope) return ok();
  return bad("a query needs at least one of type, id, idPattern, attrs, q, geoQ or scopeQ");
}

std::optional<std::string> text_param(const http::Request& req, std::string_view name) {
  auto v = req.query_param(name);
  return v ? std::optional<std::string>(*v) : std::nullopt;
}

// ---- the Query body ----

Result<std::string> string_member(const json::object& o, std::string_view key,
                                  std::string_view where) {
  const auto& v = o.at(key);
  if (!v.is_string() || v.get_string().empty()) {
    return bad(std::string(where) + "\"" + std::string(key) + "\" must be a non-empty string");
  }
  return std::string(v.get_string());
}

Status only_members(const json::object& o, std::initializer_list<std::string_view> known,
                    std::string_view where) {
  for (const auto& kv : o) {
    if (std::find(known.begin(), known.end(), kv.key()) == known.end()) {
      return bad(std::string(where) + "unknown member \"" + std::string(kv.key()) + "\"");
    }
  }
  return ok();
}

Result<query::EntitySelector> selector_from(const json::value& v, std::size_t index,
                                            const jsonld::Context& ctx) {
  const std::string where = "entities[" + std::to_string(index) + "]: ";
  if (!v.is_object()) return bad(where + "must be an object with type, id or idPattern");
  const auto& o = v.get_object();
  if (auto st = only_members(o, {"id", "idPattern", "type"}, where); !st) {
    return std::unexpected(st.error());
  }
  query::EntitySelector s;
  if (o.contains("type")) {
    auto text = string_member(o, "type", where);
    if (!text) return std::unexpected(text.error());
    auto type = type_selection(*text, ctx);
    if (!type) return std::unexpected(type.error());
    s.type = std::move(*type);
  }
  if (o.contains("id")) {
    auto id = string_member(o, "id", where);
    if (!id) return std::unexpected(id.error());
    if (auto st = check_id(*id); !st) return std::unexpected(st.error());
    s.ids.push_back(std::move(*id));
  }
  if (o.contains("idPattern")) {
    auto pattern = string_member(o, "idPattern", where);
    if (!pattern) return std::unexpected(pattern.error());
    if (auto st = check_id_pattern(*pattern); !st) return std::unexpected(st.error());
    s.id_pattern = std::move(*pattern);
  }
  if (!s.type && s.ids.empty() && !s.id_pattern) {
    return bad(where + "needs at least one of type, id or idPattern");
  }
  return s;
}

// "geoQ": {"geometry", "coordinates" (array or its JSON text), "georel", "geoproperty"}.
Result<GeoText> geo_text_from(const json::value& v) {
  if (!v.is_object()) return bad("\"geoQ\" must be an object with geometry, coordinates, georel");
  const auto& o = v.get_object();
  if (auto st = only_members(o, {"geometry", "coordinates", "georel", "geoproperty"}, "geoQ: ");
      !st) {
    return std::unexpected(st.error());
  }
  GeoText g;
  for (auto [key, slot] : {std::pair{"geometry", &g.geometry}, std::pair{"georel", &g.georel},
                           std::pair{"geoproperty", &g.geoproperty}}) {
    if (!o.contains(key)) continue;
    auto text = string_member(o, key, "geoQ: ");
    if (!text) return std::unexpected(text.error());
    *slot = std::move(*text);
  }
  if (const auto* c = o.if_contains("coordinates")) {
    if (c->is_array()) {
      g.coordinates = json::serialize(*c);
    } else if (c->is_string()) {
      g.coordinates = std::string(c->get_string());
    } else {
      return bad("geoQ: \"coordinates\" must be an array of coordinates");
    }
  }
  if (!g.georel || !g.geometry || !g.coordinates) {
    return bad("geoQ: needs georel, geometry and coordinates");
  }
  return g;
}

}  // namespace

Result<store::EntityQuery> query_from_params(const http::Request& req, const jsonld::Context& ctx,
                                             const ApiLimits& limits,
                                             const std::optional<std::set<std::string>>& attrs) {
  store::EntityQuery q;
  query::EntitySelector selector;
  if (auto v = req.query_param("type")) {
    auto type = type_selection(*v, ctx);
    if (!type) return std::unexpected(type.error());
    selector.type = std::move(*type);
  }
  if (auto v = req.query_param("id")) {
    auto ids = comma_list(*v, "id");
    if (!ids) return std::unexpected(ids.error());
    for (const auto& id : *ids) {
      if (auto st = check_id(id); !st) return std::unexpected(st.error());
    }
    selector.ids = std::move(*ids);
  }
  if (auto v = req.query_param("idPattern")) {
    if (auto st = check_id_pattern(*v); !st) return std::unexpected(st.error());
    selector.id_pattern = std::string(*v);
  }
  if (selector.type || !selector.ids.empty() || selector.id_pattern) {
    q.entities.push_back(std::move(selector));
  }
  if (attrs) q.attrs.assign(attrs->begin(), attrs->end());
  if (auto v = req.query_param("q")) {
    auto parsed = q_filter(*v, ctx);
    if (!parsed) return std::unexpected(parsed.error());
    q.q = std::move(*parsed);
  }
  auto geo = geo_filter({text_param(req, "georel"), text_param(req, "geometry"),
                         text_param(req, "coordinates"), text_param(req, "geoproperty")},
                        ctx);
  if (!geo) return std::unexpected(geo.error());
  q.geo = std::move(*geo);
  if (auto v = req.query_param("scopeQ")) {
    auto scope = scope_filter(*v);
    if (!scope) return std::unexpected(scope.error());
    q.scope = std::move(*scope);
  }
  if (auto st = check_not_open(q); !st) return std::unexpected(st.error());
  if (auto st = paging(req, limits, q); !st) return std::unexpected(st.error());
  return q;
}

Result<store::EntityQuery> query_from_body(const json::object& body, const http::Request& req,
                                           const jsonld::Context& ctx, const ApiLimits& limits) {
  if (auto st = only_members(body,
                             {"type", "entities", "attrs", "q", "geoQ", "scopeQ", "lang", "csf",
                              "temporalQ", "@context"},
                             "");
      !st) {
    return std::unexpected(st.error());
  }
  const auto* type = body.if_contains("type");
  if (!type || !type->is_string() || type->get_string() != "Query") {
    return bad("a query body needs \"type\": \"Query\"");
  }
  for (auto unsupported : {"csf", "temporalQ"}) {
    if (body.contains(unsupported)) {
      return fail(ErrorKind::OperationNotSupported,
                  "\"" + std::string(unsupported) + "\" is not supported in a query");
    }
  }
  store::EntityQuery q;
  if (const auto* entities = body.if_contains("entities")) {
    if (!entities->is_array() || entities->get_array().empty()) {
      return bad("\"entities\" must be a non-empty array of entity selectors");
    }
    std::size_t i = 0;
    for (const auto& e : entities->get_array()) {
      auto s = selector_from(e, i++, ctx);
      if (!s) return std::unexpected(s.error());
      q.entities.push_back(std::move(*s));
    }
  }
  if (const auto* attrs = body.if_contains("attrs")) {
    if (!attrs->is_array()) return bad("\"attrs\" must be an array of attribute names");
    for (const auto& a : attrs->get_array()) {
      if (!a.is_string()) return bad("\"attrs\" must be an array of attribute names");
      auto iri = expand_name(a.get_string(), ctx, "attribute");
      if (!iri) return std::unexpected(iri.error());
      q.attrs.push_back(std::move(*iri));
    }
  }
  if (body.contains("q")) {
    auto text = string_member(body, "q", "");
    if (!text) return std::unexpected(text.error());
    auto parsed = q_filter(*text, ctx);
    if (!parsed) return std::unexpected(parsed.error());
    q.q = std::move(*parsed);
  }
  if (const auto* g = body.if_contains("geoQ")) {
    auto text = geo_text_from(*g);
    if (!text) return std::unexpected(text.error());
    auto geo = geo_filter(*text, ctx);
    if (!geo) return std::unexpected(geo.error());
    q.geo = std::move(*geo);
  }
  if (body.contains("scopeQ")) {
    auto text = string_member(body, "scopeQ", "");
    if (!text) return std::unexpected(text.error());
    auto scope = scope_filter(*text);
    if (!scope) return std::unexpected(scope.error());
    q.scope = std::move(*scope);
  }
  if (auto st = check_not_open(q); !st) return std::unexpected(st.error());
  if (auto st = paging(req, limits, q); !st) return std::unexpected(st.error());
  return q;
}

}  // namespace tsunagu::api::ngsild
