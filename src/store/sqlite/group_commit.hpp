#pragma once
// How the writer thread (tenant_db.hpp) applies a group of write jobs in one transaction.
//
// The strategy is every backend's (store/write_attempt.hpp): jobs and nested steps run without
// savepoints, because inside a savepoint SQLite first copies every database page that a write
// touches to the statement journal (a temporary file), 4 KiB and a pwrite per page, once per
// savepoint; an entity with its index rows touches some 30 pages, and savepoints used to be most
// of the cost of a write (docs/performance.md, "Write cost"). A job that fails after writing
// makes the group run again without it.
//
// The discovery summary changes of the whole group are gathered in memory and written once,
// before the commit (summary_tables.hpp); a failure there fails every job of the group.

#include <vector>

#include "store/sqlite/connection.hpp"
#include "store/sqlite/entity_tables.hpp"
#include "store/store.hpp"

namespace tsunagu::store::sqlite {

// Runs every job's apply in one transaction and commits it (durably, with the writer's pragmas).
// Returns each job's result, in order; a failed commit fails them all. Writer thread only.
std::vector<Status> apply_group(Connection& db, TermCache& terms, std::vector<WriteJob>& jobs);

}  // namespace tsunagu::store::sqlite
