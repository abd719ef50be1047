// Entity queries: GET /ngsi-ld/v1/entities (clause 6.4.3.2) and POST
// /ngsi-ld/v1/entityOperations/query (clause 6.23.3.1), which asks the same with a Query body.
// Both answer with a page of entities, in creation order, or a GeoJSON FeatureCollection.

#include <array>
#include <memory_resource>
#include <string>
#include <vector>

#include "api/ngsild/api.hpp"
#include "api/ngsild/entity_parser.hpp"
#include "api/ngsild/entity_query.hpp"
#include "api/ngsild/entity_renderer.hpp"
#include "api/ngsild/query_params.hpp"
#include "api/ngsild/reply.hpp"
#include "api/ngsild/request_scope.hpp"

namespace tsunagu::api::ngsild {
namespace {

// Parameters that shape the answer, shared by both endpoints.
const std::vector<std::string_view> kPageParams = {
    "limit", "offset", "count", "options", "format", "geometryProperty", "lang", "pick", "omit"};

// Query parameters of GET /entities that the broker does not implement: refused, never
// silently ignored.
constexpr std::array<std::string_view, 2> kNotSupported = {"csf", "geoQ"};

class QueryRoutes {
 public:
  explicit QueryRoutes(const ApiDeps& deps) : deps_(deps) {}

  void get(http::Request&& req, http::Responder respond) { reply(get_response(req), respond); }

  void post(http::Request&& req, http::Responder respond) { reply(post_response(req), respond); }

 private:
  Result<http::Response> get_response(const http::Request& req) {
    std::vector<std::string_view> allowed(kPageParams);
    for (auto p : {"type", "id", "idPattern", "attrs", "q", "georel", "geometry", "coordinates",
                   "geoproperty", "scopeQ", "local", "csf", "geoQ"}) {
      allowed.push_back(p);
    }
    if (auto st = check_params(req, allowed); !st) return std::unexpected(st.error());
    for (auto name : kNotSupported) {
      if (req.query_param(name)) {
        return fail(ErrorKind::OperationNotSupported,
                    "query parameter '" + std::string(name) + "' is not supported");
      }
    }
    auto scope = read_scope(req, deps_.contexts, true);
    if (!scope) return std::unexpected(scope.error());
    auto render = parse_render_options(req, *scope->context);
    if (!render) return std::unexpected(render.error());
    auto query = query_from_params(req, *scope->context, deps_.limits, render->attrs);
    if (!query) return std::unexpected(query.error());
    return page_response(req, *scope, *scope->context, *query, *render);
  }

  Result<http::Response> post_response(const http::Request& req) {
    if (auto st = check_params(req, kPageParams); !st) return std::unexpected(st.error());
    auto scope = read_scope(req, deps_.contexts, true);
    if (!scope) return std::unexpected(scope.error());
    auto body = read_body(req);
    if (!body) return std::unexpected(body.error());
    if (!body->json.is_object()) {
      return fail(ErrorKind::BadRequestData, "the body must be a Query object");
    }
    auto ctx = context_for(*body, body->json, *scope, deps_.contexts);
    if (!ctx) return std::unexpected(ctx.error());
    const auto& object = body->json.get_object();
    auto render = parse_render_options(req, **ctx);
    if (!render) return std::unexpected(render.error());
    if (const auto* lang = object.if_contains("lang"); lang && !render->lang) {
      if (!lang->is_string()) return fail(ErrorKind::BadRequestData, "\"lang\" must be a string");
      auto preference = parse_language_preference(lang->get_string());
      if (!preference) return std::unexpected(preference.error());
      render->lang = std::move(*preference);
    }
    auto query = query_from_body(object, req, **ctx, deps_.limits);
    if (!query) return std::unexpected(query.error());
    // attrs of the Query both select entities (having one of them) and project them.
    if (!query->attrs.empty()) render->attrs.emplace(query->attrs.begin(), query->attrs.end());
    // The answer speaks the context the query was written in.
    RequestScope answer = *scope;
    answer.context = *ctx;
    return page_response(req, answer, **ctx, *query, *render);
  }

  Result<http::Response> page_response(const http::Request& req, const RequestScope& scope,
                                       const jsonld::Context& ctx, const store::EntityQuery& query,
                                       const RenderOptions& render) {
    auto page = entities_for(deps_, req).query(scope.tenant, query);
    // A tenant never written to is NonexistentTenant (404), as the spec asks.
    if (!page) return std::unexpected(page.error());
    // The page is written as text entity by entity, from views of the entities: no JSON tree.
    std::pmr::monotonic_buffer_resource lists;
    std::string body;
    if (scope.response == Media::GeoJson) {
      auto geometry = geometry_property(req, ctx);
      if (!geometry) return std::unexpected(geometry.error());
      body = R"({"type":"FeatureCollection","features":[)";
      for (const auto& e : page->entities) {
        write_feature(body, model::borrow(e, &lists), ctx, render, *geometry);
        body += ',';
      }
    } else {
      body = "[";
      for (const auto& e : page->entities) {
        write_entity(body, model::borrow(e, &lists), ctx, render, inline_context(scope));
        body += ',';
      }
    }
    if (body.back() == ',') body.pop_back();
    body += scope.response == Media::GeoJson ? "]}" : "]";
    auto res = json_text_response(200, std::move(body), scope);
    if (page->total) res.header("NGSILD-Results-Count", std::to_string(*page->total));
    return res;
  }

  const ApiDeps deps_;
};

}  // namespace

void register_query_routes(http::Router& router, const ApiDeps& deps) {
  auto routes = std::make_shared<QueryRoutes>(deps);
  // A query may read many rows: it runs on the query threads, and a context fetch it needs on
  // the blocking ones, so neither ever holds up an HTTP thread.
  auto bind = [routes, &deps](void (QueryRoutes::*fn)(http::Request&&, http::Responder)) {
    return offload_queries(offload_context_fetches(
                               [routes, fn](http::Request&& req, http::Responder respond) {
                                 ((*routes).*fn)(std::move(req), std::move(respond));
                               },
                               deps),
                           deps);
  };
  router.add("GET", "/ngsi-ld/v1/entities", bind(&QueryRoutes::get));
  router.add("POST", "/ngsi-ld/v1/entityOperations/query", bind(&QueryRoutes::post));
}

}  // namespace tsunagu::api::ngsild
