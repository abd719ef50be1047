#pragma once
// The authorization code flow of OpenID Connect Core 1.0 (section 3.1) with PKCE (RFC 7636), and
// refresh tokens with rotation and reuse detection (OAuth 2.0 Security BCP, RFC 9700 4.14):
// checking an authorization request, keeping it while the resident signs in and consents,
// issuing the single-use code, and exchanging code and refresh tokens for tokens. Transport-free:
// the routes hand in parameters and get back decisions.
//
// Thread-safe: it keeps references only; the store serialises what must not race (a code used
// twice at once is Fresh for one caller only; a refresh token rotates once).

#include <chrono>
#include <expected>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "identity/client_registry.hpp"
#include "identity/token_service.hpp"
#include "store/account_store.hpp"

namespace tsunagu::identity {

struct AuthorizationSettings {
  std::chrono::seconds code_lifetime{60};
  std::chrono::seconds request_lifetime{std::chrono::minutes(30)};
  std::chrono::seconds refresh_lifetime{std::chrono::days(30)};
};

struct AuthorizationRequest {
  std::string client_id;
  std::string client_name;
  std::string redirect_uri;
  std::vector<std::string> scopes;
  std::string state;
  std::string nonce;
  std::string code_challenge;           // S256 only
  std::set<std::string> prompt;         // "none", "login", "consent"
  std::optional<std::int64_t> max_age;  // seconds
  std::string ui_locales;
  std::string login_hint;
  model::Timestamp created{};
};

// Why a request cannot go on (OpenID Connect Core 3.1.2.6). When the client or its redirect URI
// is unknown the error must be shown to the resident, never sent to the URI (`to_client` false).
struct AuthorizeError {
  bool to_client = true;
  std::string error;  // invalid_request, unsupported_response_type, invalid_scope, ...
  std::string description;
};

// An error of the token endpoint (RFC 6749 5.2).
struct TokenError {
  int status = 400;
  std::string error;  // invalid_grant, invalid_request, invalid_scope, server_error
  std::string description;
};

struct TokenSet {
  IssuedToken access;
  std::optional<std::string> id_token;
  std::string refresh_token;
};

// Reads one parameter of the request: nullopt when absent; `repeated` is set when it was given
// more than once (OAuth 2.0 forbids that).
struct Parameters {
  std::function<std::optional<std::string>(std::string_view name)> get;
  std::function<bool(std::string_view name)> repeated;
};

class AuthorizationService {
 public:
  AuthorizationService(store::AccountStore& accounts, ClientRegistry& clients, TokenService& tokens,
                       const model::Clock& clock, AuthorizationSettings settings = {})
      : accounts_(accounts),
        clients_(clients),
        tokens_(tokens),
        clock_(clock),
        settings_(settings) {}

  // Checks the request parameters of /oauth2/authorize.
  std::expected<AuthorizationRequest, AuthorizeError> check(const Parameters& params);

  // Keeps the request while the resident signs in and consents: the id the pages carry.
  Result<std::string> save(const AuthorizationRequest& request);
  // nullopt when unknown or expired.
  Result<std::optional<AuthorizationRequest>> load(std::string_view id);
  Status forget(std::string_view id);

  // Whether the resident must (again) prove who they are: no session, prompt=login given after
  // the session's sign-in, or max_age exceeded.
  bool needs_sign_in(const AuthorizationRequest& request,
                     const std::optional<store::SessionRecord>& session) const;
  Result<bool> needs_consent(const AuthorizationRequest& request, std::string_view account_id);
  Status record_consent(const AuthorizationRequest& request, std::string_view account_id);

  // The redirect URI with a fresh code, the state and the issuer (RFC 9207).
  Result<std::string> redirect_with_code(const AuthorizationRequest& request,
                                         const store::SessionRecord& session);
  std::string redirect_with_error(const AuthorizationRequest& request, std::string_view error,
                                  std::string_view description) const;

  // grant_type=authorization_code. `client` is authenticated (or public, with no secret).
  std::expected<TokenSet, TokenError> exchange_code(const store::ClientRecord& client,
                                                    std::string_view code,
                                                    std::optional<std::string> redirect_uri,
                                                    std::optional<std::string> verifier);
  // grant_type=refresh_token, with an optional narrower scope.
  std::expected<TokenSet, TokenError> refresh(const store::ClientRecord& client,
                                              std::string_view refresh_token,
                                              std::optional<std::string> scope);
  // RFC 7009 for a refresh token: revokes its whole family when it belongs to `client`.
  Status revoke_refresh_token(const store::ClientRecord& client, std::string_view token);

 private:
  struct Grant;
  // The tokens of a grant; `refresh_record` is the refresh token to store (the caller stores it,
  // as a new family or as a successor).
  std::expected<TokenSet, TokenError> issue(const store::ClientRecord& client, const Grant& grant,
                                            const std::string& family,
                                            store::RefreshTokenRecord& refresh_record);

  store::AccountStore& accounts_;
  ClientRegistry& clients_;
  TokenService& tokens_;
  const model::Clock& clock_;
  const AuthorizationSettings settings_;
};

// `uri` with the non-empty `params` appended to its query (RFC 6749 3.1.2 keeps a query the
// registered URI has).
std::string append_query(std::string_view uri,
                         const std::vector<std::pair<std::string, std::string>>& params);

// RFC 7636 4.6: BASE64URL(SHA256(ASCII(verifier))) == challenge, for a verifier of 43 to 128
// unreserved characters.
bool pkce_matches(std::string_view verifier, std::string_view challenge);

}  // namespace tsunagu::identity
