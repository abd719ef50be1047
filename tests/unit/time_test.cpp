#include "model/time.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace tsunagu::model {
namespace {

using std::chrono::milliseconds;

struct ValidDateTime {
  std::string_view input;
  std::string_view utc;  // format_datetime of the parsed instant
};

class ParseDateTimeValid : public testing::TestWithParam<ValidDateTime> {};

TEST_P(ParseDateTimeValid, ParsesToTheExpectedUtcInstant) {
  const auto parsed = parse_datetime(GetParam().input);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(format_datetime(*parsed), GetParam().utc);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParseDateTimeValid,
    testing::Values(ValidDateTime{"2024-01-31T09:30:00Z", "2024-01-31T09:30:00.000Z"},
                    ValidDateTime{"2024-01-31T09:30:00.123Z", "2024-01-31T09:30:00.123Z"},
                    ValidDateTime{"2024-01-31T09:30:00.1Z", "2024-01-31T09:30:00.100Z"},
                    ValidDateTime{"2024-01-31T09:30:00.12Z", "2024-01-31T09:30:00.120Z"},
                    // Fractions longer than milliseconds are truncated, never rounded up.
                    ValidDateTime{"2024-01-31T09:30:00.123456789Z", "2024-01-31T09:30:00.123Z"},
                    ValidDateTime{"2024-01-31T09:30:00.9999Z", "2024-01-31T09:30:00.999Z"},
                    // Offsets are converted to UTC.
                    ValidDateTime{"2024-01-31T09:30:00+09:00", "2024-01-31T00:30:00.000Z"},
                    ValidDateTime{"2024-01-01T05:00:00+09:00", "2023-12-31T20:00:00.000Z"},
                    ValidDateTime{"2024-12-31T20:00:00-05:30", "2025-01-01T01:30:00.000Z"},
                    ValidDateTime{"2024-01-31T09:30:00-00:00", "2024-01-31T09:30:00.000Z"},
                    ValidDateTime{"2024-01-31T09:30:00+00:00", "2024-01-31T09:30:00.000Z"},
                    ValidDateTime{"2024-03-01T08:59:59.500+09:00", "2024-02-29T23:59:59.500Z"},
                    // Lowercase separators, as RFC 3339 allows.
                    ValidDateTime{"2024-01-31t09:30:00z", "2024-01-31T09:30:00.000Z"},
                    // Leap days.
                    ValidDateTime{"2024-02-29T00:00:00Z", "2024-02-29T00:00:00.000Z"},
                    ValidDateTime{"2000-02-29T12:00:00Z", "2000-02-29T12:00:00.000Z"},
                    // Limits of the supported range.
                    ValidDateTime{"0000-01-01T00:00:00Z", "0000-01-01T00:00:00.000Z"},
                    ValidDateTime{"9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z"},
                    ValidDateTime{"1970-01-01T00:00:00Z", "1970-01-01T00:00:00.000Z"},
                    ValidDateTime{"1969-12-31T23:59:59.999Z", "1969-12-31T23:59:59.999Z"}));

struct InvalidInput {
  std::string_view input;
  std::string_view fragment;  // expected somewhere in the error message
};

class ParseDateTimeInvalid : public testing::TestWithParam<InvalidInput> {};

TEST_P(ParseDateTimeInvalid, IsRejectedWithAPreciseMessage) {
  const auto parsed = parse_datetime(GetParam().input);
  ASSERT_FALSE(parsed.has_value()) << format_datetime(*parsed);
  EXPECT_EQ(parsed.error().kind, ErrorKind::BadRequestData);
  EXPECT_NE(parsed.error().message.find(GetParam().fragment), std::string::npos)
      << parsed.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParseDateTimeInvalid,
    testing::Values(
        InvalidInput{"", "expected 4 digits for the year at offset 0"},
        InvalidInput{"2024-13-01T00:00:00Z", "month 13 is out of range [1, 12]"},
        InvalidInput{"2024-00-01T00:00:00Z", "month 0 is out of range [1, 12]"},
        InvalidInput{"2024-01-32T00:00:00Z", "day 32 is out of range [1, 31]"},
        InvalidInput{"2023-02-29T00:00:00Z", "day 29 does not exist in 2023-02"},
        InvalidInput{"1900-02-29T00:00:00Z", "day 29 does not exist in 1900-02"},
        InvalidInput{"2024-02-30T00:00:00Z", "day 30 does not exist in 2024-02"},
        InvalidInput{"2024-04-31T00:00:00Z", "day 31 does not exist in 2024-04"},
        InvalidInput{"2024-01-01T25:00:00Z", "hour 25 is out of range [0, 23]"},
        InvalidInput{"2024-01-01T24:00:00Z", "hour 24 is out of range [0, 23]"},
        InvalidInput{"2024-01-01T10:60:00Z", "minute 60 is out of range [0, 59]"},
        InvalidInput{"2024-01-01T10:00:61Z", "second 61 is out of range [0, 59]"},
        InvalidInput{"2016-12-31T23:59:60Z", "second 60 (a leap second) is not supported"},
        InvalidInput{"2024-01-01T10:00:00", "no time zone"},
        InvalidInput{"2024-01-01T10:00:00.5", "no time zone"},
        InvalidInput{"2024-01-01", "expected 'T' between date and time at offset 10"},
        InvalidInput{"2024-01-01 10:00:00Z", "expected 'T' between date and time at offset 10"},
        InvalidInput{"2024-1-01T10:00:00Z", "expected 2 digits for the month at offset 5"},
        InvalidInput{"24-01-01T10:00:00Z", "expected 4 digits for the year at offset 0"},
        InvalidInput{"2024/01/01T10:00:00Z", "expected '-' after the year at offset 4"},
        InvalidInput{"2024-01-01T10:00Z", "expected ':' after the minute at offset 16"},
        InvalidInput{"2024-01-01T10:00:00.Z", "expected digits after '.' at offset 20"},
        InvalidInput{"2024-01-01T10:00:00+0900", "expected ':' in the offset at offset 22"},
        InvalidInput{"2024-01-01T10:00:00+9:00",
                     "expected 2 digits for the offset hours at offset 20"},
        InvalidInput{"2024-01-01T10:00:00+24:00", "offset hour 24 is out of range [0, 23]"},
        InvalidInput{"2024-01-01T10:00:00+09:60", "offset minute 60 is out of range [0, 59]"},
        InvalidInput{"2024-01-01T10:00:00ZZ", "unexpected 'Z' at offset 20"},
        InvalidInput{"2024-01-01T10:00:00Z ", "unexpected ' ' at offset 20"},
        InvalidInput{"2024-01-01T10:00:00UTC", "expected 'Z' or an offset such as +09:00"},
        InvalidInput{"0000-01-01T00:00:00+00:01", "outside the years 0000 to 9999"},
        InvalidInput{"9999-12-31T23:59:59-00:01", "outside the years 0000 to 9999"},
        InvalidInput{"now", "expected 4 digits for the year at offset 0"}));

TEST(ParseDateTime, MessageQuotesTheFieldAndTheInput) {
  const auto parsed = parse_datetime("2024-13-01T00:00:00Z", "observedAt");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().message,
            "observedAt: '2024-13-01T00:00:00Z' is not a valid ISO 8601 date-time: "
            "month 13 is out of range [1, 12]");
}

TEST(ParseDateTime, LongInputIsCutInTheMessage) {
  const std::string input = "2024-01-01T10:00:00." + std::string(1000, '1') + "x";
  const auto parsed = parse_datetime(input);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_LT(parsed.error().message.size(), 300u);
  EXPECT_NE(parsed.error().message.find("expected 'Z' or an offset such as +09:00 at offset 1020"),
            std::string::npos)
      << parsed.error().message;
}

TEST(ParseDateTime, ReturnsMillisecondsSinceTheEpoch) {
  const auto parsed = parse_datetime("1970-01-01T00:00:01.234Z");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->time_since_epoch(), milliseconds(1234));
}

TEST(FormatDateTime, RoundTripsEveryCanonicalValue) {
  const std::vector<std::string_view> canonical = {
      "2024-01-31T09:30:00.000Z", "2024-02-29T23:59:59.999Z", "1999-12-31T00:00:00.001Z",
      "0001-01-01T00:00:00.000Z", "2100-03-01T12:34:56.789Z", "0000-01-01T00:00:00.000Z",
      "9999-12-31T23:59:59.999Z", "1969-12-31T23:59:59.999Z", "0999-09-09T09:09:09.090Z"};
  for (const auto text : canonical) {
    const auto parsed = parse_datetime(text);
    ASSERT_TRUE(parsed.has_value()) << text;
    EXPECT_EQ(format_datetime(*parsed), text);
    const auto reparsed = parse_datetime(format_datetime(*parsed));
    ASSERT_TRUE(reparsed.has_value()) << text;
    EXPECT_EQ(*reparsed, *parsed) << text;
  }
}

TEST(FormatDateTime, WritesUtcWithMilliseconds) {
  EXPECT_EQ(format_datetime(Timestamp{}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_datetime(Timestamp{milliseconds(1706693400123)}), "2024-01-31T09:30:00.123Z");
  EXPECT_EQ(format_datetime(Timestamp{milliseconds(-1)}), "1969-12-31T23:59:59.999Z");
}

TEST(FormatDateTime, WritesYearsBeyondFourDigitsAsTheyAre) {
  // Not produced by parsing (0000-9999 only), but an instant computed from one may get there.
  const auto last = parse_datetime("9999-12-31T23:59:59.999Z");
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(format_datetime(*last + milliseconds(1)), "10000-01-01T00:00:00.000Z");
  const auto first = parse_datetime("0000-01-01T00:00:00.000Z");
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(format_datetime(*first - milliseconds(1)), "-001-12-31T23:59:59.999Z");
}

class ParseDateValid : public testing::TestWithParam<std::pair<std::string_view, int>> {};

TEST_P(ParseDateValid, GivesDaysSinceTheEpoch) {
  const auto parsed = parse_date(GetParam().first);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->time_since_epoch().count(), GetParam().second);
}

INSTANTIATE_TEST_SUITE_P(Cases, ParseDateValid,
                         testing::Values(std::pair<std::string_view, int>{"1970-01-01", 0},
                                         std::pair<std::string_view, int>{"1970-01-02", 1},
                                         std::pair<std::string_view, int>{"1969-12-31", -1},
                                         std::pair<std::string_view, int>{"2024-02-29", 19782},
                                         std::pair<std::string_view, int>{"2000-03-01", 11017}));

class ParseDateInvalid : public testing::TestWithParam<InvalidInput> {};

TEST_P(ParseDateInvalid, IsRejectedWithAPreciseMessage) {
  const auto parsed = parse_date(GetParam().input, "openingDate");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().kind, ErrorKind::BadRequestData);
  EXPECT_NE(parsed.error().message.find(GetParam().fragment), std::string::npos)
      << parsed.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParseDateInvalid,
    testing::Values(InvalidInput{"2023-02-29",
                                 "openingDate: '2023-02-29' is not a valid ISO 8601 date: "
                                 "day 29 does not exist in 2023-02"},
                    InvalidInput{"2024-13-01", "month 13 is out of range [1, 12]"},
                    InvalidInput{"2024-01-01T00:00:00Z", "unexpected 'T00:00:00Z' at offset 10"},
                    InvalidInput{"20240101", "expected '-' after the year at offset 4"},
                    InvalidInput{"", "expected 4 digits for the year at offset 0"}));

struct ValidTime {
  std::string_view input;
  milliseconds since_midnight;
};

class ParseTimeValid : public testing::TestWithParam<ValidTime> {};

TEST_P(ParseTimeValid, GivesTheTimeSinceMidnight) {
  const auto parsed = parse_time(GetParam().input);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(*parsed, GetParam().since_midnight);
}

INSTANTIATE_TEST_SUITE_P(Cases, ParseTimeValid,
                         testing::Values(ValidTime{"00:00:00", milliseconds(0)},
                                         ValidTime{"00:00:00Z", milliseconds(0)},
                                         ValidTime{"09:30:15", milliseconds(34215000)},
                                         ValidTime{"09:30:15.5z", milliseconds(34215500)},
                                         ValidTime{"23:59:59.9999Z", milliseconds(86399999)}));

class ParseTimeInvalid : public testing::TestWithParam<InvalidInput> {};

TEST_P(ParseTimeInvalid, IsRejectedWithAPreciseMessage) {
  const auto parsed = parse_time(GetParam().input);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().kind, ErrorKind::BadRequestData);
  EXPECT_NE(parsed.error().message.find(GetParam().fragment), std::string::npos)
      << parsed.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParseTimeInvalid,
    testing::Values(InvalidInput{"24:00:00", "hour 24 is out of range [0, 23]"},
                    InvalidInput{"12:60:00", "minute 60 is out of range [0, 59]"},
                    InvalidInput{"12:00", "expected ':' after the minute at offset 5"},
                    InvalidInput{"12:00:00+09:00", "a Time value takes no offset"},
                    InvalidInput{"12:00:00ZZ", "unexpected 'Z' at offset 9"},
                    InvalidInput{"T12:00:00Z", "expected 2 digits for the hour at offset 0"}));

TEST(SystemClock, IsCloseToTheSystemTime) {
  const SystemClock clock;
  const auto before = std::chrono::floor<milliseconds>(std::chrono::system_clock::now());
  const auto now = clock.now();
  const auto after = std::chrono::system_clock::now();
  EXPECT_LE(before, now);
  EXPECT_LE(now, after);
}

TEST(ManualClock, MovesOnlyWhenTold) {
  const auto start = *parse_datetime("2024-01-31T09:30:00Z");
  ManualClock clock(start);
  EXPECT_EQ(clock.now(), start);
  clock.advance(std::chrono::minutes(90));
  EXPECT_EQ(format_datetime(clock.now()), "2024-01-31T11:00:00.000Z");
  clock.set(start);
  EXPECT_EQ(clock.now(), start);
}

TEST(ManualClock, CountsEveryAdvanceFromManyThreads) {
  ManualClock clock;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&clock] {
      for (int i = 0; i < 1000; ++i) clock.advance(milliseconds(1));
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(clock.now().time_since_epoch(), milliseconds(4000));
}

TEST(Clock, IsUsableThroughTheInterface) {
  const ManualClock manual(Timestamp{milliseconds(42)});
  const Clock& clock = manual;
  EXPECT_EQ(clock.now().time_since_epoch(), milliseconds(42));
}

}  // namespace
}  // namespace tsunagu::model
