#pragma once
// The tenant database schema and its versioned migrations (PRAGMA user_version counts the
// migrations applied). A migration is never edited once released: add the next one instead.

#include "model/error.hpp"
#include "store/sqlite/connection.hpp"

namespace tsunagu::store::sqlite {

// Applies the pragmas every writer connection needs and the migrations not yet applied, in one
// transaction each. Fails if the file was written by a newer Tsunagu (unknown schema version).
Status prepare_writer(Connection& db);

// Pragmas for reader connections.
Status prepare_reader(Connection& db);

int schema_version();

}  // namespace tsunagu::store::sqlite
