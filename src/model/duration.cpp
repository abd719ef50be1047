#include "model/duration.hpp"

#include <date/date.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <expected>
#include <optional>
#include <string>

#include "model/excerpt.hpp"

namespace tsunagu::model {
namespace {

using std::chrono::milliseconds;

// Internal results carry only the reason; parse_duration adds the field and the input.
using Reason = std::string;
template <typename T>
using Scan = std::expected<T, Reason>;

std::unexpected<Reason> reject(std::string reason) {
  return std::unexpected<Reason>(std::move(reason));
}

std::unexpected<Error> invalid(std::string_view field, std::string_view text,
                               const Reason& reason) {
  const auto message =
      fmt::format("'{}' is not a valid ISO 8601 duration: {}", excerpt(text), reason);
  if (field.empty()) return fail(ErrorKind::BadRequestData, message);
  return fail(ErrorKind::BadRequestData, fmt::format("{}: {}", field, message));
}

// The elements in the order ISO 8601 writes them; months and minutes share 'M', and which one
// it means depends on whether 'T' came before it.
enum class Unit { Years, Months, Weeks, Days, Hours, Minutes, Seconds };

struct UnitName {
  char designator;
  std::string_view name;
  bool after_t;
};

constexpr std::array<UnitName, 7> kUnits = {{{'Y', "years", false},
                                             {'M', "months", false},
                                             {'W', "weeks", false},
                                             {'D', "days", false},
                                             {'H', "hours", true},
                                             {'M', "minutes", true},
                                             {'S', "seconds", true}}};

const UnitName& name_of(Unit unit) {
  return kUnits[static_cast<std::size_t>(unit)];
}

std::optional<Unit> unit_of(char designator, bool after_t) {
  for (std::size_t i = 0; i < kUnits.size(); ++i) {
    if (kUnits[i].designator == designator && kUnits[i].after_t == after_t) {
      return static_cast<Unit>(i);
    }
  }
  return std::nullopt;
}

// "'H' (hours) at offset 4", how every message names an element.
std::string describe(Unit unit, std::size_t offset) {
  return fmt::format("'{}' ({}) at offset {}", name_of(unit).designator, name_of(unit).name,
                     offset);
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_lowercase_designator(char c) {
  return std::string_view("pymwdths").find(c) != std::string_view::npos;
}

// One element as written: its value, the fraction's first three digits (thousandths of the
// unit) and where its designator stands.
struct Element {
  Unit unit = Unit::Years;
  std::size_t offset = 0;
  std::int64_t value = 0;
  bool has_fraction = false;
  std::int64_t thousandths = 0;
};

constexpr std::size_t kMaxDigits = 9;

class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool at_end() const { return pos_ == text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  std::size_t pos() const { return pos_; }
  void skip() { ++pos_; }

  // Why the character here is not what was `expected`, naming the usual mistakes.
  Reason unexpected(std::string_view expected) const {
    const char c = peek();
    if (at_end()) return fmt::format("expected {} at offset {}, found the end", expected, pos_);
    if (c == ' ' || c == '\t') {
      return fmt::format("unexpected space at offset {}: a duration has no spaces", pos_);
    }
    if (is_lowercase_designator(c)) {
      return fmt::format(
          "lowercase '{}' at offset {}: ISO 8601 designators are uppercase (write '{}')", c, pos_,
          static_cast<char>(c - 'a' + 'A'));
    }
    return fmt::format("expected {} at offset {}, found '{}'", expected, pos_,
                       excerpt(text_.substr(pos_)));
  }

  // The digits of a value and its fraction, up to the designator.
  Scan<Element> number(bool after_t) {
    Element element;
    if (auto whole = digits(element.value); !whole) return reject(whole.error());
    if (peek() == '-' || peek() == ':') {
      return reject(fmt::format(
          "the alternative format with '-' and ':' (P0003-06-04T12:30:05, '{}' at offset {}) is "
          "not supported; write designators instead (P3Y6M4DT12H30M5S)",
          peek(), pos_));
    }
    if (accept_decimal_sign()) {
      element.has_fraction = true;
      if (auto fraction = thousandths(element.thousandths); !fraction) {
        return reject(fraction.error());
      }
    }
    return designator(element, after_t);
  }

 private:
  bool accept_decimal_sign() {
    if (peek() != '.' && peek() != ',') return false;
    ++pos_;
    return true;
  }

  // Digits beyond the ninth are counted, not added, so that `value` cannot overflow.
  Scan<void> digits(std::int64_t& value) {
    const std::size_t start = pos_;
    if (!is_digit(peek())) return reject(no_digits());
    for (; is_digit(peek()); ++pos_) {
      if (pos_ - start < kMaxDigits) value = value * 10 + (peek() - '0');
    }
    if (pos_ - start > kMaxDigits) {
      return reject(
          fmt::format("the number at offset {} has more than {} digits", start, kMaxDigits));
    }
    return {};
  }

  Reason no_digits() const {
    const char c = peek();
    if (c == '-') return fmt::format("negative values are not allowed ('-' at offset {})", pos_);
    if (c == '.' || c == ',') {
      return fmt::format("expected digits before the decimal sign at offset {}", pos_);
    }
    if (unit_of(c, false) || unit_of(c, true)) {
      return fmt::format("expected digits before '{}' at offset {}", c, pos_);
    }
    return unexpected("digits");
  }

  // Any number of digits, truncated to thousandths.
  Scan<void> thousandths(std::int64_t& value) {
    const std::size_t start = pos_;
    for (; is_digit(peek()); ++pos_) {
      if (pos_ - start < 3) value = value * 10 + (peek() - '0');
    }
    if (pos_ == start) {
      return reject(fmt::format("expected digits after the decimal sign at offset {}", pos_));
    }
    for (std::size_t n = pos_ - start; n < 3; ++n) value *= 10;
    return {};
  }

  Scan<Element> designator(Element element, bool after_t) {
    const std::string_view expected = after_t ? "H, M or S" : "Y, M, W or D";
    if (auto unit = unit_of(peek(), after_t)) {
      element.unit = *unit;
      element.offset = pos_++;
      return element;
    }
    if (auto other = unit_of(peek(), !after_t)) {
      if (after_t) {
        return reject(fmt::format(
            "{} comes after 'T'; years, months, weeks and days go before it, e.g. P1DT12H",
            describe(*other, pos_)));
      }
      return reject(fmt::format("{} needs a 'T' before it, e.g. PT1H", describe(*other, pos_)));
    }
    return reject(unexpected(expected));
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

// Whether `element` may follow `last`: in order, once each, weeks alone.
Scan<void> check_place(const Element& element, std::optional<Unit> last) {
  if (!last) return {};
  if (element.unit == Unit::Weeks || *last == Unit::Weeks) {
    return reject(fmt::format(
        "weeks cannot be combined with other elements ({}); P[n]W stands alone, give days "
        "instead (P8D, not P1W1D)",
        describe(element.unit, element.offset)));
  }
  if (element.unit == *last) {
    return reject(fmt::format("{} is given twice", describe(element.unit, element.offset)));
  }
  if (element.unit < *last) {
    return reject(fmt::format("{} comes after '{}' ({}); the order is Y, M, D, T, H, M, S",
                              describe(element.unit, element.offset), name_of(*last).designator,
                              name_of(*last).name));
  }
  return {};
}

Scan<void> check_fraction(const Element& element) {
  if (!element.has_fraction || element.unit == Unit::Seconds) return {};
  return reject(fmt::format(
      "{} has a decimal fraction, but only seconds may have one: write the rest in smaller "
      "units (e.g. PT1H30M, not PT1.5H)",
      describe(element.unit, element.offset)));
}

// The values as written, by unit, and the thousandths of a second.
struct Written {
  std::array<std::int64_t, 7> values{};
  std::int64_t thousandths = 0;

  std::int64_t operator[](Unit unit) const { return values[static_cast<std::size_t>(unit)]; }
};

// The Gregorian averages, in seconds: 400 years have 146,097 days.
constexpr std::int64_t kYearSeconds = 146'097LL * 86'400 / 400;
constexpr std::int64_t kMonthSeconds = kYearSeconds / 12;
constexpr std::int64_t kLongestSeconds = 10'000 * kYearSeconds;

// With at most 9 digits per value the sum stays below 4e16: no overflow.
Scan<void> check_length(const Written& w) {
  const std::int64_t seconds = w[Unit::Years] * kYearSeconds + w[Unit::Months] * kMonthSeconds +
                               (w[Unit::Weeks] * 7 + w[Unit::Days]) * 86'400 +
                               w[Unit::Hours] * 3'600 + w[Unit::Minutes] * 60 + w[Unit::Seconds];
  if (seconds < kLongestSeconds || (seconds == kLongestSeconds && w.thousandths == 0)) return {};
  return reject(
      "it is longer than 10,000 years (a year counted as 365.2425 days), longer than any span "
      "between two supported instants");
}

Duration to_duration(const Written& w) {
  Duration d;
  d.years = w[Unit::Years];
  d.months = w[Unit::Months];
  d.days = w[Unit::Weeks] * 7 + w[Unit::Days];
  d.time = std::chrono::hours(w[Unit::Hours]) + std::chrono::minutes(w[Unit::Minutes]) +
           std::chrono::seconds(w[Unit::Seconds]) + milliseconds(w.thousandths);
  return d;
}

Scan<void> scan_designator_p(Scanner& in) {
  if (in.at_end()) return reject("it is empty; a duration looks like PT1H or P1D");
  if (in.peek() == '-') return reject("a negative duration is not allowed");
  if (in.peek() != 'P') return reject(in.unexpected("'P'"));
  in.skip();
  if (in.at_end()) {
    return reject("it has no elements after 'P'; a zero duration is written PT0S or P0D");
  }
  return {};
}

Scan<Duration> scan_duration(std::string_view text) {
  Scanner in(text);
  if (auto p = scan_designator_p(in); !p) return reject(p.error());
  Written written;
  std::optional<std::size_t> t_offset;
  std::optional<Unit> last;
  while (!in.at_end()) {
    if (in.peek() == 'T') {
      if (t_offset) return reject(fmt::format("a second 'T' at offset {}", in.pos()));
      t_offset = in.pos();
      in.skip();
      continue;
    }
    auto element = in.number(t_offset.has_value());
    if (!element) return reject(element.error());
    if (auto placed = check_place(*element, last); !placed) return reject(placed.error());
    if (auto fraction = check_fraction(*element); !fraction) return reject(fraction.error());
    written.values[static_cast<std::size_t>(element->unit)] = element->value;
    if (element->unit == Unit::Seconds) written.thousandths = element->thousandths;
    last = element->unit;
  }
  if (t_offset && (!last || !name_of(*last).after_t)) {
    return reject(
        fmt::format("'T' at offset {} is not followed by hours, minutes or seconds", *t_offset));
  }
  if (auto length = check_length(written); !length) return reject(length.error());
  return to_duration(written);
}

// Overflow-checked 64-bit arithmetic: nullopt when the exact result does not fit.
std::optional<std::int64_t> multiply(std::int64_t a, std::int64_t b) {
  std::int64_t product = 0;
  if (__builtin_mul_overflow(a, b, &product)) return std::nullopt;
  return product;
}

std::optional<std::int64_t> add(std::int64_t a, std::int64_t b) {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) return std::nullopt;
  return sum;
}

// The instants whose dates date::year_month_day can hold.
constexpr Timestamp kCalendarFirst{date::sys_days{date::year::min() / 1 / 1}};
constexpr Timestamp kCalendarAfterLast{date::sys_days{date::year::max() / 12 / 31} + date::days{1}};

// `start` moved by `months` calendar months, the day clamped to the last day of the month it
// lands in, the time of day kept; nullopt outside the calendar's years.
std::optional<Timestamp> add_months(Timestamp start, std::int64_t months) {
  if (months == 0) return start;
  if (start < kCalendarFirst || start >= kCalendarAfterLast) return std::nullopt;
  const auto day = date::floor<date::days>(start);
  const date::year_month_day ymd{day};
  const std::int64_t from = std::int64_t{int{ymd.year()}} * 12 + (unsigned{ymd.month()} - 1);
  const auto to = add(from, months);
  if (!to) return std::nullopt;
  const std::int64_t year = (*to >= 0 ? *to : *to - 11) / 12;  // rounded down
  if (year < int{date::year::min()} || year > int{date::year::max()}) return std::nullopt;
  const date::year_month month{date::year{static_cast<int>(year)},
                               date::month{static_cast<unsigned>(*to - year * 12 + 1)}};
  const date::day clamped = std::min(ymd.day(), (month / date::last).day());
  return Timestamp{date::sys_days{month / clamped}} + (start - day);
}

// times × (d.days and d.time), in milliseconds.
std::optional<std::int64_t> fixed_part(const Duration& d, std::int64_t times) {
  const auto days = multiply(d.days, 86'400'000);
  const auto length = days ? add(*days, d.time.count()) : std::nullopt;
  return length ? multiply(*length, times) : std::nullopt;
}

// times × (d.years and d.months), in months.
std::optional<std::int64_t> calendar_part(const Duration& d, std::int64_t times) {
  const auto years = multiply(d.years, 12);
  const auto months = years ? add(*years, d.months) : std::nullopt;
  return months ? multiply(*months, times) : std::nullopt;
}

}  // namespace

bool Duration::zero() const {
  return years == 0 && months == 0 && days == 0 && time == milliseconds(0);
}

bool Duration::fixed() const {
  return years == 0 && months == 0;
}

milliseconds Duration::length() const {
  return std::chrono::days(days) + time;
}

Result<Duration> parse_duration(std::string_view text, std::string_view field) {
  auto parsed = scan_duration(text);
  if (!parsed) return invalid(field, text, parsed.error());
  return *parsed;
}

Timestamp add_duration(Timestamp start, const Duration& d, std::int64_t times) {
  const Timestamp saturated = times < 0 ? Timestamp::min() : Timestamp::max();
  const auto months = calendar_part(d, times);
  const auto shifted = months ? add_months(start, *months) : std::nullopt;
  const auto fixed = fixed_part(d, times);
  if (!shifted || !fixed) return saturated;
  const auto sum = add(shifted->time_since_epoch().count(), *fixed);
  if (!sum) return saturated;
  return Timestamp{milliseconds{*sum}};
}

}  // namespace tsunagu::model
