// Token introspection (RFC 7662) and revocation (RFC 7009): a client asks whether a token is
// active, and withdraws one of its own before it expires; the broker refuses a revoked token at
// once.

#include "oidc_support.hpp"

namespace tsunagu::it {
namespace {

class OidcIntrospection : public OidcTest {
 protected:
  Response introspect(const ClientCredentials& as, std::string_view token) {
    Headers headers = kFormType;
    headers.emplace_back("Authorization", basic_auth(as.id, as.secret));
    return http().post(kIntrospectPath, form({{"token", std::string(token)}}), headers);
  }

  Response revoke(const ClientCredentials& as, std::string_view token, std::string_view hint = {}) {
    std::vector<std::pair<std::string, std::string>> params = {{"token", std::string(token)}};
    if (!hint.empty()) params.emplace_back("token_type_hint", std::string(hint));
    Headers headers = kFormType;
    headers.emplace_back("Authorization", basic_auth(as.id, as.secret));
    return http().post(kRevokePath, form(params), headers);
  }

  // The introspection answer of an inactive token: {"active": false} and nothing else
  // (RFC 7662 2.2 says no more should be told).
  void expect_inactive(const Response& res) {
    ASSERT_STATUS(res, 200);
    EXPECT_EQ(res.json(), J(R"({"active": false})"));
    EXPECT_EQ(res.header("Cache-Control"), "no-store");
  }

  Response read_with(std::string_view token) {
    return http().get(kEntities + "?type=Shelter", bearer(token));
  }
};

class OidcRevocation : public OidcIntrospection {};

TEST_F(OidcIntrospection, AnActiveTokenIsDescribed) {
  const auto token = get_token(http(), writer());
  const auto res = introspect(reader(), token);
  ASSERT_STATUS(res, 200);
  EXPECT_TRUE(res.header("Content-Type").starts_with("application/json"));
  EXPECT_EQ(res.header("Cache-Control"), "no-store");
  const auto body = res.json();
  const auto claims = jwt_claims(token);
  EXPECT_EQ(body.at("active"), boost::json::value(true));
  EXPECT_EQ(str(body, "client_id"), writer().id);
  EXPECT_EQ(str(body, "sub"), writer().id);
  EXPECT_EQ(str(body, "scope"), "ngsi-ld:read ngsi-ld:write");
  EXPECT_EQ(str(body, "token_type"), "Bearer");
  EXPECT_EQ(str(body, "iss"), base_url());
  EXPECT_EQ(str(body, "jti"), str(claims, "jti"));
  EXPECT_EQ(body.at("exp"), claims.at("exp"));
  EXPECT_EQ(body.at("iat"), claims.at("iat"));
  ASSERT_TRUE(body.as_object().contains("aud"));
  const auto& aud = body.at("aud");
  EXPECT_TRUE(aud == boost::json::value(base_url()) ||
              aud == boost::json::array{boost::json::value(base_url())})
      << aud;
}

TEST_F(OidcIntrospection, ClientSecretPostWorksToo) {
  const auto token = get_token(http(), reader());
  const auto res = http().post(
      kIntrospectPath,
      form({{"token", token}, {"client_id", reader().id}, {"client_secret", reader().secret}}),
      kFormType);
  ASSERT_STATUS(res, 200);
  EXPECT_EQ(res.json().at("active"), boost::json::value(true));
}

TEST_F(OidcIntrospection, GarbageIsInactive) {
  for (const auto* token : {"garbage", "a.b.c", "eyJhbGciOiJFUzI1NiJ9.e30.AAAA"}) {
    expect_inactive(introspect(reader(), token));
  }
}

TEST_F(OidcIntrospection, ARevokedTokenIsInactive) {
  const auto token = get_token(http(), reader());
  EXPECT_STATUS(revoke(reader(), token), 200);
  expect_inactive(introspect(reader(), token));
  expect_inactive(introspect(writer(), token));
}

TEST_F(OidcIntrospection, IntrospectionNeedsAClient) {
  const auto token = get_token(http(), reader());
  // Not authenticated: invalid_client (RFC 7662 2.1 protects the endpoint).
  const auto anonymous = http().post(kIntrospectPath, form({{"token", token}}), kFormType);
  EXPECT_STATUS(anonymous, 401);
  EXPECT_EQ(str(anonymous.json(), "error"), "invalid_client");
  // The token itself as a bearer is not client authentication either.
  Headers with_bearer = kFormType;
  with_bearer.emplace_back("Authorization", "Bearer " + token);
  const auto as_bearer = http().post(kIntrospectPath, form({{"token", token}}), with_bearer);
  EXPECT_STATUS(as_bearer, 401);
  EXPECT_FALSE(as_bearer.body.find("\"active\"") != std::string::npos) << as_bearer.body;
  // Wrong secret.
  const auto wrong = introspect({reader().id, "wrong"}, token);
  EXPECT_STATUS(wrong, 401);
  EXPECT_EQ(str(wrong.json(), "error"), "invalid_client");
}

TEST_F(OidcIntrospection, MissingTokenIsInvalidRequest) {
  Headers headers = kFormType;
  headers.emplace_back("Authorization", basic_auth(reader().id, reader().secret));
  const auto res = http().post(kIntrospectPath, "", headers);
  EXPECT_STATUS(res, 400);
  EXPECT_EQ(str(res.json(), "error"), "invalid_request");
}

TEST_F(OidcRevocation, ARevokedTokenIsRefused) {
  const auto token = get_token(http(), writer());
  ASSERT_STATUS(read_with(token), 200);
  const auto res = revoke(writer(), token, "access_token");
  EXPECT_STATUS(res, 200);
  EXPECT_EQ(res.header("Cache-Control"), "no-store");
  const auto refused = read_with(token);
  EXPECT_STATUS(refused, 401);
  EXPECT_NE(refused.header("WWW-Authenticate").find("invalid_token"), std::string::npos)
      << refused.header("WWW-Authenticate");
  EXPECT_EQ(refused.json().at("type"), boost::json::value("about:blank"));
  // Writes too.
  EXPECT_STATUS(http().post(kEntities, entity(new_id()), bearer(token)), 401);
  // Revoking again changes nothing and is no error (RFC 7009 2.2).
  EXPECT_STATUS(revoke(writer(), token), 200);
  // Other tokens of the client are untouched, and it may get new ones.
  EXPECT_STATUS(read_with(get_token(http(), writer())), 200);
}

TEST_F(OidcRevocation, AClientCannotRevokeAnothersToken) {
  const auto token = get_token(http(), writer());
  // The answer is the same (RFC 7009 2.2: nothing learnt of tokens not one's own)...
  EXPECT_STATUS(revoke(reader(), token), 200);
  // ...but the token stays valid.
  EXPECT_STATUS(read_with(token), 200);
  const auto introspected = introspect(writer(), token);
  ASSERT_STATUS(introspected, 200);
  EXPECT_EQ(introspected.json().at("active"), boost::json::value(true));
}

TEST_F(OidcRevocation, GarbageIsNoError) {
  // RFC 7009 2.2: an invalid token is answered 200 as well.
  EXPECT_STATUS(revoke(reader(), "garbage"), 200);
}

TEST_F(OidcRevocation, RevocationNeedsTheClient) {
  const auto token = get_token(http(), writer());
  const auto anonymous = http().post(kRevokePath, form({{"token", token}}), kFormType);
  EXPECT_STATUS(anonymous, 401);
  EXPECT_EQ(str(anonymous.json(), "error"), "invalid_client");
  EXPECT_STATUS(revoke({writer().id, "wrong"}, token), 401);
  EXPECT_STATUS(read_with(token), 200);
  // Missing token parameter.
  Headers headers = kFormType;
  headers.emplace_back("Authorization", basic_auth(writer().id, writer().secret));
  const auto missing = http().post(kRevokePath, "", headers);
  EXPECT_STATUS(missing, 400);
  EXPECT_EQ(str(missing.json(), "error"), "invalid_request");
}

TEST_F(OidcRevocation, ClientSecretPostRevokes) {
  const auto token = get_token(http(), writer());
  const auto res = http().post(
      kRevokePath,
      form({{"token", token}, {"client_id", writer().id}, {"client_secret", writer().secret}}),
      kFormType);
  EXPECT_STATUS(res, 200);
  EXPECT_STATUS(read_with(token), 401);
}

}  // namespace
}  // namespace tsunagu::it
