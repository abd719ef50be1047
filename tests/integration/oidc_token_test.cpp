// The token endpoint (RFC 6749 section 4.4, the client_credentials grant): client
// authentication by HTTP Basic (client_secret_basic) or in the body (client_secret_post), the
// access token (a JWT signed with ES256, docs/design/identity.md "Tokens"), and the errors of
// section 5.2 that client libraries read.

#include "oidc_support.hpp"

namespace tsunagu::it {
namespace {

class OidcToken : public OidcTest {
 protected:
  // An error answer of RFC 6749 5.2: the status, JSON {"error": code, "error_description"},
  // and never cached.
  static ::testing::AssertionResult IsOAuthError(const Response& res, int status,
                                                 std::string_view code) {
    auto failure = [&res]() {
      return ::testing::AssertionFailure()
             << "(status " << res.status << ", body " << res.body << ") ";
    };
    if (res.status != status) return failure() << "expected status " << status;
    if (!res.header("Content-Type").starts_with("application/json")) {
      return failure() << "expected application/json, got " << res.header("Content-Type");
    }
    boost::system::error_code ec;
    const auto body = boost::json::parse(res.body, ec);
    if (ec || !body.is_object()) return failure() << "the body is not a JSON object";
    if (str(body, "error") != code) return failure() << "expected \"error\": \"" << code << "\"";
    if (body.as_object().contains("error_description") &&
        !body.at("error_description").is_string()) {
      return failure() << "\"error_description\" is not a string";
    }
    if (res.header("Cache-Control") != "no-store") return failure() << "expected no-store";
    return ::testing::AssertionSuccess();
  }

  Response post_token(const std::string& body, Headers headers = kFormType) {
    return http().post(kTokenPath, body, headers);
  }

  static Headers basic_form(const ClientCredentials& c) {
    Headers h = kFormType;
    h.emplace_back("Authorization", basic_auth(c.id, c.secret));
    return h;
  }

  // The token answer is right, and its token carries what the client was granted.
  void expect_token(const Response& res, const ClientCredentials& client, std::string_view scope) {
    ASSERT_STATUS(res, 200);
    EXPECT_TRUE(res.header("Content-Type").starts_with("application/json"));
    EXPECT_EQ(res.header("Cache-Control"), "no-store");
    EXPECT_EQ(res.header("Pragma"), "no-cache");
    const auto body = res.json();
    EXPECT_EQ(str(body, "token_type"), "Bearer");
    EXPECT_EQ(body.at("expires_in"), boost::json::value(600));
    EXPECT_EQ(str(body, "scope"), scope);
    EXPECT_FALSE(body.as_object().contains("refresh_token"))
        << "client_credentials issues no refresh token (RFC 6749 4.4.3)";
    const auto token = str(body, "access_token");
    const auto header = jwt_header(token);
    EXPECT_EQ(str(header, "alg"), "ES256");
    EXPECT_EQ(str(header, "typ"), "at+jwt");
    EXPECT_FALSE(str(header, "kid").empty());
    const auto claims = jwt_claims(token);
    ASSERT_TRUE(claims.is_object()) << token;
    EXPECT_EQ(str(claims, "iss"), base_url());
    EXPECT_EQ(str(claims, "aud"), base_url()) << "the audience defaults to the issuer";
    EXPECT_EQ(str(claims, "sub"), client.id);
    EXPECT_EQ(str(claims, "client_id"), client.id);
    EXPECT_EQ(str(claims, "scope"), scope);
    EXPECT_FALSE(str(claims, "jti").empty());
    ASSERT_TRUE(claims.at("iat").is_int64() && claims.at("exp").is_int64()) << claims;
    const auto iat = claims.at("iat").as_int64();
    EXPECT_LE(std::abs(iat - unix_now()), 5);
    EXPECT_EQ(claims.at("exp").as_int64() - iat, 600);
  }
};

TEST_F(OidcToken, ClientSecretBasic) {
  expect_token(post_token(form({{"grant_type", "client_credentials"}}), basic_form(writer())),
               writer(), "ngsi-ld:read ngsi-ld:write");
}

TEST_F(OidcToken, ClientSecretPost) {
  expect_token(post_token(form({{"grant_type", "client_credentials"},
                                {"client_id", writer().id},
                                {"client_secret", writer().secret}})),
               writer(), "ngsi-ld:read ngsi-ld:write");
}

TEST_F(OidcToken, FormContentTypeWithCharset) {
  const auto res = post_token(form({{"grant_type", "client_credentials"}}),
                              {{"Content-Type", "application/x-www-form-urlencoded; charset=UTF-8"},
                               {"Authorization", basic_auth(reader().id, reader().secret)}});
  expect_token(res, reader(), "ngsi-ld:read");
}

TEST_F(OidcToken, ARequestedScopeNarrowsTheToken) {
  expect_token(post_token(form({{"grant_type", "client_credentials"}, {"scope", "ngsi-ld:read"}}),
                          basic_form(writer())),
               writer(), "ngsi-ld:read");
}

TEST_F(OidcToken, EachTokenHasItsOwnId) {
  const auto a = get_token(http(), reader());
  const auto b = get_token(http(), reader());
  ASSERT_FALSE(a.empty());
  EXPECT_NE(a, b);
  EXPECT_NE(str(jwt_claims(a), "jti"), str(jwt_claims(b), "jti"));
}

TEST_F(OidcToken, WrongSecretIsInvalidClient) {
  ClientCredentials wrong{reader().id, reader().secret + "x"};
  const auto basic = post_token(form({{"grant_type", "client_credentials"}}), basic_form(wrong));
  EXPECT_TRUE(IsOAuthError(basic, 401, "invalid_client"));
  EXPECT_TRUE(basic.header("WWW-Authenticate").starts_with("Basic"))
      << basic.header("WWW-Authenticate");
  const auto post = post_token(form({{"grant_type", "client_credentials"},
                                     {"client_id", wrong.id},
                                     {"client_secret", wrong.secret}}));
  EXPECT_TRUE(IsOAuthError(post, 401, "invalid_client"));
  EXPECT_FALSE(basic.json().as_object().contains("access_token"));
}

TEST_F(OidcToken, UnknownClientIsInvalidClientAndLooksLikeAWrongSecret) {
  ClientCredentials unknown{"no-such-client-id", reader().secret};
  const auto res = post_token(form({{"grant_type", "client_credentials"}}), basic_form(unknown));
  EXPECT_TRUE(IsOAuthError(res, 401, "invalid_client"));
  EXPECT_TRUE(res.header("WWW-Authenticate").starts_with("Basic"))
      << res.header("WWW-Authenticate");
  // The answer does not tell an unknown id from a wrong secret.
  ClientCredentials wrong{reader().id, "not-the-secret"};
  const auto other = post_token(form({{"grant_type", "client_credentials"}}), basic_form(wrong));
  EXPECT_EQ(res.body, other.body);
}

TEST_F(OidcToken, NoClientAuthenticationIsInvalidClient) {
  EXPECT_TRUE(IsOAuthError(post_token(form({{"grant_type", "client_credentials"}})), 401,
                           "invalid_client"));
  // A client id alone is a public client's, and client_credentials needs a secret.
  EXPECT_TRUE(IsOAuthError(
      post_token(form({{"grant_type", "client_credentials"}, {"client_id", reader().id}})), 401,
      "invalid_client"));
  // A bearer token is no client authentication.
  const auto token = get_token(http(), reader());
  Headers headers = kFormType;
  headers.emplace_back("Authorization", "Bearer " + token);
  EXPECT_TRUE(IsOAuthError(post_token(form({{"grant_type", "client_credentials"}}), headers), 401,
                           "invalid_client"));
}

TEST_F(OidcToken, MissingGrantTypeIsInvalidRequest) {
  // RFC 6749 5.2: a required parameter missing is invalid_request.
  EXPECT_TRUE(IsOAuthError(post_token(form({{"scope", "ngsi-ld:read"}}), basic_form(reader())), 400,
                           "invalid_request"));
  EXPECT_TRUE(IsOAuthError(post_token("", basic_form(reader())), 400, "invalid_request"));
}

TEST_F(OidcToken, OtherGrantTypesAreUnsupported) {
  for (const auto* grant :
       {"password", "implicit", "urn:ietf:params:oauth:grant-type:jwt-bearer"}) {
    const auto res = post_token(form({{"grant_type", grant},
                                      {"username", "u"},
                                      {"password", "p"},
                                      {"code", "c"},
                                      {"refresh_token", "r"}}),
                                basic_form(reader()));
    EXPECT_TRUE(IsOAuthError(res, 400, "unsupported_grant_type")) << grant;
  }
}

TEST_F(OidcToken, AnUnknownCodeOrRefreshTokenIsAnInvalidGrant) {
  // The resident grants (oidc_code_flow_test.cpp) answer a client that sends garbage.
  EXPECT_TRUE(IsOAuthError(
      post_token(form({{"grant_type", "authorization_code"}, {"code", "c"}, {"redirect_uri", "x"}}),
                 basic_form(reader())),
      400, "invalid_grant"));
  EXPECT_TRUE(
      IsOAuthError(post_token(form({{"grant_type", "refresh_token"}, {"refresh_token", "r"}}),
                              basic_form(reader())),
                   400, "invalid_grant"));
}

TEST_F(OidcToken, AScopeTheClientLacksIsInvalidScope) {
  for (const auto* scope : {"ngsi-ld:write", "ngsi-ld:read ngsi-ld:write", "admin", "no-such"}) {
    const auto res = post_token(form({{"grant_type", "client_credentials"}, {"scope", scope}}),
                                basic_form(reader()));
    EXPECT_TRUE(IsOAuthError(res, 400, "invalid_scope")) << scope;
  }
}

TEST_F(OidcToken, AJsonBodyIsInvalidRequest) {
  const auto res =
      http().post(kTokenPath,
                  R"({"grant_type": "client_credentials", "client_id": ")" + reader().id +
                      R"(", "client_secret": ")" + reader().secret + R"("})",
                  {{"Content-Type", "application/json"}});
  EXPECT_TRUE(IsOAuthError(res, 400, "invalid_request"));
  // The same with Basic authentication: the body is still not a form.
  const auto basic = http().post(kTokenPath, R"({"grant_type": "client_credentials"})",
                                 {{"Content-Type", "application/json"},
                                  {"Authorization", basic_auth(reader().id, reader().secret)}});
  EXPECT_TRUE(IsOAuthError(basic, 400, "invalid_request"));
}

TEST_F(OidcToken, CredentialsTwiceAreInvalidRequest) {
  // RFC 6749 2.3.1: a client uses one authentication method per request.
  const auto res = post_token(form({{"grant_type", "client_credentials"},
                                    {"client_id", reader().id},
                                    {"client_secret", reader().secret}}),
                              basic_form(reader()));
  EXPECT_TRUE(IsOAuthError(res, 400, "invalid_request"));
}

TEST_F(OidcToken, ARepeatedParameterIsInvalidRequest) {
  // RFC 6749 3.2: request parameters must not be included more than once.
  const auto res = post_token("grant_type=client_credentials&grant_type=client_credentials",
                              basic_form(reader()));
  EXPECT_TRUE(IsOAuthError(res, 400, "invalid_request"));
}

TEST_F(OidcToken, OnlyPostIsAllowed) {
  const auto res = http().get(kTokenPath + "?grant_type=client_credentials",
                              {{"Authorization", basic_auth(reader().id, reader().secret)}});
  EXPECT_EQ(res.status, 405) << res.body;
}

}  // namespace
}  // namespace tsunagu::it
