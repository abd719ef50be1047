#pragma once
// How the writer thread (tenant_db.hpp) applies a group of write jobs in one PostgreSQL
// transaction: the same strategy as SQLite's (store/sqlite/group_commit.hpp), for a different
// reason. Jobs and nested steps run without savepoints, because every savepoint that writes is a
// subtransaction, and beyond 64 of them in one transaction PostgreSQL's snapshots overflow and
// every reader of the database slows down. Most failures happen before anything is written
// (an id that exists, an entity that does not) and need no undo. A job or nested step that fails
// after writing, or whose statement failed (which aborts the whole transaction in PostgreSQL),
// makes the group roll back and run again: without that job (its failure is its result), or,
// when a nested step failed, with a savepoint around each nested step of that job alone.
// Every rerun settles one job for good, so a group of n jobs runs at most 2n + 1 times.
//
// The transaction begins by taking the tenant's advisory lock (kLockSpace, tenant key): every
// node's writer of this tenant then commits one group at a time.

#include <vector>

#include "store/postgres/connection.hpp"
#include "store/postgres/partition_cache.hpp"
#include "store/postgres/schema.hpp"
#include "store/store.hpp"

namespace tsunagu::store::postgres {

// Runs every job's apply in one transaction and commits it. Returns each job's result, in order;
// a failed commit fails them all. Writer thread only.
std::vector<Status> apply_group(Connection& db, const TenantSchema& tenant,
                                PartitionCache& partitions, std::vector<WriteJob>& jobs);

}  // namespace tsunagu::store::postgres
