// The broker as a resource server (RFC 6750; docs/design/identity.md "Scopes and grants"): every
// NGSI-LD request needs a bearer token; reads (GET, HEAD and the two query POSTs) need
// ngsi-ld:read, everything else ngsi-ld:write; a client registered with tenants (or entity types)
// may use those only. 401 and 403 are ProblemDetails of type about:blank with WWW-Authenticate.

#include <fstream>
#include <functional>

#include "oidc_support.hpp"

namespace tsunagu::it {
namespace {

const std::string kDefaultVocabShelter = std::string(kDefaultVocab) + "Shelter";

class OidcAccess : public OidcTest {
 protected:
  // A 401 or 403 ProblemDetails of type about:blank (NGSI-LD names no error type for them).
  static ::testing::AssertionResult IsAuthProblem(const Response& res, int status) {
    auto result = IsProblemOfType(res, status, "about:blank");
    if (result && str(boost::json::parse(res.body), "title").empty()) {
      return ::testing::AssertionFailure() << "expected a title: " << res.body;
    }
    return result;
  }

  // 401 for a token that is there but not good: the challenge says invalid_token (RFC 6750 3.1).
  static ::testing::AssertionResult IsInvalidToken(const Response& res) {
    auto result = IsAuthProblem(res, 401);
    if (!result) return result;
    const auto challenge = res.header("WWW-Authenticate");
    if (!challenge.starts_with(kBearerChallenge) ||
        challenge.find("error=\"invalid_token\"") == std::string::npos) {
      return ::testing::AssertionFailure()
             << "expected a Bearer challenge with error=\"invalid_token\", got '" << challenge
             << "'";
    }
    return ::testing::AssertionSuccess();
  }

  // 403 with error="insufficient_scope" in the challenge (RFC 6750 3.1).
  static ::testing::AssertionResult IsInsufficientScope(const Response& res) {
    auto result = IsAuthProblem(res, 403);
    if (!result) return result;
    const auto challenge = res.header("WWW-Authenticate");
    if (challenge.find("insufficient_scope") == std::string::npos) {
      return ::testing::AssertionFailure()
             << "expected insufficient_scope in WWW-Authenticate, got '" << challenge << "'";
    }
    return ::testing::AssertionSuccess();
  }

  // Creates an entity with the writer's token and returns its id.
  std::string make_entity(std::string_view type = "Shelter", const Headers& more = {}) {
    const auto id = new_id(type);
    const auto res = http().post(kEntities, entity(id, type), bearer(writer_token(), more));
    EXPECT_STATUS(res, 201);
    return id;
  }

  // The raw answer to HEAD <target>, with the token when there is one.
  std::string head_of(const std::string& target, std::string_view token = {}) {
    std::string request =
        "HEAD " + target + " HTTP/1.1\r\nHost: " + server().host() + "\r\nConnection: close\r\n";
    if (!token.empty()) request += "Authorization: Bearer " + std::string(token) + "\r\n";
    return raw_exchange(server().host(), server().port(), request + "\r\n");
  }

  const std::string& writer_token() {
    if (writer_token_.empty()) writer_token_ = get_token(http(), writer());
    return writer_token_;
  }

  // A token like one the server issued to `client`, with `change` applied to its claims and
  // signed by the server's own key.
  std::string forged(const ClientCredentials& client,
                     const std::function<void(boost::json::object&)>& change) {
    const auto real = get_token(http(), client);
    auto header = jwt_header(real).as_object();
    auto claims = jwt_claims(real).as_object();
    claims["jti"] = str(claims, "jti") + "-forged";
    change(claims);
    return sign_es256(header, claims, stored_private_key(server().data_dir(), str(header, "kid")));
  }

 private:
  std::string writer_token_;
};

TEST_F(OidcAccess, NoTokenIsUnauthorizedWithAChallenge) {
  const auto id = make_entity();
  for (const auto& [method, target] : std::vector<std::pair<http::verb, std::string>>{
           {http::verb::get, kEntities + "?type=Shelter"},
           {http::verb::get, entity_path(id)},
           {http::verb::post, kEntities},
           {http::verb::delete_, entity_path(id)},
           {http::verb::get, "/ngsi-ld/v1/subscriptions"},
           {http::verb::get, "/ngsi-ld/v1/types"},
           {http::verb::get, "/ngsi-ld/v1/temporal/entities?type=Shelter"}}) {
    const auto body = method == http::verb::post ? entity(new_id()) : std::string();
    const auto res = http().request(method, target, {}, body);
    const std::string what = std::string(http::to_string(method)) + " " + target;
    EXPECT_EQ(res.status, 401) << what << ": " << res.body;
    EXPECT_TRUE(IsAuthProblem(res, 401)) << what;
    // RFC 6750 3.1: no error code when the request had no credentials.
    EXPECT_EQ(res.header("WWW-Authenticate"), kBearerChallenge) << what;
  }
  // HEAD is GET without the body (the test client reads no HEAD answers: raw bytes here).
  const auto head = head_of(entity_path(id));
  EXPECT_TRUE(head.starts_with("HTTP/1.1 401")) << head;
  EXPECT_NE(head.find("WWW-Authenticate: Bearer realm=\"tsunagu\"\r\n"), std::string::npos) << head;
  // Nothing was written or deleted.
  const auto got = http().get(entity_path(id), bearer(writer_token()));
  EXPECT_STATUS(got, 200);
}

TEST_F(OidcAccess, AGarbageTokenIsInvalid) {
  for (const auto* token : {"garbage", "a.b.c", "eyJhbGciOiJFUzI1NiJ9.e30.AAAA", "....", "ä"}) {
    EXPECT_TRUE(IsInvalidToken(http().get(kEntities + "?type=Shelter", bearer(token)))) << token;
  }
}

TEST_F(OidcAccess, OtherAuthorizationSchemesAreNoToken) {
  const auto basic = http().get(kEntities + "?type=Shelter",
                                {{"Authorization", basic_auth(writer().id, writer().secret)}});
  EXPECT_TRUE(IsAuthProblem(basic, 401));
  EXPECT_TRUE(basic.header("WWW-Authenticate").starts_with(kBearerChallenge));
  const auto empty = http().get(kEntities + "?type=Shelter", {{"Authorization", "Bearer "}});
  EXPECT_TRUE(IsAuthProblem(empty, 401));
  // The token in the query string (RFC 6750 2.3) is not accepted.
  const auto query = http().get(kEntities + "?type=Shelter&access_token=" + writer_token());
  EXPECT_TRUE(IsAuthProblem(query, 401));
}

TEST_F(OidcAccess, TheSchemeIsCaseInsensitive) {
  // RFC 9110 11.1: auth schemes are case-insensitive.
  const auto res = http().get(kEntities + "?type=Shelter",
                              {{"Authorization", "bearer " + get_token(http(), reader())}});
  EXPECT_STATUS(res, 200);
}

TEST_F(OidcAccess, ATokenSignedByAnotherKeyIsInvalid) {
  // Another oneID with the same issuer and audience, but its own data directory and so its own
  // key: only the signature tells its tokens apart.
  ServerProcess other;
  other.set_require_tokens(true);
  const auto config = other.work_dir() / "tsunagu.toml";
  {
    std::ofstream out(config);
    out << "[auth]\nissuer = \"" << base_url() << "\"\n";
  }
  other.set_extra_args({"--config", config.string()});
  const auto client = add_client(other.data_dir(), "elsewhere", {std::string(kScopeRead)});
  other.start();
  auto other_http = other.client();
  const auto token = get_token(other_http, client);
  ASSERT_FALSE(token.empty());
  ASSERT_EQ(str(jwt_claims(token), "iss"), base_url());
  EXPECT_STATUS(other_http.get(kEntities + "?type=Shelter", bearer(token)), 200);
  EXPECT_TRUE(IsInvalidToken(http().get(kEntities + "?type=Shelter", bearer(token))));

  // The same token with this server's kid in its header: the signature still does not verify.
  const auto own = get_token(http(), reader());
  auto header = jwt_header(own).as_object();
  const auto dot = token.find('.');
  const auto spliced = base64url_encode(boost::json::serialize(header)) + token.substr(dot);
  EXPECT_TRUE(IsInvalidToken(http().get(kEntities + "?type=Shelter", bearer(spliced))));
  other.stop();
}

TEST_F(OidcAccess, ForgedTokensWorkOnlyWhenEveryClaimIsRight) {
  // Forging with the server's own key works: the refusals below are for the claims alone.
  const auto good = forged(reader(), [](boost::json::object&) {});
  EXPECT_STATUS(http().get(kEntities + "?type=Shelter", bearer(good)), 200);

  const auto now = unix_now();
  const std::vector<std::pair<std::string, std::function<void(boost::json::object&)>>> cases = {
      // Expired two minutes ago: beyond any clock skew allowed (30 s).
      {"expired",
       [now](boost::json::object& c) {
         c["iat"] = now - 720;
         c["exp"] = now - 120;
       }},
      {"issued in the future", [now](boost::json::object& c) { c["iat"] = now + 3600; }},
      {"another audience", [](boost::json::object& c) { c["aud"] = "https://other.example"; }},
      {"another issuer", [](boost::json::object& c) { c["iss"] = "https://other.example"; }},
      {"no exp", [](boost::json::object& c) { c.erase("exp"); }},
      {"no jti", [](boost::json::object& c) { c.erase("jti"); }},
      {"exp as a string", [now](boost::json::object& c) { c["exp"] = std::to_string(now + 600); }},
  };
  for (const auto& [what, change] : cases) {
    EXPECT_TRUE(
        IsInvalidToken(http().get(kEntities + "?type=Shelter", bearer(forged(reader(), change)))))
        << what;
  }
}

TEST_F(OidcAccess, TamperedTokensAreInvalid) {
  const auto token = get_token(http(), reader());
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  // The payload changed to grant ngsi-ld:write, the signature kept.
  auto claims = jwt_claims(token).as_object();
  claims["scope"] = "ngsi-ld:read ngsi-ld:write";
  const auto escalated = token.substr(0, first) + "." +
                         base64url_encode(boost::json::serialize(claims)) + token.substr(second);
  EXPECT_TRUE(IsInvalidToken(http().post(kEntities, entity(new_id()), bearer(escalated))));
  // "alg": "none" with no signature (RFC 8725 3.1).
  auto header = jwt_header(token).as_object();
  header["alg"] = "none";
  const auto unsigned_token = base64url_encode(boost::json::serialize(header)) + "." +
                              token.substr(first + 1, second - first - 1) + ".";
  EXPECT_TRUE(IsInvalidToken(http().get(kEntities + "?type=Shelter", bearer(unsigned_token))));
  // The signature cut off.
  EXPECT_TRUE(
      IsInvalidToken(http().get(kEntities + "?type=Shelter", bearer(token.substr(0, second + 1)))));
  // A signature shorter than the 64 bytes of ES256 (RFC 7518 3.4).
  EXPECT_TRUE(IsInvalidToken(
      http().get(kEntities + "?type=Shelter", bearer(token.substr(0, token.size() - 4)))));
}

TEST_F(OidcAccess, AReadTokenReads) {
  const auto id = make_entity();
  const auto token = get_token(http(), reader());
  EXPECT_STATUS(http().get(entity_path(id), bearer(token)), 200);
  EXPECT_STATUS(http().get(kEntities + "?type=Shelter", bearer(token)), 200);
  const auto head = head_of(entity_path(id), token);
  EXPECT_TRUE(head.starts_with("HTTP/1.1 200")) << head;
  // The two query endpoints that take their question as a POST body are reads.
  const auto query = http().post(
      kEntityQuery, R"({"type": "Query", "entities": [{"type": "Shelter"}]})", bearer(token));
  ASSERT_STATUS(query, 200);
  EXPECT_TRUE(ids_of(query.json()).contains(id));
  const auto temporal = http().post(
      "/ngsi-ld/v1/temporal/entityOperations/query",
      R"({"type": "Query", "entities": [{"type": "Shelter"}], "temporalQ": {"timerel": "after",
          "timeAt": "2000-01-01T00:00:00Z"}})",
      bearer(token));
  EXPECT_STATUS(temporal, 200);
  EXPECT_STATUS(http().get("/ngsi-ld/v1/subscriptions", bearer(token)), 200);
}

TEST_F(OidcAccess, AReadTokenCannotWrite) {
  const auto id = make_entity();
  const auto token = get_token(http(), reader());
  EXPECT_TRUE(IsInsufficientScope(http().post(kEntities, entity(new_id()), bearer(token))));
  EXPECT_TRUE(IsInsufficientScope(http().patch(entity_path(id) + "/attrs",
                                               R"({"name": {"type": "Property", "value": "x"}})",
                                               bearer(token))));
  EXPECT_TRUE(IsInsufficientScope(http().del(entity_path(id), bearer(token))));
  EXPECT_TRUE(IsInsufficientScope(
      http().post(kBatch + "/create", "[" + entity(new_id()) + "]", bearer(token))));
  EXPECT_TRUE(
      IsInsufficientScope(http().post("/ngsi-ld/v1/subscriptions",
                                      R"({"type": "Subscription", "entities": [{"type": "Shelter"}],
          "notification": {"endpoint": {"uri": "http://127.0.0.1:9/n"}}})",
                                      bearer(token))));
  // Nothing changed.
  const auto got = http().get(entity_path(id), bearer(token));
  ASSERT_STATUS(got, 200);
  EXPECT_EQ(got.json().at("name").at("value"), boost::json::value("oneID"));
}

TEST_F(OidcAccess, WriteWithoutReadCannotRead) {
  const auto client = add_client(server().data_dir(), "write-only", {std::string(kScopeWrite)});
  const auto token = get_token(http(), client);
  const auto id = new_id();
  EXPECT_STATUS(http().post(kEntities, entity(id), bearer(token)), 201);
  EXPECT_TRUE(IsInsufficientScope(http().get(entity_path(id), bearer(token))));
  EXPECT_TRUE(IsInsufficientScope(http().post(
      kEntityQuery, R"({"type": "Query", "entities": [{"type": "Shelter"}]})", bearer(token))));
}

TEST_F(OidcAccess, AnAdminTokenIsNoNgsiLdToken) {
  const auto token = get_token(http(), admin());
  EXPECT_TRUE(IsInsufficientScope(http().get(kEntities + "?type=Shelter", bearer(token))));
  EXPECT_TRUE(IsInsufficientScope(http().post(kEntities, entity(new_id()), bearer(token))));
}

TEST_F(OidcAccess, ATenantRestrictedClientUsesItsTenantsOnly) {
  const std::string tenant = "oidc-own";
  const auto client = add_client(server().data_dir(), "tenant-bound",
                                 {std::string(kScopeRead), std::string(kScopeWrite)}, {tenant});
  const auto token = get_token(http(), client);
  ASSERT_EQ(jwt_claims(token).at("tenants"), J(R"(["oidc-own"])"));
  const auto id = new_id();
  // Its own tenant: created, read back.
  EXPECT_STATUS(http().post(kEntities, entity(id), bearer(token, with_tenant(tenant))), 201);
  EXPECT_STATUS(http().get(entity_path(id), bearer(token, with_tenant(tenant))), 200);
  // Another tenant, and the default one: refused, for reads and writes.
  const auto other = http().post(kEntities, entity(new_id()), bearer(token, with_tenant("oidc-x")));
  EXPECT_TRUE(IsAuthProblem(other, 403));
  EXPECT_TRUE(IsAuthProblem(http().get(kEntities + "?type=Shelter", bearer(token)), 403));
  EXPECT_TRUE(IsAuthProblem(
      http().get(kEntities + "?type=Shelter", bearer(token, with_tenant("oidc-x"))), 403));
  EXPECT_TRUE(IsAuthProblem(http().post(kEntities, entity(new_id()), bearer(token)), 403));
  // An unrestricted client still sees the default tenant, where nothing was written.
  EXPECT_PROBLEM(http().get(entity_path(id), bearer(writer_token())), 404, "ResourceNotFound");
}

TEST_F(OidcAccess, DefaultNamesTheDefaultTenant) {
  const auto client = add_client(server().data_dir(), "default-only",
                                 {std::string(kScopeRead), std::string(kScopeWrite)}, {"_default"});
  const auto token = get_token(http(), client);
  const auto id = new_id();
  EXPECT_STATUS(http().post(kEntities, entity(id), bearer(token)), 201);
  EXPECT_STATUS(http().get(entity_path(id), bearer(token)), 200);
  EXPECT_TRUE(IsAuthProblem(
      http().get(kEntities + "?type=Shelter", bearer(token, with_tenant("oidc-other"))), 403));
}

TEST_F(OidcAccess, ATypeRestrictedClientTouchesItsTypesOnly) {
  // docs/design/identity.md: an entity of no granted type does not exist for the client (404, as
  // for a missing id); creating one, or a query that names another type, is 403.
  const auto client =
      add_client(server().data_dir(), "shelters-only",
                 {std::string(kScopeRead), std::string(kScopeWrite)}, {}, {kDefaultVocabShelter});
  const auto token = get_token(http(), client);
  ASSERT_EQ(jwt_claims(token).at("types"),
            boost::json::array{boost::json::value(kDefaultVocabShelter)});
  // Its own type.
  const auto shelter = new_id();
  EXPECT_STATUS(http().post(kEntities, entity(shelter), bearer(token)), 201);
  EXPECT_STATUS(http().get(entity_path(shelter), bearer(token)), 200);
  // Another type: written by someone else, neither readable nor writable by this client.
  const auto vehicle = make_entity("Vehicle");
  EXPECT_STATUS(http().get(entity_path(vehicle), bearer(token)), 404);
  EXPECT_STATUS(http().del(entity_path(vehicle), bearer(token)), 404);
  EXPECT_TRUE(IsAuthProblem(
      http().post(kEntities, entity(new_id("Vehicle"), "Vehicle"), bearer(token)), 403));
  EXPECT_TRUE(IsAuthProblem(http().get(kEntities + "?type=Vehicle", bearer(token)), 403));
  // The other entity is still there.
  EXPECT_STATUS(http().get(entity_path(vehicle), bearer(writer_token())), 200);
}

TEST_F(OidcAccess, HealthNeedsNoToken) {
  EXPECT_STATUS(http().get("/health"), 200);
}

}  // namespace
}  // namespace tsunagu::it
