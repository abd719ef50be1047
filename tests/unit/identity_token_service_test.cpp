// Access tokens (identity/token_service.hpp) with a real platform database, key ring and client
// registry, time driven by a ManualClock: what a client-credentials token grants, and every
// reason verify refuses one (expired, from the future, another issuer or audience, tampered,
// an unknown key, revoked), revocations surviving a restart, and the Authorization header.

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "identity/client_registry.hpp"
#include "identity/jwt.hpp"
#include "identity/scopes.hpp"
#include "identity/token_service.hpp"
#include "identity_test_support.hpp"
#include "model/json_text.hpp"
#include "store/sqlite/platform_schema.hpp"

namespace tsunagu::identity {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using model::Timestamp;
using std::chrono::milliseconds;
using std::chrono::seconds;

using testing::kStart;
using testing::kStartSeconds;
constexpr seconds kLifetime{600};
const std::string kIssuer = "https://id.example";
const std::string kAudience = "https://broker.example";
const std::string kSensor = "https://example.org/Sensor";

fs::path temp_dir(std::string_view what) {
  return testing::unique_temp_dir("token-service-test-" + std::string(what));
}

TokenSettings settings(std::string issuer = kIssuer, std::string audience = kAudience) {
  return TokenSettings{std::move(issuer), std::move(audience), kLifetime};
}

using testing::jwt_parts;

class TokenServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = temp_dir("main");
    auto db = store::sqlite::open_platform_db(dir_);
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
    keys_ = std::make_unique<KeyRing>(*db_, clock_, kLifetime);
    ASSERT_TRUE(keys_->load());
    clients_ = std::make_unique<ClientRegistry>(*db_, clock_);
    tokens_ = std::make_unique<TokenService>(*keys_, *db_, settings(), clock_);

    NewClient c;
    c.name = "city dashboard";
    c.scopes = {std::string(kScopeRead), std::string(kScopeWrite)};
    c.tenants = std::vector<std::string>{"_default", "city"};
    c.types = std::vector<std::string>{kSensor};
    auto created = clients_->create(std::move(c));
    ASSERT_TRUE(created) << created.error().message;
    client_ = created->record;
    clock_.advance(std::chrono::minutes(1));
  }
  void TearDown() override {
    tokens_.reset();
    clients_.reset();
    keys_.reset();
    db_.reset();
    fs::remove_all(dir_);
    for (const auto& d : other_dirs_) fs::remove_all(d);
  }

  std::string issue(const std::vector<std::string>& scopes = {}) {
    auto t = tokens_->issue_for_client(client_, scopes);
    EXPECT_TRUE(t) << t.error().message;
    return t ? t->access_token : std::string();
  }

  void expect_refused(TokenService& service, std::string_view token, std::string_view message) {
    const auto p = service.verify(token);
    ASSERT_FALSE(p) << "accepted: " << token;
    EXPECT_EQ(p.error().kind, ErrorKind::Unauthorized);
    EXPECT_EQ(p.error().message, message);
  }
  void expect_refused(std::string_view token, std::string_view message) {
    expect_refused(*tokens_, token, message);
  }

  // A token with these claims, signed by the ring's current key (kid in the header).
  std::string signed_with_ring(const json::object& claims) {
    auto signer = keys_->signer();
    EXPECT_TRUE(signer);
    auto token = sign_jwt(claims, signer->key, signer->kid, "at+jwt");
    EXPECT_TRUE(token);
    return token ? *token : std::string();
  }

  json::object claims_of(const std::string& token) {
    auto jws = parse_jws(token);
    EXPECT_TRUE(jws) << jws.error().message;
    return jws ? jws->claims : json::object{};
  }

  fs::path dir_;
  std::vector<fs::path> other_dirs_;
  model::ManualClock clock_{kStart};
  std::unique_ptr<store::PlatformDb> db_;
  std::unique_ptr<KeyRing> keys_;
  std::unique_ptr<ClientRegistry> clients_;
  std::unique_ptr<TokenService> tokens_;
  store::ClientRecord client_;
};

// ---- issuing ---------------------------------------------------------------------------------

TEST_F(TokenServiceTest, NoRequestedScopeGrantsAllTheClientsScopes) {
  const auto t = tokens_->issue_for_client(client_, {});
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->scopes, (std::vector<std::string>{"ngsi-ld:read", "ngsi-ld:write"}));
  EXPECT_EQ(t->expires_in, kLifetime);
  EXPECT_EQ(claims_of(t->access_token).at("scope").as_string(), "ngsi-ld:read ngsi-ld:write");
}

TEST_F(TokenServiceTest, ARequestedSubsetIsGrantedAsAsked) {
  auto t = tokens_->issue_for_client(client_, {"ngsi-ld:write"});
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->scopes, (std::vector<std::string>{"ngsi-ld:write"}));
  EXPECT_EQ(claims_of(t->access_token).at("scope").as_string(), "ngsi-ld:write");
  auto p = tokens_->verify(t->access_token);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->scopes, (std::set<std::string>{"ngsi-ld:write"}));
  EXPECT_TRUE(p->has(kScopeWrite));
  EXPECT_FALSE(p->has(kScopeRead));

  t = tokens_->issue_for_client(client_, {"ngsi-ld:write", "ngsi-ld:read"});
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->scopes, (std::vector<std::string>{"ngsi-ld:write", "ngsi-ld:read"}));
}

TEST_F(TokenServiceTest, AScopeTheClientLacksIsInvalidScope) {
  for (const std::vector<std::string>& requested :
       {std::vector<std::string>{"admin"}, std::vector<std::string>{"ngsi-ld:read", "admin"},
        std::vector<std::string>{"no-such-scope"}}) {
    const auto t = tokens_->issue_for_client(client_, requested);
    ASSERT_FALSE(t) << join_scopes(requested);
    EXPECT_EQ(t.error().kind, ErrorKind::BadRequestData);
    EXPECT_EQ(t.error().title, "invalid_scope");
    EXPECT_EQ(t.error().message, "the client may not ask for scope '" + requested.back() + "'");
  }
}

TEST_F(TokenServiceTest, TheTokenCarriesTheStandardClaims) {
  const auto token = issue();
  const auto jws = parse_jws(token);
  ASSERT_TRUE(jws) << jws.error().message;
  const auto signer = keys_->signer();
  ASSERT_TRUE(signer);
  EXPECT_EQ(jws->header, (json::object{{"alg", "ES256"}, {"typ", "at+jwt"}, {"kid", signer->kid}}));
  const auto& c = jws->claims;
  EXPECT_EQ(c.at("iss").as_string(), kIssuer);
  EXPECT_EQ(c.at("sub").as_string(), client_.id);
  EXPECT_EQ(c.at("aud").as_string(), kAudience);
  EXPECT_EQ(c.at("client_id").as_string(), client_.id);
  EXPECT_EQ(c.at("iat").as_int64(), kStartSeconds + 60);
  EXPECT_EQ(c.at("exp").as_int64(), kStartSeconds + 60 + 600);
  EXPECT_EQ(c.at("jti").as_string().size(), 43U);
  EXPECT_EQ(c.at("tenants").as_array(), (json::array{"_default", "city"}));
  EXPECT_EQ(c.at("types").as_array(), (json::array{json::string(kSensor)}));
  EXPECT_EQ(c.size(), 10U) << model::to_json_text(c);
  // Every token has its own id.
  EXPECT_NE(claims_of(issue()).at("jti"), c.at("jti"));
}

// ---- verifying -------------------------------------------------------------------------------

TEST_F(TokenServiceTest, VerifyReturnsThePrincipalAsRegistered) {
  const auto token = issue();
  const auto p = tokens_->verify(token);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->subject, client_.id);
  EXPECT_EQ(p->client_id, client_.id);
  EXPECT_EQ(p->jti, claims_of(token).at("jti").as_string());
  EXPECT_EQ(p->scopes, (std::set<std::string>{"ngsi-ld:read", "ngsi-ld:write"}));
  EXPECT_EQ(p->tenants, (std::optional<std::vector<std::string>>({"_default", "city"})));
  EXPECT_EQ(p->types, (std::optional<std::vector<std::string>>({kSensor})));
  EXPECT_EQ(p->issued, kStart + std::chrono::minutes(1));
  EXPECT_EQ(p->expires, kStart + std::chrono::minutes(1) + kLifetime);
}

TEST_F(TokenServiceTest, AClientWithoutTenantsOrTypesMayUseAll) {
  NewClient c;
  c.name = "admin tool";
  c.scopes = {std::string(kScopeAdmin)};
  auto created = clients_->create(std::move(c));
  ASSERT_TRUE(created) << created.error().message;
  const auto t = tokens_->issue_for_client(created->record, {});
  ASSERT_TRUE(t) << t.error().message;
  const auto claims = claims_of(t->access_token);
  EXPECT_FALSE(claims.contains("tenants"));
  EXPECT_FALSE(claims.contains("types"));
  const auto p = tokens_->verify(t->access_token);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->scopes, (std::set<std::string>{"admin"}));
  EXPECT_FALSE(p->tenants.has_value());
  EXPECT_FALSE(p->types.has_value());
}

TEST_F(TokenServiceTest, ExpiredTokensAreRefusedAfterExpPlusSkew) {
  const auto token = issue();
  const Timestamp exp = kStart + std::chrono::minutes(1) + kLifetime;
  clock_.set(exp + KeyRing::kClockSkew - milliseconds(1));
  EXPECT_TRUE(tokens_->verify(token));
  clock_.set(exp + KeyRing::kClockSkew);
  expect_refused(token, "the token has expired");
  clock_.advance(std::chrono::hours(1));
  expect_refused(token, "the token has expired");
}

TEST_F(TokenServiceTest, ExpiryCountsFromTheWholeSecondOfIssue) {
  // iat and exp are whole seconds: a token issued at .999 expires from the second it began.
  clock_.advance(milliseconds(999));
  const auto token = issue();
  const Timestamp exp = kStart + std::chrono::minutes(1) + kLifetime;
  const auto p = tokens_->verify(token);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->issued, kStart + std::chrono::minutes(1));
  EXPECT_EQ(p->expires, exp);
  clock_.set(exp + KeyRing::kClockSkew - milliseconds(1));
  EXPECT_TRUE(tokens_->verify(token));
  clock_.set(exp + KeyRing::kClockSkew);
  expect_refused(token, "the token has expired");
}

TEST_F(TokenServiceTest, TokensIssuedInTheFutureAreRefused) {
  const Timestamp issued = clock_.now();
  const auto token = issue();
  // This machine's clock moves back, or another machine's runs ahead.
  clock_.set(issued - KeyRing::kClockSkew);
  EXPECT_TRUE(tokens_->verify(token));
  clock_.set(issued - KeyRing::kClockSkew - milliseconds(1));
  expect_refused(token, "the token is issued in the future");
}

TEST_F(TokenServiceTest, TokensOfAnotherIssuerAreRefused) {
  const auto token = issue();
  ASSERT_TRUE(tokens_->verify(token));  // verified (and remembered) under the former issuer
  tokens_->set_issuer("https://id.example:8443");
  EXPECT_EQ(tokens_->settings()->issuer, "https://id.example:8443");
  // The audience was not the issuer's, so it stays.
  EXPECT_EQ(tokens_->settings()->audience, kAudience);
  expect_refused(token, "the token is from another issuer");
  // Tokens issued now are the new issuer's, and verify.
  const auto fresh = issue();
  EXPECT_EQ(claims_of(fresh).at("iss").as_string(), "https://id.example:8443");
  EXPECT_TRUE(tokens_->verify(fresh));
}

TEST_F(TokenServiceTest, SetIssuerMovesTheAudienceThatWasTheIssuers) {
  TokenService service(*keys_, *db_, settings(kIssuer, kIssuer), clock_);
  service.set_issuer("http://127.0.0.1:41234");
  EXPECT_EQ(service.settings()->issuer, "http://127.0.0.1:41234");
  EXPECT_EQ(service.settings()->audience, "http://127.0.0.1:41234");
  TokenService empty(*keys_, *db_, settings(kIssuer, ""), clock_);
  empty.set_issuer("http://127.0.0.1:41234");
  EXPECT_EQ(empty.settings()->audience, "http://127.0.0.1:41234");
  EXPECT_EQ(empty.settings()->access_lifetime, kLifetime);
}

TEST_F(TokenServiceTest, TokensForAnotherAudienceAreRefused) {
  const auto token = issue();
  TokenService other(*keys_, *db_, settings(kIssuer, "https://other-broker.example"), clock_);
  expect_refused(other, token, "the token is for another audience");
  // An audience list naming this audience is accepted, one that does not is refused.
  auto claims = claims_of(token);
  claims["aud"] = json::array{"https://x.example", kAudience};
  EXPECT_TRUE(tokens_->verify(signed_with_ring(claims)));
  claims["aud"] = json::array{"https://x.example"};
  expect_refused(signed_with_ring(claims), "the token is for another audience");
  claims.erase("aud");
  expect_refused(signed_with_ring(claims), "the token is for another audience");
}

TEST_F(TokenServiceTest, ATamperedPayloadIsRefused) {
  const auto token = issue({"ngsi-ld:read"});
  const auto p = jwt_parts(token);
  ASSERT_EQ(p.size(), 3U);
  for (const auto& [name, value] : std::vector<std::pair<std::string, json::value>>{
           {"scope", "ngsi-ld:read ngsi-ld:write admin"},
           {"exp", kStartSeconds + 86400},
           {"sub", "someone-else"},
           {"tenants", json::array{"other"}}}) {
    auto claims = claims_of(token);
    claims[name] = value;
    const auto tampered = p[0] + "." + base64url_encode(model::to_json_text(claims)) + "." + p[2];
    expect_refused(tampered, "the token's signature is not valid");
  }
  // A changed header breaks the signature as well.
  const auto kid = std::string(parse_jws(token)->header.at("kid").as_string());
  const auto header =
      base64url_encode(R"({"alg":"ES256","typ":"at+jwt","kid":")" + kid + R"(","x":1})");
  expect_refused(header + "." + p[1] + "." + p[2], "the token's signature is not valid");
  // And a header of another type of token (an ID token, say) is refused before its signature is
  // even looked at (RFC 9068 2.1).
  const auto other_typ = base64url_encode(R"({"alg":"ES256","typ":"JWT","kid":")" + kid + R"("})");
  expect_refused(other_typ + "." + p[1] + "." + p[2],
                 "the token is not an access token (typ at+jwt)");
  EXPECT_TRUE(tokens_->verify(token));
}

TEST_F(TokenServiceTest, ATokenSignedByAnotherStoresKeyIsRefused) {
  const auto other_dir = temp_dir("other");
  other_dirs_.push_back(other_dir);
  auto other_db = store::sqlite::open_platform_db(other_dir);
  ASSERT_TRUE(other_db) << other_db.error().message;
  KeyRing other_keys(**other_db, clock_, kLifetime);
  ASSERT_TRUE(other_keys.load());
  TokenService other(other_keys, **other_db, settings(), clock_);
  const auto t = other.issue_for_client(client_, {});
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_TRUE(other.verify(t->access_token));
  expect_refused(t->access_token, "the token was not signed by a key of this issuer");

  // The other key with this ring's kid in the header: the signature does not verify.
  const auto signer = keys_->signer();
  ASSERT_TRUE(signer);
  const auto forged =
      sign_jwt(claims_of(t->access_token), other_keys.signer()->key, signer->kid, "at+jwt");
  ASSERT_TRUE(forged);
  expect_refused(*forged, "the token's signature is not valid");
}

TEST_F(TokenServiceTest, TokensWithoutKidOrRequiredClaimsAreRefused) {
  const auto claims = claims_of(issue());
  const auto signer = keys_->signer();
  ASSERT_TRUE(signer);
  // A header without kid, correctly signed.
  const std::string input = base64url_encode(R"({"alg":"ES256","typ":"at+jwt"})") + "." +
                            base64url_encode(model::to_json_text(claims));
  const auto signature = signer->key.sign(input);
  ASSERT_TRUE(signature);
  expect_refused(input + "." + base64url_encode(*signature), "the token names no key (kid)");

  for (std::string_view name : {"exp", "iat", "jti"}) {
    auto without = claims;
    without.erase(name);
    expect_refused(signed_with_ring(without), "the token lacks exp, iat or jti");
  }
  auto text_exp = claims;
  text_exp["exp"] = std::to_string(kStartSeconds + 660);
  expect_refused(signed_with_ring(text_exp), "the token lacks exp, iat or jti");
  // Signed correctly with all of them, it verifies.
  EXPECT_TRUE(tokens_->verify(signed_with_ring(claims)));
}

TEST_F(TokenServiceTest, MalformedTokensAreRefusedByParse) {
  expect_refused("", "the token is not a JWT (three base64url parts separated by dots)");
  expect_refused("a.b", "the token is not a JWT (three base64url parts separated by dots)");
  const auto p = jwt_parts(issue());
  expect_refused(base64url_encode(R"({"alg":"none","typ":"at+jwt"})") + "." + p[1] + ".",
                 "the token is not signed with ES256");
}

// ---- revocation ------------------------------------------------------------------------------

TEST_F(TokenServiceTest, ARevokedTokenIsRefused) {
  const auto token = issue();
  const auto other = issue();
  ASSERT_TRUE(tokens_->verify(token));
  ASSERT_TRUE(tokens_->revoke(token));
  expect_refused(token, "the token has been revoked");
  // Only that one.
  EXPECT_TRUE(tokens_->verify(other));
  // Revoking twice is no error.
  EXPECT_TRUE(tokens_->revoke(token));
  // The revocation is stored until the token could no longer verify anyway.
  const auto stored = db_->revoked(clock_.now());
  ASSERT_TRUE(stored) << stored.error().message;
  ASSERT_EQ(stored->size(), 1U);
  EXPECT_EQ((*stored)[0].jti, claims_of(token).at("jti").as_string());
  EXPECT_EQ((*stored)[0].expires,
            kStart + std::chrono::minutes(1) + kLifetime + KeyRing::kClockSkew);
}

TEST_F(TokenServiceTest, RevokingASubjectRefusesItsTokens) {
  const auto token = issue();
  ASSERT_TRUE(tokens_->verify(token));  // remembered as verified: the hit is checked too
  ASSERT_TRUE(tokens_->revoke_subject(client_.id));
  expect_refused(token, "the token has been revoked");
  // Kept across a restart, for one token lifetime.
  TokenService restarted(*keys_, *db_, settings(), clock_);
  ASSERT_TRUE(restarted.load_revocations());
  expect_refused(restarted, token, "the token has been revoked");
}

TEST_F(TokenServiceTest, RevokingWhatDoesNotVerifyIsIgnored) {
  EXPECT_TRUE(tokens_->revoke(""));
  EXPECT_TRUE(tokens_->revoke("not.a.token"));
  const auto token = issue();
  clock_.advance(kLifetime + KeyRing::kClockSkew);  // expired
  EXPECT_TRUE(tokens_->revoke(token));
  const auto stored = db_->revoked(kStart);
  ASSERT_TRUE(stored);
  EXPECT_TRUE(stored->empty());
}

TEST_F(TokenServiceTest, RevocationsSurviveANewServiceAfterLoadRevocations) {
  const auto revoked = issue();
  const auto kept = issue();
  ASSERT_TRUE(tokens_->revoke(revoked));
  tokens_.reset();

  // A restart: a new ring and service over the same database file.
  db_.reset();
  auto db = store::sqlite::open_platform_db(dir_);
  ASSERT_TRUE(db) << db.error().message;
  db_ = std::move(*db);
  keys_ = std::make_unique<KeyRing>(*db_, clock_, kLifetime);
  ASSERT_TRUE(keys_->load());
  tokens_ = std::make_unique<TokenService>(*keys_, *db_, settings(), clock_);
  ASSERT_TRUE(tokens_->load_revocations());
  expect_refused(revoked, "the token has been revoked");
  EXPECT_TRUE(tokens_->verify(kept));
  // Until it expires like any other token.
  clock_.set(kStart + std::chrono::minutes(1) + kLifetime + KeyRing::kClockSkew);
  expect_refused(revoked, "the token has expired");
}

// ---- the Authorization header ----------------------------------------------------------------

TEST_F(TokenServiceTest, VerifyBearerNeedsAHeader) {
  const auto p = tokens_->verify_bearer(std::nullopt);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().kind, ErrorKind::Unauthorized);
  EXPECT_EQ(p.error().message, TokenService::kNoToken);
  EXPECT_EQ(p.error().message, "this request needs a bearer token");
}

TEST_F(TokenServiceTest, VerifyBearerRefusesOtherSchemes) {
  const auto token = issue();
  for (const std::string& header :
       {std::string("Basic x"), std::string("Basic ") + token, std::string(""),
        std::string("Bearer"), std::string("Bearer "), std::string("Bearer:") + token,
        std::string("Bearertoken"), token}) {
    const auto p = tokens_->verify_bearer(std::string_view(header));
    ASSERT_FALSE(p) << header;
    EXPECT_EQ(p.error().kind, ErrorKind::Unauthorized) << header;
    EXPECT_EQ(p.error().message, "the Authorization header must be 'Bearer <token>'") << header;
  }
}

TEST_F(TokenServiceTest, VerifyBearerTakesTheSchemeInAnyCase) {
  const auto token = issue();
  for (const std::string scheme : {"Bearer ", "bearer ", "BEARER ", "bEaReR "}) {
    const auto p = tokens_->verify_bearer(std::string_view(scheme + token));
    ASSERT_TRUE(p) << scheme << ": " << p.error().message;
    EXPECT_EQ(p->client_id, client_.id);
  }
  // What follows the scheme is verified like any token.
  const auto bad = tokens_->verify_bearer(std::string_view("Bearer abc"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message,
            "the token is not a JWT (three base64url parts separated by dots)");
  ASSERT_TRUE(tokens_->revoke(token));
  const auto revoked = tokens_->verify_bearer(std::string_view("Bearer " + token));
  ASSERT_FALSE(revoked);
  EXPECT_EQ(revoked.error().message, "the token has been revoked");
}

TEST_F(TokenServiceTest, VerifyBearerTakesMoreThanOneSpaceAfterTheScheme) {
  // RFC 6750 section 2.1: credentials = "Bearer" 1*SP b64token.
  const auto token = issue();
  const auto p = tokens_->verify_bearer(std::string_view("Bearer  " + token));
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->client_id, client_.id);
}

}  // namespace
}  // namespace tsunagu::identity
