// /ngsi-ld/v1/temporal/entities and its sub-resources (clauses 6.18 to 6.22), and
// /ngsi-ld/v1/temporal/entityOperations/query (clause 6.24): history as docs/design/temporal.md
// describes it.

#include <boost/json/serialize.hpp>

#include "api/ngsild/access.hpp"
#include "api/ngsild/api.hpp"
#include "api/ngsild/entity_parser.hpp"
#include "api/ngsild/query_params.hpp"
#include "api/ngsild/reply.hpp"
#include "api/ngsild/request_scope.hpp"
#include "api/ngsild/temporal_params.hpp"
#include "api/ngsild/temporal_renderer.hpp"
#include "api/ngsild/usage.hpp"
#include "broker/temporal_service.hpp"
#include "model/uri.hpp"

namespace tsunagu::api::ngsild {
namespace json = boost::json;
namespace {

constexpr std::string_view kTemporalEntities = "/ngsi-ld/v1/temporal/entities";

Result<std::int64_t> instance_id(const http::Request& req) {
  const auto& text = req.param("instanceId");
  if (auto st = model::validate_uri(text, "instance id"); !st) return std::unexpected(st.error());
  auto n = instance_number(text);
  // A URI that is not one of ours names no instance of this broker.
  if (!n) return fail(ErrorKind::ResourceNotFound, "no attribute instance '" + text + "'");
  return *n;
}

// The body of PATCH .../{instanceId}: the instance itself, an array of exactly that one, or a
// fragment {attrId: instance or [instance]} (clause 6.22.3.1; clients send each form).
Result<json::value> instance_body(const json::value& body, const std::string& term) {
  auto one = [](const json::value& v) -> Result<json::value> {
    if (v.is_array()) {
      if (v.get_array().size() != 1) {
        return fail(ErrorKind::BadRequestData, "the body must hold exactly one instance");
      }
      return v.get_array()[0];
    }
    return v;
  };
  if (body.is_object()) {
    const auto& o = body.get_object();
    if (const auto* member = o.if_contains(term); member && !o.contains("type")) {
      return one(*member);
    }
  }
  return one(body);
}

class TemporalRoutes {
 public:
  TemporalRoutes(const ApiDeps& deps, broker::TemporalService& temporal)
      : deps_(deps), temporal_(temporal) {}

  void query(http::Request&& req, http::Responder respond) { reply(query_response(req), respond); }

  void post_query(http::Request&& req, http::Responder respond) {
    reply(post_query_response(req), respond);
  }

  void retrieve(http::Request&& req, http::Responder respond) {
    reply(retrieve_response(req), respond);
  }

  void upsert(http::Request&& req, http::Responder respond) {
    if (replied_error(check_params(req, {}), respond)) return;
    auto in = read_write_request(req, deps_.contexts);
    if (replied_error(in, respond)) return;
    auto body = parse_temporal_entity(in->body.json, *in->context);
    if (replied_error(body, respond)) return;
    const std::string location = std::string(kTemporalEntities) + "/" + body->id;
    temporal_for(req).upsert(in->scope.tenant, std::move(body->id), std::move(body->types),
                             std::move(body->instances), [respond, location](Result<bool> created) {
                               if (replied_error(created, respond)) return;
                               respond(*created ? ngsild::created(location) : no_content());
                             });
  }

  void add_attrs(http::Request&& req, http::Responder respond) {
    if (replied_error(check_params(req, {}), respond)) return;
    auto id = path_entity_id(req);
    if (replied_error(id, respond)) return;
    auto in = read_write_request(req, deps_.contexts);
    if (replied_error(in, respond)) return;
    auto body = parse_temporal_entity(in->body.json, *in->context, &*id);
    if (replied_error(body, respond)) return;
    if (body->instances.empty()) {
      respond(problem_response({ErrorKind::BadRequestData, "the request names no attribute", {}}));
      return;
    }
    temporal_for(req).add_attributes(in->scope.tenant, std::move(*id), std::move(body->types),
                                     std::move(body->instances), done_204(respond));
  }

  void remove(http::Request&& req, http::Responder respond) {
    if (replied_error(check_params(req, {}), respond)) return;
    auto id = path_entity_id(req);
    if (replied_error(id, respond)) return;
    auto scope = read_scope(req, deps_.contexts);
    if (replied_error(scope, respond)) return;
    temporal_for(req).delete_entity(scope->tenant, std::move(*id), done_204(respond));
  }

  void delete_attr(http::Request&& req, http::Responder respond) {
    if (replied_error(check_params(req, {"datasetId", "deleteAll"}), respond)) return;
    auto target = attribute_target(req);
    if (replied_error(target, respond)) return;
    store::DatasetChoice choice;
    if (auto v = req.query_param("deleteAll")) {
      auto all = parse_bool(*v, "deleteAll");
      if (replied_error(all, respond)) return;
      choice.all = *all;
    }
    if (auto v = req.query_param("datasetId")) {
      if (replied_error(model::validate_uri(*v, "datasetId"), respond)) return;
      choice.ids.emplace_back(std::string(*v));
    } else {
      choice.ids.emplace_back(std::nullopt);
    }
    temporal_for(req).delete_attribute(target->scope.tenant, std::move(target->id),
                                       std::move(target->attr), std::move(choice),
                                       done_204(respond));
  }

  void patch_instance(http::Request&& req, http::Responder respond) {
    if (replied_error(check_params(req, {}), respond)) return;
    auto target = attribute_target(req);
    if (replied_error(target, respond)) return;
    auto instance = instance_id(req);
    if (replied_error(instance, respond)) return;
    auto body = read_body(req);
    if (replied_error(body, respond)) return;
    auto ctx = context_for(*body, body->json, target->scope, deps_.contexts);
    if (replied_error(ctx, respond)) return;
    const auto& term = req.param("attrId");
    auto fragment = instance_body(body->json, term);
    if (replied_error(fragment, respond)) return;
    if (fragment->is_object()) fragment->get_object().erase("@context");
    auto value = parse_attribute_body(*fragment, term, **ctx, false);
    if (replied_error(value, respond)) return;
    temporal_for(req).replace_instance(target->scope.tenant, std::move(target->id),
                                       std::move(target->attr), *instance, std::move(*value),
                                       done_204(respond));
  }

  void delete_instance(http::Request&& req, http::Responder respond) {
    if (replied_error(check_params(req, {}), respond)) return;
    auto target = attribute_target(req);
    if (replied_error(target, respond)) return;
    auto instance = instance_id(req);
    if (replied_error(instance, respond)) return;
    temporal_for(req).delete_instance(target->scope.tenant, std::move(target->id),
                                      std::move(target->attr), *instance, done_204(respond));
  }

 private:
  // The temporal service as the request's caller may use it (its token's entity types, its
  // consents).
  broker::TemporalService temporal_for(const http::Request& req) const {
    auto grant = type_grant_of(req);
    auto guard = read_guard_for(deps_, req);
    auto usage = usage_of(req);
    if (!grant && !guard && !usage) return temporal_;
    return temporal_.restricted(std::move(grant), std::move(guard), std::move(usage));
  }

  struct AttributeTarget {
    RequestScope scope;
    std::string id;
    std::string attr;  // expanded
  };

  Result<AttributeTarget> attribute_target(const http::Request& req) {
    auto id = path_entity_id(req);
    if (!id) return std::unexpected(id.error());
    auto scope = read_scope(req, deps_.contexts);
    if (!scope) return std::unexpected(scope.error());
    auto name = expand_name(req.param("attrId"), *scope->context, "attribute");
    if (!name) return std::unexpected(name.error());
    return AttributeTarget{std::move(*scope), std::move(*id), std::move(*name)};
  }

  static broker::Callback<void> done_204(http::Responder respond) {
    return [respond = std::move(respond)](Status st) {
      if (replied_error(st, respond)) return;
      respond(no_content());
    };
  }

  Result<http::Response> retrieve_response(const http::Request& req) {
    auto id = path_entity_id(req);
    if (!id) return std::unexpected(id.error());
    auto scope = read_scope(req, deps_.contexts);
    if (!scope) return std::unexpected(scope.error());
    auto request = temporal_retrieval(req, *id, *scope->context);
    if (!request) return std::unexpected(request.error());
    auto answer = answer_of(temporal_for(req), *scope, *scope->context, *request);
    if (!answer) return std::unexpected(answer.error());
    if (answer->entities.empty()) {
      return fail(ErrorKind::ResourceNotFound, "no temporal entity with id '" + *id + "'");
    }
    return respond_with(std::move(answer->entities.front()), *scope, *request, *answer);
  }

  Result<http::Response> query_response(const http::Request& req) {
    auto scope = read_scope(req, deps_.contexts);
    if (!scope) return std::unexpected(scope.error());
    auto request = temporal_query(req, *scope->context, deps_.limits);
    if (!request) return std::unexpected(request.error());
    return page_response(req, *scope, *scope->context, *request);
  }

  Result<http::Response> post_query_response(const http::Request& req) {
    auto scope = read_scope(req, deps_.contexts);
    if (!scope) return std::unexpected(scope.error());
    auto body = read_body(req);
    if (!body) return std::unexpected(body.error());
    if (!body->json.is_object()) {
      return fail(ErrorKind::BadRequestData, "the body must be a Query object");
    }
    auto ctx = context_for(*body, body->json, *scope, deps_.contexts);
    if (!ctx) return std::unexpected(ctx.error());
    auto request = temporal_query_body(body->json.get_object(), req, **ctx, deps_.limits);
    if (!request) return std::unexpected(request.error());
    RequestScope answer = *scope;
    answer.context = *ctx;
    return page_response(req, answer, **ctx, *request);
  }

  // The entities of an answer, rendered, and what the headers need.
  struct Answer {
    std::vector<json::value> entities;
    std::optional<std::size_t> total;
    std::optional<store::HistoryCut> cut;
  };

  Result<Answer> answer_of(broker::TemporalService temporal, const RequestScope& scope,
                           const jsonld::Context& ctx, const TemporalRequest& request) {
    Answer out;
    if (request.format == TemporalFormat::Aggregated) {
      auto page = temporal.aggregate(scope.tenant, request.query, request.aggregation);
      if (!page) return std::unexpected(page.error());
      out.total = page->total;
      for (const auto& e : page->entities) {
        out.entities.emplace_back(
            render_aggregated_entity(e, ctx, request.render, request.aggregation.methods));
      }
      return out;
    }
    auto page = temporal.query(scope.tenant, request.query);
    if (!page) return std::unexpected(page.error());
    out.total = page->total;
    out.cut = page->cut;
    for (const auto& e : page->entities) {
      out.entities.emplace_back(
          render_temporal_entity(e, ctx, request.render, request.format, request.query.property));
    }
    return out;
  }

  Result<http::Response> page_response(const http::Request& req, const RequestScope& scope,
                                       const jsonld::Context& ctx, const TemporalRequest& request) {
    auto answer = answer_of(temporal_for(req), scope, ctx, request);
    if (!answer) return std::unexpected(answer.error());
    json::array entities;
    for (auto& e : answer->entities) entities.push_back(std::move(e));
    return respond_with(std::move(entities), scope, request, *answer);
  }

  static http::Response respond_with(json::value body, const RequestScope& scope,
                                     const TemporalRequest& request, const Answer& answer) {
    auto res = json_response(answer.cut ? 206 : 200, std::move(body), scope);
    if (answer.cut) res.header("Content-Range", content_range(request.query, *answer.cut));
    if (answer.total) res.header("NGSILD-Results-Count", std::to_string(*answer.total));
    return res;
  }

  const ApiDeps deps_;
  broker::TemporalService& temporal_;
};

}  // namespace

void register_temporal_routes(http::Router& router, const ApiDeps& deps,
                              broker::TemporalService& temporal) {
  auto routes = std::make_shared<TemporalRoutes>(deps, temporal);
  auto bind = [routes, &deps](void (TemporalRoutes::*fn)(http::Request&&, http::Responder)) {
    return offload_context_fetches(
        [routes, fn](http::Request&& req, http::Responder respond) {
          ((*routes).*fn)(std::move(req), std::move(respond));
        },
        deps);
  };
  // Reads of history may read many rows: on the query threads, like entity queries.
  auto read = [&](void (TemporalRoutes::*fn)(http::Request&&, http::Responder)) {
    return offload_queries(bind(fn), deps);
  };
  const std::string base(kTemporalEntities);
  router.add("GET", base, read(&TemporalRoutes::query));
  router.add("POST", base, bind(&TemporalRoutes::upsert));
  router.add("GET", base + "/{entityId}", read(&TemporalRoutes::retrieve));
  router.add("DELETE", base + "/{entityId}", bind(&TemporalRoutes::remove));
  router.add("POST", base + "/{entityId}/attrs", bind(&TemporalRoutes::add_attrs));
  router.add("DELETE", base + "/{entityId}/attrs/{attrId}", bind(&TemporalRoutes::delete_attr));
  router.add("PATCH", base + "/{entityId}/attrs/{attrId}/{instanceId}",
             bind(&TemporalRoutes::patch_instance));
  router.add("DELETE", base + "/{entityId}/attrs/{attrId}/{instanceId}",
             bind(&TemporalRoutes::delete_instance));
  router.add("POST", "/ngsi-ld/v1/temporal/entityOperations/query",
             read(&TemporalRoutes::post_query));
}

}  // namespace tsunagu::api::ngsild
