#pragma once
// What restricts the instances a temporal query reads (its range, time property and datasets), as
// SQL over `history h`, with every value a parameter: the statements' text then depends on the
// query's shape alone, so each is prepared once per connection (Connection::run) however many
// ranges are asked for.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/history_store.hpp"
#include "store/postgres/connection.hpp"

namespace tsunagu::store::postgres {

// SQL text with its parameters, numbered $1, $2, ... in the order they are bound.
struct SqlText {
  std::string sql;
  std::vector<Param> params;

  // Adds a parameter; returns its placeholder.
  std::string bind(Param value);
  SqlText& operator+=(std::string_view text) {
    sql += text;
    return *this;
  }
};

// A count as a LIMIT: SQLite takes a negative LIMIT for none, PostgreSQL refuses it, so counts
// beyond what bigint holds (callers ask for "all" with the largest one) are capped there.
Param row_limit(std::size_t n);

struct InstanceFilter {
  // The expression of an instance's time (the query's time property: store/history_time.hpp).
  std::string key;
  // Appends a conjunction (" AND ...") of the range, the datasets and, for deletedAt, tombstones
  // only; nothing when every instance passes.
  void append_to(SqlText& sql) const;

  bool observed_only = false;
  bool tombstones_only = false;
  std::optional<model::TimeRange> range;
  std::optional<DatasetChoice> datasets;
};

InstanceFilter instance_filter(const HistoryQuery& query);

}  // namespace tsunagu::store::postgres
