#pragma once
// The broker as an OAuth 2.0 resource server (docs/design/identity.md): every NGSI-LD route is
// put behind a check of the request's bearer token (RFC 6750). Reads need the scope
// ngsi-ld:read, writes ngsi-ld:write, and the tenant of the request must be one the token was
// granted. Failures are ProblemDetails: 401 with WWW-Authenticate for a missing or bad token,
// 403 for a token that does not allow the request.

#include "broker/type_grant.hpp"
#include "consent/access_policy.hpp"
#include "http/router.hpp"
#include "identity/token_service.hpp"

namespace tsunagu::api::ngsild {

// Whether a route reads or writes: GET and HEAD read, and so do the two query endpoints that
// take their question as a POST body; everything else writes.
bool is_read(const std::string& method, const std::string& pattern);

// Wraps every route under /ngsi-ld/ of `router` (call after registering them). `tokens` must
// outlive the router.
void require_tokens(http::Router& router, identity::TokenService& tokens);

// The principal of a request, or the problem to answer with (Unauthorized, Forbidden).
Result<identity::Principal> authorize(const http::Request& req, identity::TokenService& tokens,
                                      bool write);

// The check of the platform's admin APIs: a valid token with the scope admin.
Status authorize_admin(const http::Request& req, identity::TokenService& tokens);

// The principal the token check found for this request; null when tokens are not required.
const identity::Principal* principal_of(const http::Request& req);

// Who reads personal data in this request (consent/access_policy.hpp): the token's client, as
// an operator when it holds the scope admin; anonymous when tokens are not required.
consent::Viewer viewer_of(const http::Request& req);

// The entity types the request may touch; none when it may touch every type.
std::optional<broker::TypeGrant> type_grant_of(const http::Request& req);

// The response for an authorization failure: the ProblemDetails, and WWW-Authenticate on 401.
http::Response access_problem(const Error& error);

}  // namespace tsunagu::api::ngsild
