#pragma once
// The first half of every temporal read on PostgreSQL: which history entities a HistoryQuery
// selects (by id, type, attributes with instances in the range, and q, geoQ and scopeQ decided
// over those instances by the evaluators every backend shares), and one page of them.
// history_reader.cpp and history_aggregate.cpp read the page's instances.
//
// Candidates are judged in chunks, a few statements per chunk whatever its size, so that a query
// over many history entities costs round trips per chunk rather than per entity.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/history_store.hpp"
#include "store/postgres/connection.hpp"
#include "store/postgres/history_filter.hpp"

namespace tsunagu::store::postgres {

struct SelectedAttribute {
  std::string name;          // expanded IRI
  std::int64_t classes = 0;  // value classes ever recorded (history_tables.hpp)
  model::AttributeKind kind = model::AttributeKind::Property;  // of the last instance recorded
};

struct SelectedEntity {
  std::int64_t hid = 0;
  std::string id;
  std::vector<std::string> types;
  std::vector<SelectedAttribute> attributes;  // those the query returns, by name (byte order)
};

struct Selection {
  std::vector<SelectedEntity> entities;  // the page, in hid order
  std::optional<std::size_t> total;
};

Result<Selection> select_entities(Connection& db, const std::string& schema,
                                  const HistoryQuery& query, const InstanceFilter& filter);

}  // namespace tsunagu::store::postgres
