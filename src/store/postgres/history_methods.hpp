#pragma once
// The aggregation methods of clause 4.5.19 as SQL over `history h`: which apply to the value
// classes an attribute holds (the same rules and messages as SQLite, so that both backends refuse
// alike), the aggregate expression of each, and how its result becomes JSON.

#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "model/error.hpp"
#include "model/temporal.hpp"
#include "store/postgres/connection.hpp"

namespace tsunagu::store::postgres {

// InvalidRequest naming the method and the attribute when a method does not apply to one of
// `classes` (a bitmask, history_tables.hpp), or cannot order a mix of them.
Status check_applicable(const std::vector<model::AggregationMethod>& methods, std::int64_t classes,
                        const std::string& attr);

// Whether every value is a number, a boolean or an array: all of them have `num`, so the numeric
// columns of history_by_time say everything.
bool numeric_only(std::int64_t classes);

// The condition that a row holds a value (not a tombstone) for an attribute of these classes.
std::string value_condition(std::int64_t classes);

// One method as an aggregate expression, and how its result becomes JSON.
struct Column {
  std::string sql;
  enum class As { Integer, Number, Text, DateTime } as = As::Number;
};

Column column_of(model::AggregationMethod method, std::int64_t classes);

boost::json::value value_of(const Rows& rows, int row, int col, Column::As as);

}  // namespace tsunagu::store::postgres
