#include "api/ngsild/api.hpp"

#include "api/ngsild/access.hpp"
#include "api/ngsild/usage.hpp"
#include "jsonld/link_header.hpp"

namespace tsunagu::api::ngsild {

consent::SharedReadGuard read_guard_for(const ApiDeps& deps, const http::Request& req) {
  if (!deps.policy || !deps.audit || !deps.policy->active()) return nullptr;
  return std::make_shared<const consent::ReadGuard>(*deps.policy, *deps.audit, viewer_of(req));
}

broker::EntityService entities_for(const ApiDeps& deps, const http::Request& req) {
  auto grant = type_grant_of(req);
  auto guard = read_guard_for(deps, req);
  auto usage = usage_of(req);
  if (!grant && !guard && !usage) return deps.entities;
  return deps.entities.restricted(std::move(grant), std::move(guard), std::move(usage));
}

namespace {

bool may_wait_for_a_context(const http::Request& req, jsonld::ContextResolver& contexts) {
  if (auto type = req.header("Content-Type");
      type && type->find("ld+json") != std::string_view::npos) {
    return true;
  }
  auto link = req.header("Link");
  if (!link) return false;
  auto url = jsonld::parse_context_link(*link);
  // A malformed header is answered at once with its error; no fetch happens.
  if (!url || !*url) return false;
  return contexts.cached(boost::json::value(**url)) == nullptr;
}

}  // namespace

http::Handler offload_context_fetches(http::Handler handler, const ApiDeps& deps,
                                      AuditWaits audit_waits) {
  if (!deps.run_blocking) return handler;
  const bool audited = deps.audit != nullptr && audit_waits == AuditWaits::Offloaded;
  return [handler = std::move(handler), run = deps.run_blocking, &contexts = deps.contexts,
          policy = deps.policy, audited](http::Request&& req, http::Responder respond) {
    // A read of personal data waits for its audit record to be written (consent/audit_trail).
    const bool audits = audited && policy && policy->active() &&
                        policy->applies(viewer_of(req), req.header("NGSILD-Tenant").value_or(""));
    if (!audits && !may_wait_for_a_context(req, contexts)) {
      return handler(std::move(req), std::move(respond));
    }
    http::offloaded(handler, run)(std::move(req), std::move(respond));
  };
}

http::Handler offload_queries(http::Handler handler, const ApiDeps& deps) {
  if (!deps.run_query) return handler;
  return http::offloaded(std::move(handler), deps.run_query);
}

void register_routes(http::Router& router, const ApiDeps& deps) {
  register_entity_routes(router, deps);
  register_batch_routes(router, deps);
  register_discovery_routes(router, deps);
  register_query_routes(router, deps);
}

}  // namespace tsunagu::api::ngsild
