#include "store/history_aggregation.hpp"

#include <cmath>

#include "model/time.hpp"
#include "store/history_values.hpp"

namespace tsunagu::store {
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

std::int64_t ms(model::Timestamp t) {
  return t.time_since_epoch().count();
}

}  // namespace

std::int64_t value_classes(std::int64_t classes) {
  return classes & ~class_bit(ValueClass::Tombstone);
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

Result<std::int64_t> applicable_classes(const std::vector<AggregationMethod>& methods,
                                        const SelectedAttribute& attribute,
                                        const ClassesInRange& in_range) {
  std::int64_t classes = value_classes(attribute.classes);
  if (!check_applicable(methods, classes, attribute.name)) {
    auto found = in_range();
    if (!found) return std::unexpected(found.error());
    classes = value_classes(*found);
  }
  if (auto st = check_applicable(methods, classes, attribute.name); !st) {
    return std::unexpected(st.error());
  }
  return classes;
}

ResultForm result_form(AggregationMethod m, std::int64_t classes) {
  const Scale scale = scale_of(classes);
  switch (m) {
    case AggregationMethod::TotalCount:
    case AggregationMethod::DistinctCount:
      return ResultForm::Integer;
    case AggregationMethod::Avg:
      return scale == Scale::DateTimes ? ResultForm::DateTime : ResultForm::Number;
    case AggregationMethod::Min:
    case AggregationMethod::Max:
      return scale == Scale::Strings     ? ResultForm::Text
             : scale == Scale::DateTimes ? ResultForm::DateTime
                                         : ResultForm::Number;
    case AggregationMethod::Sum:
    case AggregationMethod::StdDev:
    case AggregationMethod::SumSq:
      break;
  }
  return ResultForm::Number;
}

json::value number_result(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::abs(v) < 9.0e15) {
    return json::value(static_cast<std::int64_t>(v));
  }
  return json::value(v);
}

json::value datetime_result(double ms) {
  return json::value(model::format_datetime(
      model::Timestamp(std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(ms))))));
}

std::optional<PeriodSpan> span_of_range(const std::optional<model::TimeRange>& range) {
  if (!range || range->rel != model::TimeRel::Between) return std::nullopt;
  return PeriodSpan{ms(range->at), ms(range->end)};
}

PeriodSpan span_of_values(const std::optional<model::TimeRange>& range, std::int64_t first,
                          std::int64_t last) {
  if (auto whole = span_of_range(range)) return *whole;
  PeriodSpan span{first, last};
  if (range && range->rel == model::TimeRel::After) span.start = ms(range->at);
  if (range && range->rel == model::TimeRel::Before) span.end = ms(range->at);
  return span;
}

Result<AggregatedPage> aggregate_page(const Selection& selection,
                                      const AggregateAttribute& aggregate) {
  AggregatedPage page;
  page.total = selection.total;
  for (const auto& e : selection.entities) {
    AggregatedEntity out{e.id, e.types, {}};
    for (const auto& a : e.attributes) {
      auto aggregated = aggregate(e, a);
      if (!aggregated) return std::unexpected(aggregated.error());
      if (*aggregated) out.attributes.push_back(std::move(**aggregated));
    }
    page.entities.push_back(std::move(out));
  }
  return page;
}

}  // namespace tsunagu::store
