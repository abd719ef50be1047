#pragma once
// The NGSI-LD API (ETSI GS CIM 009 v1.8, clause 6): routes under /ngsi-ld/v1 that parse a
// request, call the broker and render its answer. One class per group of resources.

#include <cstddef>
#include <functional>

#include "broker/entity_service.hpp"
#include "broker/subscription_service.hpp"
#include "broker/temporal_service.hpp"
#include "consent/audit_trail.hpp"
#include "consent/read_guard.hpp"
#include "http/router.hpp"
#include "jsonld/resolver.hpp"

namespace tsunagu::api::ngsild {

struct ApiLimits {
  std::size_t batch_max = 1000;        // entities in one batch request
  std::size_t default_page_size = 20;  // limit= when not given
  std::size_t max_page_size = 1000;    // limit= beyond gives TooManyResults
};

// Runs a task on threads that may block (a fetch of a remote @context), away from the HTTP
// threads. Empty: tasks run in place.
using BlockingRunner = std::function<void(std::function<void()>)>;

struct ApiDeps {
  broker::EntityService& entities;
  jsonld::ContextResolver& contexts;
  ApiLimits limits;
  BlockingRunner run_blocking = {};
  // Runs entity queries, which may read many rows, away from the HTTP threads, so a slow query
  // never delays the requests that share its connection thread. Empty: queries run in place.
  BlockingRunner run_query = {};
  // The consent policy and audit every read of personal data goes through; null in tests of
  // the NGSI-LD API alone (then reads are the system's: everything, unaudited).
  const consent::AccessPolicy* policy = nullptr;
  consent::AuditTrail* audit = nullptr;
};

// The consent guard of the request's reader; null when no tenant declares personal data.
consent::SharedReadGuard read_guard_for(const ApiDeps& deps, const http::Request& req);

// Wraps a handler so that a request that may wait runs through deps.run_blocking, never on an
// HTTP loop (http/server.hpp): one whose @context may have to be fetched (a Link URL not in the
// cache, or an application/ld+json body), so that a slow or dead context server delays only
// the requests that name it; and one of a reader the consent policy applies to in the request's
// tenant (a tenant that declares personal data), since a read of personal data waits for its
// audit record to be written.
// Handled: the handler itself runs what waits for an audit record through deps.run_blocking,
// having found on the loop that it must (a GET by id, which knows only once it has read the
// entity whether it is personal data).
enum class AuditWaits { Offloaded, Handled };
http::Handler offload_context_fetches(http::Handler handler, const ApiDeps& deps,
                                      AuditWaits audit_waits = AuditWaits::Offloaded);

// Wraps a handler so that it runs through deps.run_query.
http::Handler offload_queries(http::Handler handler, const ApiDeps& deps);

// The entity service as the request's caller may use it (restricted to the entity types its
// token grants, if any).
broker::EntityService entities_for(const ApiDeps& deps, const http::Request& req);

// Registers every NGSI-LD route on the router. `deps` must outlive the router.
void register_routes(http::Router& router, const ApiDeps& deps);

void register_entity_routes(http::Router& router, const ApiDeps& deps);
void register_batch_routes(http::Router& router, const ApiDeps& deps);
void register_discovery_routes(http::Router& router, const ApiDeps& deps);
void register_query_routes(http::Router& router, const ApiDeps& deps);
// Not part of register_routes: the app wires these with the services they need.
void register_temporal_routes(http::Router& router, const ApiDeps& deps,
                              broker::TemporalService& temporal);
void register_subscription_routes(http::Router& router, const ApiDeps& deps,
                                  broker::SubscriptionService& subscriptions,
                                  const model::Clock& clock);

}  // namespace tsunagu::api::ngsild
