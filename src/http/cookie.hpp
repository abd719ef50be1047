#pragma once
// HTTP cookies (RFC 6265): reading one from a request's Cookie header, and writing Set-Cookie.
// Transport only: what a cookie means is the application's business.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace tsunagu::http {

// The value of the cookie `name` (the first, should there be several); nullopt when absent.
std::optional<std::string> cookie(const Request& req, std::string_view name);

struct CookieOptions {
  std::optional<std::chrono::seconds> max_age;  // unset: a session cookie; 0: delete it
  bool secure = true;
  bool http_only = true;
  std::string_view same_site = "Lax";  // "Strict", "Lax" or "None"
  std::string_view path = "/";
};

// The Set-Cookie header value. `value` must be cookie-octets (RFC 6265 4.1.1), as random
// base64url tokens are.
std::string set_cookie(std::string_view name, std::string_view value, const CookieOptions& options);

}  // namespace tsunagu::http
