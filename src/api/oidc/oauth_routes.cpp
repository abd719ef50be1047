// OpenID Connect Discovery 1.0 (/.well-known/openid-configuration), the JWKS, and the OAuth 2.0
// endpoints: token (RFC 6749 section 4.4, the client_credentials grant), introspection
// (RFC 7662) and revocation (RFC 7009). Errors follow RFC 6749 section 5.2, which every client
// library reads: {"error": code, "error_description": text}.

#include "api/oidc/oidc.hpp"
#include "http/form.hpp"
#include "identity/scopes.hpp"
#include "model/json_text.hpp"

namespace tsunagu::api::oidc {
namespace json = boost::json;

namespace {

// `secret`: the answer holds a token or says something of one, and must not be cached
// (RFC 6749 5.1).
http::Response json_reply(int status, const json::value& body, bool secret = true) {
  http::Response res;
  res.status = status;
  res.header("Content-Type", "application/json");
  if (secret) {
    res.header("Cache-Control", "no-store");
    res.header("Pragma", "no-cache");
  }
  res.body = model::to_json_text(body);
  return res;
}

http::Response oauth_error(int status, std::string_view code, std::string_view description) {
  auto res = json_reply(status, json::object{{"error", code}, {"error_description", description}});
  if (code == "invalid_client") res.header("WWW-Authenticate", "Basic realm=\"tsunagu\"");
  return res;
}

using Form = std::vector<std::pair<std::string, std::string>>;

std::optional<http::Response> check_form(const http::Request& req, Form& form) {
  const auto type = req.header("Content-Type");
  if (!type || type->substr(0, type->find(';')) != "application/x-www-form-urlencoded") {
    return oauth_error(400, "invalid_request",
                       "the body must be application/x-www-form-urlencoded");
  }
  auto parsed = http::parse_form(req.body);
  if (!parsed) return oauth_error(400, "invalid_request", "the body is not valid form encoding");
  for (const auto& [name, value] : *parsed) {
    if (http::form_count(*parsed, name) > 1) {
      return oauth_error(400, "invalid_request", "parameter '" + name + "' is given twice");
    }
  }
  form = std::move(*parsed);
  return std::nullopt;
}

// The client of a request: HTTP Basic (client_secret_basic) or client_id and client_secret in
// the body (client_secret_post), not both (RFC 6749 2.3.1).
Result<store::ClientRecord> client_of(const http::Request& req, const Form& form,
                                      identity::ClientRegistry& clients) {
  auto id = http::form_value(form, "client_id");
  auto secret = http::form_value(form, "client_secret");
  if (auto header = req.header("Authorization")) {
    auto basic = http::basic_credentials(*header);
    if (!basic) return fail(ErrorKind::Unauthorized, "the Authorization header is not Basic");
    if (secret) {
      return fail(ErrorKind::InvalidRequest, "client credentials given twice (header and body)");
    }
    // The two parts are form-encoded before base64 (RFC 6749 2.3.1).
    auto user = http::percent_decode(basic->first, true);
    auto password = http::percent_decode(basic->second, true);
    if (!user || !password) return fail(ErrorKind::Unauthorized, "malformed client credentials");
    if (id && *id != *user) return fail(ErrorKind::InvalidRequest, "two different client ids");
    return clients.authenticate(*user, *password);
  }
  if (!id || !secret) {
    return fail(ErrorKind::Unauthorized,
                "client authentication is required (HTTP Basic or client_id and client_secret)");
  }
  return clients.authenticate(*id, *secret);
}

http::Response client_problem(const Error& e) {
  if (e.kind == ErrorKind::InvalidRequest) return oauth_error(400, "invalid_request", e.message);
  if (e.kind == ErrorKind::Unauthorized) return oauth_error(401, "invalid_client", e.message);
  return oauth_error(500, "server_error", e.message);
}

class OAuthRoutes {
 public:
  explicit OAuthRoutes(const OidcDeps& deps) : deps_(deps) {}

  void discovery(http::Request&&, http::Responder respond) {
    const auto issuer = deps_.tokens.settings()->issuer;
    json::object o;
    o["issuer"] = issuer;
    o["jwks_uri"] = issuer + "/oauth2/jwks";
    o["token_endpoint"] = issuer + "/oauth2/token";
    o["introspection_endpoint"] = issuer + "/oauth2/introspect";
    o["revocation_endpoint"] = issuer + "/oauth2/revoke";
    o["grant_types_supported"] = json::array{"client_credentials"};
    o["token_endpoint_auth_methods_supported"] =
        json::array{"client_secret_basic", "client_secret_post"};
    o["introspection_endpoint_auth_methods_supported"] =
        json::array{"client_secret_basic", "client_secret_post"};
    o["revocation_endpoint_auth_methods_supported"] =
        json::array{"client_secret_basic", "client_secret_post"};
    o["scopes_supported"] = json::array{"ngsi-ld:read", "ngsi-ld:write", "admin"};
    o["response_types_supported"] = json::array{};
    o["subject_types_supported"] = json::array{"public"};
    o["id_token_signing_alg_values_supported"] = json::array{"ES256"};
    o["token_endpoint_auth_signing_alg_values_supported"] = json::array{"ES256"};
    respond(json_reply(200, o, false));
  }

  void jwks(http::Request&&, http::Responder respond) {
    respond(json_reply(200, deps_.keys.jwks(), false));
  }

  void token(http::Request&& req, http::Responder respond) {
    Form form;
    if (auto problem = check_form(req, form)) return respond(std::move(*problem));
    auto client = client_of(req, form, deps_.clients);
    if (!client) return respond(client_problem(client.error()));
    const auto grant = http::form_value(form, "grant_type");
    if (!grant) return respond(oauth_error(400, "invalid_request", "grant_type is missing"));
    if (*grant != "client_credentials") {
      return respond(oauth_error(400, "unsupported_grant_type",
                                 "grant_type '" + *grant + "' is not supported"));
    }
    const auto scope = http::form_value(form, "scope").value_or("");
    auto issued = deps_.tokens.issue_for_client(*client, identity::split_scopes(scope));
    if (!issued) {
      const auto& e = issued.error();
      return respond(oauth_error(e.title.empty() ? 500 : 400,
                                 e.title.empty() ? "server_error" : e.title, e.message));
    }
    json::object body;
    body["access_token"] = issued->access_token;
    body["token_type"] = "Bearer";
    body["expires_in"] = issued->expires_in.count();
    body["scope"] = identity::join_scopes(issued->scopes);
    respond(json_reply(200, body));
  }

  void introspect(http::Request&& req, http::Responder respond) {
    Form form;
    if (auto problem = check_form(req, form)) return respond(std::move(*problem));
    auto client = client_of(req, form, deps_.clients);
    if (!client) return respond(client_problem(client.error()));
    const auto token = http::form_value(form, "token");
    if (!token) return respond(oauth_error(400, "invalid_request", "token is missing"));
    auto principal = deps_.tokens.verify(*token);
    if (!principal) return respond(json_reply(200, json::object{{"active", false}}));
    const auto settings = deps_.tokens.settings();
    std::vector<std::string> scopes(principal->scopes.begin(), principal->scopes.end());
    json::object body;
    body["active"] = true;
    body["scope"] = identity::join_scopes(scopes);
    body["client_id"] = principal->client_id;
    body["sub"] = principal->subject;
    body["token_type"] = "Bearer";
    body["iss"] = settings->issuer;
    body["aud"] = settings->audience;
    body["jti"] = principal->jti;
    body["iat"] =
        std::chrono::duration_cast<std::chrono::seconds>(principal->issued.time_since_epoch())
            .count();
    body["exp"] =
        std::chrono::duration_cast<std::chrono::seconds>(principal->expires.time_since_epoch())
            .count();
    respond(json_reply(200, body));
  }

  void revoke(http::Request&& req, http::Responder respond) {
    Form form;
    if (auto problem = check_form(req, form)) return respond(std::move(*problem));
    auto client = client_of(req, form, deps_.clients);
    if (!client) return respond(client_problem(client.error()));
    const auto token = http::form_value(form, "token");
    if (!token) return respond(oauth_error(400, "invalid_request", "token is missing"));
    // A client revokes its own tokens only; another's is left alone, and the answer is the same
    // (RFC 7009 2.2), so that it learns nothing about tokens not its own.
    auto principal = deps_.tokens.verify(*token);
    if (principal && principal->client_id == client->id) {
      if (auto st = deps_.tokens.revoke(*token); !st) {
        return respond(oauth_error(503, "temporarily_unavailable", st.error().message));
      }
    }
    http::Response res;
    res.header("Cache-Control", "no-store");
    respond(std::move(res));
  }

 private:
  const OidcDeps& deps_;
};

}  // namespace

void register_oauth_routes(http::Router& router, const OidcDeps& deps) {
  auto routes = std::make_shared<OAuthRoutes>(deps);
  auto bind = [routes](void (OAuthRoutes::*fn)(http::Request&&, http::Responder)) {
    return [routes, fn](http::Request&& req, http::Responder respond) {
      ((*routes).*fn)(std::move(req), std::move(respond));
    };
  };
  router.add("GET", "/.well-known/openid-configuration", bind(&OAuthRoutes::discovery));
  router.add("GET", "/oauth2/jwks", bind(&OAuthRoutes::jwks));
  router.add("POST", "/oauth2/token", bind(&OAuthRoutes::token));
  router.add("POST", "/oauth2/introspect", bind(&OAuthRoutes::introspect));
  router.add("POST", "/oauth2/revoke", bind(&OAuthRoutes::revoke));
}

}  // namespace tsunagu::api::oidc
