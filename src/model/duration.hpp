#pragma once
// ISO 8601 durations as NGSI-LD's aggregated temporal representation takes them (parameter
// aggrPeriodDuration, ETSI GS CIM 009 clause 4.5.19.1), and the calendar arithmetic that lays
// aggregation periods end to end (docs/design/temporal.md).
//
// What parse_duration accepts, and why:
//   - "P[n]Y[n]M[n]DT[n]H[n]M[n]S" or "P[n]W", the two forms the specification names. Elements
//     whose value is zero may be left out, but one element at least must be written: zero is
//     "PT0S" or "P0D"; "P" and "PT" name nothing, and a 'T' must be followed by hours, minutes or
//     seconds.
//   - Elements in that order, each at most once. Weeks stand alone ("P1W1D" is refused; "P8D"
//     says the same), as in ISO 8601.
//   - Designators in uppercase only, as ISO 8601 writes them: "pt1h" is refused with a message
//     saying so. (A date-time's 't' and 'z' may be lowercase: RFC 3339 allows that for them.)
//   - A decimal fraction, written with '.' or ',', on seconds only, truncated to milliseconds
//     like every timestamp. ISO 8601 allows a fraction on whichever element comes last, but a
//     fraction of a year or a month has no fixed length, and for weeks, days, hours and minutes
//     smaller units say the same exactly (PT1H30M for PT1.5H), so those are refused.
//   - At most 9 digits per value, and at most 10,000 years in all, counting a year as 365.2425
//     days (the Gregorian average) and a month as a twelfth of that. No longer period fits
//     between two instants of the years 0000 to 9999 that timestamps are limited to, and the
//     bound keeps every computation below within 64 bits.
//   - No sign ("-P1D"), no spaces, and not the alternative format ("P0003-06-04T12:30:05").

#include <chrono>
#include <cstdint>
#include <string_view>

#include "model/error.hpp"
#include "model/time.hpp"

namespace tsunagu::model {

// A duration kept in the parts whose lengths differ: a year or a month is as long as the
// calendar makes it where it is added; a day is always 24 hours (we count in UTC).
struct Duration {
  std::int64_t years = 0;
  std::int64_t months = 0;
  std::int64_t days = 0;              // weeks are stored as 7 days
  std::chrono::milliseconds time{0};  // hours, minutes and seconds; not carried into days

  bool zero() const;
  // No years or months: every period has the same length, so periods can be found by dividing
  // a time by length() instead of by calendar arithmetic.
  bool fixed() const;
  // days × 24 h + time; the length of every period only when fixed().
  std::chrono::milliseconds length() const;

  bool operator==(const Duration&) const = default;
};

// Parses an ISO 8601 duration as described above. Errors are BadRequestData with a message that
// quotes the input and names the problem and its offset; `field` (e.g. "aggrPeriodDuration")
// prefixes the message when given.
Result<Duration> parse_duration(std::string_view text, std::string_view field = {});

// start + times × d, by calendar arithmetic in UTC: first times × (12 × years + months) months
// are added to the date, its day clamped to the last day of the month it lands in, then
// times × (days and time) are added as fixed lengths. Every multiple is computed from `start`,
// never by repeated addition: from 31 January, P1M gives 28/29 February and 2 × P1M 31 March.
// `times` is meant to be >= 0 (the k-th period of a series); a negative `times` counts back by
// the same rule. A result that a Timestamp (or the calendar, years -32767 to 32767) cannot hold
// saturates to Timestamp::max(), or Timestamp::min() when counting back, so that a loop over
// periods that stops at the end of a range always stops.
Timestamp add_duration(Timestamp start, const Duration& d, std::int64_t times = 1);

}  // namespace tsunagu::model
