#pragma once
// Metering of the NGSI-LD API (metering/usage_meter.hpp): every request under /ngsi-ld/ is
// counted for its client and tenant, with the entities the services returned to it and the
// bytes of its answer.

#include <memory>

#include "http/router.hpp"
#include "metering/usage_meter.hpp"

namespace tsunagu::api::ngsild {

// Wraps every route under /ngsi-ld/ of `router`. Call after registering the routes and before
// require_tokens, so that the token check runs first and the client is known here. `meter`
// must outlive the router.
void meter_usage(http::Router& router, metering::UsageMeter& meter);

// The request's usage, which the services count returned entities in; null when not metered.
std::shared_ptr<metering::RequestUsage> usage_of(const http::Request& req);

}  // namespace tsunagu::api::ngsild
