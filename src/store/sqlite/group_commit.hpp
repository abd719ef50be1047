#pragma once
// How the writer thread (tenant_db.hpp) applies a group of write jobs in one transaction.
//
// Savepoints used to be most of the cost of a write. Inside a savepoint SQLite first copies every
// database page that a write touches to the statement journal (a temporary file), 4 KiB and a
// pwrite per page, once per savepoint; an entity with its index rows touches some 30 pages. A job
// and each step of a batch had their own savepoint, so every entity paid that copy
// (docs/performance.md, "Write cost"). Jobs and nested steps therefore run without savepoints:
// most failures (an id that exists, an entity that does not, a merge that is refused) happen
// before anything is written and need no undo. A job or nested step that fails after it has
// written is the exception, and for it the group is rolled back and run again from its first
// job: without the failed job (its failure is its result), or, when a nested step failed, with
// a savepoint around each nested step of that job, which undoes such a step alone. Every rerun
// settles one job for good, so a group of n jobs runs at most 2n + 1 times; in practice once.
// This is why WriteJob::apply must be repeatable (store.hpp).
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
