#pragma once
// The NGSI-LD temporal query language (ETSI GS CIM 009 clause 4.11) and the aggregation methods of
// the aggregated temporal representation (clause 4.5.19): what a temporal query asks for, in
// values a store can compile. Parsing the query parameters is the API's business; this is the
// vocabulary both sides share.

#include <array>
#include <optional>
#include <string_view>
#include <vector>

#include "model/time.hpp"

namespace tsunagu::model {

// Which Temporal Property of an instance places it in time ("timeproperty").
enum class TimeProperty { ObservedAt, CreatedAt, ModifiedAt, DeletedAt };

std::string_view time_property_name(TimeProperty p);  // "observedAt", ...
std::optional<TimeProperty> time_property_from_name(std::string_view name);

enum class TimeRel { Before, After, Between };

std::string_view time_rel_name(TimeRel r);  // "before", "after", "between"
std::optional<TimeRel> time_rel_from_name(std::string_view name);

// A time range as timerel, timeAt and endTimeAt give it: before is t < at, after is t >= at,
// between is at <= t < end. Instances without the chosen time property fall outside every range.
struct TimeRange {
  TimeRel rel = TimeRel::After;
  Timestamp at{};
  Timestamp end{};  // between only
  bool contains(Timestamp t) const;
};

enum class AggregationMethod { TotalCount, DistinctCount, Sum, Avg, Min, Max, StdDev, SumSq };

inline constexpr std::array<AggregationMethod, 8> kAggregationMethods = {
    AggregationMethod::TotalCount, AggregationMethod::DistinctCount, AggregationMethod::Sum,
    AggregationMethod::Avg,        AggregationMethod::Min,           AggregationMethod::Max,
    AggregationMethod::StdDev,     AggregationMethod::SumSq};

std::string_view aggregation_name(AggregationMethod m);  // "totalCount", ...
std::optional<AggregationMethod> aggregation_from_name(std::string_view name);

// What a recorded value is, as far as aggregation cares (Tables 4.5.19.1-1 to -3).
enum class ValueClass {
  Number,
  Boolean,
  String,
  DateTime,  // a string that is an NGSI-LD DateTime
  Array,
  Object,
  Uri,        // a Relationship's target(s)
  Tombstone,  // a deletion: counts for nothing
};

// Whether `method` applies to values of that class (min and max of strings are lexicographic;
// of arrays, and sum and avg of arrays, apply to their sizes; booleans count as 0 and 1).
bool aggregation_applies(AggregationMethod method, ValueClass value);

std::string_view value_class_name(ValueClass c);  // "number", "string", ... for messages

}  // namespace tsunagu::model
