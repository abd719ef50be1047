// JWTs in the JWS compact serialization (identity/jwt.hpp): what sign_jwt writes, that
// parse_jws gives it back, and that parse_jws refuses anything but three base64url parts with
// JSON object header and payload and the one algorithm, ES256.

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <string>
#include <vector>

#include "identity/jwt.hpp"
#include "identity_test_support.hpp"

namespace tsunagu::identity {
namespace {

namespace json = boost::json;

using testing::jwt_parts;

std::string b64(std::string_view text) {
  return base64url_encode(text);
}

class JwtTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = EcKey::generate();
    ASSERT_TRUE(key) << key.error().message;
    key_.emplace(std::move(*key));
  }

  std::string signed_token(const json::object& claims, std::string_view type = "JWT") {
    auto token = sign_jwt(claims, *key_, "kid-1", type);
    EXPECT_TRUE(token) << token.error().message;
    return token ? *token : std::string();
  }

  void expect_refused(std::string_view token, std::string_view message) {
    const auto jws = parse_jws(token);
    ASSERT_FALSE(jws) << token;
    EXPECT_EQ(jws.error().kind, ErrorKind::Unauthorized) << token;
    EXPECT_EQ(jws.error().message, message) << token;
  }

  std::optional<EcKey> key_;
};

const json::object kClaims{{"iss", "https://id.example"},
                           {"sub", "client-1"},
                           {"iat", 1767225600},
                           {"exp", 1767226200},
                           {"scope", "ngsi-ld:read ngsi-ld:write"},
                           {"tenants", json::array{"_default", "city"}},
                           {"ratio", 0.5},
                           {"name", "東京"}};

TEST_F(JwtTest, SignedTokenParsesBackToHeaderAndClaims) {
  const auto token = signed_token(kClaims);
  const auto p = jwt_parts(token);
  ASSERT_EQ(p.size(), 3U) << token;
  const auto jws = parse_jws(token);
  ASSERT_TRUE(jws) << jws.error().message;
  EXPECT_EQ(jws->header, (json::object{{"alg", "ES256"}, {"typ", "JWT"}, {"kid", "kid-1"}}));
  EXPECT_EQ(jws->claims, kClaims);
  EXPECT_EQ(jws->signing_input, p[0] + "." + p[1]);
  EXPECT_EQ(jws->signature.size(), 64U);
  EXPECT_EQ(base64url_encode(jws->signature), p[2]);
  EXPECT_TRUE(key_->verify(jws->signing_input, jws->signature));
}

TEST_F(JwtTest, HeaderIsCompactJsonWithTheGivenType) {
  const auto token = signed_token({{"sub", "x"}}, "at+jwt");
  const auto p = jwt_parts(token);
  ASSERT_EQ(p.size(), 3U);
  EXPECT_EQ(base64url_decode(p[0]), R"({"alg":"ES256","typ":"at+jwt","kid":"kid-1"})");
  EXPECT_EQ(base64url_decode(p[1]), R"({"sub":"x"})");
  const auto jws = parse_jws(token);
  ASSERT_TRUE(jws) << jws.error().message;
  EXPECT_EQ(jws->header.at("typ").as_string(), "at+jwt");
  EXPECT_EQ(jws->header.at("kid").as_string(), "kid-1");
  EXPECT_EQ(jws->header.at("alg").as_string(), "ES256");
}

TEST_F(JwtTest, EmptyClaimsAreAnObject) {
  const auto jws = parse_jws(signed_token({}));
  ASSERT_TRUE(jws) << jws.error().message;
  EXPECT_TRUE(jws->claims.empty());
}

TEST_F(JwtTest, ParseDoesNotVerify) {
  // parse_jws splits and decodes; a tampered payload parses, and the signature then fails.
  const auto p = jwt_parts(signed_token({{"sub", "x"}}));
  const auto tampered = p[0] + "." + b64(R"({"sub":"y"})") + "." + p[2];
  const auto jws = parse_jws(tampered);
  ASSERT_TRUE(jws) << jws.error().message;
  EXPECT_EQ(jws->claims.at("sub").as_string(), "y");
  EXPECT_FALSE(key_->verify(jws->signing_input, jws->signature));
}

constexpr std::string_view kNotThreeParts =
    "the token is not a JWT (three base64url parts separated by dots)";

TEST_F(JwtTest, RefusesAnythingButThreeParts) {
  const auto p = jwt_parts(signed_token(kClaims));
  expect_refused("", kNotThreeParts);
  expect_refused(p[0], kNotThreeParts);
  expect_refused(p[0] + "." + p[1], kNotThreeParts);
  expect_refused(p[0] + "." + p[1] + "." + p[2] + "." + p[2], kNotThreeParts);
  expect_refused(p[0] + "." + p[1] + "." + p[2] + ".", kNotThreeParts);
  expect_refused("...", kNotThreeParts);
  // Five parts: a JWE, which this verifier does not take.
  expect_refused(p[0] + "." + p[1] + "." + p[2] + "." + p[2] + "." + p[2], kNotThreeParts);
}

TEST_F(JwtTest, RefusesPartsThatAreNotBase64Url) {
  const auto p = jwt_parts(signed_token(kClaims));
  expect_refused(p[0] + "=." + p[1] + "." + p[2], "the token has a header that is not base64url");
  expect_refused("+" + p[0] + "." + p[1] + "." + p[2],
                 "the token has a header that is not base64url");
  expect_refused(p[0] + "." + p[1] + "/." + p[2], "the token has a payload that is not base64url");
  expect_refused(p[0] + "." + p[1] + "." + p[2] + "==",
                 "the token has a signature that is not base64url");
  expect_refused(p[0] + "." + p[1] + "." + p[2].substr(0, 85),
                 "the token has a signature that is not base64url");
}

TEST_F(JwtTest, RefusesHeaderOrPayloadThatIsNotAJsonObject) {
  const auto p = jwt_parts(signed_token(kClaims));
  for (std::string_view header :
       {std::string_view(""), std::string_view("not json"), std::string_view("[1,2]"),
        std::string_view(R"("ES256")"), std::string_view("null"),
        std::string_view(R"({"alg":"ES256")")}) {
    expect_refused(b64(header) + "." + p[1] + "." + p[2],
                   "the token has a header that is not a JSON object");
  }
  for (std::string_view payload :
       {std::string_view(""), std::string_view("42"), std::string_view(R"(["sub"])")}) {
    expect_refused(p[0] + "." + b64(payload) + "." + p[2],
                   "the token has a payload that is not a JSON object");
  }
}

TEST_F(JwtTest, RefusesEveryAlgorithmButEs256) {
  const auto p = jwt_parts(signed_token(kClaims));
  constexpr std::string_view kNotEs256 = "the token is not signed with ES256";
  // The classic attack: alg "none" and an empty signature.
  expect_refused(b64(R"({"alg":"none","typ":"JWT"})") + "." + p[1] + ".", kNotEs256);
  expect_refused(b64(R"({"alg":"none","typ":"JWT"})") + "." + p[1] + "." + p[2], kNotEs256);
  // HMAC with the public key as the secret.
  expect_refused(b64(R"({"alg":"HS256","typ":"JWT","kid":"kid-1"})") + "." + p[1] + "." + p[2],
                 kNotEs256);
  for (std::string_view header :
       {std::string_view(R"({"alg":"RS256"})"), std::string_view(R"({"alg":"ES384"})"),
        std::string_view(R"({"alg":"es256"})"), std::string_view(R"({"alg":"ES256 "})"),
        std::string_view(R"({"alg":256})"), std::string_view(R"({"alg":null})"),
        std::string_view(R"({"typ":"JWT"})"), std::string_view("{}")}) {
    expect_refused(b64(header) + "." + p[1] + "." + p[2], kNotEs256);
  }
}

}  // namespace
}  // namespace tsunagu::identity
