#include "api/ngsild/entity_query.hpp"

#include <algorithm>

#include "api/ngsild/entity_parser.hpp"
#include "api/ngsild/query_body.hpp"
#include "api/ngsild/query_params.hpp"
#include "model/uri.hpp"
#include "query/q_parser.hpp"

namespace tsunagu::api::ngsild {
namespace json = boost::json;
namespace {

std::unexpected<Error> bad(std::string message) {
  return fail(ErrorKind::BadRequestData, std::move(message));
}

Status check_id(std::string_view id) {
  return model::validate_uri(id, "id");
}

Result<std::shared_ptr<const query::Expr>> q_filter(std::string_view text,
                                                    const jsonld::Context& ctx) {
  auto parsed = query::parse_q(text, ctx);
  if (!parsed) return std::unexpected(parsed.error());
  return std::make_shared<const query::Expr>(std::move(*parsed));
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
