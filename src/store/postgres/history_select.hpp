#pragma once
// The first half of every temporal read on PostgreSQL: which history entities a HistoryQuery
// selects (by id, type, attributes with instances in the range, and q, geoQ and scopeQ decided
// over those instances, by the rules every backend shares: store/history_selection.hpp), and one
// page of them. history_reader.cpp and history_aggregate.cpp read the page's instances.
//
// Candidates are judged in chunks, a few statements per chunk whatever its size, so that a query
// over many history entities costs round trips per chunk rather than per entity.

#include <string>

#include "store/history_selection.hpp"
#include "store/history_store.hpp"
#include "store/postgres/connection.hpp"
#include "store/postgres/history_filter.hpp"

namespace tsunagu::store::postgres {

Result<Selection> select_entities(Connection& db, const std::string& schema,
                                  const HistoryQuery& query, const InstanceFilter& filter);

}  // namespace tsunagu::store::postgres
