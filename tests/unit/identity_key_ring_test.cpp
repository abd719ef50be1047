// The key ring (identity/key_ring.hpp) over a real platform database in a temporary directory:
// the first key made and kept, its kid the RFC 7638 thumbprint, the JWKS, rotation with the
// retired key verifying for the token lifetime plus the clock skew, and a second ring on the
// same database seeing a key rotated by the first.

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "identity/jwt.hpp"
#include "identity/key_ring.hpp"
#include "identity_test_support.hpp"

namespace tsunagu::identity {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using model::Timestamp;
using std::chrono::milliseconds;
using std::chrono::seconds;

using testing::kStart;
constexpr seconds kLifetime{600};

class KeyRingTest : public testing::WithPlatformDb {
 protected:
  KeyRingTest() : WithPlatformDb("key-ring-test") {}

  std::vector<store::StoredKey> stored() {
    auto keys = db_->keys();
    EXPECT_TRUE(keys) << keys.error().message;
    return keys ? *keys : std::vector<store::StoredKey>{};
  }

  std::string signer_kid(KeyRing& ring) {
    auto s = ring.signer();
    EXPECT_TRUE(s) << s.error().message;
    return s ? s->kid : std::string();
  }
};

// RFC 7638 section 3.2: the required members of an EC key, in lexicographic order, no
// whitespace, hashed with SHA-256 and encoded as base64url.
std::string rfc7638(const json::object& jwk) {
  const std::string canonical = R"({"crv":")" + std::string(jwk.at("crv").as_string()) +
                                R"(","kty":")" + std::string(jwk.at("kty").as_string()) +
                                R"(","x":")" + std::string(jwk.at("x").as_string()) + R"(","y":")" +
                                std::string(jwk.at("y").as_string()) + R"("})";
  return base64url_encode(sha256(canonical));
}

TEST_F(KeyRingTest, SignerBeforeLoadIsAnError) {
  KeyRing ring(*db_, clock_, kLifetime);
  const auto s = ring.signer();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, ErrorKind::InternalError);
  EXPECT_EQ(s.error().message, "no signing key: the key ring was not loaded");
}

TEST_F(KeyRingTest, LoadCreatesExactlyOneKeyAndASecondRingReusesIt) {
  KeyRing first(*db_, clock_, kLifetime);
  ASSERT_TRUE(first.load());
  auto keys = stored();
  ASSERT_EQ(keys.size(), 1U);
  EXPECT_EQ(keys[0].created, kStart);
  EXPECT_FALSE(keys[0].retired.has_value());
  EXPECT_EQ(signer_kid(first), keys[0].kid);

  clock_.advance(seconds(5));
  KeyRing second(*db_, clock_, kLifetime);
  ASSERT_TRUE(second.load());
  keys = stored();
  ASSERT_EQ(keys.size(), 1U);
  EXPECT_EQ(signer_kid(second), keys[0].kid);
  EXPECT_EQ(keys[0].created, kStart);

  // Loading the same ring again adds nothing either.
  ASSERT_TRUE(first.load());
  EXPECT_EQ(stored().size(), 1U);
}

TEST_F(KeyRingTest, TheKeySurvivesReopeningTheDatabase) {
  std::string kid;
  {
    KeyRing ring(*db_, clock_, kLifetime);
    ASSERT_TRUE(ring.load());
    kid = signer_kid(ring);
  }
  db_.reset();
  auto db = store::sqlite::open_platform_db(dir_);
  ASSERT_TRUE(db) << db.error().message;
  db_ = std::move(*db);
  KeyRing ring(*db_, clock_, kLifetime);
  ASSERT_TRUE(ring.load());
  EXPECT_EQ(signer_kid(ring), kid);
  EXPECT_EQ(stored().size(), 1U);
}

TEST_F(KeyRingTest, KidIsTheRfc7638ThumbprintOfThePublicJwk) {
  KeyRing ring(*db_, clock_, kLifetime);
  ASSERT_TRUE(ring.load());
  const auto signer = ring.signer();
  ASSERT_TRUE(signer) << signer.error().message;
  const auto jwk = signer->key.public_jwk();
  EXPECT_EQ(signer->kid, rfc7638(jwk));
  EXPECT_EQ(signer->kid.size(), 43U);
  EXPECT_EQ(KeyRing::thumbprint(signer->key), signer->kid);
  // The stored key is the one that signs.
  const auto keys = stored();
  ASSERT_EQ(keys.size(), 1U);
  EXPECT_EQ(keys[0].kid, signer->kid);
  const auto from_store = EcKey::from_private_pem(keys[0].private_pem);
  ASSERT_TRUE(from_store);
  EXPECT_EQ(from_store->public_jwk(), jwk);
}

TEST_F(KeyRingTest, ThumbprintMatchesTheRfc7638ConstructionForAnyKey) {
  for (int i = 0; i < 5; ++i) {
    const auto key = EcKey::generate();
    ASSERT_TRUE(key);
    EXPECT_EQ(KeyRing::thumbprint(*key), rfc7638(key->public_jwk()));
  }
}

TEST_F(KeyRingTest, JwksListsTheKeyForSignaturesWithEs256) {
  KeyRing ring(*db_, clock_, kLifetime);
  ASSERT_TRUE(ring.load());
  const auto signer = ring.signer();
  ASSERT_TRUE(signer);
  const auto jwks = ring.jwks();
  ASSERT_EQ(jwks.size(), 1U);
  const auto& keys = jwks.at("keys").as_array();
  ASSERT_EQ(keys.size(), 1U);
  auto expected = signer->key.public_jwk();
  expected["kid"] = signer->kid;
  expected["use"] = "sig";
  expected["alg"] = "ES256";
  EXPECT_EQ(keys[0].as_object(), expected);
  // No private member ("d") is published.
  EXPECT_FALSE(keys[0].as_object().contains("d"));
  // A client verifies with the published key.
  const auto pub = EcKey::from_public_jwk(keys[0].as_object());
  ASSERT_TRUE(pub) << pub.error().message;
  const auto signature = signer->key.sign("input");
  ASSERT_TRUE(signature);
  EXPECT_TRUE(pub->verify("input", *signature));
}

TEST_F(KeyRingTest, VerifierKnowsTheCurrentKeyOnly) {
  KeyRing ring(*db_, clock_, kLifetime);
  ASSERT_TRUE(ring.load());
  const auto kid = signer_kid(ring);
  EXPECT_TRUE(ring.verifier(kid).has_value());
  EXPECT_FALSE(ring.verifier("").has_value());
  EXPECT_FALSE(ring.verifier("unknown").has_value());
  EXPECT_FALSE(ring.verifier(kid.substr(1)).has_value());
  // A current key verifies however far time moves.
  clock_.advance(std::chrono::hours(24 * 365));
  EXPECT_TRUE(ring.verifier(kid).has_value());
}

TEST_F(KeyRingTest, RotatedKeyVerifiesForTheTokenLifetimePlusSkewAndNoLonger) {
  KeyRing ring(*db_, clock_, kLifetime);
  ASSERT_TRUE(ring.load());
  const auto old_signer = ring.signer();
  ASSERT_TRUE(old_signer);
  const auto old_kid = old_signer->kid;
  auto token = sign_jwt({{"sub", "x"}}, old_signer->key, old_kid);
  ASSERT_TRUE(token);
  const auto jws = parse_jws(*token);
  ASSERT_TRUE(jws);

  clock_.advance(std::chrono::minutes(1));
  const Timestamp rotated = clock_.now();
  const auto new_kid = ring.rotate();
  ASSERT_TRUE(new_kid) << new_kid.error().message;
  EXPECT_NE(*new_kid, old_kid);
  EXPECT_EQ(signer_kid(ring), *new_kid);

  // The store: the old key retired at the new key's creation.
  auto keys = stored();
  ASSERT_EQ(keys.size(), 2U);
  EXPECT_EQ(keys[0].kid, old_kid);
  EXPECT_EQ(keys[0].retired, std::optional<Timestamp>(rotated));
  EXPECT_EQ(keys[1].kid, *new_kid);
  EXPECT_EQ(keys[1].created, rotated);
  EXPECT_FALSE(keys[1].retired.has_value());

  // Right after the rotation, and until the last moment, the old key verifies its tokens.
  auto old_key = ring.verifier(old_kid);
  ASSERT_TRUE(old_key.has_value());
  EXPECT_TRUE(old_key->verify(jws->signing_input, jws->signature));
  EXPECT_EQ(ring.jwks().at("keys").as_array().size(), 2U);

  clock_.set(rotated + kLifetime + KeyRing::kClockSkew - milliseconds(1));
  old_key = ring.verifier(old_kid);
  ASSERT_TRUE(old_key.has_value());
  EXPECT_TRUE(old_key->verify(jws->signing_input, jws->signature));
  EXPECT_EQ(ring.jwks().at("keys").as_array().size(), 2U);

  clock_.set(rotated + kLifetime + KeyRing::kClockSkew);
  EXPECT_FALSE(ring.verifier(old_kid).has_value());
  const auto jwks = ring.jwks();
  ASSERT_EQ(jwks.at("keys").as_array().size(), 1U);
  EXPECT_EQ(jwks.at("keys").as_array()[0].as_object().at("kid").as_string(), *new_kid);
  EXPECT_TRUE(ring.verifier(*new_kid).has_value());
  EXPECT_EQ(signer_kid(ring), *new_kid);
}

TEST_F(KeyRingTest, RotationForgetsKeysWhoseTokensHaveAllExpired) {
  KeyRing ring(*db_, clock_, kLifetime);
  ASSERT_TRUE(ring.load());
  const auto first = signer_kid(ring);
  clock_.advance(std::chrono::minutes(1));
  const auto second = ring.rotate();
  ASSERT_TRUE(second);
  const Timestamp first_retired = clock_.now();

  // A rotation while the first key still verifies keeps it.
  clock_.set(first_retired + kLifetime + KeyRing::kClockSkew - milliseconds(1));
  const auto third = ring.rotate();
  ASSERT_TRUE(third);
  auto keys = stored();
  ASSERT_EQ(keys.size(), 3U);
  EXPECT_EQ(keys[0].kid, first);
  EXPECT_TRUE(ring.verifier(first).has_value());
  EXPECT_TRUE(ring.verifier(*second).has_value());

  // Once it no longer verifies, the next rotation drops it from the store and the JWKS.
  clock_.set(first_retired + kLifetime + KeyRing::kClockSkew + milliseconds(1));
  const auto fourth = ring.rotate();
  ASSERT_TRUE(fourth);
  keys = stored();
  ASSERT_EQ(keys.size(), 3U);
  EXPECT_EQ(keys[0].kid, *second);
  EXPECT_EQ(keys[1].kid, *third);
  EXPECT_EQ(keys[2].kid, *fourth);
  EXPECT_FALSE(ring.verifier(first).has_value());
  EXPECT_EQ(ring.jwks().at("keys").as_array().size(), 3U);
  EXPECT_EQ(signer_kid(ring), *fourth);
}

TEST_F(KeyRingTest, ASecondRingSeesARotatedKeyAtOnceThroughItsKid) {
  KeyRing server(*db_, clock_, kLifetime);
  KeyRing tool(*db_, clock_, kLifetime);  // `tsunagu keys rotate` in another process
  ASSERT_TRUE(server.load());
  ASSERT_TRUE(tool.load());
  const auto old_kid = signer_kid(server);
  EXPECT_EQ(signer_kid(tool), old_kid);

  clock_.advance(seconds(1));
  const auto new_kid = tool.rotate();
  ASSERT_TRUE(new_kid) << new_kid.error().message;

  // The header says: "the ring sees it [...] at once when a token names a key it does not know
  // yet". A token signed with the new key must verify on the server right away.
  const auto key = server.verifier(*new_kid);
  ASSERT_TRUE(key.has_value()) << "the server does not know the rotated key " << *new_kid;
  const auto signature = tool.signer()->key.sign("input");
  ASSERT_TRUE(signature);
  EXPECT_TRUE(key->verify("input", *signature));
  // And with it reloaded, the server signs with the new key.
  EXPECT_EQ(signer_kid(server), *new_kid);
  EXPECT_TRUE(server.verifier(old_kid).has_value());
}

TEST_F(KeyRingTest, UnknownKidsReloadAtMostOncePerSecond) {
  KeyRing server(*db_, clock_, kLifetime);
  KeyRing tool(*db_, clock_, kLifetime);
  ASSERT_TRUE(server.load());
  ASSERT_TRUE(tool.load());

  clock_.advance(seconds(1));
  EXPECT_FALSE(server.verifier("made-up").has_value());  // reloads now
  clock_.advance(std::chrono::milliseconds(100));
  const auto new_kid = tool.rotate();
  ASSERT_TRUE(new_kid) << new_kid.error().message;
  // Less than kUnknownKidReloadAfter since that reload: the new kid is not looked up yet.
  clock_.advance(KeyRing::kUnknownKidReloadAfter - std::chrono::milliseconds(200));
  EXPECT_FALSE(server.verifier(*new_kid).has_value());
  clock_.advance(std::chrono::milliseconds(100));
  EXPECT_TRUE(server.verifier(*new_kid).has_value());
}

TEST_F(KeyRingTest, ASecondRingSeesARotatedKeyAfterReloadAfter) {
  KeyRing server(*db_, clock_, kLifetime);
  KeyRing tool(*db_, clock_, kLifetime);
  ASSERT_TRUE(server.load());
  ASSERT_TRUE(tool.load());
  const auto old_kid = signer_kid(server);

  clock_.advance(seconds(1));
  const auto new_kid = tool.rotate();
  ASSERT_TRUE(new_kid) << new_kid.error().message;
  // Until kReloadAfter has passed since its load, the server keeps signing with that key.
  clock_.advance(KeyRing::kReloadAfter - seconds(2));
  EXPECT_EQ(signer_kid(server), old_kid);
  // Once it has, the server reloads and signs with the new key. Time is driven by the ring's
  // clock: the test cannot wait 30 real seconds.
  clock_.advance(seconds(1));
  EXPECT_EQ(signer_kid(server), *new_kid)
      << "KeyRing measures kReloadAfter with std::chrono::steady_clock, not the injected clock";
  EXPECT_EQ(server.jwks().at("keys").as_array().size(), 2U);
}

}  // namespace
}  // namespace tsunagu::identity
