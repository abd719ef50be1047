// The cryptographic primitives of oneID (identity/crypto.hpp): base64url without padding
// (RFC 4648 section 5, RFC 7515 section 2), SHA-256 (FIPS 180-2 vectors), secure random
// tokens, the constant-time comparison, and ES256 keys with their JWK and PEM forms.

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <random>
#include <set>
#include <string>

#include "identity/crypto.hpp"

namespace tsunagu::identity {
namespace {

namespace json = boost::json;

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

EcKey generated() {
  auto key = EcKey::generate();
  EXPECT_TRUE(key) << key.error().message;
  return std::move(*key);
}

// ---- base64url -------------------------------------------------------------------------------

TEST(Base64Url, RoundTripsRandomBytesOfEveryLengthUpTo40) {
  std::mt19937 rng{12345};
  for (std::size_t n = 0; n <= 40; ++n) {
    std::string bytes(n, '\0');
    for (auto& b : bytes) b = static_cast<char>(rng() & 0xFF);
    const auto text = base64url_encode(bytes);
    // Unpadded: 4 characters per 3 bytes, 2 or 3 for a remainder of 1 or 2.
    EXPECT_EQ(text.size(), n / 3 * 4 + (n % 3 == 0 ? 0 : n % 3 + 1)) << n;
    EXPECT_EQ(
        text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos)
        << text;
    const auto back = base64url_decode(text);
    ASSERT_TRUE(back.has_value()) << n << " " << text;
    EXPECT_EQ(*back, bytes) << n;
  }
}

TEST(Base64Url, EncodesEveryByteValue) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  const auto back = base64url_decode(base64url_encode(all));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, all);
}

struct Vector {
  std::string_view bytes;
  std::string_view text;
};

class Base64UrlVectors : public testing::TestWithParam<Vector> {};

TEST_P(Base64UrlVectors, EncodesAndDecodes) {
  EXPECT_EQ(base64url_encode(GetParam().bytes), GetParam().text);
  const auto back = base64url_decode(GetParam().text);
  ASSERT_TRUE(back.has_value()) << GetParam().text;
  EXPECT_EQ(*back, GetParam().bytes);
}

// RFC 4648 section 10, without the padding RFC 7515 drops, plus the two characters that differ
// from base64 ('-' and '_' for '+' and '/').
INSTANTIATE_TEST_SUITE_P(Rfc4648, Base64UrlVectors,
                         testing::Values(Vector{"", ""}, Vector{"f", "Zg"}, Vector{"fo", "Zm8"},
                                         Vector{"foo", "Zm9v"}, Vector{"foob", "Zm9vYg"},
                                         Vector{"fooba", "Zm9vYmE"}, Vector{"foobar", "Zm9vYmFy"},
                                         Vector{"\xfb\xff", "-_8"}, Vector{"\xfb\xef\xbe", "----"},
                                         Vector{"\xff\xff\xff", "____"}));

class Base64UrlRefused : public testing::TestWithParam<std::string_view> {};

TEST_P(Base64UrlRefused, DecodesToNothing) {
  EXPECT_FALSE(base64url_decode(GetParam()).has_value()) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(NotUnpaddedBase64Url, Base64UrlRefused,
                         testing::Values(
                             // Padding.
                             "Zg==", "Zm8=", "Zg=", "=",
                             // The base64 alphabet's '+' and '/'.
                             "+_8", "-/8", "++++", "////",
                             // Other characters.
                             "Zm9v YmFy", "Zm9v\n", "Zm9v.", std::string_view("Zm\0v", 4),
                             // A length that is 1 modulo 4 cannot come from any bytes.
                             "Z", "Zm9vY", "Zm9vYmFyZ",
                             // Trailing bits that are not zero: "Zh" and "Zg" would both be "f".
                             "Zh", "Zm9", "Zm9vYmF", "-_9", "Z_"));

// ---- SHA-256 ---------------------------------------------------------------------------------

TEST(Sha256, MatchesTheFips180Vectors) {
  EXPECT_EQ(hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, GivesThirtyTwoBytesAndHashesEmbeddedZeros) {
  EXPECT_EQ(sha256("abc").size(), 32U);
  EXPECT_NE(sha256(std::string_view("a\0b", 3)), sha256("a"));
}

// ---- random ----------------------------------------------------------------------------------

TEST(Random, BytesHaveTheAskedLength) {
  EXPECT_EQ(random_bytes(0).size(), 0U);
  EXPECT_EQ(random_bytes(1).size(), 1U);
  EXPECT_EQ(random_bytes(64).size(), 64U);
  EXPECT_NE(random_bytes(32), random_bytes(32));
}

TEST(Random, TokensAre43Base64UrlCharactersAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const auto token = random_token();
    EXPECT_EQ(token.size(), 43U) << token;
    const auto bytes = base64url_decode(token);
    ASSERT_TRUE(bytes.has_value()) << token;
    EXPECT_EQ(bytes->size(), 32U);
    seen.insert(token);
  }
  EXPECT_EQ(seen.size(), 200U);
}

// ---- constant_time_equal ---------------------------------------------------------------------

TEST(ConstantTimeEqual, ComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("secret", "secret"));
  EXPECT_FALSE(constant_time_equal("secret", "secreT"));
  EXPECT_FALSE(constant_time_equal("secret", "Secret"));
  EXPECT_FALSE(constant_time_equal("secret", "secret "));
  EXPECT_FALSE(constant_time_equal("secret", "secre"));
  EXPECT_FALSE(constant_time_equal("", "a"));
  EXPECT_TRUE(constant_time_equal(std::string_view("a\0b", 3), std::string_view("a\0b", 3)));
  EXPECT_FALSE(constant_time_equal(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

// ---- EcKey -----------------------------------------------------------------------------------

TEST(EcKey, SignsWithA64ByteSignatureThatVerifies) {
  const auto key = generated();
  const std::string input = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0";
  const auto signature = key.sign(input);
  ASSERT_TRUE(signature) << signature.error().message;
  EXPECT_EQ(signature->size(), 64U);
  EXPECT_TRUE(key.verify(input, *signature));
  // ECDSA signatures are randomized; each verifies.
  const auto again = key.sign(input);
  ASSERT_TRUE(again);
  EXPECT_NE(*again, *signature);
  EXPECT_TRUE(key.verify(input, *again));
  // The empty input can be signed as well.
  const auto empty = key.sign("");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(key.verify("", *empty));
  EXPECT_FALSE(key.verify("x", *empty));
}

TEST(EcKey, RefusesAFlippedBitOfInputOrSignature) {
  const auto key = generated();
  const std::string input = "header.payload";
  const auto signature = key.sign(input);
  ASSERT_TRUE(signature);
  for (std::size_t i = 0; i < input.size(); ++i) {
    std::string changed = input;
    changed[i] = static_cast<char>(changed[i] ^ 0x01);
    EXPECT_FALSE(key.verify(changed, *signature)) << "input byte " << i;
  }
  for (std::size_t i = 0; i < signature->size(); ++i) {
    std::string changed = *signature;
    changed[i] = static_cast<char>(changed[i] ^ (1 << (i % 8)));
    EXPECT_FALSE(key.verify(input, changed)) << "signature byte " << i;
  }
  EXPECT_TRUE(key.verify(input, *signature));
}

TEST(EcKey, RefusesSignaturesOfTheWrongLength) {
  const auto key = generated();
  const auto signature = key.sign("input");
  ASSERT_TRUE(signature);
  EXPECT_FALSE(key.verify("input", signature->substr(0, 63)));
  EXPECT_FALSE(key.verify("input", *signature + '\0'));
  EXPECT_FALSE(key.verify("input", ""));
  EXPECT_FALSE(key.verify("input", std::string(64, '\0')));
}

TEST(EcKey, RefusesASignatureOfAnotherKey) {
  const auto a = generated();
  const auto b = generated();
  const auto signature = a.sign("input");
  ASSERT_TRUE(signature);
  EXPECT_FALSE(b.verify("input", *signature));
}

TEST(EcKey, PublicJwkHasP256CoordinatesOf32Bytes) {
  const auto jwk = generated().public_jwk();
  EXPECT_EQ(jwk.size(), 4U);
  EXPECT_EQ(jwk.at("kty").as_string(), "EC");
  EXPECT_EQ(jwk.at("crv").as_string(), "P-256");
  const auto x = base64url_decode(jwk.at("x").as_string());
  const auto y = base64url_decode(jwk.at("y").as_string());
  ASSERT_TRUE(x && y);
  EXPECT_EQ(x->size(), 32U);
  EXPECT_EQ(y->size(), 32U);
  EXPECT_EQ(jwk.at("x").as_string().size(), 43U);
  EXPECT_EQ(jwk.at("y").as_string().size(), 43U);
}

TEST(EcKey, PrivatePemRoundTripKeepsTheKey) {
  const auto key = generated();
  const auto pem = key.private_pem();
  EXPECT_TRUE(pem.starts_with("-----BEGIN PRIVATE KEY-----\n")) << pem;
  EXPECT_TRUE(pem.ends_with("-----END PRIVATE KEY-----\n")) << pem;
  const auto back = EcKey::from_private_pem(pem);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->public_jwk(), key.public_jwk());
  EXPECT_EQ(back->private_pem(), pem);
  // What the restored key signs, the original verifies, and the other way round.
  const auto by_back = back->sign("input");
  const auto by_key = key.sign("input");
  ASSERT_TRUE(by_back && by_key);
  EXPECT_TRUE(key.verify("input", *by_back));
  EXPECT_TRUE(back->verify("input", *by_key));
}

TEST(EcKey, FromPrivatePemRefusesWhatIsNotAPrivateKey) {
  for (std::string_view pem :
       {std::string_view(""), std::string_view("not a key"),
        std::string_view("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")}) {
    const auto key = EcKey::from_private_pem(pem);
    ASSERT_FALSE(key) << pem;
    EXPECT_EQ(key.error().kind, ErrorKind::InternalError);
    EXPECT_EQ(key.error().message, "cryptography: a stored signing key cannot be read");
  }
}

TEST(EcKey, FromPublicJwkVerifiesWhatThePrivateKeySigned) {
  const auto key = generated();
  const auto pub = EcKey::from_public_jwk(key.public_jwk());
  ASSERT_TRUE(pub) << pub.error().message;
  EXPECT_EQ(pub->public_jwk(), key.public_jwk());
  const auto signature = key.sign("input");
  ASSERT_TRUE(signature);
  EXPECT_TRUE(pub->verify("input", *signature));
  EXPECT_FALSE(pub->verify("inpuT", *signature));
  // Members beyond the required ones (kid, use, alg as in a JWKS) are ignored.
  auto jwk = key.public_jwk();
  jwk["kid"] = "k1";
  jwk["use"] = "sig";
  jwk["alg"] = "ES256";
  const auto with_extras = EcKey::from_public_jwk(jwk);
  ASSERT_TRUE(with_extras) << with_extras.error().message;
  EXPECT_TRUE(with_extras->verify("input", *signature));
}

void expect_refused(const json::object& jwk, std::string_view message) {
  const auto key = EcKey::from_public_jwk(jwk);
  ASSERT_FALSE(key) << json::serialize(jwk);
  EXPECT_EQ(key.error().kind, ErrorKind::BadRequestData) << json::serialize(jwk);
  EXPECT_EQ(key.error().message, message) << json::serialize(jwk);
}

constexpr std::string_view kNotP256 = "the key is not an EC P-256 JWK";
constexpr std::string_view kNotCoordinates = "the JWK's x and y are not P-256 coordinates";
constexpr std::string_view kNotOnCurve = "the JWK is not a point on P-256";

TEST(EcKey, FromPublicJwkRefusesAnotherKeyTypeOrCurve) {
  const auto good = generated().public_jwk();
  auto jwk = good;
  jwk["kty"] = "RSA";
  expect_refused(jwk, kNotP256);
  jwk = good;
  jwk["kty"] = "ec";
  expect_refused(jwk, kNotP256);
  jwk = good;
  jwk.erase("kty");
  expect_refused(jwk, kNotP256);
  jwk = good;
  jwk["crv"] = "P-384";
  expect_refused(jwk, kNotP256);
  jwk = good;
  jwk["crv"] = "secp256k1";
  expect_refused(jwk, kNotP256);
  jwk = good;
  jwk.erase("crv");
  expect_refused(jwk, kNotP256);
  jwk = good;
  jwk["crv"] = 256;
  expect_refused(jwk, kNotP256);
}

TEST(EcKey, FromPublicJwkRefusesCoordinatesThatAreNotBase64UrlOf32Bytes) {
  const auto good = generated().public_jwk();
  const std::string x(good.at("x").as_string());
  const std::string y(good.at("y").as_string());
  auto with = [&](std::string_view name, json::value v) {
    auto jwk = good;
    jwk[name] = std::move(v);
    return jwk;
  };
  // Not base64url: padding, the base64 alphabet.
  expect_refused(with("x", json::string(x + "=")), kNotCoordinates);
  expect_refused(with("y", json::string("+" + y.substr(1))), kNotCoordinates);
  expect_refused(with("x", json::string("/" + x.substr(1))), kNotCoordinates);
  // Missing, or not a string.
  auto missing = good;
  missing.erase("y");
  expect_refused(missing, kNotCoordinates);
  expect_refused(with("x", 5), kNotCoordinates);
  // 31 and 33 bytes.
  expect_refused(with("x", json::string(base64url_encode(std::string(31, '\x01')))),
                 kNotCoordinates);
  expect_refused(with("y", json::string(base64url_encode(std::string(33, '\x01')))),
                 kNotCoordinates);
  expect_refused(with("x", ""), kNotCoordinates);
}

TEST(EcKey, FromPublicJwkRefusesAPointNotOnTheCurve) {
  const auto good = generated().public_jwk();
  auto y = *base64url_decode(good.at("y").as_string());
  y[31] = static_cast<char>(y[31] ^ 0x01);
  auto jwk = good;
  jwk["y"] = base64url_encode(y);
  expect_refused(jwk, kNotOnCurve);

  jwk = good;
  jwk["y"] = good.at("x");
  expect_refused(jwk, kNotOnCurve);

  // (1, 1) is not on P-256: 1 != 1 - 3 + b.
  jwk = good;
  jwk["x"] = base64url_encode(std::string(31, '\0') + '\x01');
  jwk["y"] = base64url_encode(std::string(31, '\0') + '\x01');
  expect_refused(jwk, kNotOnCurve);

  // Coordinates beyond the field's prime.
  jwk = good;
  jwk["x"] = base64url_encode(std::string(32, '\xff'));
  jwk["y"] = base64url_encode(std::string(32, '\xff'));
  expect_refused(jwk, kNotOnCurve);
}

}  // namespace
}  // namespace tsunagu::identity
