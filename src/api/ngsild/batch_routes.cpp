// /ngsi-ld/v1/entityOperations/{create,upsert,update,delete} (clause 6.14 - 6.17).
// Each entity succeeds or fails on its own: one bad entity never fails the others, and the
// answer lists both (BatchOperationResult, clause 5.2.16).

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>

#include "api/ngsild/api.hpp"
#include "api/ngsild/entity_parser.hpp"
#include "api/ngsild/query_params.hpp"
#include "api/ngsild/reply.hpp"
#include "api/ngsild/request_scope.hpp"
#include "model/uri.hpp"

namespace tsunagu::api::ngsild {
namespace json = boost::json;
namespace {

constexpr std::string_view kBase = "/ngsi-ld/v1/entityOperations";

enum class BatchKind { Create, Upsert, Update, Delete };

// The id of a batch element for error reports, even when the element is malformed.
std::string id_of(const json::value& element) {
  if (!element.is_object()) return {};
  const auto* id = element.get_object().if_contains("id");
  return id && id->is_string() ? std::string(id->get_string()) : std::string();
}

http::Response batch_result(const broker::BatchOutcome& outcome) {
  json::array errors;
  for (const auto& e : outcome.errors) {
    json::object o;
    o["entityId"] = e.entity_id;
    o["error"] = problem_json(e.error);
    errors.push_back(std::move(o));
  }
  json::object body;
  body["success"] = json::value_from(outcome.success);
  body["errors"] = std::move(errors);
  http::Response res;
  res.status = 207;
  res.header("Content-Type", "application/json");
  res.body = json::serialize(body);
  return res;
}

http::Response id_list(int status, const std::vector<std::string>& ids) {
  http::Response res;
  res.status = status;
  res.header("Content-Type", "application/json");
  res.body = json::serialize(json::value_from(ids));
  return res;
}

class BatchRoutes {
 public:
  explicit BatchRoutes(const ApiDeps& deps) : deps_(deps) {}

  void handle(BatchKind kind, http::Request&& req, http::Responder respond) {
    auto options = options_of(kind, req);
    if (replied_error(check_params(req, {"options"}), respond)) return;
    if (replied_error(options, respond)) return;
    auto scope = read_scope(req, deps_.contexts);
    if (replied_error(scope, respond)) return;
    auto body = read_body(req);
    if (replied_error(body, respond)) return;
    auto elements = elements_of(*body);
    if (replied_error(elements, respond)) return;
    // Malformed elements are answered without reaching the store; the rest go on.
    auto pre = std::make_shared<broker::BatchOutcome>();
    auto done = [respond, pre, kind](Result<broker::BatchOutcome> r) {
      if (replied_error(r, respond)) return;
      r->errors.insert(r->errors.begin(), pre->errors.begin(), pre->errors.end());
      respond(answer(kind, *r));
    };
    if (kind == BatchKind::Delete) {
      if (!std::all_of((*elements)->begin(), (*elements)->end(),
                       [](const json::value& e) { return e.is_string(); })) {
        respond(problem_response({ErrorKind::BadRequestData,
                                  "a batch delete takes a JSON array of entity ids (strings)",
                                  {}}));
        return;
      }
      auto ids = parse_ids(**elements, *pre);
      entities_for(deps_, req).batch_delete(scope->tenant, std::move(ids), std::move(done));
      return;
    }
    auto entities = parse_entities(kind, *body, **elements, *scope, *pre);
    switch (kind) {
      case BatchKind::Create:
        entities_for(deps_, req).batch_create(scope->tenant, std::move(entities), std::move(done));
        break;
      case BatchKind::Upsert:
        entities_for(deps_, req)
            .batch_upsert(scope->tenant, std::move(entities),
                          options->contains("update") ? broker::UpsertMode::Update
                                                      : broker::UpsertMode::Replace,
                          std::move(done));
        break;
      default:
        entities_for(deps_, req)
            .batch_update(scope->tenant, std::move(entities), options->contains("noOverwrite"),
                          std::move(done));
    }
  }

 private:
  static Result<std::set<std::string>> options_of(BatchKind kind, const http::Request& req) {
    switch (kind) {
      case BatchKind::Upsert:
        return parse_options(req, {"replace", "update"});
      case BatchKind::Update:
        return parse_options(req, {"noOverwrite"});
      default:
        return parse_options(req, {});
    }
  }

  Result<const json::array*> elements_of(const Body& body) {
    if (!body.json.is_array()) {
      return fail(ErrorKind::BadRequestData, "a batch operation takes a JSON array");
    }
    const auto& array = body.json.get_array();
    if (array.empty()) return fail(ErrorKind::BadRequestData, "the batch is empty");
    if (array.size() > deps_.limits.batch_max) {
      return fail(ErrorKind::PayloadTooLarge,
                  "the batch has " + std::to_string(array.size()) + " entries; at most " +
                      std::to_string(deps_.limits.batch_max) + " are allowed");
    }
    return &array;
  }

  std::vector<model::Entity> parse_entities(BatchKind kind, const Body& body,
                                            const json::array& elements, const RequestScope& scope,
                                            broker::BatchOutcome& rejected) {
    std::vector<model::Entity> entities;
    const auto shape = kind == BatchKind::Update ? EntityShape::Fragment : EntityShape::Complete;
    for (const auto& element : elements) {
      auto ctx = context_for(body, element, scope, deps_.contexts);
      auto entity = ctx ? parse_entity(element, **ctx, shape)
                        : Result<model::Entity>(std::unexpected(ctx.error()));
      if (entity) {
        entities.push_back(std::move(*entity));
      } else {
        rejected.errors.push_back({id_of(element), entity.error()});
      }
    }
    return entities;
  }

  static std::vector<std::string> parse_ids(const json::array& elements,
                                            broker::BatchOutcome& rejected) {
    std::vector<std::string> ids;
    for (const auto& element : elements) {
      std::string id(element.get_string());
      if (auto st = model::validate_uri(id, "id"); !st) {
        rejected.errors.push_back({id, st.error()});
        continue;
      }
      ids.push_back(std::move(id));
    }
    return ids;
  }

  static http::Response answer(BatchKind kind, const broker::BatchOutcome& outcome) {
    if (!outcome.errors.empty()) return batch_result(outcome);
    switch (kind) {
      case BatchKind::Create:
        return id_list(201, outcome.success);
      case BatchKind::Upsert:
        return outcome.created.empty() ? no_content() : id_list(201, outcome.created);
      default:
        return no_content();
    }
  }

  const ApiDeps deps_;
};

}  // namespace

void register_batch_routes(http::Router& router, const ApiDeps& deps) {
  auto routes = std::make_shared<BatchRoutes>(deps);
  const std::pair<std::string_view, BatchKind> ops[] = {{"create", BatchKind::Create},
                                                        {"upsert", BatchKind::Upsert},
                                                        {"update", BatchKind::Update},
                                                        {"delete", BatchKind::Delete}};
  for (const auto& [name, kind] : ops) {
    router.add("POST", std::string(kBase) + "/" + std::string(name),
               offload_context_fetches(
                   [routes, k = kind](http::Request&& req, http::Responder respond) {
                     routes->handle(k, std::move(req), std::move(respond));
                   },
                   deps));
  }
}

}  // namespace tsunagu::api::ngsild
