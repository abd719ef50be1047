#include "api/oidc/browser.hpp"

#include "http/cookie.hpp"
#include "http/form.hpp"
#include "identity/crypto.hpp"

namespace tsunagu::api::oidc {

namespace {

// The pages load nothing from anywhere and may not be framed (clickjacking of the consent
// button); forms post to this origin only.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'";

void security_headers(http::Response& res) {
  res.header("Content-Security-Policy", std::string(kContentSecurityPolicy));
  res.header("X-Frame-Options", "DENY");
  res.header("X-Content-Type-Options", "nosniff");
  res.header("Referrer-Policy", "no-referrer");
  res.header("Cache-Control", "no-store");
}

}  // namespace

Browser::Browser(bool secure_cookies)
    : secure_cookies_(secure_cookies), csrf_key_(identity::random_bytes(32)) {}

std::string Browser::csrf_for(std::string_view cookie) const {
  return identity::base64url_encode(identity::hmac_sha256(csrf_key_, cookie));
}

BrowserRequest Browser::open(const http::Request& req) const {
  BrowserRequest b;
  b.address = req.peer;
  if (req.method == "POST") {
    const auto type = req.header("Content-Type").value_or("");
    if (type.substr(0, type.find(';')) == "application/x-www-form-urlencoded") {
      b.form = http::parse_form(req.body).value_or(Form{});
    }
  }
  // The query counts too: a language link or a mailed link is a GET. It is read as a form
  // (OAuth 2.0 requests are form-encoded: '+' is a space), not as the server split it.
  if (const auto q = req.target.find('?'); q != std::string::npos) {
    for (auto& kv : http::parse_form(std::string_view(req.target).substr(q + 1)).value_or(Form{})) {
      b.form.push_back(std::move(kv));
    }
  }
  auto ui_locales = field(b, "ui_locales");
  if (!ui_locales) ui_locales = field(b, kFieldLocale);
  b.locale = negotiate_locale(ui_locales, req.header("Accept-Language"));
  b.session_token = http::cookie(req, kSessionCookie).value_or("");
  auto csrf = http::cookie(req, kCsrfCookie);
  if (!csrf || csrf->size() < 32) {
    b.csrf_cookie = identity::random_token();
    b.new_csrf_cookie = true;
    b.set_cookies.push_back(http::set_cookie(kCsrfCookie, b.csrf_cookie,
                                             {.max_age = std::nullopt,
                                              .secure = secure_cookies_,
                                              .http_only = true,
                                              .same_site = "Lax",
                                              .path = "/"}));
  } else {
    b.csrf_cookie = *csrf;
  }
  b.csrf_token = csrf_for(b.csrf_cookie);
  return b;
}

bool Browser::csrf_ok(const BrowserRequest& b) const {
  if (b.new_csrf_cookie) return false;
  const auto sent = http::form_value(b.form, kFieldCsrf);
  return sent && identity::constant_time_equal(*sent, b.csrf_token);
}

void Browser::set_session(BrowserRequest& b, std::string_view token,
                          std::chrono::seconds lifetime) const {
  b.session_token = std::string(token);
  b.set_cookies.push_back(http::set_cookie(kSessionCookie, token,
                                           {.max_age = lifetime,
                                            .secure = secure_cookies_,
                                            .http_only = true,
                                            .same_site = "Lax",
                                            .path = "/"}));
}

void Browser::clear_session(BrowserRequest& b) const {
  b.session_token.clear();
  b.set_cookies.push_back(http::set_cookie(kSessionCookie, "",
                                           {.max_age = std::chrono::seconds(0),
                                            .secure = secure_cookies_,
                                            .http_only = true,
                                            .same_site = "Lax",
                                            .path = "/"}));
}

http::Response Browser::page(const BrowserRequest& b, int status, std::string html) const {
  http::Response res;
  res.status = status;
  res.header("Content-Type", "text/html; charset=utf-8");
  security_headers(res);
  for (const auto& c : b.set_cookies) res.header("Set-Cookie", c);
  res.body = std::move(html);
  return res;
}

http::Response Browser::redirect(const BrowserRequest& b, std::string location) const {
  http::Response res;
  res.status = 303;
  res.header("Location", std::move(location));
  security_headers(res);
  for (const auto& c : b.set_cookies) res.header("Set-Cookie", c);
  return res;
}

std::optional<std::string> Browser::field(const BrowserRequest& b, std::string_view name) {
  return http::form_value(b.form, name);
}

PageBase Browser::base(const BrowserRequest& b, std::optional<std::string> request) const {
  PageBase p;
  p.locale = b.locale;
  p.csrf = b.csrf_token;
  p.request = std::move(request);
  return p;
}

}  // namespace tsunagu::api::oidc
