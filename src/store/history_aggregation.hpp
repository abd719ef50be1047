#pragma once
// The aggregation methods of clause 4.5.19 as every backend applies them (docs/design/temporal.md):
// which methods apply to the value classes of an attribute (and the message when one does not),
// what min, max and avg compare, the form of each result, and where the periods start and the
// whole range ends. The backends compute the aggregates in their own SQL; these rules are shared
// so that both refuse and answer alike.

#include <boost/json/value.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/error.hpp"
#include "model/temporal.hpp"
#include "store/history_selection.hpp"
#include "store/history_store.hpp"

namespace tsunagu::store {

// At most this many periods holding values per attribute.
inline constexpr std::size_t kMaxAggregatedPeriods = 100000;

// `classes` (a set of class_bit()s) without the tombstone's: a tombstone counts for nothing.
std::int64_t value_classes(std::int64_t classes);

// Whether every value is a number, a boolean or an array: all of them have the numeric view, so
// the numeric columns say everything.
bool numeric_only(std::int64_t classes);

// What a min, max or avg compares: numbers (with booleans and array sizes), strings, or
// DateTimes; a mix of them has no order the specification defines.
enum class Scale { Numbers, Strings, DateTimes, Mixed };
Scale scale_of(std::int64_t classes);

// InvalidRequest naming the method and `attr` when a method does not apply to one of `classes`,
// or cannot order a mix of them.
Status check_applicable(const std::vector<model::AggregationMethod>& methods, std::int64_t classes,
                        const std::string& attr);

// The value classes the methods are checked against, and aggregate: those the attribute ever
// recorded when every method applies to them all (no read), else those of its values in the
// range, which `in_range` reads (history_attrs keeps no history of classes, so a method refused
// for an old value may still apply to the range). InvalidRequest when a method does not apply.
using ClassesInRange = std::function<Result<std::int64_t>()>;
Result<std::int64_t> applicable_classes(const std::vector<model::AggregationMethod>& methods,
                                        const SelectedAttribute& attribute,
                                        const ClassesInRange& in_range);

// How the result of a method over values of `classes` is given: a count as an integer, min and
// max of strings as a string, of DateTimes (and their avg) as a DateTime, the rest as a number.
enum class ResultForm { Integer, Number, Text, DateTime };
ResultForm result_form(model::AggregationMethod method, std::int64_t classes);

// A number result: a double that holds a whole number is given as an integer (a sum of integers
// stays one).
boost::json::value number_result(double v);
// A DateTime result from milliseconds since the epoch, rounded to the nearest (an avg may fall
// between two).
boost::json::value datetime_result(double ms);

// Where the periods start and where the whole range ends, in milliseconds since the epoch.
struct PeriodSpan {
  std::int64_t start = 0;
  std::int64_t end = 0;
};
// A between range gives both ends, with no need to read values; other ranges none.
std::optional<PeriodSpan> span_of_range(const std::optional<model::TimeRange>& range);
// Else from the first and the last value in range: an after range starts at its timeAt, a
// before range ends at its timeAt.
PeriodSpan span_of_values(const std::optional<model::TimeRange>& range, std::int64_t first,
                          std::int64_t last);

// The page of every selected entity with its attributes that `aggregate` gives periods for (none:
// the range holds no value of it), in the selection's order.
using AggregateAttribute = std::function<Result<std::optional<AggregatedAttribute>>(
    const SelectedEntity&, const SelectedAttribute&)>;
Result<AggregatedPage> aggregate_page(const Selection& selection,
                                      const AggregateAttribute& aggregate);

}  // namespace tsunagu::store
