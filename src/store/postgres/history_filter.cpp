#include "store/postgres/history_filter.hpp"

#include <algorithm>
#include <limits>

#include "store/history_time.hpp"

namespace tsunagu::store::postgres {
namespace {

using model::TimeRel;

void append_range(SqlText& sql, const std::string& key, const model::TimeRange& range) {
  const auto at = param(to_ms(range.at));
  switch (range.rel) {
    case TimeRel::Before:
      sql += " AND " + key + " < " + sql.bind(at);
      return;
    case TimeRel::After:
      sql += " AND " + key + " >= " + sql.bind(at);
      return;
    case TimeRel::Between:
      sql += " AND " + key + " >= " + sql.bind(at);
      sql += " AND " + key + " < " + sql.bind(param(to_ms(range.end)));
      return;
  }
}

void append_datasets(SqlText& sql, const DatasetChoice& choice) {
  if (choice.all) return;
  bool default_instance = false;
  std::vector<std::string> named;
  for (const auto& id : choice.ids) {
    if (id) {
      named.push_back(*id);
    } else {
      default_instance = true;
    }
  }
  std::vector<std::string> parts;
  if (default_instance) parts.emplace_back("h.dataset IS NULL");
  if (!named.empty())
    parts.push_back("h.dataset = ANY(" + sql.bind(text_array(named)) + "::text[])");
  if (parts.empty()) {
    sql += " AND false";
    return;
  }
  sql += parts.size() == 1 ? " AND " + parts[0] : " AND (" + parts[0] + " OR " + parts[1] + ")";
}

}  // namespace

Param row_limit(std::size_t n) {
  constexpr auto kMax = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  return param(static_cast<std::int64_t>(std::min(n, kMax)));
}

std::string SqlText::bind(Param value) {
  params.push_back(std::move(value));
  return "$" + std::to_string(params.size());
}

void InstanceFilter::append_to(SqlText& sql) const {
  if (tombstones_only) sql += " AND h.deleted IS NOT NULL";
  if (observed_only) sql += " AND h.exact";
  if (range) append_range(sql, key, *range);
  if (datasets) append_datasets(sql, *datasets);
}

InstanceFilter instance_filter(const HistoryQuery& query) {
  const auto time = instance_time(query);
  InstanceFilter f;
  f.key = "h." + std::string(time.column);
  f.observed_only = time.observed_only;
  f.tombstones_only = time.tombstones_only;
  f.range = query.range;
  f.datasets = query.datasets;
  return f;
}

}  // namespace tsunagu::store::postgres
