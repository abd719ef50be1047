#pragma once
// How every backend stores a timestamp: integer milliseconds since the epoch.

#include <chrono>
#include <cstdint>

#include "model/time.hpp"

namespace tsunagu::store {

inline std::int64_t to_ms(model::Timestamp t) {
  return t.time_since_epoch().count();
}
inline model::Timestamp from_ms(std::int64_t ms) {
  return model::Timestamp(std::chrono::milliseconds(ms));
}

}  // namespace tsunagu::store
