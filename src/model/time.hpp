#pragma once
// Instants, dates and times as NGSI-LD exchanges them, and the clock that stamps createdAt,
// modifiedAt and default observedAt values.
//
// NGSI-LD (ETSI GS CIM 009, clause 4.6.3) encodes DateTime, Date and Time as ISO 8601 strings
// and expresses them in UTC. What this module accepts, and why:
//   - date-time: YYYY-MM-DDThh:mm:ss[.fraction](Z|+hh:mm|-hh:mm), the RFC 3339 profile of
//     ISO 8601. An offset names one instant unambiguously, so it is accepted and converted to
//     UTC (Japanese clients often send +09:00). A date-time without a zone is rejected: it names
//     a local time that the broker cannot place, and the specification asks for UTC.
//   - 't' and 'z' may be lowercase, as RFC 3339 (section 5.6) allows.
//   - A fraction may have any number of digits; it is truncated to milliseconds, the precision
//     we store and return.
//   - Leap seconds (second 60) are rejected: the system clock has no such instant.
//   - Years 0000 to 9999 only, so that every accepted value formats back to the same shape.

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>

#include "model/error.hpp"

namespace tsunagu::model {

using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

// Parses an NGSI-LD DateTime; offsets are converted to UTC. `field` (e.g. "observedAt") prefixes
// error messages when given.
Result<Timestamp> parse_datetime(std::string_view text, std::string_view field = {});

// The one output form: UTC with milliseconds, e.g. "2024-01-31T09:30:00.000Z".
std::string format_datetime(Timestamp t);

// Parses an NGSI-LD Date value, "YYYY-MM-DD".
Result<std::chrono::sys_days> parse_date(std::string_view text, std::string_view field = {});

// Parses an NGSI-LD Time value, "hh:mm:ss[.fraction][Z]", as the time since midnight UTC
// (fraction truncated to milliseconds). Offsets are rejected: a time of day has no date to carry
// an offset across midnight.
Result<std::chrono::milliseconds> parse_time(std::string_view text, std::string_view field = {});

// Where "now" comes from. Services take a Clock so that tests can drive time (expiry,
// throttling, observedAt defaults) instead of sleeping.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Timestamp now() const override;
};

// A clock that moves only when told to. Thread-safe: one test thread may set or advance it while
// the code under test reads it from others.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start = Timestamp{}) : ms_(start.time_since_epoch().count()) {}

  Timestamp now() const override;
  void set(Timestamp t);
  void advance(std::chrono::milliseconds step);

 private:
  std::atomic<Timestamp::rep> ms_;  // milliseconds since the Unix epoch
};

}  // namespace tsunagu::model
