#include "api/ngsild/access.hpp"

#include <algorithm>

#include "api/ngsild/problem.hpp"
#include "identity/scopes.hpp"

namespace tsunagu::api::ngsild {

namespace {

std::unexpected<Error> forbidden(std::string message) {
  return fail(ErrorKind::Forbidden, std::move(message));
}

// Header values may not hold line breaks or quotes; a description is ours, but be sure.
std::string quoted_safe(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != '"' && c != '\\' && c != '\r' && c != '\n') out += c;
  }
  return out;
}

}  // namespace

bool is_read(const std::string& method, const std::string& pattern) {
  if (method == "GET" || method == "HEAD") return true;
  return method == "POST" && (pattern == "/ngsi-ld/v1/entityOperations/query" ||
                              pattern == "/ngsi-ld/v1/temporal/entityOperations/query");
}

Result<identity::Principal> authorize(const http::Request& req, identity::TokenService& tokens,
                                      bool write) {
  auto principal = tokens.verify_bearer(req.header("Authorization"));
  if (!principal) return principal;
  const auto scope = write ? identity::kScopeWrite : identity::kScopeRead;
  if (!principal->has(scope)) {
    return forbidden("the token does not grant the scope " + std::string(scope));
  }
  if (principal->tenants) {
    const auto tenant = req.header("NGSILD-Tenant");
    const std::string name = tenant && !tenant->empty() ? std::string(*tenant) : "_default";
    if (std::find(principal->tenants->begin(), principal->tenants->end(), name) ==
        principal->tenants->end()) {
      return forbidden("the token does not grant tenant '" + name + "'");
    }
  }
  return principal;
}

Status authorize_admin(const http::Request& req, identity::TokenService& tokens) {
  auto principal = tokens.verify_bearer(req.header("Authorization"));
  if (!principal) return std::unexpected(principal.error());
  if (!principal->has(identity::kScopeAdmin)) {
    return forbidden("the admin API needs a token with the scope admin");
  }
  return ok();
}

http::Response access_problem(const Error& error) {
  auto res = problem_response(error);
  if (error.kind == ErrorKind::Unauthorized && error.message == identity::TokenService::kNoToken) {
    // RFC 6750 3.1: a request without credentials gets the challenge, without an error code.
    res.header("WWW-Authenticate", "Bearer realm=\"tsunagu\"");
  } else if (error.kind == ErrorKind::Unauthorized) {
    res.header("WWW-Authenticate",
               "Bearer realm=\"tsunagu\", error=\"invalid_token\", "
               "error_description=\"" +
                   quoted_safe(error.message) + "\"");
  } else if (error.kind == ErrorKind::Forbidden) {
    res.header("WWW-Authenticate", "Bearer realm=\"tsunagu\", error=\"insufficient_scope\"");
  }
  return res;
}

const identity::Principal* principal_of(const http::Request& req) {
  const auto* p = std::any_cast<std::shared_ptr<const identity::Principal>>(&req.auth);
  return p ? p->get() : nullptr;
}

consent::Viewer viewer_of(const http::Request& req) {
  const auto* p = principal_of(req);
  if (!p) return consent::Viewer::anonymous();
  if (p->has(identity::kScopeAdmin)) return consent::Viewer::operator_client(p->client_id);
  return consent::Viewer::client(p->client_id);
}

std::optional<broker::TypeGrant> type_grant_of(const http::Request& req) {
  const auto* p = principal_of(req);
  if (!p || !p->types) return std::nullopt;
  return broker::TypeGrant{*p->types};
}

void require_tokens(http::Router& router, identity::TokenService& tokens) {
  router.wrap("/ngsi-ld",
              [&tokens](const std::string& method, const std::string& pattern,
                        http::Handler inner) -> http::Handler {
                const bool write = !is_read(method, pattern);
                return [&tokens, write, inner = std::move(inner)](http::Request&& req,
                                                                  http::Responder respond) {
                  auto principal = authorize(req, tokens, write);
                  if (!principal) return respond(access_problem(principal.error()));
                  req.auth = std::make_shared<const identity::Principal>(std::move(*principal));
                  inner(std::move(req), std::move(respond));
                };
              });
}

}  // namespace tsunagu::api::ngsild
