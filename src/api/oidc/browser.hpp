#pragma once
// What the resident-facing routes share (docs/design/identity.md, "Pages"): the page language,
// the session and CSRF cookies, the checks of a submitted form, and HTML and redirect answers
// with the security headers every page carries.
//
// CSRF: a random value in an HttpOnly cookie, and in every form its HMAC under a key of this
// process (signed double submit). Another site can neither read the cookie nor forge the HMAC;
// a form from before a restart asks the resident to start again.

#include <optional>
#include <string>
#include <vector>

#include "api/oidc/pages.hpp"
#include "http/message.hpp"
#include "identity/accounts.hpp"

namespace tsunagu::api::oidc {

inline constexpr std::string_view kSessionCookie = "tsunagu_session";
inline constexpr std::string_view kCsrfCookie = "tsunagu_csrf";

using Form = std::vector<std::pair<std::string, std::string>>;

// One browser request as the routes see it.
struct BrowserRequest {
  Locale locale = Locale::Japanese;
  std::string csrf_cookie;  // the cookie's value (made afresh when the browser had none)
  bool new_csrf_cookie = false;
  std::string csrf_token;                // what this request's forms carry
  std::string session_token;             // the session cookie's value, "" when none
  std::vector<std::string> set_cookies;  // Set-Cookie values to send with the answer
  Form form;                             // the POSTed form (empty for GET)
  std::string address;                   // the client's address, for rate limits
};

class Browser {
 public:
  explicit Browser(bool secure_cookies);

  // Reads language, cookies and (for POST) the form. nullopt with `error` set when a POST is not
  // a well-formed form.
  BrowserRequest open(const http::Request& req) const;
  // Whether a POST carries the right CSRF token.
  bool csrf_ok(const BrowserRequest& b) const;

  void set_session(BrowserRequest& b, std::string_view token, std::chrono::seconds lifetime) const;
  void clear_session(BrowserRequest& b) const;

  // A complete page: HTML with the security headers, no caching, and the pending cookies.
  http::Response page(const BrowserRequest& b, int status, std::string html) const;
  // 303 See Other to `location` (after a POST the browser then GETs it).
  http::Response redirect(const BrowserRequest& b, std::string location) const;

  // A form field or query parameter given once.
  static std::optional<std::string> field(const BrowserRequest& b, std::string_view name);

  // The PageBase of every page: language, CSRF token, pending request.
  PageBase base(const BrowserRequest& b, std::optional<std::string> request = std::nullopt) const;

 private:
  std::string csrf_for(std::string_view cookie) const;

  const bool secure_cookies_;
  const std::string csrf_key_;  // random, made at start; constant after construction
};

}  // namespace tsunagu::api::oidc
