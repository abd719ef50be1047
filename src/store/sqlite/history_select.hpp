#pragma once
// The first half of every temporal read on SQLite: which history entities a HistoryQuery selects
// (by id, type, attributes with instances in the range, and q, geoQ and scopeQ decided over those
// instances, by the rules every backend shares: store/history_selection.hpp), one page of them,
// and the SQL fragments that restrict instances to the query's range and datasets.
// history_reader.cpp and history_aggregate.cpp read the page's instances.

#include <cstdint>
#include <optional>
#include <string>

#include "store/history_selection.hpp"
#include "store/history_store.hpp"
#include "store/sqlite/connection.hpp"

namespace tsunagu::store::sqlite {

// What restricts instances, as SQL over `history h`: `key` is the expression of an instance's
// time (the query's time property), `where` a conjunction (" AND ...") of the range, the
// datasets and, for deletedAt, tombstones only. Values are inlined (they are integers).
struct InstanceFilter {
  std::string key;
  std::string where;
};

Result<InstanceFilter> instance_filter(Connection& db, const HistoryQuery& query);

// Each selected attribute's `key` is the term id of its name.
Result<Selection> select_entities(Connection& db, const HistoryQuery& query,
                                  const InstanceFilter& filter);

// The term id of an IRI, if it was ever interned.
Result<std::optional<std::int64_t>> find_term(Connection& db, std::string_view iri);

}  // namespace tsunagu::store::sqlite
