#include "identity/crypto.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <array>

namespace tsunagu::identity {
namespace json = boost::json;

namespace {

constexpr std::size_t kCoordinate = 32;  // bytes of a P-256 coordinate, and of R and S

std::unexpected<Error> crypto_error(std::string what) {
  return fail(ErrorKind::InternalError, "cryptography: " + std::move(what));
}

// Left-pads a big-endian number to `n` bytes.
std::string fixed_width(const BIGNUM* bn, std::size_t n) {
  std::string out(n, '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n));
  return out;
}

std::string coordinate(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  EVP_PKEY_get_bn_param(key, name, &bn);
  std::string out = bn ? fixed_width(bn, kCoordinate) : std::string();
  BN_free(bn);
  return out;
}

}  // namespace

bool rs256_verify(const json::object& jwk, std::string_view input, std::string_view signature) {
  auto member = [&](std::string_view name) -> std::optional<std::string> {
    const auto* v = jwk.if_contains(name);
    return v && v->is_string() ? base64url_decode(v->get_string()) : std::nullopt;
  };
  const auto* kty = jwk.if_contains("kty");
  if (!kty || !kty->is_string() || kty->get_string() != "RSA") return false;
  const auto n = member("n");
  const auto e = member("e");
  if (!n || !e || n->size() < 256 || e->empty() || e->size() > 8) return false;
  BIGNUM* bn_n = BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()),
                           static_cast<int>(n->size()), nullptr);
  BIGNUM* bn_e = BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()),
                           static_cast<int>(e->size()), nullptr);
  OSSL_PARAM_BLD* build = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_RSA_N, bn_n);
  OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_RSA_E, bn_e);
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(build);
  EVP_PKEY_CTX* pctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
  EVP_PKEY* key = nullptr;
  const bool made = pctx && params && EVP_PKEY_fromdata_init(pctx) == 1 &&
                    EVP_PKEY_fromdata(pctx, &key, EVP_PKEY_PUBLIC_KEY, params) == 1;
  EVP_PKEY_CTX_free(pctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(build);
  BN_free(bn_n);
  BN_free(bn_e);
  if (!made) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok =
      ctx && EVP_PKEY_get_bits(key) >= 2048 &&
      EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                       input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return ok;
}

EcKey::EcKey(EVP_PKEY* key) : key_(key, EVP_PKEY_free) {}

Result<EcKey> EcKey::generate() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (!key) return crypto_error("cannot generate a P-256 key");
  return EcKey(key);
}

Result<EcKey> EcKey::from_private_pem(std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = bio ? PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr) : nullptr;
  BIO_free(bio);
  if (!key) return crypto_error("a stored signing key cannot be read");
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) {
    EVP_PKEY_free(key);
    return crypto_error("a stored signing key is not an EC key");
  }
  return EcKey(key);
}

Result<EcKey> EcKey::from_public_jwk(const json::object& jwk) {
  auto text = [&](std::string_view name) -> std::optional<std::string> {
    const auto* v = jwk.if_contains(name);
    return v && v->is_string() ? std::optional<std::string>(std::string(v->get_string()))
                               : std::nullopt;
  };
  if (text("kty") != "EC" || text("crv") != "P-256") {
    return fail(ErrorKind::BadRequestData, "the key is not an EC P-256 JWK");
  }
  auto x = text("x") ? base64url_decode(*text("x")) : std::nullopt;
  auto y = text("y") ? base64url_decode(*text("y")) : std::nullopt;
  if (!x || !y || x->size() != kCoordinate || y->size() != kCoordinate) {
    return fail(ErrorKind::BadRequestData, "the JWK's x and y are not P-256 coordinates");
  }
  std::string point = "\x04" + *x + *y;  // uncompressed SEC1 point
  OSSL_PARAM_BLD* build = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_utf8_string(build, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
  OSSL_PARAM_BLD_push_octet_string(build, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(build);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
  EVP_PKEY* key = nullptr;
  const bool made = ctx && EVP_PKEY_fromdata_init(ctx) == 1 &&
                    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) == 1;
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(build);
  if (!made) return fail(ErrorKind::BadRequestData, "the JWK is not a point on P-256");
  return EcKey(key);
}

std::string EcKey::private_pem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key_.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

json::object EcKey::public_jwk() const {
  json::object jwk;
  jwk["kty"] = "EC";
  jwk["crv"] = "P-256";
  jwk["x"] = base64url_encode(coordinate(key_.get(), OSSL_PKEY_PARAM_EC_PUB_X));
  jwk["y"] = base64url_encode(coordinate(key_.get(), OSSL_PKEY_PARAM_EC_PUB_Y));
  return jwk;
}

Result<std::string> EcKey::sign(std::string_view input) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::size_t n = 0;
  std::string der;
  bool ok = ctx && EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key_.get()) == 1 &&
            EVP_DigestSign(ctx, nullptr, &n, reinterpret_cast<const unsigned char*>(input.data()),
                           input.size()) == 1;
  if (ok) {
    der.resize(n);
    ok = EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(der.data()), &n,
                        reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
    der.resize(n);
  }
  EVP_MD_CTX_free(ctx);
  if (!ok) return crypto_error("signing failed");
  // OpenSSL gives a DER SEQUENCE of two INTEGERs; JWS wants R || S at fixed width.
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  if (!sig) return crypto_error("signing gave no ECDSA signature");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig, &r, &s);
  std::string out = fixed_width(r, kCoordinate) + fixed_width(s, kCoordinate);
  ECDSA_SIG_free(sig);
  return out;
}

bool EcKey::verify(std::string_view input, std::string_view signature) const {
  if (signature.size() != 2 * kCoordinate) return false;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r =
      BN_bin2bn(reinterpret_cast<const unsigned char*>(signature.data()), kCoordinate, nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(signature.data()) + kCoordinate,
                        kCoordinate, nullptr);
  ECDSA_SIG_set0(sig, r, s);
  unsigned char* der = nullptr;
  const int der_size = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  if (der_size <= 0) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok =
      ctx && EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key_.get()) == 1 &&
      EVP_DigestVerify(ctx, der, static_cast<std::size_t>(der_size),
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  OPENSSL_free(der);
  return ok;
}

}  // namespace tsunagu::identity
