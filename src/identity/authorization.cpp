#include "identity/authorization.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <boost/url.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <charconv>

#include "identity/crypto.hpp"
#include "identity/scopes.hpp"
#include "model/json_text.hpp"

namespace tsunagu::identity {
namespace json = boost::json;

namespace {

constexpr std::string_view kRequestTicket = "request";
constexpr std::string_view kCodeTicket = "code";

std::unexpected<AuthorizeError> refuse(std::string error, std::string description,
                                       bool to_client = true) {
  return std::unexpected(AuthorizeError{to_client, std::move(error), std::move(description)});
}

std::unexpected<TokenError> grant_error(std::string description,
                                        std::string error = "invalid_grant") {
  return std::unexpected(TokenError{400, std::move(error), std::move(description)});
}

std::unexpected<TokenError> server_error(const Error& e) {
  return std::unexpected(TokenError{500, "server_error", e.message});
}

std::int64_t ms(model::Timestamp t) {
  return t.time_since_epoch().count();
}
model::Timestamp at(std::int64_t v) {
  return model::Timestamp(std::chrono::milliseconds(v));
}

json::array strings(const std::vector<std::string>& list) {
  return json::array(list.begin(), list.end());
}
std::vector<std::string> strings_of(const json::object& o, std::string_view name) {
  std::vector<std::string> out;
  if (const auto* v = o.if_contains(name); v && v->is_array()) {
    for (const auto& s : v->get_array()) {
      if (s.is_string()) out.emplace_back(s.get_string());
    }
  }
  return out;
}
std::string text(const json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}
std::int64_t number(const json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  return v && v->is_int64() ? v->get_int64() : 0;
}

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::string encode_request(const AuthorizationRequest& r) {
  json::object o;
  o["client_id"] = r.client_id;
  o["client_name"] = r.client_name;
  o["redirect_uri"] = r.redirect_uri;
  o["scopes"] = strings(r.scopes);
  o["state"] = r.state;
  o["nonce"] = r.nonce;
  o["code_challenge"] = r.code_challenge;
  o["prompt"] = strings({r.prompt.begin(), r.prompt.end()});
  if (r.max_age) o["max_age"] = *r.max_age;
  o["ui_locales"] = r.ui_locales;
  o["login_hint"] = r.login_hint;
  o["created"] = ms(r.created);
  return model::to_json_text(o);
}

std::optional<AuthorizationRequest> decode_request(std::string_view doc) {
  boost::system::error_code ec;
  auto v = json::parse(doc, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.get_object();
  AuthorizationRequest r;
  r.client_id = text(o, "client_id");
  r.client_name = text(o, "client_name");
  r.redirect_uri = text(o, "redirect_uri");
  r.scopes = strings_of(o, "scopes");
  r.state = text(o, "state");
  r.nonce = text(o, "nonce");
  r.code_challenge = text(o, "code_challenge");
  for (auto& p : strings_of(o, "prompt")) r.prompt.insert(std::move(p));
  if (o.contains("max_age")) r.max_age = number(o, "max_age");
  r.ui_locales = text(o, "ui_locales");
  r.login_hint = text(o, "login_hint");
  r.created = at(number(o, "created"));
  return r;
}

}  // namespace

std::string append_query(std::string_view uri,
                         const std::vector<std::pair<std::string, std::string>>& params) {
  auto url = boost::urls::parse_uri(uri);
  if (!url) return std::string(uri);
  boost::urls::url out(*url);
  // Everything but the unreserved characters is percent-encoded: a receiver decodes the query as
  // application/x-www-form-urlencoded (RFC 6749 appendix B), where a bare '+' is a space.
  for (const auto& [k, v] : params) {
    if (v.empty()) continue;
    const auto name = boost::urls::encode(k, boost::urls::unreserved_chars);
    const auto value = boost::urls::encode(v, boost::urls::unreserved_chars);
    out.encoded_params().append(
        {boost::urls::pct_string_view(name), boost::urls::pct_string_view(value)});
  }
  return std::string(out.buffer());
}

bool pkce_matches(std::string_view verifier, std::string_view challenge) {
  if (verifier.size() < 43 || verifier.size() > 128) return false;
  const bool unreserved = std::all_of(verifier.begin(), verifier.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
           c == '~';
  });
  return unreserved && constant_time_equal(base64url_encode(sha256(verifier)), challenge);
}

std::expected<AuthorizationRequest, AuthorizeError> AuthorizationService::check(
    const Parameters& params) {
  for (const auto* name : {"client_id", "redirect_uri", "response_type", "scope", "state", "nonce",
                           "code_challenge", "code_challenge_method", "prompt"}) {
    if (params.repeated(name)) {
      return refuse(
          "invalid_request", std::string(name) + " is given more than once",
          std::string_view(name) != "client_id" && std::string_view(name) != "redirect_uri");
    }
  }
  AuthorizationRequest r;
  r.client_id = params.get("client_id").value_or("");
  if (r.client_id.empty()) return refuse("invalid_request", "client_id is missing", false);
  auto client = clients_.get(r.client_id);
  if (!client) return refuse("invalid_request", "the client is not known", false);
  r.client_name = client->name;
  // OpenID Connect requires redirect_uri, and it must be one registered, exactly.
  r.redirect_uri = params.get("redirect_uri").value_or("");
  if (!contains(client->redirect_uris, r.redirect_uri)) {
    return refuse("invalid_request", "redirect_uri is not registered for this client", false);
  }
  r.state = params.get("state").value_or("");
  if (params.get("request") || params.get("request_uri")) {
    return refuse("request_not_supported", "request objects are not supported");
  }
  const auto response_type = params.get("response_type");
  if (!response_type) return refuse("invalid_request", "response_type is missing");
  if (*response_type != "code") {
    return refuse("unsupported_response_type", "only response_type=code is supported");
  }
  if (auto mode = params.get("response_mode"); mode && *mode != "query") {
    return refuse("invalid_request", "only response_mode=query is supported");
  }
  r.scopes = split_scopes(params.get("scope").value_or(""));
  if (r.scopes.empty()) return refuse("invalid_scope", "scope is missing");
  for (const auto& s : r.scopes) {
    if (s == "offline_access") continue;  // refresh tokens come with every code grant
    if (!contains(client->scopes, s)) {
      return refuse("invalid_scope", "the client may not ask for scope '" + s + "'");
    }
  }
  std::erase(r.scopes, "offline_access");
  r.nonce = params.get("nonce").value_or("");
  r.code_challenge = params.get("code_challenge").value_or("");
  const auto method =
      params.get("code_challenge_method").value_or(r.code_challenge.empty() ? "" : "plain");
  if (!r.code_challenge.empty() && method != "S256") {
    return refuse("invalid_request", "code_challenge_method must be S256");
  }
  if (r.code_challenge.empty() && !method.empty()) {
    return refuse("invalid_request", "code_challenge_method without code_challenge");
  }
  if (!r.code_challenge.empty() && r.code_challenge.size() != 43) {
    return refuse("invalid_request", "code_challenge must be a base64url SHA-256 (43 characters)");
  }
  if (r.code_challenge.empty() && client->secret_hash.empty()) {
    return refuse("invalid_request", "a public client must use PKCE (code_challenge, S256)");
  }
  for (auto& p : split_scopes(params.get("prompt").value_or(""))) {
    if (p != "none" && p != "login" && p != "consent") {
      return refuse("invalid_request", "prompt '" + p + "' is not supported");
    }
    r.prompt.insert(std::move(p));
  }
  if (r.prompt.contains("none") && r.prompt.size() > 1) {
    return refuse("invalid_request", "prompt=none cannot be combined with another value");
  }
  if (auto max_age = params.get("max_age")) {
    std::int64_t v = -1;
    const auto* end = max_age->data() + max_age->size();
    if (std::from_chars(max_age->data(), end, v).ptr != end || v < 0) {
      return refuse("invalid_request", "max_age must be a number of seconds");
    }
    r.max_age = v;
  }
  r.ui_locales = params.get("ui_locales").value_or("");
  r.login_hint = params.get("login_hint").value_or("");
  r.created = clock_.now();
  return r;
}

Result<std::string> AuthorizationService::save(const AuthorizationRequest& request) {
  auto id = random_token();
  store::Ticket t{secret_hash(id), encode_request(request),
                  clock_.now() + settings_.request_lifetime};
  if (auto st = accounts_.put_ticket(kRequestTicket, t); !st) return std::unexpected(st.error());
  return id;
}

Result<std::optional<AuthorizationRequest>> AuthorizationService::load(std::string_view id) {
  if (id.empty()) return std::optional<AuthorizationRequest>();
  auto t = accounts_.ticket(kRequestTicket, secret_hash(id), clock_.now());
  if (!t) return std::unexpected(t.error());
  if (!*t) return std::optional<AuthorizationRequest>();
  return decode_request((*t)->doc);
}

Status AuthorizationService::forget(std::string_view id) {
  return accounts_.drop_ticket(kRequestTicket, secret_hash(id));
}

bool AuthorizationService::needs_sign_in(const AuthorizationRequest& request,
                                         const std::optional<store::SessionRecord>& session) const {
  if (!session) return true;
  if (request.prompt.contains("login") && session->auth_time < request.created) return true;
  // A sign-in made for this very request satisfies any max_age (max_age=0 would otherwise ask
  // for the password again and again).
  if (request.max_age && session->auth_time < request.created &&
      clock_.now() - session->auth_time > std::chrono::seconds(*request.max_age)) {
    return true;
  }
  return false;
}

Result<bool> AuthorizationService::needs_consent(const AuthorizationRequest& request,
                                                 std::string_view account_id) {
  if (request.prompt.contains("consent")) return true;
  auto given = accounts_.consent(account_id, request.client_id);
  if (!given) return std::unexpected(given.error());
  if (!*given) return true;
  return !std::all_of(request.scopes.begin(), request.scopes.end(),
                      [&](const std::string& s) { return contains((*given)->scopes, s); });
}

Status AuthorizationService::record_consent(const AuthorizationRequest& request,
                                            std::string_view account_id) {
  auto given = accounts_.consent(account_id, request.client_id);
  if (!given) return std::unexpected(given.error());
  store::ConsentRecord c{std::string(account_id), request.client_id, request.scopes, clock_.now()};
  // What was consented to before stays consented to.
  if (*given) {
    for (const auto& s : (*given)->scopes) {
      if (!contains(c.scopes, s)) c.scopes.push_back(s);
    }
  }
  return accounts_.put_consent(c);
}

// What a code stands for: everything the token request needs to check and to issue.
struct AuthorizationService::Grant {
  std::string account_id;
  std::string client_id;
  std::string redirect_uri;
  std::vector<std::string> scopes;
  std::string nonce;
  std::string code_challenge;
  std::string session_hash;
  model::Timestamp auth_time{};
  std::vector<std::string> amr;
};

Result<std::string> AuthorizationService::redirect_with_code(const AuthorizationRequest& request,
                                                             const store::SessionRecord& session) {
  const auto code = random_token();
  json::object o;
  o["account_id"] = session.account_id;
  o["client_id"] = request.client_id;
  o["redirect_uri"] = request.redirect_uri;
  o["scopes"] = strings(request.scopes);
  o["nonce"] = request.nonce;
  o["code_challenge"] = request.code_challenge;
  o["session_hash"] = session.id_hash;
  o["auth_time"] = ms(session.auth_time);
  o["amr"] = strings(session.amr);
  store::Ticket t{secret_hash(code), model::to_json_text(o),
                  clock_.now() + settings_.code_lifetime};
  if (auto st = accounts_.put_ticket(kCodeTicket, t); !st) return std::unexpected(st.error());
  return append_query(
      request.redirect_uri,
      {{"code", code}, {"state", request.state}, {"iss", tokens_.settings()->issuer}});
}

std::string AuthorizationService::redirect_with_error(const AuthorizationRequest& request,
                                                      std::string_view error,
                                                      std::string_view description) const {
  return append_query(request.redirect_uri, {{"error", std::string(error)},
                                             {"error_description", std::string(description)},
                                             {"state", request.state},
                                             {"iss", tokens_.settings()->issuer}});
}

std::expected<TokenSet, TokenError> AuthorizationService::exchange_code(
    const store::ClientRecord& client, std::string_view code,
    std::optional<std::string> redirect_uri, std::optional<std::string> verifier) {
  const auto code_hash = secret_hash(code);
  auto consumed = accounts_.consume_ticket(kCodeTicket, code_hash, clock_.now());
  if (!consumed) return server_error(consumed.error());
  if (consumed->first == store::Consumed::Missing) {
    return grant_error("the code is not valid or has expired");
  }
  boost::system::error_code ec;
  auto doc = json::parse(consumed->second->doc, ec);
  if (ec || !doc.is_object())
    return server_error(Error{ErrorKind::InternalError, "corrupt code", ""});
  auto& o = doc.get_object();
  if (consumed->first == store::Consumed::AlreadyUsed) {
    // RFC 6749 4.1.2: a code used twice is stolen; what the first use granted is revoked.
    if (auto family = text(o, "family"); !family.empty()) {
      (void)accounts_.revoke_refresh_family(family);
    }
    if (auto jti = text(o, "access_jti"); !jti.empty()) {
      (void)tokens_.revoke_id(jti, at(number(o, "access_expires")));
    }
    return grant_error("the code has already been used");
  }
  Grant g{text(o, "account_id"),   text(o, "client_id"),       text(o, "redirect_uri"),
          strings_of(o, "scopes"), text(o, "nonce"),           text(o, "code_challenge"),
          text(o, "session_hash"), at(number(o, "auth_time")), strings_of(o, "amr")};
  if (g.client_id != client.id) return grant_error("the code was issued to another client");
  if (!redirect_uri || *redirect_uri != g.redirect_uri) {
    return grant_error("redirect_uri differs from the authorization request's");
  }
  if (!g.code_challenge.empty()) {
    if (!verifier) return grant_error("code_verifier is missing");
    if (!pkce_matches(*verifier, g.code_challenge)) {
      return grant_error("code_verifier does not match the code_challenge");
    }
  } else if (verifier) {
    return grant_error("code_verifier given, but the request had no code_challenge");
  }
  const auto family = random_token();
  store::RefreshTokenRecord refresh_record;
  auto issued = issue(client, g, family, refresh_record);
  if (!issued) return issued;
  if (auto st = accounts_.add_refresh_token(refresh_record); !st) return server_error(st.error());
  // Remember what the code granted, in case it comes back.
  o["family"] = family;
  o["access_jti"] = issued->access.jti;
  o["access_expires"] = ms(issued->access.expires);
  (void)accounts_.update_ticket_doc(kCodeTicket, code_hash, model::to_json_text(o));
  return issued;
}

std::expected<TokenSet, TokenError> AuthorizationService::issue(
    const store::ClientRecord& client, const Grant& g, const std::string& family,
    store::RefreshTokenRecord& refresh_record) {
  auto account = accounts_.account(g.account_id);
  if (!account) return server_error(account.error());
  if (!*account) return grant_error("the account no longer exists");
  ResidentGrant resident{g.account_id, g.scopes,
                         g.auth_time,  g.amr,
                         g.nonce,      base64url_encode(sha256(g.session_hash)).substr(0, 22)};
  auto access = tokens_.issue_for_resident(client, resident);
  if (!access) return server_error(access.error());
  TokenSet out;
  out.access = std::move(*access);
  if (contains(g.scopes, "openid")) {
    auto id_token = tokens_.issue_id_token(client, resident, out.access.access_token);
    if (!id_token) return server_error(id_token.error());
    out.id_token = std::move(*id_token);
  }
  out.refresh_token = random_token();
  const auto now = clock_.now();
  refresh_record = store::RefreshTokenRecord{secret_hash(out.refresh_token),
                                             family,
                                             g.account_id,
                                             client.id,
                                             join_scopes(g.scopes),
                                             g.session_hash,
                                             g.auth_time,
                                             now,
                                             now + settings_.refresh_lifetime,
                                             std::nullopt,
                                             false};
  return out;
}

std::expected<TokenSet, TokenError> AuthorizationService::refresh(
    const store::ClientRecord& client, std::string_view refresh_token,
    std::optional<std::string> scope) {
  const auto hash = secret_hash(refresh_token);
  auto found = accounts_.refresh_token(hash);
  if (!found) return server_error(found.error());
  const auto now = clock_.now();
  if (!*found || (*found)->client_id != client.id || (*found)->expires <= now) {
    return grant_error("the refresh token is not valid");
  }
  const auto& old = **found;
  if (old.revoked) return grant_error("the refresh token has been revoked");
  if (old.rotated) {
    // Reuse of a rotated token: one of its two holders is an attacker, and we cannot tell
    // which, so the whole family ends (RFC 9700 4.14.2).
    if (auto st = accounts_.revoke_refresh_family(old.family); !st) return server_error(st.error());
    return grant_error("the refresh token was already used; its grant is revoked");
  }
  auto scopes = split_scopes(old.scope);
  if (scope) {
    auto asked = split_scopes(*scope);
    for (const auto& s : asked) {
      if (!contains(scopes, s)) {
        return grant_error("scope '" + s + "' was not granted", "invalid_scope");
      }
    }
    scopes = std::move(asked);
  }
  Grant g{old.account_id, old.client_id, {}, scopes, {}, {}, old.session_hash, old.auth_time, {}};
  store::RefreshTokenRecord successor;
  auto issued = issue(client, g, old.family, successor);
  if (!issued) return issued;
  // The old token is marked rotated and its successor stored, once: of two requests racing with
  // the same token the loser is refused, and the family ends.
  auto rotated = accounts_.rotate_refresh_token(hash, now, successor);
  if (!rotated) return server_error(rotated.error());
  if (!*rotated) {
    (void)accounts_.revoke_refresh_family(old.family);
    return grant_error("the refresh token was already used; its grant is revoked");
  }
  return issued;
}

Status AuthorizationService::revoke_refresh_token(const store::ClientRecord& client,
                                                  std::string_view token) {
  auto found = accounts_.refresh_token(secret_hash(token));
  if (!found) return std::unexpected(found.error());
  if (!*found || (*found)->client_id != client.id) return ok();
  return accounts_.revoke_refresh_family((*found)->family);
}

}  // namespace tsunagu::identity
