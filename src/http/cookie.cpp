#include "http/cookie.hpp"

namespace tsunagu::http {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::string> cookie(const Request& req, std::string_view name) {
  // Several Cookie fields may arrive (HTTP/2 splits them); each is "a=b; c=d".
  for (const auto& field : req.headers) {
    if (!boost::beast::iequals(field.name_string(), "cookie")) continue;
    std::string_view rest = field.value();
    while (!rest.empty()) {
      const auto semi = rest.find(';');
      const auto pair = trim(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      const auto eq = pair.find('=');
      if (eq == std::string_view::npos || trim(pair.substr(0, eq)) != name) continue;
      auto value = trim(pair.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      return std::string(value);
    }
  }
  return std::nullopt;
}

std::string set_cookie(std::string_view name, std::string_view value,
                       const CookieOptions& options) {
  std::string out =
      std::string(name) + "=" + std::string(value) + "; Path=" + std::string(options.path);
  if (options.max_age) out += "; Max-Age=" + std::to_string(options.max_age->count());
  if (options.secure) out += "; Secure";
  if (options.http_only) out += "; HttpOnly";
  out += "; SameSite=" + std::string(options.same_site);
  return out;
}

}  // namespace tsunagu::http
