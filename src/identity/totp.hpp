#pragma once
// The second factor of oneID: time-based one-time passwords (TOTP, RFC 6238) as every
// authenticator app computes them: HOTP (RFC 4226) over HMAC-SHA-1, 30-second steps counted
// from the Unix epoch, 6 digits. The secret is shown to the resident once, as base32 and as an
// otpauth:// URI for a QR code, and is stored with the last step accepted, so that no code is
// accepted twice (RFC 6238 section 5.2).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/time.hpp"

namespace tsunagu::identity {

// RFC 4648 section 6: upper case, without '=' padding (what authenticator apps take).
std::string base32_encode(std::string_view bytes);
// The bytes of base32 text, ignoring case, spaces (as apps group secrets "JBSW Y3DP ...") and
// trailing '=' padding. nullopt for any other character, for a length no bytes encode to
// (1, 3 or 6 modulo 8), or for non-zero trailing bits (two texts must not decode to the same
// bytes).
std::optional<std::string> base32_decode(std::string_view text);

// 20 random bytes: the 160 bits RFC 4226 section 4 recommends for an HMAC-SHA-1 key.
std::string new_totp_secret();

// The HOTP value of `counter` under `key` (RFC 4226 section 5.3), zero-padded to `digits`
// decimal digits. `digits` outside 1..10 is clamped (RFC 4226 allows 6 to 8; the truncated
// value has at most 10 digits). Empty if HMAC fails, which OpenSSL does only when it is broken.
std::string hotp(std::string_view key, std::uint64_t counter, int digits = 6);

// The time step of `t`: floor(Unix seconds / 30), so negative before 1970.
std::int64_t totp_step(model::Timestamp t);

// The step within totp_step(now) - window .. totp_step(now) + window whose 6-digit code is
// `code`, provided it is later than `last_used_step` (a code is never accepted twice, and once
// a step has been used no earlier one is accepted either). The window absorbs clock drift and
// the time it takes to type. When several steps match, the earliest acceptable one is given.
// nullopt otherwise, for an empty key, and for a code that is not six ASCII digits once spaces
// are removed ("123 456" is accepted). A negative window counts as 0.
std::optional<std::int64_t> verify_totp(std::string_view key, std::string_view code,
                                        model::Timestamp now,
                                        std::optional<std::int64_t> last_used_step, int window = 1);

// Google Authenticator's Key Uri Format:
// otpauth://totp/<issuer>:<account>?secret=<secret>&issuer=<issuer>&algorithm=SHA1&digits=6&period=30
// Issuer, account and secret are percent-encoded as UTF-8, every byte but RFC 3986's unreserved
// characters (A-Z a-z 0-9 - . _ ~); a space becomes %20, not '+'.
std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view base32_secret);

}  // namespace tsunagu::identity
