#include "store/postgres/history_methods.hpp"

#include "store/postgres/history_rows.hpp"

namespace tsunagu::store::postgres {
namespace json = boost::json;
using model::AggregationMethod;

namespace {

// distinctCount over mixed values compares one text per value: texts as they are, numbers by
// their shortest exact form (+ 0 makes -0 equal to 0, as the numeric comparison has it). Texts
// and documents share a tag, numbers have another, so a string "1" stays apart from the number
// 1, as SQLite keeps its text and real values apart.
constexpr const char* kDistinctValue =
    "CASE WHEN h.deleted IS NULL THEN coalesce('t' || h.txt, 'n' || (h.num + 0)::text, "
    "'t' || h.doc) END";

std::string sql_of(AggregationMethod m, std::int64_t classes) {
  const std::string compared = scale_of(classes) == Scale::Strings ? "h.txt" : "h.num";
  switch (m) {
    case AggregationMethod::TotalCount:
      return "count(*) FILTER (WHERE " + value_condition(classes) + ")";
    case AggregationMethod::DistinctCount:
      return numeric_only(classes) ? "count(DISTINCT h.num)"
                                   : std::string("count(DISTINCT ") + kDistinctValue + ")";
    case AggregationMethod::Sum:
      return "sum(h.num)";
    case AggregationMethod::Avg:
      return "avg(h.num)";
    case AggregationMethod::Min:
      return "min(" + compared + ")";
    case AggregationMethod::Max:
      return "max(" + compared + ")";
    case AggregationMethod::StdDev:
      // The sample standard deviation (n - 1); stddev_samp gives NULL for one value, where
      // docs/design/temporal.md (and SQLite's tsunagu_stddev) give 0.
      return "CASE count(h.num) WHEN 0 THEN NULL WHEN 1 THEN 0 ELSE stddev_samp(h.num) END";
    case AggregationMethod::SumSq:
      return "sum(h.num * h.num)";
  }
  return "NULL";
}

}  // namespace

std::string value_condition(std::int64_t classes) {
  // Other values may lie in `doc` alone, which a tombstone of the scope has too.
  return numeric_only(classes) ? "h.num IS NOT NULL"
                               : "(h.deleted IS NULL AND (h.num IS NOT NULL OR h.txt IS NOT NULL "
                                 "OR h.doc IS NOT NULL))";
}

Column column_of(AggregationMethod m, std::int64_t classes) {
  return {sql_of(m, classes), result_form(m, classes)};
}

json::value value_of(const Rows& rows, int row, int col, ResultForm as) {
  if (rows.null(row, col)) return nullptr;
  switch (as) {
    case ResultForm::Integer:
      return json::value(rows.integer(row, col));
    case ResultForm::Number:
      return number_result(rows.real(row, col));
    case ResultForm::Text:
      return json::value(text_from_store(rows.text(row, col)));
    case ResultForm::DateTime:
      return datetime_result(rows.real(row, col));
  }
  return nullptr;
}

}  // namespace tsunagu::store::postgres
