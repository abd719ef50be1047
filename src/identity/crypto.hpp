#pragma once
// The signature cryptography of oneID, over OpenSSL 3: ES256 (ECDSA on P-256 with SHA-256,
// RFC 7518 section 3.4) key pairs and their JWK form, and RS256 verification. The primitives
// (digests, base64url, randomness) are crypto/primitives.hpp's. Nothing here knows tokens or
// clients.

#include <boost/json/object.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/primitives.hpp"
#include "model/error.hpp"

typedef struct evp_pkey_st EVP_PKEY;

namespace tsunagu::identity {

// The primitives, under their oneID names.
using crypto::base64_standard;
using crypto::base64url_decode;
using crypto::base64url_encode;
using crypto::constant_time_equal;
using crypto::hmac_sha256;
using crypto::random_bytes;
using crypto::random_token;
using crypto::secret_hash;
using crypto::sha256;

// Whether `signature` is the RS256 signature (RSASSA-PKCS1-v1_5 with SHA-256, RFC 7518 3.3) of
// `input` under the RSA public JWK {"kty": "RSA", "n", "e"}; a key under 2048 bits is refused.
bool rs256_verify(const boost::json::object& jwk, std::string_view input,
                  std::string_view signature);

// A P-256 key pair. Thread-safe for signing and verifying once built.
class EcKey {
 public:
  static Result<EcKey> generate();
  // PKCS#8 PEM of the private key, as private_pem() writes it.
  static Result<EcKey> from_private_pem(std::string_view pem);
  // A public key from a JWK {"kty": "EC", "crv": "P-256", "x", "y"}.
  static Result<EcKey> from_public_jwk(const boost::json::object& jwk);

  std::string private_pem() const;
  // {"kty": "EC", "crv": "P-256", "x": ..., "y": ...}
  boost::json::object public_jwk() const;

  // The JWS signature of `input`: R and S, 32 bytes each (not DER).
  Result<std::string> sign(std::string_view input) const;
  bool verify(std::string_view input, std::string_view signature) const;

 private:
  explicit EcKey(EVP_PKEY* key);
  std::shared_ptr<EVP_PKEY> key_;
};

}  // namespace tsunagu::identity
