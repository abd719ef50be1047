#pragma once
// A PostgreSQL database of its own for a test. The server is the cluster ctest starts once for
// the whole run (scripts/pg-cluster.sh; its URL in the file TSUNAGU_TEST_PG_URL_FILE names), or,
// when a test binary runs by itself, the cluster this process starts (pg_cluster.hpp). Either
// way every database is a copy of template1, which holds PostGIS.

#include <string>
#include <string_view>

namespace tsunagu::testing {

// The URL of a new, empty database named <prefix>_<unique suffix>. Throws std::runtime_error
// (with the reason) when there is no server to create it on.
std::string new_test_database(std::string_view prefix);

// Whether this run's integration tests use PostgreSQL (TSUNAGU_TEST_STORE=postgresql).
bool integration_store_is_postgres();

}  // namespace tsunagu::testing
