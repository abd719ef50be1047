#pragma once
// A browser for the tests of oneID's resident side (oidc_code_flow_test.cpp): it keeps the
// cookies the server sets (HttpClient keeps none), reads the CSRF token of the last page's forms
// and posts forms with it, as a browser submitting the page would. Also what a client and a
// resident compute for themselves: PKCE challenges (RFC 7636), TOTP codes (RFC 6238), the links
// in the mails spooled to <data-dir>/outbox, and ES256 signatures checked against the JWKS.
//
// Like the rest of the suite it never includes src/: everything here is written from the RFCs
// and the server's HTTP contract.

#include <boost/json.hpp>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness.hpp"
#include "oidc_support.hpp"

namespace tsunagu::it {

using Fields = std::vector<std::pair<std::string, std::string>>;

// The value attribute (HTML entities decoded) of the first <input> whose name attribute is
// `name`; nullopt when there is none.
std::optional<std::string> input_value(std::string_view html, std::string_view name);

// The query parameters of a URL or target, percent-decoded ('+' as a space); the first value of
// each name.
std::map<std::string, std::string> query_of(std::string_view url);
// The URL without its query (and fragment).
std::string without_query(std::string_view url);
// The path and query of an absolute http:// URL ("/account/verify?token=..."); the text as it
// is when it is not absolute.
std::string target_of(std::string_view url);

// RFC 7636: a fresh code_verifier of 64 unreserved characters, and its S256 code_challenge
// (BASE64URL(SHA256(verifier)), unpadded).
std::string pkce_verifier();
std::string pkce_s256(std::string_view verifier);
// BASE64URL of the left half of SHA-256(text): at_hash of an ES256 ID token (OpenID Connect
// Core 3.1.3.6).
std::string left_half_sha256(std::string_view text);

// RFC 4648 base32 (case and '=' padding ignored); nullopt for any other character.
std::optional<std::string> base32_decode(std::string_view text);
// The 6-digit TOTP code (RFC 6238: HMAC-SHA-1, 30 s steps from the epoch) of a base32 secret for
// time step `step`.
std::string totp_code(std::string_view base32_secret, std::int64_t step);
// The current time step: floor(unix time / 30).
std::int64_t totp_step_now();

// One mail spooled in an outbox directory.
struct SpooledMail {
  std::filesystem::path file;
  std::string to;       // the To header as written
  std::string subject;  // the Subject header as written (maybe an encoded word)
  std::string body;     // the body, base64-decoded (Content-Transfer-Encoding: base64)
};
// Every mail in `outbox` whose To is `to` (compared ignoring ASCII case), in file name order.
std::vector<SpooledMail> spooled_mails(const std::filesystem::path& outbox, std::string_view to);
// Every absolute http(s) link in `text` whose path is `path` (the links of a mail body), in
// order.
std::vector<std::string> links_in(std::string_view text, std::string_view path);

// Whether the compact JWS `token` has alg ES256 and a signature that the JWK of its kid in
// `jwks` ({"keys": [...]}) verifies.
bool es256_verifies(std::string_view token, const boost::json::value& jwks);

// What a Set-Cookie of `res` does to the cookie `name`: nullopt when it sets none; "" when it
// deletes it (Max-Age=0 or an empty value); the value otherwise.
std::optional<std::string> set_cookie_value(const Response& res, std::string_view name);
// The attributes of the Set-Cookie of `name` in `res` ("Path=/; HttpOnly; SameSite=Lax"); ""
// when there is none.
std::string set_cookie_attributes(const Response& res, std::string_view name);

// `tsunagu clients add` with redirect URIs, public (--public: no secret) or confidential;
// throws std::runtime_error quoting the output when it fails.
ClientCredentials register_client(const std::filesystem::path& data_dir, const std::string& name,
                                  bool is_public, const std::vector<std::string>& redirect_uris,
                                  const std::vector<std::string>& scopes);

// A browser on one server: a cookie jar, the CSRF token of the last page that had one, and the
// language it asks for (Accept-Language) so that the tests can read the pages' English texts.
class Browser {
 public:
  explicit Browser(const ServerProcess& server, std::string accept_language = "en");

  // GET/POST with the jar's cookies; the jar takes the response's Set-Cookie, and an HTML page's
  // CSRF token becomes csrf(). post() sends `fields` as they are (no CSRF token added).
  Response get(std::string_view target, const Headers& extra = {});
  Response post(std::string_view target, const Fields& fields, const Headers& extra = {});
  // A form of the last page submitted: `fields` with csrf = csrf() added.
  Response submit(std::string_view target, Fields fields);

  // The CSRF token of the last page that carried one ("" before any).
  const std::string& csrf() const { return csrf_; }
  std::optional<std::string> cookie(std::string_view name) const;
  void set_cookie(const std::string& name, const std::string& value) { cookies_[name] = value; }
  void drop_cookie(const std::string& name) { cookies_.erase(name); }
  HttpClient& http() { return http_; }

 private:
  Headers headers_with(const Headers& extra) const;
  Response absorb(Response res);

  HttpClient http_;
  std::string language_;
  std::map<std::string, std::string> cookies_;
  std::string csrf_;
};

// Registers a resident in `b` (/account/register) and follows the one link mailed to confirm the
// address, as found in the outbox of `data_dir`. False, with a test failure, when a step fails.
bool register_verified(Browser& b, const std::filesystem::path& data_dir, const std::string& email,
                       const std::string& password);

// The authorization code flow with PKCE of a registered, verified resident in `b`: the
// authorize request (`n` makes state and nonce distinct), sign-in, the consent page when it is
// shown, and the code exchanged at the token endpoint by the public client `client_id`. The
// access token; "" with a test failure when a step fails.
std::string code_flow_token(Browser& b, const std::string& client_id,
                            const std::string& redirect_uri, const std::string& email,
                            const std::string& password, const std::string& scope, int n);

}  // namespace tsunagu::it
