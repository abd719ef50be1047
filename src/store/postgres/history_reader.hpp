#pragma once
// Temporal reads on PostgreSQL (store/history_store.hpp): the instances of a page of history
// entities, cut at one instant when an attribute has more than the query allows, and their
// aggregation computed by the server (history_aggregate.cpp). On a reader connection; `schema`
// is the tenant's quoted schema.

#include <string>

#include "store/history_store.hpp"
#include "store/postgres/connection.hpp"

namespace tsunagu::store::postgres {

Result<HistoryPage> read_history(Connection& db, const std::string& schema,
                                 const HistoryQuery& query);

Result<AggregatedPage> aggregate_history(Connection& db, const std::string& schema,
                                         const HistoryQuery& query,
                                         const AggregationRequest& request);

}  // namespace tsunagu::store::postgres
