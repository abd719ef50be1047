#include "model/uuid.hpp"

#include <array>
#include <cstdio>
#include <random>

namespace tsunagu::model {

std::string random_uuid() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const auto hi = rng(), lo = rng();
  std::array<char, 37> text{};
  std::snprintf(text.data(), text.size(), "%08x-%04x-4%03x-%04x-%012llx",
                static_cast<unsigned>(hi >> 32), static_cast<unsigned>((hi >> 16) & 0xffff),
                static_cast<unsigned>(hi & 0x0fff),
                static_cast<unsigned>(0x8000 | ((lo >> 48) & 0x3fff)),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return text.data();
}

}  // namespace tsunagu::model
