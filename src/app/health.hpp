#pragma once
// GET /health: liveness and readiness for load balancers and supervisors.

#include <chrono>

#include "http/router.hpp"

namespace tsunagu::app {

void register_health(http::Router& router, std::chrono::steady_clock::time_point started);

}  // namespace tsunagu::app
