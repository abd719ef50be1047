#pragma once
// The aggregation methods of clause 4.5.19 as SQL over `history h`: the aggregate expression of
// each, and how its result becomes JSON. Which methods apply, and the form of each result, are
// every backend's rules (store/history_aggregation.hpp).

#include <boost/json/value.hpp>
#include <cstdint>
#include <string>

#include "model/temporal.hpp"
#include "store/history_aggregation.hpp"
#include "store/postgres/connection.hpp"

namespace tsunagu::store::postgres {

// The condition that a row holds a value (not a tombstone) for an attribute of these classes.
std::string value_condition(std::int64_t classes);

// One method as an aggregate expression, and the form of its result.
struct Column {
  std::string sql;
  ResultForm as = ResultForm::Number;
};

Column column_of(model::AggregationMethod method, std::int64_t classes);

boost::json::value value_of(const Rows& rows, int row, int col, ResultForm as);

}  // namespace tsunagu::store::postgres
