// oneID's metadata: OpenID Connect Discovery 1.0 (/.well-known/openid-configuration, with the
// members of RFC 8414 for introspection and revocation) and the JWKS (RFC 7517) that client
// libraries fetch to verify tokens.

#include "oidc_support.hpp"

namespace tsunagu::it {
namespace {

class OidcDiscovery : public OidcTest {
 protected:
  boost::json::object discovery() {
    const auto res = http().get(kDiscoveryPath);
    EXPECT_STATUS(res, 200);
    EXPECT_TRUE(res.header("Content-Type").starts_with("application/json"))
        << res.header("Content-Type");
    const auto body = res.json();
    if (!body.is_object()) {
      ADD_FAILURE() << "the discovery document is not an object: " << res.body;
      return {};
    }
    return body.as_object();
  }

  // The path of an endpoint URL of this server; records a failure when it is on another origin.
  std::string path_of(const boost::json::object& doc, std::string_view member) {
    const auto url = str(doc, member);
    const auto origin = base_url();
    if (!url.starts_with(origin + "/")) {
      ADD_FAILURE() << member << " '" << url << "' is not under the issuer " << origin;
      return "/";
    }
    return url.substr(origin.size());
  }
};

bool contains(const boost::json::value& array, std::string_view item) {
  if (!array.is_array()) return false;
  for (const auto& v : array.as_array()) {
    if (v.is_string() && v.as_string() == item) return true;
  }
  return false;
}

TEST_F(OidcDiscovery, DocumentNamesTheIssuerAndItsEndpoints) {
  const auto doc = discovery();
  // No issuer is configured: it is the address the server listens on.
  EXPECT_EQ(str(doc, "issuer"), base_url());
  EXPECT_EQ(str(doc, "jwks_uri"), base_url() + kJwksPath);
  EXPECT_EQ(str(doc, "token_endpoint"), base_url() + kTokenPath);
  EXPECT_EQ(str(doc, "introspection_endpoint"), base_url() + kIntrospectPath);
  EXPECT_EQ(str(doc, "revocation_endpoint"), base_url() + kRevokePath);
  ASSERT_TRUE(doc.contains("grant_types_supported"));
  EXPECT_TRUE(contains(doc.at("grant_types_supported"), "client_credentials"));
  for (const auto* member :
       {"token_endpoint_auth_methods_supported", "introspection_endpoint_auth_methods_supported",
        "revocation_endpoint_auth_methods_supported"}) {
    ASSERT_TRUE(doc.contains(member)) << member;
    EXPECT_TRUE(contains(doc.at(member), "client_secret_basic")) << member;
    EXPECT_TRUE(contains(doc.at(member), "client_secret_post")) << member;
  }
  ASSERT_TRUE(doc.contains("scopes_supported"));
  for (const auto scope : {kScopeRead, kScopeWrite, kScopeAdmin}) {
    EXPECT_TRUE(contains(doc.at("scopes_supported"), scope)) << scope;
  }
  // Members OpenID Connect Discovery 1.0 section 3 requires.
  ASSERT_TRUE(doc.contains("subject_types_supported"));
  EXPECT_TRUE(contains(doc.at("subject_types_supported"), "public"));
  ASSERT_TRUE(doc.contains("id_token_signing_alg_values_supported"));
  EXPECT_TRUE(contains(doc.at("id_token_signing_alg_values_supported"), "ES256"));
  ASSERT_TRUE(doc.contains("response_types_supported"));
  EXPECT_TRUE(doc.at("response_types_supported").is_array());
}

TEST_F(OidcDiscovery, EveryEndpointItNamesAnswers) {
  const auto doc = discovery();
  // The JWKS is public.
  const auto jwks = http().get(path_of(doc, "jwks_uri"));
  EXPECT_STATUS(jwks, 200);
  // The OAuth endpoints answer an unauthenticated POST as RFC 6749 5.2 says: invalid_client.
  for (const auto* member : {"token_endpoint", "introspection_endpoint", "revocation_endpoint"}) {
    const auto res = http().post(path_of(doc, member), "token=x", kFormType);
    EXPECT_STATUS(res, 401) << member;
    EXPECT_EQ(str(res.json(), "error"), "invalid_client") << member;
  }
  // And they work with credentials.
  const auto token = get_token(http(), reader());
  ASSERT_FALSE(token.empty());
  Headers auth = kFormType;
  auth.emplace_back("Authorization", basic_auth(reader().id, reader().secret));
  const auto introspected =
      http().post(path_of(doc, "introspection_endpoint"), form({{"token", token}}), auth);
  ASSERT_STATUS(introspected, 200);
  EXPECT_EQ(introspected.json().at("active"), boost::json::value(true));
  EXPECT_STATUS(http().post(path_of(doc, "revocation_endpoint"), form({{"token", token}}), auth),
                200);
}

TEST_F(OidcDiscovery, JwksListsThePublicSigningKey) {
  const auto res = http().get(kJwksPath);
  ASSERT_STATUS(res, 200);
  EXPECT_TRUE(res.header("Content-Type").starts_with("application/json"))
      << res.header("Content-Type");
  const auto body = res.json();
  ASSERT_TRUE(body.is_object() && body.as_object().contains("keys")) << res.body;
  const auto& keys = body.at("keys");
  ASSERT_TRUE(keys.is_array());
  ASSERT_EQ(keys.as_array().size(), 1u) << "a new server has one key: " << res.body;
  const auto& key = keys.as_array().front();
  EXPECT_EQ(str(key, "kty"), "EC");
  EXPECT_EQ(str(key, "crv"), "P-256");
  EXPECT_EQ(str(key, "alg"), "ES256");
  EXPECT_EQ(str(key, "use"), "sig");
  ASSERT_FALSE(str(key, "kid").empty());
  // x and y: 32 bytes each, base64url.
  EXPECT_EQ(base64url_decode(str(key, "x")).value_or("").size(), 32u);
  EXPECT_EQ(base64url_decode(str(key, "y")).value_or("").size(), 32u);
  // The private part never leaves the server.
  for (const auto* secret : {"d", "p", "q", "dp", "dq", "qi", "k"}) {
    EXPECT_FALSE(key.as_object().contains(secret)) << "the JWKS publishes \"" << secret << "\"";
  }
  // The kid is the key's RFC 7638 thumbprint (docs/design/identity.md).
  EXPECT_EQ(str(key, "kid"), jwk_thumbprint(key));
  // The tokens name it.
  const auto token = get_token(http(), reader());
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(str(jwt_header(token), "kid"), str(key, "kid"));
}

TEST_F(OidcDiscovery, MetadataNeedsNoToken) {
  // Tokens are required on /ngsi-ld/ only: a client discovers the issuer before it has one.
  EXPECT_STATUS(http().get(kDiscoveryPath), 200);
  EXPECT_STATUS(http().get(kJwksPath), 200);
  EXPECT_STATUS(http().get("/health"), 200);
}

}  // namespace
}  // namespace tsunagu::it
