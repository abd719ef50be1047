#pragma once
// The data set of the temporal scenarios (docs/performance.md, "History"): SENSORS sensors of
// type Sensor, each with READINGS readings of `level`, one every 5 minutes from
// 2026-01-01T00:00:00Z, the value a pure function of sensor and reading (a daily cycle plus
// noise), so that every run loads the same history. bench/lua/temporal_common.lua names the
// sensors the same way.

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>

namespace tsunagu::bench {

struct SensorSeries {
  static constexpr std::int64_t kStartMs = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
  static constexpr std::int64_t kStepMs = 5 * 60'000;
  static constexpr std::int64_t kDayMs = 86'400'000;

  static std::string id(std::uint64_t sensor) {
    return "urn:ngsi-ld:Sensor:bench-" + std::to_string(sensor);
  }

  static std::int64_t time_ms(std::uint64_t reading) {
    return kStartMs + static_cast<std::int64_t>(reading) * kStepMs;
  }

  // One decimal, 0 to about 60.
  static double value(std::uint64_t sensor, std::uint64_t reading) {
    std::uint64_t z = sensor * 0x9E3779B97F4A7C15ULL + reading + 1;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    const double noise = static_cast<double>(z % 1000) / 100.0;  // 0 .. 9.99
    const double cycle = 20.0 * std::sin(static_cast<double>(reading) / 288.0 * 6.283185307);
    return std::round((25.0 + cycle + noise) * 10.0) / 10.0;
  }

  // "2026-01-01T00:05:00Z"
  static std::string iso(std::int64_t ms) {
    const std::time_t s = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    ::gmtime_r(&s, &tm);
    char buf[80];  // room for any int the compiler imagines
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
  }
};

}  // namespace tsunagu::bench
