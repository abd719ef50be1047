#pragma once
// `tsunagu serve`: wires storage, JSON-LD, the broker and the HTTP API together and runs until
// SIGTERM or SIGINT.

#include "app/config.hpp"

namespace tsunagu::app {

// Returns the process exit code.
int serve(const Config& config);

}  // namespace tsunagu::app
