#pragma once
// The NGSI-LD API (ETSI GS CIM 009 v1.8, clause 6): routes under /ngsi-ld/v1 that parse a
// request, call the broker and render its answer. One class per group of resources.

#include <cstddef>

#include "broker/entity_service.hpp"
#include "http/router.hpp"
#include "jsonld/resolver.hpp"

namespace tsunagu::api::ngsild {

struct ApiLimits {
  std::size_t batch_max = 1000;          // entities in one batch request
  std::size_t default_page_size = 20;    // limit= when not given
  std::size_t max_page_size = 1000;      // limit= beyond gives TooManyResults
};

struct ApiDeps {
  broker::EntityService& entities;
  jsonld::ContextResolver& contexts;
  ApiLimits limits;
};

// Registers every NGSI-LD route on the router. `deps` must outlive the router.
void register_routes(http::Router& router, const ApiDeps& deps);

void register_entity_routes(http::Router& router, const ApiDeps& deps);
void register_batch_routes(http::Router& router, const ApiDeps& deps);

}  // namespace tsunagu::api::ngsild
