#pragma once
// Compiles an EntityQuery into SQLite SQL over the index tables, with its bind values.

#include <string>
#include <vector>

#include "store/store.hpp"

namespace tsunagu::store::sqlite {

struct CompiledQuery {
  std::string sql;                  // selects `doc`, ordered by rid, with LIMIT/OFFSET
  std::string count_sql;            // selects count(*) of every match
  std::vector<std::string> params;  // bound in order to ?1, ?2, ... (same for both)
  // Set when the query has q or geoQ: `sql` then selects candidates (no LIMIT/OFFSET, no
  // count_sql); each must pass the exact evaluators before it is paged and counted.
  bool needs_evaluation = false;
};

CompiledQuery compile(const EntityQuery& query);

}  // namespace tsunagu::store::sqlite
