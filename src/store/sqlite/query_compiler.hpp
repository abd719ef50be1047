#pragma once
// Compiles an EntityQuery into SQLite SQL over the index tables, choosing which condition drives
// the search.
//
// Every indexable condition of a query (a type, ids, attrs, one q comparison, the geo box, the
// scope patterns) names its entities through index rows, and can be used two ways: as the
// driver (the rids its rows list, looked up in `entities`) or as a check (an EXISTS probe of the
// index for one entity). The planner asks the estimator how many index rows each condition has,
// up to a bound, and lets the most selective drive when it is selective; when none is, the scan
// goes in creation order (over one type's index when the query names one type) and stops as
// soon as a page is full. So "near this point" drives from the R*Tree, "status==open" over a
// million shelters walks the shelters in order and stops after 20.

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace tsunagu::store::sqlite {

// SQL text with '?' placeholders and their values, in order.
struct SqlFragment {
  std::string sql;
  std::vector<std::string> params;

  SqlFragment& operator+=(const SqlFragment& other);
  SqlFragment& operator+=(std::string_view text);
};

// How many rows `SELECT <entity> ...` yields, counting no further than `bound`.
using RowEstimator = std::function<std::size_t(const SqlFragment& rids, std::size_t bound)>;

// Estimates at or beyond this many rows make a condition unselective: walking entities in
// order and checking it is then cheaper than collecting all its rows first.
inline constexpr std::size_t kDefaultSelectiveRows = 2000;

struct CompiledQuery {
  SqlFragment page;   // selects `doc`, in rid order, with LIMIT/OFFSET unless needs_evaluation
  SqlFragment count;  // selects count(*) of every match; empty when needs_evaluation
  // Set when the query has q, geoQ or scopeQ: `page` then selects candidates in rid order (no
  // LIMIT/OFFSET); each must pass the exact evaluators before it is paged and counted.
  bool needs_evaluation = false;
  std::string driver;  // which condition drives, for tests and logs: "scan", "type", "index:N"
};

CompiledQuery compile(const EntityQuery& query, const RowEstimator& estimate,
                      std::size_t selective_rows = kDefaultSelectiveRows);

}  // namespace tsunagu::store::sqlite
