#pragma once
// Temporal reads on SQLite (store/history_store.hpp): the instances of a page of history
// entities, cut at one instant when an attribute has more than the query allows, and their
// aggregation computed by SQLite (history_aggregate.cpp). On a reader connection.

#include "store/history_store.hpp"
#include "store/sqlite/connection.hpp"

namespace tsunagu::store::sqlite {

Result<HistoryPage> read_history(Connection& db, const HistoryQuery& query);

Result<AggregatedPage> aggregate_history(Connection& db, const HistoryQuery& query,
                                         const AggregationRequest& request);

// The SQL functions aggregation uses (a sample standard deviation); on every reader connection.
Status register_history_functions(Connection& db);

}  // namespace tsunagu::store::sqlite
