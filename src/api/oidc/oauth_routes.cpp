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
  if (id && !secret) {
    // A public client names itself and proves nothing; it may use only the grants that PKCE or
    // a refresh token bound to it protect (the token route checks which grant).
    auto client = clients.get(*id);
    if (client && client->secret_hash.empty()) return client;
  }
  if (!id || !secret) {
    return fail(ErrorKind::Unauthorized,
                "client authentication is required (HTTP Basic or client_id and client_secret)");
  }
  return clients.authenticate(*id, *secret);
}

json::object token_body(const identity::TokenSet& set) {
  json::object body;
  body["access_token"] = set.access.access_token;
  body["token_type"] = "Bearer";
  body["expires_in"] = set.access.expires_in.count();
  body["scope"] = identity::join_scopes(set.access.scopes);
  if (set.id_token) body["id_token"] = *set.id_token;
  body["refresh_token"] = set.refresh_token;
  return body;
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
    o["authorization_endpoint"] = issuer + "/oauth2/authorize";
    o["userinfo_endpoint"] = issuer + "/oauth2/userinfo";
    o["end_session_endpoint"] = issuer + "/oauth2/logout";
    o["grant_types_supported"] =
        json::array{"authorization_code", "refresh_token", "client_credentials"};
    o["token_endpoint_auth_methods_supported"] =
        json::array{"client_secret_basic", "client_secret_post", "none"};
    o["code_challenge_methods_supported"] = json::array{"S256"};
    o["response_modes_supported"] = json::array{"query"};
    o["prompt_values_supported"] = json::array{"none", "login", "consent"};
    o["claims_supported"] = json::array{"sub",
                                        "iss",
                                        "aud",
                                        "exp",
                                        "iat",
                                        "auth_time",
                                        "nonce",
                                        "amr",
                                        "sid",
                                        "email",
                                        "email_verified",
                                        "name",
                                        "locale"};
    o["authorization_response_iss_parameter_supported"] = true;
    o["ui_locales_supported"] = json::array{"ja", "en"};
    o["introspection_endpoint_auth_methods_supported"] =
        json::array{"client_secret_basic", "client_secret_post"};
    // A public client revokes its own refresh tokens (RFC 7009 2.1).
    o["revocation_endpoint_auth_methods_supported"] =
        json::array{"client_secret_basic", "client_secret_post", "none"};
    o["scopes_supported"] = json::array{"openid",       "profile",       "email", "offline_access",
                                        "ngsi-ld:read", "ngsi-ld:write", "admin"};
    o["response_types_supported"] = json::array{"code"};
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
    if (*grant == "authorization_code" || *grant == "refresh_token") {
      return respond(resident_grant(*grant, form, *client));
    }
    if (client->secret_hash.empty()) {
      return respond(oauth_error(401, "invalid_client", "a public client cannot use this grant"));
    }
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

  // GET or POST /oauth2/userinfo (OpenID Connect Core 5.3): the claims of the signed-in
  // resident the access token speaks for, as its scopes allow.
  void userinfo(http::Request&& req, http::Responder respond) {
    auto principal = deps_.tokens.verify_bearer(req.header("Authorization"));
    auto refuse = [&](std::string_view error, std::string_view description, int status) {
      auto res =
          json_reply(status, json::object{{"error", error}, {"error_description", description}});
      res.header("WWW-Authenticate",
                 "Bearer realm=\"tsunagu\", error=\"" + std::string(error) + "\"");
      return res;
    };
    if (!principal) return respond(refuse("invalid_token", principal.error().message, 401));
    if (!principal->has("openid")) {
      return respond(refuse("insufficient_scope", "the token lacks the openid scope", 403));
    }
    auto account = deps_.accounts.account(principal->subject);
    if (!account) return respond(oauth_error(500, "server_error", account.error().message));
    if (!*account) return respond(refuse("invalid_token", "the account no longer exists", 401));
    json::object claims;
    claims["sub"] = (*account)->id;
    if (principal->has("email")) {
      claims["email"] = (*account)->email;
      claims["email_verified"] = (*account)->email_verified;
    }
    if (principal->has("profile")) {
      if (!(*account)->name.empty()) claims["name"] = (*account)->name;
      claims["locale"] = (*account)->locale;
    }
    respond(json_reply(200, claims));
  }

  void introspect(http::Request&& req, http::Responder respond) {
    Form form;
    if (auto problem = check_form(req, form)) return respond(std::move(*problem));
    auto client = client_of(req, form, deps_.clients);
    if (!client) return respond(client_problem(client.error()));
    // RFC 7662 2.1: only an authenticated client may ask; a public client's id is no secret.
    if (client->secret_hash.empty()) {
      return respond(oauth_error(401, "invalid_client", "a public client cannot introspect"));
    }
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
    if (auto st = deps_.authorization.revoke_refresh_token(*client, *token); !st) {
      return respond(oauth_error(503, "temporarily_unavailable", st.error().message));
    }
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
  http::Response resident_grant(const std::string& grant, const Form& form,
                                const store::ClientRecord& client) {
    auto issued =
        grant == "authorization_code"
            ? deps_.authorization.exchange_code(client, http::form_value(form, "code").value_or(""),
                                                http::form_value(form, "redirect_uri"),
                                                http::form_value(form, "code_verifier"))
            : deps_.authorization.refresh(client,
                                          http::form_value(form, "refresh_token").value_or(""),
                                          http::form_value(form, "scope"));
    if (!issued) {
      const auto& e = issued.error();
      return oauth_error(e.status, e.error, e.description);
    }
    return json_reply(200, token_body(*issued));
  }

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
  router.add("GET", "/oauth2/userinfo", bind(&OAuthRoutes::userinfo));
  router.add("POST", "/oauth2/userinfo", bind(&OAuthRoutes::userinfo));
}

}  // namespace tsunagu::api::oidc
