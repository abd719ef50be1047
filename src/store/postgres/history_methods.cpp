#include "store/postgres/history_methods.hpp"

#include <cmath>

#include "store/postgres/history_rows.hpp"
#include "store/postgres/history_tables.hpp"

namespace tsunagu::store::postgres {
namespace json = boost::json;
using model::AggregationMethod;
using model::ValueClass;

namespace {

constexpr ValueClass kClasses[] = {ValueClass::Number,   ValueClass::Boolean, ValueClass::String,
                                   ValueClass::DateTime, ValueClass::Array,   ValueClass::Object,
                                   ValueClass::Uri};

bool has(std::int64_t classes, ValueClass c) {
  return (classes & class_bit(c)) != 0;
}

// What a min, max or avg compares: numbers (with booleans and array sizes), strings, or
// DateTimes; a mix of them has no order the specification defines.
enum class Scale { Numbers, Strings, DateTimes, Mixed };

Scale scale_of(std::int64_t classes) {
  const bool numbers = has(classes, ValueClass::Number) || has(classes, ValueClass::Boolean) ||
                       has(classes, ValueClass::Array);
  const bool strings = has(classes, ValueClass::String);
  const bool times = has(classes, ValueClass::DateTime);
  if (numbers + strings + times > 1) return Scale::Mixed;
  if (strings) return Scale::Strings;
  if (times) return Scale::DateTimes;
  return Scale::Numbers;
}

bool orders(AggregationMethod m) {
  return m == AggregationMethod::Min || m == AggregationMethod::Max || m == AggregationMethod::Avg;
}

std::unexpected<Error> not_applicable(AggregationMethod m, ValueClass c, const std::string& attr) {
  return fail(ErrorKind::InvalidRequest,
              "aggrMethods: '" + std::string(model::aggregation_name(m)) +
                  "' does not apply to the " + std::string(model::value_class_name(c)) +
                  " values of attribute '" + attr + "' in the time range");
}

std::unexpected<Error> no_order(AggregationMethod m, const std::string& attr) {
  return fail(ErrorKind::InvalidRequest,
              "aggrMethods: '" + std::string(model::aggregation_name(m)) +
                  "' cannot compare the values of attribute '" + attr +
                  "' in the time range: they mix numbers, strings and DateTimes");
}

// A double that holds a whole number is given as an integer (a sum of integers stays one).
json::value number(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::abs(v) < 9.0e15) {
    return json::value(static_cast<std::int64_t>(v));
  }
  return json::value(v);
}

// distinctCount over mixed values compares one text per value: texts as they are, numbers by
// their shortest exact form (+ 0 makes -0 equal to 0, as the numeric comparison has it). Texts
// and documents share a tag, numbers have another, so a string "1" stays apart from the number
// 1, as SQLite keeps its text and real values apart.
constexpr const char* kDistinctValue =
    "CASE WHEN h.deleted IS NULL THEN coalesce('t' || h.txt, 'n' || (h.num + 0)::text, "
    "'t' || h.doc) END";

}  // namespace

Status check_applicable(const std::vector<AggregationMethod>& methods, std::int64_t classes,
                        const std::string& attr) {
  for (auto m : methods) {
    for (auto c : kClasses) {
      if (has(classes, c) && !model::aggregation_applies(m, c)) return not_applicable(m, c, attr);
    }
    if (orders(m) && scale_of(classes) == Scale::Mixed) return no_order(m, attr);
  }
  return ok();
}

bool numeric_only(std::int64_t classes) {
  for (auto c : kClasses) {
    if (has(classes, c) && c != ValueClass::Number && c != ValueClass::Boolean &&
        c != ValueClass::Array) {
      return false;
    }
  }
  return true;
}

std::string value_condition(std::int64_t classes) {
  // Other values may lie in `doc` alone, which a tombstone of the scope has too.
  return numeric_only(classes) ? "h.num IS NOT NULL"
                               : "(h.deleted IS NULL AND (h.num IS NOT NULL OR h.txt IS NOT NULL "
                                 "OR h.doc IS NOT NULL))";
}

Column column_of(AggregationMethod m, std::int64_t classes) {
  using As = Column::As;
  const Scale scale = scale_of(classes);
  const As ordered = scale == Scale::Strings     ? As::Text
                     : scale == Scale::DateTimes ? As::DateTime
                                                 : As::Number;
  const std::string compared = scale == Scale::Strings ? "h.txt" : "h.num";
  switch (m) {
    case AggregationMethod::TotalCount:
      return {"count(*) FILTER (WHERE " + value_condition(classes) + ")", As::Integer};
    case AggregationMethod::DistinctCount:
      return {numeric_only(classes) ? "count(DISTINCT h.num)"
                                    : std::string("count(DISTINCT ") + kDistinctValue + ")",
              As::Integer};
    case AggregationMethod::Sum:
      return {"sum(h.num)", As::Number};
    case AggregationMethod::Avg:
      return {"avg(h.num)", scale == Scale::DateTimes ? As::DateTime : As::Number};
    case AggregationMethod::Min:
      return {"min(" + compared + ")", ordered};
    case AggregationMethod::Max:
      return {"max(" + compared + ")", ordered};
    case AggregationMethod::StdDev:
      // The sample standard deviation (n - 1); stddev_samp gives NULL for one value, where
      // docs/design/temporal.md (and SQLite's tsunagu_stddev) give 0.
      return {"CASE count(h.num) WHEN 0 THEN NULL WHEN 1 THEN 0 ELSE stddev_samp(h.num) END",
              As::Number};
    case AggregationMethod::SumSq:
      return {"sum(h.num * h.num)", As::Number};
  }
  return {"NULL", As::Number};
}

json::value value_of(const Rows& rows, int row, int col, Column::As as) {
  if (rows.null(row, col)) return nullptr;
  switch (as) {
    case Column::As::Integer:
      return json::value(rows.integer(row, col));
    case Column::As::Number:
      return number(rows.real(row, col));
    case Column::As::Text:
      return json::value(text_from_store(rows.text(row, col)));
    case Column::As::DateTime:
      return json::value(model::format_datetime(
          from_ms(static_cast<std::int64_t>(std::llround(rows.real(row, col))))));
  }
  return nullptr;
}

}  // namespace tsunagu::store::postgres
