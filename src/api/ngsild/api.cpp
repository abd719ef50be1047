#include "api/ngsild/api.hpp"

namespace tsunagu::api::ngsild {

void register_routes(http::Router& router, const ApiDeps& deps) {
  register_entity_routes(router, deps);
  register_batch_routes(router, deps);
}

}  // namespace tsunagu::api::ngsild
