#pragma once
// oneID's HTTP APIs (docs/design/identity.md): OpenID Connect discovery, the JWKS, and the OAuth
// 2.0 endpoints (token, introspection RFC 7662, revocation RFC 7009) under /oauth2; the admin API
// of clients under /admin/v1.

#include "http/router.hpp"
#include "identity/accounts.hpp"
#include "identity/authorization.hpp"
#include "identity/client_registry.hpp"
#include "identity/key_ring.hpp"
#include "identity/token_service.hpp"
#include "identity/upstream.hpp"

namespace tsunagu::consent {
class ConsentService;
}
namespace tsunagu::store {
class AuditLog;
}

namespace tsunagu::api::oidc {

struct OidcDeps {
  identity::TokenService& tokens;
  identity::KeyRing& keys;
  identity::ClientRegistry& clients;
  identity::AccountService& accounts;
  identity::AuthorizationService& authorization;
  const std::vector<std::unique_ptr<identity::UpstreamProvider>>& upstreams;
  // false only with --insecure-no-auth on loopback: the admin API then needs no token either.
  bool require_tokens = true;
  // Whether cookies carry the Secure attribute; off only for a plain-http issuer on loopback
  // (browsers refuse Secure cookies from http origins other than localhost).
  bool secure_cookies = true;
  // The resident's pages about their personal data (/account/consents, /account/activity): the
  // consents and the audit log of who used the data. Null: those pages answer 404.
  consent::ConsentService* consent = nullptr;
  store::AuditLog* audit = nullptr;
};

// `deps` must outlive the router.
void register_oauth_routes(http::Router& router, const OidcDeps& deps);
void register_admin_routes(http::Router& router, const OidcDeps& deps);
// The resident's side: /oauth2/authorize, consent, sign-in, registration, password reset, the
// account page with the pages about the resident's personal data, userinfo and RP-initiated
// logout.
void register_browser_routes(http::Router& router, const OidcDeps& deps);

}  // namespace tsunagu::api::oidc
