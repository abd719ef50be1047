#pragma once
// How a recorded instance's value looks to a history store that filters and aggregates it
// without reading documents: its value class (what aggregation methods apply, clause 4.5.19),
// a numeric view and a text view. Shared by every backend, so that they aggregate alike.

#include <cstdint>
#include <optional>
#include <string>

#include "model/entity.hpp"
#include "model/temporal.hpp"

namespace tsunagu::store {

struct HistoryValueView {
  model::ValueClass value_class = model::ValueClass::Object;
  // Numbers as they are, booleans as 0 and 1, arrays as their size, DateTimes as milliseconds
  // since the epoch; none for the rest.
  std::optional<double> number;
  // Strings, DateTimes and relationship targets as text, arrays as their JSON text (what
  // distinctCount compares); none for numbers and booleans, and none for objects, whose stored
  // document distinctCount compares instead. A tombstone has neither view, so aggregations skip
  // it without asking for its class.
  std::optional<std::string> text;
};

// The bit of a value class in a set of classes (history_attrs.classes: every class an attribute
// ever held, which aggregation checks without reading instances).
inline std::int64_t class_bit(model::ValueClass c) {
  return std::int64_t{1} << static_cast<int>(c);
}

// `tombstone`: the instance records a deletion.
HistoryValueView view_of(const model::Attribute& instance, bool tombstone);

// The value a tombstone of an instance of `kind` carries (clauses 4.5.7, 4.5.8): urn:ngsi-ld:null
// in the kind's value member, {"@none": "urn:ngsi-ld:null"} for a LanguageProperty.
boost::json::value tombstone_value(model::AttributeKind kind);

// A DateTime value as NGSI-LD writes it in a Property: {"@type": "DateTime", "@value": "..."}.
std::optional<model::Timestamp> datetime_value(const boost::json::value& value);

}  // namespace tsunagu::store
