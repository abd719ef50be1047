#include "model/time.hpp"

#include <date/date.h>
#include <fmt/format.h>

#include <expected>
#include <optional>

#include "model/excerpt.hpp"

namespace tsunagu::model {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;

// Internal results carry only the reason; the public functions add the field and the input.
using Reason = std::string;
template <typename T>
using Scan = std::expected<T, Reason>;

std::unexpected<Reason> reject(std::string reason) {
  return std::unexpected<Reason>(std::move(reason));
}

std::string echo(std::string_view text) {
  return excerpt(text);
}

std::unexpected<Error> invalid(std::string_view field, std::string_view text, std::string_view kind,
                               const Reason& reason) {
  const auto message = fmt::format("'{}' is not a valid ISO 8601 {}: {}", echo(text), kind, reason);
  if (field.empty()) return fail(ErrorKind::BadRequestData, message);
  return fail(ErrorKind::BadRequestData, fmt::format("{}: {}", field, message));
}

// Reads the fixed-width fields of ISO 8601 left to right and names what it expected where.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool at_end() const { return pos_ == text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  std::size_t pos() const { return pos_; }

  // Consumes the next character if it is `a` (or `b`, when given).
  bool accept(char a, char b = '\0') {
    if (at_end() || (peek() != a && (b == '\0' || peek() != b))) return false;
    ++pos_;
    return true;
  }

  Scan<void> expect(char c, std::string_view where) {
    if (accept(c)) return {};
    return reject(fmt::format("expected '{}' {} at offset {}", c, where, pos_));
  }

  // Exactly `count` digits; an error names the offset where the field starts.
  Scan<int> digits(std::size_t count, std::string_view what) {
    const std::size_t start = pos_;
    int value = 0;
    for (; pos_ - start < count; ++pos_) {
      if (at_end() || peek() < '0' || peek() > '9') {
        return reject(
            fmt::format("expected {} digits for the {} at offset {}", count, what, start));
      }
      value = value * 10 + (peek() - '0');
    }
    return value;
  }

  // The digits after '.'; any number of them, truncated to milliseconds.
  Scan<milliseconds> fraction() {
    const std::size_t start = pos_;
    int ms = 0;
    for (; !at_end() && peek() >= '0' && peek() <= '9'; ++pos_) {
      if (pos_ - start < 3) ms = ms * 10 + (peek() - '0');
    }
    if (pos_ == start) return reject(fmt::format("expected digits after '.' at offset {}", pos_));
    for (std::size_t n = pos_ - start; n < 3; ++n) ms *= 10;
    return milliseconds(ms);
  }

  Scan<void> expect_end() {
    if (at_end()) return {};
    return reject(fmt::format("unexpected '{}' at offset {}", echo(text_.substr(pos_)), pos_));
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

Scan<int> in_range(Scan<int> value, std::string_view what, int low, int high) {
  if (!value || (*value >= low && *value <= high)) return value;
  return reject(fmt::format("{} {} is out of range [{}, {}]", what, *value, low, high));
}

Scan<date::year_month_day> scan_date(Scanner& in) {
  auto year = in.digits(4, "year");
  if (!year) return reject(year.error());
  if (auto dash = in.expect('-', "after the year"); !dash) return reject(dash.error());
  auto month = in_range(in.digits(2, "month"), "month", 1, 12);
  if (!month) return reject(month.error());
  if (auto dash = in.expect('-', "after the month"); !dash) return reject(dash.error());
  auto day = in_range(in.digits(2, "day"), "day", 1, 31);
  if (!day) return reject(day.error());
  const date::year_month_day ymd{date::year{*year} / *month / *day};
  if (ymd.ok()) return ymd;
  return reject(fmt::format("day {:02} does not exist in {:04}-{:02}", *day, *year, *month));
}

Scan<int> scan_second(Scanner& in) {
  auto second = in.digits(2, "second");
  if (second && *second == 60) return reject("second 60 (a leap second) is not supported");
  return in_range(second, "second", 0, 59);
}

// hh:mm:ss[.fraction], as the time since midnight.
Scan<milliseconds> scan_time_of_day(Scanner& in) {
  auto hour = in_range(in.digits(2, "hour"), "hour", 0, 23);
  if (!hour) return reject(hour.error());
  if (auto colon = in.expect(':', "after the hour"); !colon) return reject(colon.error());
  auto minute = in_range(in.digits(2, "minute"), "minute", 0, 59);
  if (!minute) return reject(minute.error());
  if (auto colon = in.expect(':', "after the minute"); !colon) return reject(colon.error());
  auto second = scan_second(in);
  if (!second) return reject(second.error());
  milliseconds fraction{0};
  if (in.accept('.')) {
    auto digits = in.fraction();
    if (!digits) return reject(digits.error());
    fraction = *digits;
  }
  return std::chrono::hours(*hour) + minutes(*minute) + std::chrono::seconds(*second) + fraction;
}

// "+hh:mm" or "-hh:mm" after its sign, as a signed distance from UTC.
Scan<minutes> scan_offset(Scanner& in, int sign) {
  auto hours = in_range(in.digits(2, "offset hours"), "offset hour", 0, 23);
  if (!hours) return reject(hours.error());
  if (auto colon = in.expect(':', "in the offset"); !colon) return reject(colon.error());
  auto mins = in_range(in.digits(2, "offset minutes"), "offset minute", 0, 59);
  if (!mins) return reject(mins.error());
  return minutes(sign * (*hours * 60 + *mins));
}

// Z, z, +hh:mm or -hh:mm; nullopt when the text ends without a zone.
Scan<std::optional<minutes>> scan_zone(Scanner& in) {
  if (in.at_end()) return std::nullopt;
  if (in.accept('Z', 'z')) return minutes(0);
  if (in.accept('+')) return scan_offset(in, +1);
  if (in.accept('-')) return scan_offset(in, -1);
  return reject(fmt::format("expected 'Z' or an offset such as +09:00 at offset {}", in.pos()));
}

// The years 0000-9999 bound what format_datetime writes back in the same shape.
Scan<Timestamp> in_supported_range(Timestamp t) {
  constexpr auto kFirst = date::sys_days{date::year{0} / 1 / 1};
  constexpr auto kAfterLast = date::sys_days{date::year{10000} / 1 / 1};
  if (t >= kFirst && t < kAfterLast) return t;
  return reject("the instant falls outside the years 0000 to 9999 in UTC");
}

Scan<Timestamp> scan_datetime(std::string_view text) {
  Scanner in(text);
  auto ymd = scan_date(in);
  if (!ymd) return reject(ymd.error());
  if (!in.accept('T', 't')) {
    return reject(fmt::format("expected 'T' between date and time at offset {}", in.pos()));
  }
  auto time_of_day = scan_time_of_day(in);
  if (!time_of_day) return reject(time_of_day.error());
  auto zone = scan_zone(in);
  if (!zone) return reject(zone.error());
  if (!*zone) return reject("it has no time zone; add 'Z' for UTC or an offset such as +09:00");
  if (auto end = in.expect_end(); !end) return reject(end.error());
  return in_supported_range(date::sys_days{*ymd} + *time_of_day - **zone);
}

Scan<std::chrono::sys_days> scan_plain_date(std::string_view text) {
  Scanner in(text);
  auto ymd = scan_date(in);
  if (!ymd) return reject(ymd.error());
  if (auto end = in.expect_end(); !end) return reject(end.error());
  return std::chrono::sys_days{date::sys_days{*ymd}.time_since_epoch()};
}

Scan<milliseconds> scan_plain_time(std::string_view text) {
  Scanner in(text);
  auto time_of_day = scan_time_of_day(in);
  if (!time_of_day) return reject(time_of_day.error());
  if (in.peek() == '+' || in.peek() == '-') {
    return reject("a Time value takes no offset; give it in UTC, optionally with 'Z'");
  }
  in.accept('Z', 'z');
  if (auto end = in.expect_end(); !end) return reject(end.error());
  return *time_of_day;
}

}  // namespace

Result<Timestamp> parse_datetime(std::string_view text, std::string_view field) {
  auto parsed = scan_datetime(text);
  if (!parsed) return invalid(field, text, "date-time", parsed.error());
  return *parsed;
}

std::string format_datetime(Timestamp t) {
  const auto day = date::floor<date::days>(t);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<milliseconds> hms{t - day};
  const int year = int{ymd.year()};
  if (year < 0 || year > 9999) {
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", year, unsigned{ymd.month()},
                       unsigned{ymd.day()}, hms.hours().count(), hms.minutes().count(),
                       hms.seconds().count(), hms.subseconds().count());
  }
  // Digits written in place: every rendered observedAt, createdAt and modifiedAt comes through
  // here, and fmt::format took about 5,000 instructions a call (callgrind, GET by id).
  std::string out = "0000-00-00T00:00:00.000Z";
  auto put = [&out](std::size_t at, std::size_t width, long long v) {
    for (std::size_t i = at + width; i > at; v /= 10) out[--i] = static_cast<char>('0' + v % 10);
  };
  put(0, 4, year);
  put(5, 2, unsigned{ymd.month()});
  put(8, 2, unsigned{ymd.day()});
  put(11, 2, hms.hours().count());
  put(14, 2, hms.minutes().count());
  put(17, 2, hms.seconds().count());
  put(20, 3, hms.subseconds().count());
  return out;
}

Result<std::chrono::sys_days> parse_date(std::string_view text, std::string_view field) {
  auto parsed = scan_plain_date(text);
  if (!parsed) return invalid(field, text, "date", parsed.error());
  return *parsed;
}

Result<std::chrono::milliseconds> parse_time(std::string_view text, std::string_view field) {
  auto parsed = scan_plain_time(text);
  if (!parsed) return invalid(field, text, "time", parsed.error());
  return *parsed;
}

Timestamp SystemClock::now() const {
  return std::chrono::floor<milliseconds>(std::chrono::system_clock::now());
}

Timestamp ManualClock::now() const {
  return Timestamp(milliseconds(ms_.load()));
}

void ManualClock::set(Timestamp t) {
  ms_.store(t.time_since_epoch().count());
}

void ManualClock::advance(std::chrono::milliseconds step) {
  ms_.fetch_add(step.count());
}

}  // namespace tsunagu::model
