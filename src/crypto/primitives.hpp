#pragma once
// Cryptographic primitives over OpenSSL 3 that several layers use: SHA-256 and HMAC-SHA-256,
// base64url without padding (RFC 7515 section 2) and standard base64, secure random values,
// and a comparison in constant time. Below every service: oneID signs with them, the audit
// log chains its records with them.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace tsunagu::crypto {

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

}  // namespace tsunagu::crypto
