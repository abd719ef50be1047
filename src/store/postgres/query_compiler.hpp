#pragma once
// Compiles an EntityQuery into PostgreSQL SQL over a tenant's entities and index tables.
//
// Unlike SQLite's compiler, which picks the driving condition itself, this one states every
// indexable condition in one WHERE clause and leaves the choice to PostgreSQL's planner, which
// has statistics of the GIN indexes (types, attrs), the value btrees and the GiST index of
// geometries: "near this point" is driven by GiST, "status==open" over a million shelters walks
// the primary key in order and stops after one page.
//
// The indexes only narrow the search; q, geoQ, scopeQ and id patterns (RE2 syntax, which
// PostgreSQL's regular expressions do not share) are decided by the evaluators of query/ on the
// candidates, which are then paged and counted in C++.

#include <string>
#include <vector>

#include "store/postgres/connection.hpp"
#include "store/store.hpp"

namespace tsunagu::store::postgres {

struct CompiledQuery {
  std::string page;   // selects `doc`, in rid order, with LIMIT/OFFSET unless needs_evaluation
  std::string count;  // selects count(*) of every match; empty when needs_evaluation
  std::vector<Param> params;  // of both
  // Set when candidates must pass the exact evaluators (q, geoQ, scopeQ, an id pattern) before
  // they are paged and counted: `page` then selects every candidate in rid order.
  bool needs_evaluation = false;
};

CompiledQuery compile(const EntityQuery& query, const std::string& schema);

}  // namespace tsunagu::store::postgres
