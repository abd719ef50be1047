#include "model/duration.hpp"

#include <date/date.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace tsunagu::model {
namespace {

using std::chrono::milliseconds;

struct ValidDuration {
  std::string_view input;
  std::int64_t years;
  std::int64_t months;
  std::int64_t days;
  std::int64_t time_ms;
};

class ParseDurationValid : public testing::TestWithParam<ValidDuration> {};

TEST_P(ParseDurationValid, ParsesEachPart) {
  const auto& expected = GetParam();
  const auto parsed = parse_duration(expected.input);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->years, expected.years);
  EXPECT_EQ(parsed->months, expected.months);
  EXPECT_EQ(parsed->days, expected.days);
  EXPECT_EQ(parsed->time.count(), expected.time_ms);
}

constexpr std::int64_t kHour = 3'600'000;

INSTANTIATE_TEST_SUITE_P(
    Duration, ParseDurationValid,
    testing::Values(
        ValidDuration{"P1Y", 1, 0, 0, 0}, ValidDuration{"P1M", 0, 1, 0, 0},
        ValidDuration{"P1W", 0, 0, 7, 0}, ValidDuration{"P2W", 0, 0, 14, 0},
        ValidDuration{"P1D", 0, 0, 1, 0}, ValidDuration{"PT1H", 0, 0, 0, kHour},
        ValidDuration{"PT30M", 0, 0, 0, 1'800'000}, ValidDuration{"PT45S", 0, 0, 0, 45'000},
        ValidDuration{"PT0.5S", 0, 0, 0, 500}, ValidDuration{"PT1.25S", 0, 0, 0, 1'250},
        // ',' is ISO 8601's other decimal sign.
        ValidDuration{"PT1,5S", 0, 0, 0, 1'500},
        // Fractions are truncated to milliseconds, never rounded up.
        ValidDuration{"PT1.9999S", 0, 0, 0, 1'999}, ValidDuration{"PT0.001S", 0, 0, 0, 1},
        ValidDuration{"PT0.0009S", 0, 0, 0, 0},
        ValidDuration{"P3Y6M4DT12H30M5S", 3, 6, 4, 12 * kHour + 30 * 60'000 + 5'000},
        ValidDuration{"P1Y2M10DT2H30M", 1, 2, 10, 2 * kHour + 30 * 60'000},
        // Zero, in several spellings.
        ValidDuration{"PT0S", 0, 0, 0, 0}, ValidDuration{"P0D", 0, 0, 0, 0},
        ValidDuration{"P0W", 0, 0, 0, 0}, ValidDuration{"P0Y0M0DT0H0M0.000S", 0, 0, 0, 0},
        ValidDuration{"P1DT12H", 0, 0, 1, 12 * kHour},
        // Hours are not carried into days, nor minutes into hours.
        ValidDuration{"PT36H", 0, 0, 0, 36 * kHour}, ValidDuration{"PT90M", 0, 0, 0, 5'400'000},
        // 'M' is months before 'T' and minutes after it.
        ValidDuration{"P1MT1M", 0, 1, 0, 60'000}, ValidDuration{"P1Y0M", 1, 0, 0, 0},
        ValidDuration{"P0003Y", 3, 0, 0, 0}, ValidDuration{"PT1H0.5S", 0, 0, 0, kHour + 500},
        // Limits: 9 digits, and 10,000 years counted as 365.2425 days each.
        ValidDuration{"PT999999999S", 0, 0, 0, 999'999'999'000},
        ValidDuration{"P10000Y", 10'000, 0, 0, 0}, ValidDuration{"P120000M", 0, 120'000, 0, 0},
        ValidDuration{"P3652425D", 0, 0, 3'652'425, 0},
        ValidDuration{"P521775W", 0, 0, 3'652'425, 0},
        ValidDuration{"PT87658200H", 0, 0, 0, 87'658'200 * kHour},
        ValidDuration{"P9999Y12M", 9'999, 12, 0, 0}));

struct InvalidDuration {
  std::string_view input;
  std::string_view fragment;  // expected somewhere in the error message
};

class ParseDurationInvalid : public testing::TestWithParam<InvalidDuration> {};

TEST_P(ParseDurationInvalid, IsRejectedWithAPreciseMessage) {
  const auto parsed = parse_duration(GetParam().input);
  ASSERT_FALSE(parsed.has_value()) << GetParam().input;
  EXPECT_EQ(parsed.error().kind, ErrorKind::BadRequestData);
  EXPECT_NE(parsed.error().message.find(GetParam().fragment), std::string::npos)
      << parsed.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Duration, ParseDurationInvalid,
    testing::Values(
        InvalidDuration{"", "it is empty"}, InvalidDuration{"P", "it has no elements after 'P'"},
        InvalidDuration{"PT", "'T' at offset 1 is not followed by hours, minutes or seconds"},
        InvalidDuration{"P1DT", "'T' at offset 3 is not followed by hours, minutes or seconds"},
        InvalidDuration{"1D", "expected 'P' at offset 0, found '1D'"},
        InvalidDuration{"T1H", "expected 'P' at offset 0, found 'T1H'"},
        // Designators are uppercase.
        InvalidDuration{"pt1h", "lowercase 'p' at offset 0: ISO 8601 designators are uppercase"},
        InvalidDuration{"Pt1H", "lowercase 't' at offset 1"},
        InvalidDuration{"PT1h",
                        "lowercase 'h' at offset 3: ISO 8601 designators are uppercase "
                        "(write 'H')"},
        InvalidDuration{"P1d", "lowercase 'd' at offset 2"},
        InvalidDuration{"P1w", "lowercase 'w' at offset 2"},
        // Each element once, in order.
        InvalidDuration{"P1Y2Y", "'Y' (years) at offset 4 is given twice"},
        InvalidDuration{"PT1M2M", "'M' (minutes) at offset 5 is given twice"},
        InvalidDuration{"P1D2Y", "'Y' (years) at offset 4 comes after 'D' (days)"},
        InvalidDuration{"P1M1Y", "'Y' (years) at offset 4 comes after 'M' (months)"},
        InvalidDuration{"PT1S2H", "'H' (hours) at offset 5 comes after 'S' (seconds)"},
        InvalidDuration{"PT1HT1M", "a second 'T' at offset 4"},
        InvalidDuration{"PTT1H", "a second 'T' at offset 2"},
        // Each part in its place around 'T'.
        InvalidDuration{"P1H", "'H' (hours) at offset 2 needs a 'T' before it"},
        InvalidDuration{"P1S", "'S' (seconds) at offset 2 needs a 'T' before it"},
        InvalidDuration{"PT1D", "'D' (days) at offset 3 comes after 'T'"},
        InvalidDuration{"PT1Y", "'Y' (years) at offset 3 comes after 'T'"},
        InvalidDuration{"PT1W", "'W' (weeks) at offset 3 comes after 'T'"},
        // Weeks alone.
        InvalidDuration{"P1W1D",
                        "weeks cannot be combined with other elements ('D' (days) at "
                        "offset 4)"},
        InvalidDuration{"P1Y1W",
                        "weeks cannot be combined with other elements ('W' (weeks) at "
                        "offset 4)"},
        InvalidDuration{"P1WT1H", "weeks cannot be combined"},
        // No sign.
        InvalidDuration{"-P1D", "a negative duration is not allowed"},
        InvalidDuration{"P-1D", "negative values are not allowed ('-' at offset 1)"},
        InvalidDuration{"PT-1H", "negative values are not allowed ('-' at offset 2)"},
        InvalidDuration{"+P1D", "expected 'P' at offset 0, found '+P1D'"},
        // No spaces.
        InvalidDuration{" PT1H", "unexpected space at offset 0: a duration has no spaces"},
        InvalidDuration{"PT1H ", "unexpected space at offset 4"},
        InvalidDuration{"PT1 H", "unexpected space at offset 3"},
        InvalidDuration{"P\t1D", "unexpected space at offset 1"},
        // Fractions on seconds only.
        InvalidDuration{"P1.5D",
                        "'D' (days) at offset 4 has a decimal fraction, but only "
                        "seconds may have one"},
        InvalidDuration{"PT1.5H", "'H' (hours) at offset 5 has a decimal fraction"},
        InvalidDuration{"PT0,5M", "'M' (minutes) at offset 5 has a decimal fraction"},
        InvalidDuration{"P0.5Y", "'Y' (years) at offset 4 has a decimal fraction"},
        InvalidDuration{"P0.5M", "'M' (months) at offset 4 has a decimal fraction"},
        InvalidDuration{"P1.5W", "'W' (weeks) at offset 4 has a decimal fraction"},
        InvalidDuration{"PT.5S", "expected digits before the decimal sign at offset 2"},
        InvalidDuration{"PT1.S", "expected digits after the decimal sign at offset 4"},
        InvalidDuration{"PT1.5.5S", "expected H, M or S at offset 5, found '.5S'"},
        // Numbers and designators.
        InvalidDuration{"P1", "expected Y, M, W or D at offset 2, found the end"},
        InvalidDuration{"PT1", "expected H, M or S at offset 3, found the end"},
        InvalidDuration{"P1X", "expected Y, M, W or D at offset 2, found 'X'"},
        InvalidDuration{"P1T1H", "expected Y, M, W or D at offset 2, found 'T1H'"},
        InvalidDuration{"PY", "expected digits before 'Y' at offset 1"},
        InvalidDuration{"PTS", "expected digits before 'S' at offset 2"},
        InvalidDuration{"P1Y!", "expected digits at offset 3, found '!'"},
        InvalidDuration{"PP1D", "expected digits at offset 1, found 'P1D'"},
        // The alternative format.
        InvalidDuration{"P0003-06-04T12:30:05",
                        "the alternative format with '-' and ':' (P0003-06-04T12:30:05, '-' at "
                        "offset 5) is not supported"},
        InvalidDuration{"PT12:30:05", "the alternative format"},
        // Too long.
        InvalidDuration{"P1234567890D", "the number at offset 1 has more than 9 digits"},
        InvalidDuration{"PT0000000001S", "the number at offset 2 has more than 9 digits"},
        InvalidDuration{"P10001Y", "it is longer than 10,000 years"},
        InvalidDuration{"P120001M", "it is longer than 10,000 years"},
        InvalidDuration{"P3652426D", "it is longer than 10,000 years"},
        InvalidDuration{"P521776W", "it is longer than 10,000 years"},
        InvalidDuration{"PT87658201H", "it is longer than 10,000 years"},
        InvalidDuration{"P9999Y12M1D", "it is longer than 10,000 years"},
        InvalidDuration{"P10000YT0.001S", "it is longer than 10,000 years"},
        InvalidDuration{"P999999999Y999999999M999999999DT999999999H999999999M999999999S",
                        "it is longer than 10,000 years"}));

TEST(DurationParse, MessageQuotesTheFieldAndTheInput) {
  const auto parsed = parse_duration("P1H", "aggrPeriodDuration");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().message,
            "aggrPeriodDuration: 'P1H' is not a valid ISO 8601 duration: 'H' (hours) at offset 2 "
            "needs a 'T' before it, e.g. PT1H");
}

TEST(DurationParse, MessageWithoutAFieldStartsWithTheInput) {
  const auto parsed = parse_duration("P");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().message,
            "'P' is not a valid ISO 8601 duration: it has no elements after 'P'; a zero duration "
            "is written PT0S or P0D");
}

TEST(DurationParse, LongInputIsCutInTheMessage) {
  const std::string input = "PT1." + std::string(1000, '5') + "H";
  const auto parsed = parse_duration(input);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_LT(parsed.error().message.size(), 300u);
  EXPECT_NE(parsed.error().message.find("'H' (hours) at offset 1004 has a decimal fraction"),
            std::string::npos)
      << parsed.error().message;
}

TEST(DurationParse, ManyFractionDigitsAreTruncated) {
  const auto parsed = parse_duration("PT2." + std::string(1000, '9') + "S");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->time, milliseconds(2'999));
}

TEST(DurationParse, ManyDigitsAreRefusedWithoutOverflow) {
  const auto parsed = parse_duration("P" + std::string(1000, '9') + "D");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_NE(parsed.error().message.find("the number at offset 1 has more than 9 digits"),
            std::string::npos)
      << parsed.error().message;
}

TEST(DurationParse, SpellingsOfTheSameDurationAreEqual) {
  EXPECT_EQ(*parse_duration("P1W"), *parse_duration("P7D"));
  EXPECT_EQ(*parse_duration("PT0S"), *parse_duration("P0D"));
  EXPECT_EQ(*parse_duration("PT1.5S"), *parse_duration("PT1,500S"));
  EXPECT_FALSE(*parse_duration("PT24H") == *parse_duration("P1D"));  // same length, other parts
}

TEST(Duration, ZeroOnlyWhenEveryPartIsZero) {
  EXPECT_TRUE(Duration{}.zero());
  EXPECT_TRUE(parse_duration("PT0S")->zero());
  EXPECT_FALSE(Duration{.years = 1}.zero());
  EXPECT_FALSE(Duration{.months = 1}.zero());
  EXPECT_FALSE(Duration{.days = 1}.zero());
  EXPECT_FALSE(Duration{.time = milliseconds(1)}.zero());
}

TEST(Duration, FixedWithoutYearsOrMonths) {
  EXPECT_TRUE(parse_duration("P1W")->fixed());
  EXPECT_TRUE(parse_duration("P1DT12H")->fixed());
  EXPECT_TRUE(parse_duration("PT0S")->fixed());
  EXPECT_FALSE(parse_duration("P1Y")->fixed());
  EXPECT_FALSE(parse_duration("P1M")->fixed());
  EXPECT_FALSE(parse_duration("P1MT1H")->fixed());
}

TEST(Duration, LengthCountsDaysAs24Hours) {
  EXPECT_EQ(parse_duration("P1DT12H")->length(), milliseconds(36 * kHour));
  EXPECT_EQ(parse_duration("P2W")->length(), milliseconds(14 * 24 * kHour));
  EXPECT_EQ(parse_duration("PT1.25S")->length(), milliseconds(1'250));
  EXPECT_EQ(parse_duration("PT0S")->length(), milliseconds(0));
  EXPECT_EQ(parse_duration("P3652425D")->length(), milliseconds(3'652'425 * 24 * kHour));
}

struct Addition {
  std::string_view start;
  std::string_view duration;
  std::int64_t times;
  std::string_view expected;  // format_datetime of the result
};

class AddDuration : public testing::TestWithParam<Addition> {};

TEST_P(AddDuration, GivesTheExpectedInstant) {
  const auto start = parse_datetime(GetParam().start);
  ASSERT_TRUE(start.has_value()) << start.error().message;
  const auto duration = parse_duration(GetParam().duration);
  ASSERT_TRUE(duration.has_value()) << duration.error().message;
  EXPECT_EQ(format_datetime(add_duration(*start, *duration, GetParam().times)),
            GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Duration, AddDuration,
    testing::Values(
        // The day is clamped to the end of the month it lands in.
        Addition{"2024-01-31T00:00:00Z", "P1M", 1, "2024-02-29T00:00:00.000Z"},
        Addition{"2023-01-31T00:00:00Z", "P1M", 1, "2023-02-28T00:00:00.000Z"},
        // Each multiple from the start: 31 March, not 29 March.
        Addition{"2024-01-31T00:00:00Z", "P1M", 2, "2024-03-31T00:00:00.000Z"},
        Addition{"2024-01-31T00:00:00Z", "P1M", 3, "2024-04-30T00:00:00.000Z"},
        Addition{"2023-01-31T10:15:00Z", "P1M", 2, "2023-03-31T10:15:00.000Z"},
        Addition{"2024-05-31T23:59:59.999Z", "P1M", 1, "2024-06-30T23:59:59.999Z"},
        Addition{"2024-11-30T00:00:00Z", "P3M", 1, "2025-02-28T00:00:00.000Z"},
        Addition{"2024-12-15T00:00:00Z", "P1M", 1, "2025-01-15T00:00:00.000Z"},
        Addition{"2024-01-15T09:30:00.250Z", "P1Y2M", 1, "2025-03-15T09:30:00.250Z"},
        Addition{"2024-01-31T00:00:00Z", "P1M", 12, "2025-01-31T00:00:00.000Z"},
        Addition{"2024-01-31T00:00:00Z", "P1M", 25, "2026-02-28T00:00:00.000Z"},
        // Leap years.
        Addition{"2024-02-29T00:00:00Z", "P1Y", 1, "2025-02-28T00:00:00.000Z"},
        Addition{"2024-02-29T00:00:00Z", "P1Y", 4, "2028-02-29T00:00:00.000Z"},
        Addition{"2024-02-29T00:00:00Z", "P4Y", 1, "2028-02-29T00:00:00.000Z"},
        Addition{"2000-02-29T12:00:00Z", "P100Y", 1, "2100-02-28T12:00:00.000Z"},
        Addition{"2000-02-29T12:00:00Z", "P400Y", 1, "2400-02-29T12:00:00.000Z"},
        Addition{"2023-02-28T00:00:00Z", "P1Y", 1, "2024-02-28T00:00:00.000Z"},
        // Fixed lengths.
        Addition{"2024-01-01T00:00:00Z", "PT1H", 720, "2024-01-31T00:00:00.000Z"},
        Addition{"2024-01-01T00:00:00Z", "PT1H", 0, "2024-01-01T00:00:00.000Z"},
        Addition{"2023-12-31T12:00:00Z", "P1D", 1, "2024-01-01T12:00:00.000Z"},
        Addition{"2024-12-31T23:30:00Z", "PT1H", 1, "2025-01-01T00:30:00.000Z"},
        Addition{"2024-02-26T00:00:00Z", "P1W", 1, "2024-03-04T00:00:00.000Z"},
        Addition{"2023-02-26T00:00:00Z", "P1W", 1, "2023-03-05T00:00:00.000Z"},
        Addition{"2024-01-01T00:00:00Z", "PT0.5S", 3, "2024-01-01T00:00:01.500Z"},
        Addition{"2024-01-01T00:00:00Z", "PT36H", 1, "2024-01-02T12:00:00.000Z"},
        Addition{"2024-01-01T00:00:00Z", "PT0S", 1000, "2024-01-01T00:00:00.000Z"},
        // Calendar part first, then days and time.
        Addition{"2024-01-31T00:00:00Z", "P1M1DT1H", 1, "2024-03-01T01:00:00.000Z"},
        Addition{"2024-01-31T00:00:00Z", "P1M1DT1H", 2, "2024-04-02T02:00:00.000Z"},
        Addition{"2023-01-31T00:00:00Z", "P1M1DT1H", 1, "2023-03-01T01:00:00.000Z"},
        // Counting back, by the same rule.
        Addition{"2024-03-31T00:00:00Z", "P1M", -1, "2024-02-29T00:00:00.000Z"},
        Addition{"2024-01-15T00:00:00Z", "P1M", -1, "2023-12-15T00:00:00.000Z"},
        Addition{"2024-01-01T00:30:00Z", "PT1H", -1, "2023-12-31T23:30:00.000Z"}));

TEST(DurationAdd, RepeatedAdditionDriftsButMultiplesDoNot) {
  const auto start = *parse_datetime("2024-01-31T00:00:00Z");
  const auto month = *parse_duration("P1M");
  const auto twice = add_duration(add_duration(start, month), month);
  EXPECT_EQ(format_datetime(twice), "2024-03-29T00:00:00.000Z");
  EXPECT_EQ(format_datetime(add_duration(start, month, 2)), "2024-03-31T00:00:00.000Z");
}

TEST(DurationAdd, DefaultsToOnce) {
  const auto start = *parse_datetime("2024-01-31T00:00:00Z");
  EXPECT_EQ(add_duration(start, *parse_duration("P1D")), start + std::chrono::hours(24));
}

TEST(DurationAdd, ResultsBeyondWhatATimestampHoldsSaturate) {
  constexpr auto kMany = std::numeric_limits<std::int64_t>::max();
  const auto start = *parse_datetime("2024-01-31T00:00:00Z");
  EXPECT_EQ(add_duration(start, *parse_duration("P1Y"), kMany), Timestamp::max());
  EXPECT_EQ(add_duration(start, *parse_duration("P1M"), 1'000'000), Timestamp::max());
  EXPECT_EQ(add_duration(start, *parse_duration("PT1H"), kMany), Timestamp::max());
  EXPECT_EQ(add_duration(start, *parse_duration("P1D"), -kMany), Timestamp::min());
  EXPECT_EQ(add_duration(start, *parse_duration("P1M"), -1'000'000), Timestamp::min());
  EXPECT_EQ(add_duration(start, Duration{.days = kMany}), Timestamp::max());
  EXPECT_EQ(add_duration(Timestamp::max(), *parse_duration("P1M")), Timestamp::max());
  EXPECT_EQ(add_duration(Timestamp::max(), *parse_duration("PT1S")), Timestamp::max());
}

TEST(DurationAdd, LastRepresentableCalendarYearIsReached) {
  const auto start = *parse_datetime("2024-03-31T06:00:00Z");
  const auto months = (32'767 - 2024) * 12 + 8;  // to November 32767
  const auto end = add_duration(start, *parse_duration("P1M"), months);
  const auto day = date::floor<date::days>(end);
  EXPECT_TRUE(date::year_month_day{day} == date::year{32'767} / date::November / 30);
  EXPECT_EQ(end - day, std::chrono::hours(6));
  EXPECT_EQ(add_duration(start, *parse_duration("P1M"), months + 2), Timestamp::max());
}

TEST(DurationAdd, CountsBackAcrossYearZero) {
  const auto start = *parse_datetime("0000-03-31T08:00:00Z");
  const auto end = add_duration(start, *parse_duration("P1M"), -4);
  const auto day = date::floor<date::days>(end);
  EXPECT_TRUE(date::year_month_day{day} == date::year{-1} / date::November / 30);
  EXPECT_EQ(end - day, std::chrono::hours(8));
}

}  // namespace
}  // namespace tsunagu::model
