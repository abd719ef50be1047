#pragma once
// Where an instance stands in time for a temporal query (clause 4.11, docs/design/temporal.md),
// as every backend reads it: the column of `history` that holds the chosen time property (the
// columns are the same on every backend), and which instances the query's range admits at all.

#include <string_view>

#include "store/history_store.hpp"

namespace tsunagu::store {

struct InstanceTime {
  // The column of the instance's time: `t` for observedAt (without a range every instance has a
  // place in time: when it was observed, else when it was recorded, as tombstones and readings
  // without observedAt are), `created`, `modified` or `deleted`.
  std::string_view column;
  bool observed_only = false;    // a range over observedAt holds observed instances only (`exact`)
  bool tombstones_only = false;  // deletedAt: only tombstones have one
};

InstanceTime instance_time(const HistoryQuery& query);

}  // namespace tsunagu::store
