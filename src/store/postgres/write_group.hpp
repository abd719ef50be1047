#pragma once
// How the writer thread (tenant_db.hpp) applies a group of write jobs in one PostgreSQL
// transaction, with every backend's strategy (store/write_attempt.hpp): no savepoint per job,
// since every savepoint that writes is a subtransaction, and beyond 64 of them in one
// transaction PostgreSQL's snapshots overflow and every reader of the database slows down. A job
// that fails after writing, or whose statement failed (which aborts the whole transaction in
// PostgreSQL), makes the group run again without it.
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
// `node` names this node: the owner of the subscriptions it creates, the sender of what its jobs
// announce (subscription_tables.hpp).
std::vector<Status> apply_group(Connection& db, const TenantSchema& tenant, const std::string& node,
                                PartitionCache& partitions, std::vector<WriteJob>& jobs);

}  // namespace tsunagu::store::postgres
