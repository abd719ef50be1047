// Retention on PostgreSQL (HistoryTxn::erase_recorded_before): history is partitioned by the
// month it was recorded in (history_partitions.hpp), so a month that lies wholly before the
// cutoff goes by DROP TABLE, which costs the same for ten rows or ten million and leaves no dead
// tuples for vacuum, where deleting rows writes WAL for each. The contract bounds one call to
// `limit` instances, though, so that one job stays short and its count is exact: a month with
// more rows than the call may still erase loses rows in batches, oldest months first, until what
// is left fits, and is then dropped. The month holding the cutoff loses its old rows in batches
// too (a BRIN index on `created` finds them without a scan of the month).

#include <limits>

#include "store/postgres/history_filter.hpp"
#include "store/postgres/history_partitions.hpp"
#include "store/postgres/history_tables.hpp"

namespace tsunagu::store::postgres {

Result<std::size_t> PgHistoryTxn::rows_up_to(std::int64_t month, std::size_t most) {
  const Param p[] = {row_limit(most)};
  auto rows = db_.run_once(
      "SELECT count(*) FROM (SELECT 1 FROM " + partition_table(schema_, month) + " LIMIT $1) x", p);
  if (!rows) return std::unexpected(rows.error());
  return static_cast<std::size_t>(rows->integer(0, 0));
}

// Erases at most `most` rows of the month, those recorded before `before` when given.
Result<std::size_t> PgHistoryTxn::erase_rows(std::int64_t month, std::optional<std::int64_t> before,
                                             std::size_t most) {
  const auto table = partition_table(schema_, month);
  const Param p[] = {row_limit(most), before ? param(*before) : Param()};
  auto rows = db_.run_once("DELETE FROM " + table + " WHERE ctid = ANY(ARRAY(SELECT ctid FROM " +
                               table + " WHERE $2::bigint IS NULL OR created < $2 LIMIT $1))",
                           p);
  if (!rows) return std::unexpected(rows.error());
  return static_cast<std::size_t>(rows->affected());
}

Result<std::size_t> PgHistoryTxn::erase_recorded_before(model::Timestamp before,
                                                        std::size_t limit) {
  auto months = partition_months(db_, schema_);
  if (!months) return std::unexpected(months.error());
  const auto cutoff = to_ms(before);
  std::size_t erased = 0;
  for (const auto month : *months) {
    if (erased >= limit || month_start_ms(month) >= cutoff) break;
    const auto budget = limit - erased;
    const bool whole = month_start_ms(month + 1) <= cutoff;
    if (whole) {
      // One more than the budget tells whether the month fits.
      auto rows = rows_up_to(
          month, budget == std::numeric_limits<std::size_t>::max() ? budget : budget + 1);
      if (!rows) return std::unexpected(rows.error());
      if (*rows <= budget) {
        if (auto st = drop_partition(db_, schema_, partitions_, month); !st) {
          return std::unexpected(st.error());
        }
        erased += *rows;
        continue;
      }
    }
    auto n = erase_rows(month, whole ? std::nullopt : std::optional(cutoff), budget);
    if (!n) return std::unexpected(n.error());
    erased += *n;
  }
  return erased;
}

}  // namespace tsunagu::store::postgres
