#pragma once
// The cryptography of oneID, over OpenSSL 3: ES256 (ECDSA on P-256 with SHA-256, RFC 7518
// section 3.4) key pairs, their JWK form, SHA-256, base64url without padding (RFC 7515
// section 2), secure random values, and a comparison in constant time. Nothing here knows
// tokens or clients.

#include <boost/json/object.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "model/error.hpp"

typedef struct evp_pkey_st EVP_PKEY;

namespace tsunagu::identity {

std::string base64url_encode(std::string_view bytes);
// Standard base64 with padding (RFC 4648 section 4), as HTTP Basic credentials use it.
std::string base64_standard(std::string_view bytes);
// nullopt for anything but unpadded base64url.
std::optional<std::string> base64url_decode(std::string_view text);

// The 32-byte digest.
std::string sha256(std::string_view data);

// `n` bytes from the operating system's secure generator.
std::string random_bytes(std::size_t n);
// 256 random bits as base64url (43 characters): secrets, tokens, ids that must not be guessed.
std::string random_token();

// How a high-entropy secret (client secret, session id, code, refresh token) is stored: the
// base64url SHA-256 of it. A slow hash is for passwords; these are 256 random bits.
inline std::string secret_hash(std::string_view secret) {
  return base64url_encode(sha256(secret));
}

// The 32-byte HMAC-SHA-256 of `data` under `key` (RFC 2104).
std::string hmac_sha256(std::string_view key, std::string_view data);

// Whether a and b are equal, in time that depends on their length only.
bool constant_time_equal(std::string_view a, std::string_view b);

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
