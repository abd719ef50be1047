// RS256 (RSASSA-PKCS1-v1_5 with SHA-256, RFC 7518 3.3) for upstream providers' ID tokens:
// identity::rs256_verify against keys and signatures made here with OpenSSL, and parse_jws
// accepting RS256 only where asked to.

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <boost/json.hpp>
#include <memory>
#include <string>

#include "identity/crypto.hpp"
#include "identity/jwt.hpp"

namespace tsunagu::identity {
namespace {

namespace json = boost::json;

struct RsaKey {
  std::shared_ptr<EVP_PKEY> key;

  explicit RsaKey(unsigned bits) : key(EVP_RSA_gen(bits), EVP_PKEY_free) {}

  std::string component(const char* name) const {
    BIGNUM* bn = nullptr;
    EVP_PKEY_get_bn_param(key.get(), name, &bn);
    std::string out(static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
    BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
    BN_free(bn);
    return out;
  }

  json::object jwk() const {
    return {{"kty", "RSA"},
            {"n", base64url_encode(component(OSSL_PKEY_PARAM_RSA_N))},
            {"e", base64url_encode(component(OSSL_PKEY_PARAM_RSA_E))}};
  }

  std::string sign(std::string_view input) const {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::size_t size = 0;
    EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key.get());
    EVP_DigestSign(ctx, nullptr, &size, reinterpret_cast<const unsigned char*>(input.data()),
                   input.size());
    std::string out(size, '\0');
    EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(out.data()), &size,
                   reinterpret_cast<const unsigned char*>(input.data()), input.size());
    EVP_MD_CTX_free(ctx);
    out.resize(size);
    return out;
  }
};

TEST(Rs256, VerifiesWhatTheKeySigned) {
  const RsaKey key(2048);
  ASSERT_TRUE(key.key);
  const std::string input = "header.payload";
  const auto signature = key.sign(input);
  EXPECT_TRUE(rs256_verify(key.jwk(), input, signature));
  EXPECT_FALSE(rs256_verify(key.jwk(), "header.payloaD", signature));
  auto bad = signature;
  bad[10] = static_cast<char>(bad[10] ^ 1);
  EXPECT_FALSE(rs256_verify(key.jwk(), input, bad));
  EXPECT_FALSE(rs256_verify(RsaKey(2048).jwk(), input, signature));  // another key
}

TEST(Rs256, RefusesShortKeysAndMalformedJwks) {
  const RsaKey weak(1024);
  const std::string input = "header.payload";
  EXPECT_FALSE(rs256_verify(weak.jwk(), input, weak.sign(input)));
  const RsaKey key(2048);
  const auto signature = key.sign(input);
  auto jwk = key.jwk();
  jwk["kty"] = "EC";
  EXPECT_FALSE(rs256_verify(jwk, input, signature));
  jwk = key.jwk();
  jwk.erase("e");
  EXPECT_FALSE(rs256_verify(jwk, input, signature));
  jwk = key.jwk();
  jwk["n"] = "not base64url!";
  EXPECT_FALSE(rs256_verify(jwk, input, signature));
}

TEST(Rs256, ParseJwsTakesRs256OnlyWhenAllowed) {
  const auto header = base64url_encode(R"({"alg":"RS256","kid":"k1"})");
  const auto payload = base64url_encode(R"({"sub":"a"})");
  const std::string token = header + "." + payload + "." + base64url_encode("sig");
  auto ours = parse_jws(token);
  ASSERT_FALSE(ours);
  EXPECT_EQ(ours.error().kind, ErrorKind::Unauthorized);
  auto upstream = parse_jws(token, JwsAlgorithms::Es256OrRs256);
  ASSERT_TRUE(upstream) << upstream.error().message;
  EXPECT_EQ(upstream->alg, "RS256");
  // "none" and HMAC stay refused everywhere.
  for (const auto* alg : {"none", "HS256"}) {
    const auto h = base64url_encode(std::string(R"({"alg":")") + alg + "\"}");
    EXPECT_FALSE(
        parse_jws(h + "." + payload + "." + base64url_encode("x"), JwsAlgorithms::Es256OrRs256))
        << alg;
  }
}

}  // namespace
}  // namespace tsunagu::identity
