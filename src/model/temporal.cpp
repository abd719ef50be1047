#include "model/temporal.hpp"

namespace tsunagu::model {
namespace {

constexpr std::array<std::string_view, 4> kTimeProperties = {"observedAt", "createdAt",
                                                             "modifiedAt", "deletedAt"};
constexpr std::array<std::string_view, 3> kTimeRels = {"before", "after", "between"};
constexpr std::array<std::string_view, 8> kMethodNames = {
    "totalCount", "distinctCount", "sum", "avg", "min", "max", "stddev", "sumsq"};

template <typename Enum, std::size_t N>
std::optional<Enum> by_name(const std::array<std::string_view, N>& names, std::string_view name) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

}  // namespace

std::string_view time_property_name(TimeProperty p) {
  return kTimeProperties[static_cast<std::size_t>(p)];
}

std::optional<TimeProperty> time_property_from_name(std::string_view name) {
  return by_name<TimeProperty>(kTimeProperties, name);
}

std::string_view time_rel_name(TimeRel r) {
  return kTimeRels[static_cast<std::size_t>(r)];
}

std::optional<TimeRel> time_rel_from_name(std::string_view name) {
  return by_name<TimeRel>(kTimeRels, name);
}

bool TimeRange::contains(Timestamp t) const {
  switch (rel) {
    case TimeRel::Before:
      return t < at;
    case TimeRel::After:
      return t >= at;
    case TimeRel::Between:
      return t >= at && t < end;
  }
  return false;
}

std::string_view aggregation_name(AggregationMethod m) {
  return kMethodNames[static_cast<std::size_t>(m)];
}

std::optional<AggregationMethod> aggregation_from_name(std::string_view name) {
  return by_name<AggregationMethod>(kMethodNames, name);
}

bool aggregation_applies(AggregationMethod method, ValueClass value) {
  using M = AggregationMethod;
  using V = ValueClass;
  if (value == V::Tombstone) return true;  // deletions are skipped, never refused
  switch (method) {
    case M::TotalCount:
    case M::DistinctCount:
      return true;
    case M::Sum:
    case M::Avg:
      return value == V::Number || value == V::Boolean || value == V::Array ||
             (method == M::Avg && value == V::DateTime);
    case M::StdDev:
    case M::SumSq:
      return value == V::Number || value == V::Boolean;
    case M::Min:
    case M::Max:
      return value == V::Number || value == V::Boolean || value == V::String ||
             value == V::DateTime || value == V::Array;
  }
  return false;
}

std::string_view value_class_name(ValueClass c) {
  constexpr std::array<std::string_view, 8> names = {
      "number",  "boolean", "string", "DateTime", "array", "object", "relationship target",
      "deletion"};
  return names[static_cast<std::size_t>(c)];
}

}  // namespace tsunagu::model
