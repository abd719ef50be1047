// The rules of aggregation every backend applies (store/history_aggregation.hpp): which methods
// apply to an attribute's value classes and the message when one does not, what min, max and avg
// compare, the form of each result, where the periods start and end, and the page of aggregated
// attributes. The aggregates themselves are computed in SQL (tests in history_store_test.cpp).

#include <gtest/gtest.h>

#include <limits>

#include "store/history_aggregation.hpp"
#include "store/history_values.hpp"

namespace tsunagu::store {
namespace {

using model::AggregationMethod;
using model::TimeRange;
using model::TimeRel;
using model::Timestamp;
using model::ValueClass;

std::int64_t classes(std::initializer_list<ValueClass> cs) {
  std::int64_t out = 0;
  for (auto c : cs) out |= class_bit(c);
  return out;
}

Timestamp at_ms(std::int64_t ms) {
  return Timestamp(std::chrono::milliseconds(ms));
}

TEST(HistoryAggregationRules, NumbersBooleansAndArraysAreNumericOnly) {
  EXPECT_TRUE(numeric_only(0));
  EXPECT_TRUE(numeric_only(classes({ValueClass::Number, ValueClass::Boolean, ValueClass::Array})));
  EXPECT_TRUE(numeric_only(classes({ValueClass::Number, ValueClass::Tombstone})));
  for (auto c : {ValueClass::String, ValueClass::DateTime, ValueClass::Object, ValueClass::Uri}) {
    EXPECT_FALSE(numeric_only(classes({ValueClass::Number, c}))) << model::value_class_name(c);
  }
}

TEST(HistoryAggregationRules, TheTombstoneIsNoValueClass) {
  EXPECT_EQ(value_classes(classes({ValueClass::Number, ValueClass::Tombstone})),
            classes({ValueClass::Number}));
  EXPECT_EQ(value_classes(classes({ValueClass::Tombstone})), 0);
}

TEST(HistoryAggregationRules, ScalesDoNotMix) {
  EXPECT_EQ(scale_of(classes({ValueClass::Number, ValueClass::Boolean, ValueClass::Array})),
            Scale::Numbers);
  EXPECT_EQ(scale_of(classes({ValueClass::String, ValueClass::Uri})), Scale::Strings);
  EXPECT_EQ(scale_of(classes({ValueClass::DateTime})), Scale::DateTimes);
  EXPECT_EQ(scale_of(classes({ValueClass::Number, ValueClass::String})), Scale::Mixed);
  EXPECT_EQ(scale_of(classes({ValueClass::DateTime, ValueClass::Boolean})), Scale::Mixed);
}

TEST(HistoryAggregationRules, AMethodThatDoesNotApplyNamesTheMethodTheValuesAndTheAttribute) {
  const std::vector<AggregationMethod> methods{AggregationMethod::TotalCount,
                                               AggregationMethod::Sum};
  EXPECT_TRUE(check_applicable(methods, classes({ValueClass::Number, ValueClass::Array}), "a"));
  const auto refused = check_applicable(methods, classes({ValueClass::String}), "urn:level");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::InvalidRequest);
  EXPECT_EQ(refused.error().message,
            "aggrMethods: 'sum' does not apply to the string values of attribute 'urn:level' in "
            "the time range");
  // Tombstones count for nothing: never refused.
  EXPECT_TRUE(check_applicable({AggregationMethod::StdDev},
                               classes({ValueClass::Number, ValueClass::Tombstone}), "a"));
}

TEST(HistoryAggregationRules, MinMaxAndAvgRefuseValuesWithoutOneOrder) {
  for (auto m : {AggregationMethod::Min, AggregationMethod::Max}) {
    const auto refused =
        check_applicable({m}, classes({ValueClass::Number, ValueClass::String}), "urn:x");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().message,
              "aggrMethods: '" + std::string(model::aggregation_name(m)) +
                  "' cannot compare the values of attribute 'urn:x' in the time range: they mix "
                  "numbers, strings and DateTimes");
  }
  EXPECT_FALSE(check_applicable({AggregationMethod::Avg},
                                classes({ValueClass::Number, ValueClass::DateTime}), "urn:x"));
  EXPECT_TRUE(check_applicable({AggregationMethod::TotalCount},
                               classes({ValueClass::Number, ValueClass::String}), "urn:x"));
}

// The classes ever recorded decide when every method applies to them; else the range's do.
TEST(HistoryAggregationRules, TheRangeDecidesOnlyWhenTheRecordedClassesAreRefused) {
  const std::vector<AggregationMethod> sum{AggregationMethod::Sum};
  int reads = 0;
  const auto range_holds = [&reads](std::int64_t in_range) {
    return [&reads, in_range]() -> Result<std::int64_t> {
      ++reads;
      return in_range;
    };
  };
  SelectedAttribute numbers{"urn:level", classes({ValueClass::Number, ValueClass::Tombstone}), {}};
  auto checked = applicable_classes(sum, numbers, range_holds(0));
  ASSERT_TRUE(checked);
  EXPECT_EQ(*checked, classes({ValueClass::Number}));
  EXPECT_EQ(reads, 0);

  // A string recorded once, but only numbers in the range: the sum applies.
  SelectedAttribute mixed{"urn:level", classes({ValueClass::Number, ValueClass::String}), {}};
  checked = applicable_classes(sum, mixed,
                               range_holds(classes({ValueClass::Number, ValueClass::Tombstone})));
  ASSERT_TRUE(checked);
  EXPECT_EQ(*checked, classes({ValueClass::Number}));
  EXPECT_EQ(reads, 1);

  checked = applicable_classes(sum, mixed, range_holds(classes({ValueClass::String})));
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().kind, ErrorKind::InvalidRequest);
  EXPECT_EQ(reads, 2);

  checked = applicable_classes(sum, mixed, []() -> Result<std::int64_t> {
    return fail(ErrorKind::InternalError, "read failed");
  });
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().kind, ErrorKind::InternalError);
}

TEST(HistoryAggregationRules, ResultsTakeTheFormOfWhatIsCompared) {
  const auto numbers = classes({ValueClass::Number});
  const auto strings = classes({ValueClass::String});
  const auto times = classes({ValueClass::DateTime});
  EXPECT_EQ(result_form(AggregationMethod::TotalCount, strings), ResultForm::Integer);
  EXPECT_EQ(result_form(AggregationMethod::DistinctCount, numbers), ResultForm::Integer);
  EXPECT_EQ(result_form(AggregationMethod::Sum, numbers), ResultForm::Number);
  EXPECT_EQ(result_form(AggregationMethod::StdDev, numbers), ResultForm::Number);
  EXPECT_EQ(result_form(AggregationMethod::SumSq, numbers), ResultForm::Number);
  EXPECT_EQ(result_form(AggregationMethod::Avg, numbers), ResultForm::Number);
  EXPECT_EQ(result_form(AggregationMethod::Avg, times), ResultForm::DateTime);
  EXPECT_EQ(result_form(AggregationMethod::Min, numbers), ResultForm::Number);
  EXPECT_EQ(result_form(AggregationMethod::Min, strings), ResultForm::Text);
  EXPECT_EQ(result_form(AggregationMethod::Max, times), ResultForm::DateTime);
}

TEST(HistoryAggregationRules, WholeNumbersAreGivenAsIntegers) {
  EXPECT_TRUE(number_result(6.0).is_int64());
  EXPECT_EQ(number_result(6.0).as_int64(), 6);
  EXPECT_EQ(number_result(-3.0).as_int64(), -3);
  EXPECT_TRUE(number_result(2.5).is_double());
  EXPECT_TRUE(number_result(1e16).is_double());
  EXPECT_TRUE(number_result(std::numeric_limits<double>::infinity()).is_double());
}

TEST(HistoryAggregationRules, DateTimesAreRoundedToTheNearestMillisecond) {
  EXPECT_EQ(datetime_result(1'767'225'600'000.4).as_string(), "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(datetime_result(1'767'225'600'000.6).as_string(), "2026-01-01T00:00:00.001Z");
}

TEST(HistoryAggregationRules, PeriodsStartAtTimeAtOrAtTheFirstValue) {
  const TimeRange between{TimeRel::Between, at_ms(1000), at_ms(5000)};
  const TimeRange after{TimeRel::After, at_ms(1000), {}};
  const TimeRange before{TimeRel::Before, at_ms(9000), {}};
  ASSERT_TRUE(span_of_range(between));
  EXPECT_EQ(span_of_range(between)->start, 1000);
  EXPECT_EQ(span_of_range(between)->end, 5000);
  EXPECT_FALSE(span_of_range(after));
  EXPECT_FALSE(span_of_range(before));
  EXPECT_FALSE(span_of_range(std::nullopt));

  const auto of = [](const std::optional<TimeRange>& r) {
    const auto s = span_of_values(r, 2000, 4000);
    return std::pair{s.start, s.end};
  };
  EXPECT_EQ(of(std::nullopt), (std::pair<std::int64_t, std::int64_t>{2000, 4000}));
  EXPECT_EQ(of(after), (std::pair<std::int64_t, std::int64_t>{1000, 4000}));
  EXPECT_EQ(of(before), (std::pair<std::int64_t, std::int64_t>{2000, 9000}));
  EXPECT_EQ(of(between), (std::pair<std::int64_t, std::int64_t>{1000, 5000}));
}

TEST(HistoryAggregationRules, ThePageHoldsEveryEntityAndTheAttributesWithPeriods) {
  Selection selection;
  selection.total = 5;
  selection.entities.push_back({1, "urn:e:1", {"urn:T"}, {{"urn:a", 1, {}}, {"urn:b", 1, {}}}});
  selection.entities.push_back({2, "urn:e:2", {"urn:T"}, {{"urn:b", 1, {}}}});
  std::vector<std::string> asked;
  auto page = aggregate_page(
      selection,
      [&](const SelectedEntity& e,
          const SelectedAttribute& a) -> Result<std::optional<AggregatedAttribute>> {
        asked.push_back(e.id + " " + a.name);
        if (a.name == "urn:b") return std::optional<AggregatedAttribute>();
        return std::optional<AggregatedAttribute>(AggregatedAttribute{a.name, a.kind, {}});
      });
  ASSERT_TRUE(page);
  EXPECT_EQ(asked, (std::vector<std::string>{"urn:e:1 urn:a", "urn:e:1 urn:b", "urn:e:2 urn:b"}));
  EXPECT_EQ(page->total, 5u);
  ASSERT_EQ(page->entities.size(), 2u);
  EXPECT_EQ(page->entities[0].id, "urn:e:1");
  ASSERT_EQ(page->entities[0].attributes.size(), 1u);
  EXPECT_EQ(page->entities[0].attributes[0].name, "urn:a");
  EXPECT_TRUE(page->entities[1].attributes.empty());

  auto failed =
      aggregate_page(selection,
                     [](const SelectedEntity&,
                        const SelectedAttribute&) -> Result<std::optional<AggregatedAttribute>> {
                       return fail(ErrorKind::InvalidRequest, "no");
                     });
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().kind, ErrorKind::InvalidRequest);
}

}  // namespace
}  // namespace tsunagu::store
