#pragma once
// The monthly partitions of a tenant's `history` table (docs/design/postgres.md, "History").
//
// `history` is partitioned by the time an instance was recorded (`created`, ms since the epoch),
// one partition per calendar month in UTC, named history_y<YYYY>m<MM>. Recorded time is the
// server's clock, so no client can make thousands of partitions by sending odd observedAt values,
// and retention, which counts from recorded time, can drop a whole month instead of deleting its
// rows (history_expiry.cpp). Partitions are made on demand by the writer, inside its transaction,
// the first time a month is written.

#include <cstdint>
#include <string>
#include <vector>

#include "model/error.hpp"
#include "model/time.hpp"
#include "store/postgres/connection.hpp"
#include "store/postgres/partition_cache.hpp"

namespace tsunagu::store::postgres {

// Months since 1970-01 (UTC), the key of PartitionCache.
std::int64_t month_of(model::Timestamp t);
// The first instant of a month, in ms since the epoch.
std::int64_t month_start_ms(std::int64_t month);
// The partition's table name, unquoted (history_y2026m12).
std::string partition_name(std::int64_t month);

// The partition as SQL names it, schema-qualified and quoted.
std::string partition_table(const std::string& schema, std::int64_t month);

// Makes sure that every month has its partition. A month is remembered in `cache` only once its
// partition was committed by an earlier transaction: one this transaction created may still be
// rolled back, wholly or to a savepoint, and a remembered month that no longer exists would make
// every later append to it fail. (A month that another node's retention dropped stays in the
// cache; an append to it fails, and the rollback clears the cache. Only a writer whose clock is
// a whole retention period behind would append there.)
Status ensure_partitions(Connection& db, const std::string& schema, PartitionCache& cache,
                         const std::vector<std::int64_t>& months);

// The months that have a partition, in ascending order (tables not named by partition_name(),
// such as one an operator attached, are left out).
Result<std::vector<std::int64_t>> partition_months(Connection& db, const std::string& schema);

// Drops the partition of `month` and forgets it in `cache`.
Status drop_partition(Connection& db, const std::string& schema, PartitionCache& cache,
                      std::int64_t month);

}  // namespace tsunagu::store::postgres
