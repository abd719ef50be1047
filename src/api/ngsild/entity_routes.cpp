// /ngsi-ld/v1/entities and its sub-resources (clause 6.4 - 6.7).

#include <array>

#include "api/ngsild/api.hpp"
#include "api/ngsild/entity_parser.hpp"
#include "api/ngsild/entity_renderer.hpp"
#include "api/ngsild/query_params.hpp"
#include "api/ngsild/reply.hpp"
#include "api/ngsild/request_scope.hpp"
#include "model/uri.hpp"

namespace tsunagu::api::ngsild {
namespace {

constexpr std::string_view kEntities = "/ngsi-ld/v1/entities";

class EntityRoutes {
 public:
  explicit EntityRoutes(const ApiDeps& deps) : deps_(deps) {}

  void create(http::Request&& req, http::Responder respond) {
    if (replied_error(check_params(req, {}), respond)) return;
    auto in = read_write_request(req, deps_.contexts);
    if (replied_error(in, respond)) return;
    auto entity = parse_entity(in->body.json, *in->context, EntityShape::Complete);
    if (replied_error(entity, respond)) return;
    const std::string location = std::string(kEntities) + "/" + entity->id;
    entities_for(deps_, req)
        .create(in->scope.tenant, std::move(*entity), [respond, location](Status st) {
          if (replied_error(st, respond)) return;
          respond(created(location));
        });
  }

  // Read on the HTTP loop; an entity whose read must be audited (personal data) is read again
  // where waiting for the audit's commit is allowed.
  void retrieve(http::Request&& req, http::Responder respond) {
    auto answer = retrieve_response(req, !deps_.run_blocking);
    if (answer) return reply(std::move(*answer), respond);
    auto shared = std::make_shared<http::Request>(std::move(req));
    deps_.run_blocking([this, shared, respond = std::move(respond)] {
      reply(*retrieve_response(*shared, true), respond);
    });
  }

  void replace(http::Request&& req, http::Responder respond) {
    auto in = entity_write(req, {});
    if (replied_error(in, respond)) return;
    auto entity = parse_entity(in->body.json, *in->context, EntityShape::Fragment, &in->id);
    if (replied_error(entity, respond)) return;
    entities_for(deps_, req).replace(in->scope.tenant, std::move(*entity), done_204(respond));
  }

  void merge(http::Request&& req, http::Responder respond) {
    auto in = entity_write(req, {});
    if (replied_error(in, respond)) return;
    auto patch = parse_entity(in->body.json, *in->context, EntityShape::Fragment, &in->id);
    if (replied_error(patch, respond)) return;
    entities_for(deps_, req).merge(in->scope.tenant, std::move(*patch), done_204(respond));
  }

  void remove(http::Request&& req, http::Responder respond) {
    if (replied_error(check_params(req, {}), respond)) return;
    auto id = path_entity_id(req);
    if (replied_error(id, respond)) return;
    auto scope = read_scope(req, deps_.contexts);
    if (replied_error(scope, respond)) return;
    entities_for(deps_, req).remove(scope->tenant, *id, done_204(respond));
  }

  void append_attrs(http::Request&& req, http::Responder respond) {
    auto in = entity_write(req, {"options"});
    if (replied_error(in, respond)) return;
    auto options = parse_options(req, {"noOverwrite"});
    if (replied_error(options, respond)) return;
    auto attrs = parse_attributes(in->body.json, *in->context);
    if (replied_error(attrs, respond)) return;
    entities_for(deps_, req)
        .append_attributes(in->scope.tenant, in->id, std::move(*attrs),
                           options->contains("noOverwrite"),
                           done_update_result(respond, in->context));
  }

  void update_attrs(http::Request&& req, http::Responder respond) {
    auto in = entity_write(req, {});
    if (replied_error(in, respond)) return;
    auto attrs = parse_attributes(in->body.json, *in->context);
    if (replied_error(attrs, respond)) return;
    entities_for(deps_, req)
        .update_attributes(in->scope.tenant, in->id, std::move(*attrs),
                           done_update_result(respond, in->context));
  }

  void patch_attr(http::Request&& req, http::Responder respond) { write_attr(req, respond, true); }
  void replace_attr(http::Request&& req, http::Responder respond) {
    write_attr(req, respond, false);
  }

  void delete_attr(http::Request&& req, http::Responder respond) {
    if (replied_error(check_params(req, {"datasetId", "deleteAll"}), respond)) return;
    auto id = path_entity_id(req);
    if (replied_error(id, respond)) return;
    auto scope = read_scope(req, deps_.contexts);
    if (replied_error(scope, respond)) return;
    auto name = expand_name(req.param("attrId"), *scope->context, "attribute");
    if (replied_error(name, respond)) return;
    bool all = false;
    if (auto v = req.query_param("deleteAll")) {
      auto b = parse_bool(*v, "deleteAll");
      if (replied_error(b, respond)) return;
      all = *b;
    }
    std::optional<std::string> dataset;
    if (auto v = req.query_param("datasetId")) {
      if (replied_error(model::validate_uri(*v, "datasetId"), respond)) return;
      dataset = std::string(*v);
    }
    entities_for(deps_, req)
        .delete_attribute(scope->tenant, *id, *name, std::move(dataset), all, done_204(respond));
  }

 private:
  // A write to /entities/{entityId}[...]: checked parameters, id, scope, body and context.
  Result<WriteRequest> entity_write(const http::Request& req,
                                    std::initializer_list<std::string_view> params) {
    if (auto st = check_params(req, params); !st) return std::unexpected(st.error());
    auto id = path_entity_id(req);
    if (!id) return std::unexpected(id.error());
    auto in = read_write_request(req, deps_.contexts);
    if (in) in->id = std::move(*id);
    return in;
  }

  void write_attr(const http::Request& req, http::Responder& respond, bool partial) {
    auto in = entity_write(req, {});
    if (replied_error(in, respond)) return;
    const auto& term = req.param("attrId");
    auto name = expand_name(term, *in->context, "attribute");
    if (replied_error(name, respond)) return;
    auto attr = parse_attribute_body(in->body.json, term, *in->context, partial);
    if (replied_error(attr, respond)) return;
    if (partial) {
      entities_for(deps_, req)
          .patch_attribute(in->scope.tenant, in->id, *name, std::move(*attr), done_204(respond));
    } else {
      entities_for(deps_, req)
          .replace_attribute(in->scope.tenant, in->id, *name, std::move(*attr), done_204(respond));
    }
  }

  static broker::Callback<void> done_204(http::Responder respond) {
    return [respond = std::move(respond)](Status st) {
      if (replied_error(st, respond)) return;
      respond(no_content());
    };
  }

  static broker::Callback<broker::UpdateOutcome> done_update_result(
      http::Responder respond, std::shared_ptr<const jsonld::Context> ctx) {
    return [respond = std::move(respond), ctx](Result<broker::UpdateOutcome> r) {
      if (replied_error(r, respond)) return;
      respond(update_result_response(*r, *ctx));
    };
  }

  // nullopt when the answer would wait for an audit record and `may_wait` is false.
  std::optional<Result<http::Response>> retrieve_response(const http::Request& req, bool may_wait) {
    if (auto st = check_params(req, {"attrs", "options", "format", "geometryProperty", "type",
                                     "lang", "pick", "omit"});
        !st) {
      return std::unexpected(st.error());
    }
    auto scope = read_scope(req, deps_.contexts, true);
    if (!scope) return std::unexpected(scope.error());
    auto render = parse_render_options(req, *scope->context);
    if (!render) return std::unexpected(render.error());
    // Every stored id is a valid URI, so the id is checked only when the read fails (the check
    // is a URI parse, 3 % of a read): a malformed id is then the answer, as a bad request, not
    // "no such entity" or "no such tenant".
    // The answer is written from a view of the stored document: no model, no JSON tree.
    store::EntityReadBuffer buffer;
    auto read =
        entities_for(deps_, req).read(scope->tenant, req.param("entityId"), buffer, may_wait);
    if (!read) {
      auto valid = path_entity_id(req);
      return std::unexpected(valid ? read.error() : valid.error());
    }
    if (!*read) return std::nullopt;
    const model::EntityRef& entity = **read;
    if (auto st = check_type(req, entity, *scope->context); !st) return std::unexpected(st.error());
    std::string body;
    body.reserve(buffer.text.size());
    if (scope->response == Media::GeoJson) {
      auto geometry = geometry_property(req, *scope->context);
      if (!geometry) return std::unexpected(geometry.error());
      write_feature(body, entity, *scope->context, *render, *geometry);
    } else {
      write_entity(body, entity, *scope->context, *render, inline_context(*scope));
    }
    return json_text_response(200, std::move(body), *scope);
  }

  // GET /entities/{id}?type=T: an entity of another type is not the one asked for (6.5.3.1).
  static Status check_type(const http::Request& req, const model::EntityRef& entity,
                           const jsonld::Context& ctx) {
    auto type = req.query_param("type");
    if (!type) return ok();
    auto types = comma_list(*type, "type");
    if (!types) return std::unexpected(types.error());
    for (const auto& t : *types) {
      auto iri = expand_name(t, ctx, "entity type");
      if (!iri) return std::unexpected(iri.error());
      if (model::has_type(entity, *iri)) return ok();
    }
    return fail(ErrorKind::ResourceNotFound, "entity '" + std::string(entity.id) +
                                                 "' is not of type '" + std::string(*type) + "'");
  }

  const ApiDeps deps_;
};

}  // namespace

void register_entity_routes(http::Router& router, const ApiDeps& deps) {
  auto routes = std::make_shared<EntityRoutes>(deps);
  auto bind = [routes, &deps](void (EntityRoutes::*fn)(http::Request&&, http::Responder),
                              AuditWaits audit_waits = AuditWaits::Offloaded) {
    return offload_context_fetches(
        [routes, fn](http::Request&& req, http::Responder respond) {
          ((*routes).*fn)(std::move(req), std::move(respond));
        },
        deps, audit_waits);
  };
  const std::string base(kEntities);
  router.add("POST", base, bind(&EntityRoutes::create));
  router.add("GET", base + "/{entityId}", bind(&EntityRoutes::retrieve, AuditWaits::Handled));
  router.add("PUT", base + "/{entityId}", bind(&EntityRoutes::replace));
  router.add("PATCH", base + "/{entityId}", bind(&EntityRoutes::merge));
  router.add("DELETE", base + "/{entityId}", bind(&EntityRoutes::remove));
  router.add("POST", base + "/{entityId}/attrs", bind(&EntityRoutes::append_attrs));
  router.add("PATCH", base + "/{entityId}/attrs", bind(&EntityRoutes::update_attrs));
  router.add("PATCH", base + "/{entityId}/attrs/{attrId}", bind(&EntityRoutes::patch_attr));
  router.add("PUT", base + "/{entityId}/attrs/{attrId}", bind(&EntityRoutes::replace_attr));
  router.add("DELETE", base + "/{entityId}/attrs/{attrId}", bind(&EntityRoutes::delete_attr));
}

}  // namespace tsunagu::api::ngsild
