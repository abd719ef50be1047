#include "store/postgres/history_partitions.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <optional>
#include <string_view>

#include "store/postgres/schema.hpp"

namespace tsunagu::store::postgres {
namespace {

namespace chrono = std::chrono;

constexpr std::string_view kPrefix = "history_y";

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

std::string padded(std::int64_t n, std::size_t width) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
  return (n < 0 ? "-" : "") + digits;
}

// The month a partition_name() names, or none for any other table.
std::optional<std::int64_t> parse_name(std::string_view name) {
  if (!name.starts_with(kPrefix)) return std::nullopt;
  name.remove_prefix(kPrefix.size());
  const auto m = name.rfind('m');
  if (m == std::string_view::npos || name.size() - m != 3) return std::nullopt;
  std::int64_t year = 0, month = 0;
  const auto y_end = name.data() + m;
  if (auto [p, ec] = std::from_chars(name.data(), y_end, year); ec != std::errc() || p != y_end) {
    return std::nullopt;
  }
  const auto m_end = name.data() + name.size();
  if (auto [p, ec] = std::from_chars(y_end + 1, m_end, month);
      ec != std::errc() || p != m_end || month < 1 || month > 12) {
    return std::nullopt;
  }
  return (year - 1970) * 12 + (month - 1);
}

enum class Presence { Absent, MadeByThisTransaction, Committed };

// Attaching a partition rewrites its catalog row, which then carries the transaction's xid as
// xmin until the transaction ends.
Result<Presence> presence(Connection& db, const std::string& schema, std::int64_t month) {
  const Param p[] = {param(partition_table(schema, month))};
  auto rows = db.run(
      "SELECT c.xmin = pg_current_xact_id()::xid FROM pg_inherits i JOIN pg_class c "
      "ON c.oid = i.inhrelid WHERE i.inhrelid = to_regclass($1)",
      p);
  if (!rows) return std::unexpected(rows.error());
  if (rows->size() == 0) return Presence::Absent;
  return rows->boolean(0, 0) ? Presence::MadeByThisTransaction : Presence::Committed;
}

// Made as a table, then attached: CREATE TABLE ... PARTITION OF would hold an ACCESS EXCLUSIVE
// lock on `history` until the writer commits, and wait behind a long temporal read with every
// later read and write of the tenant queued behind it; ATTACH PARTITION takes SHARE UPDATE
// EXCLUSIVE, which readers and writers do not conflict with. The new table is empty, so checking
// its bounds and building its indexes costs nothing. Every node's writer holds the tenant's
// advisory lock, so what presence() saw still holds; IF NOT EXISTS only guards against a table
// of that name left unattached by hand.
Status create_partition(Connection& db, const std::string& schema, std::int64_t month) {
  const auto table = partition_table(schema, month);
  return db.exec("CREATE TABLE IF NOT EXISTS " + table + " (LIKE " + schema +
                 ".history); ALTER TABLE " + schema + ".history ATTACH PARTITION " + table +
                 " FOR VALUES FROM (" + std::to_string(month_start_ms(month)) + ") TO (" +
                 std::to_string(month_start_ms(month + 1)) + ")");
}

}  // namespace

std::int64_t month_of(model::Timestamp t) {
  const chrono::year_month_day day{chrono::floor<chrono::days>(t)};
  return (static_cast<int>(day.year()) - 1970) * std::int64_t{12} +
         static_cast<unsigned>(day.month()) - 1;
}

std::int64_t month_start_ms(std::int64_t month) {
  const auto year = static_cast<int>(1970 + floor_div(month, 12));
  const auto in_year = static_cast<unsigned>(month - floor_div(month, 12) * 12 + 1);
  const chrono::sys_days first = chrono::year{year} / chrono::month{in_year} / 1;
  return chrono::duration_cast<chrono::milliseconds>(first.time_since_epoch()).count();
}

std::string partition_name(std::int64_t month) {
  const auto year = 1970 + floor_div(month, 12);
  const auto in_year = month - floor_div(month, 12) * 12 + 1;
  return std::string(kPrefix) + padded(year, 4) + "m" + padded(in_year, 2);
}

std::string partition_table(const std::string& schema, std::int64_t month) {
  return schema + ".\"" + partition_name(month) + "\"";
}

Status ensure_partitions(Connection& db, const std::string& schema, PartitionCache& cache,
                         const std::vector<std::int64_t>& months) {
  for (const auto month : months) {
    if (cache.months.contains(month)) continue;
    auto present = presence(db, schema, month);
    if (!present) return std::unexpected(present.error());
    if (*present == Presence::Committed) cache.months.insert(month);
    if (*present != Presence::Absent) continue;
    if (auto st = create_partition(db, schema, month); !st) return st;
  }
  return ok();
}

Result<std::vector<std::int64_t>> partition_months(Connection& db, const std::string& schema) {
  const Param p[] = {param(schema + ".history")};
  auto rows = db.run(
      "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
      "WHERE i.inhparent = to_regclass($1)",
      p);
  if (!rows) return std::unexpected(rows.error());
  std::vector<std::int64_t> months;
  for (int i = 0; i < rows->size(); ++i) {
    if (auto month = parse_name(rows->text(i, 0))) months.push_back(*month);
  }
  std::sort(months.begin(), months.end());
  return months;
}

Status drop_partition(Connection& db, const std::string& schema, PartitionCache& cache,
                      std::int64_t month) {
  cache.months.erase(month);
  // Dropping a partition takes an ACCESS EXCLUSIVE lock on `history` until the writer commits.
  // Behind a long temporal read it would stall the tenant's writes, and the reads queued behind
  // it: after a second the statement gives up instead, the group runs again without the
  // retention job, and retention tries again on its next round.
  auto was = db.run("SELECT current_setting('lock_timeout')");
  if (!was) return std::unexpected(was.error());
  const Param p[] = {param(was->text(0, 0))};
  Status st = db.exec("SET LOCAL lock_timeout = '1s'");
  if (st) st = db.exec("DROP TABLE " + partition_table(schema, month));
  if (!st) return st;
  auto restored = db.run("SELECT set_config('lock_timeout', $1, true)", p);
  return restored ? ok() : Status(std::unexpected(restored.error()));
}

}  // namespace tsunagu::store::postgres
