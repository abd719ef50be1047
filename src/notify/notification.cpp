#include "notify/notification.hpp"

#include <cctype>

namespace tsunagu::notify {

std::string endpoint_scheme(std::string_view endpoint) {
  const auto colon = endpoint.find(':');
  if (colon == std::string_view::npos || colon == 0) return {};
  std::string scheme;
  for (char c : endpoint.substr(0, colon)) {
    // RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
    const auto u = static_cast<unsigned char>(c);
    if (!std::isalnum(u) && c != '+' && c != '-' && c != '.') return {};
    scheme += static_cast<char>(std::tolower(u));
  }
  return std::isalpha(static_cast<unsigned char>(scheme[0])) ? scheme : std::string();
}

}  // namespace tsunagu::notify
