#pragma once
// Residents' passwords: what oneID accepts as a password, and how it is stored (Argon2id through
// libsodium, in libsodium's self-describing encoded form, so that the cost can be raised later
// and old hashes are upgraded at the next successful sign-in).
//
// The policy follows NIST SP 800-63B section 5.1.1.2: a minimum length (8 there; 10 here) counted
// in characters, a generous maximum, every printable Unicode character allowed (spaces and
// Japanese passphrases included), and no composition rules ("one digit, one symbol"), which make
// passwords harder to remember but not harder to guess.

#include <cstddef>
#include <string>
#include <string_view>

#include "model/error.hpp"

namespace tsunagu::identity {

// Lengths are in Unicode code points of the UTF-8 text: ten Japanese characters are ten, not
// thirty bytes.
struct PasswordPolicy {
  std::size_t min_length = 10;
  std::size_t max_length = 256;
};

// BadRequestData naming the rule broken: too short (giving the minimum), too long, not valid
// UTF-8, a control character (C0, DEL or C1: U+0000-U+001F, U+007F-U+009F), or equal, ignoring
// ASCII case, to the e-mail address or to its part before the last '@'.
Status check_password(std::string_view password, std::string_view email,
                      const PasswordPolicy& policy = {});

// The Argon2id work factor: passes over memory and the memory used, in bytes.
struct Argon2Cost {
  unsigned long long ops;
  std::size_t mem_bytes;
};

// libsodium's crypto_pwhash_OPSLIMIT_INTERACTIVE and _MEMLIMIT_INTERACTIVE (64 MiB, about 0.1 s
// on a server core): the cost of every stored password. The .cpp checks these against libsodium.
inline constexpr Argon2Cost kInteractive{2, 64ULL * 1024 * 1024};
// crypto_pwhash_OPSLIMIT_MIN and _MEMLIMIT_MIN: far too cheap for real use; for tests only.
inline constexpr Argon2Cost kMinimum{1, 8192};

// "$argon2id$v=19$m=65536,t=2,p=1$<salt>$<hash>" with a fresh random salt. InternalError when
// libsodium cannot hash (out of memory, or a cost outside its limits).
Result<std::string> hash_password(std::string_view password, Argon2Cost cost = kInteractive);

// Whether `password` is the one `encoded` was made from. False, never a crash, for anything that
// is not an encoded Argon2 string (empty, truncated, another scheme, very long).
bool verify_password(std::string_view encoded, std::string_view password);

// Whether `encoded` was made with another cost than `cost` (higher or lower: libsodium compares
// for equality) or another algorithm, so that it should be replaced after the next successful
// verification. True as well for anything that is not an encoded Argon2 string.
bool password_needs_rehash(std::string_view encoded, Argon2Cost cost = kInteractive);

// Does the work of verify_password(<a hash made at `cost`>, password) and throws the answer
// away. Called when the e-mail address of a sign-in matches no account, so that the response
// takes as long as for a wrong password and does not tell which addresses have accounts; pass
// the cost that stored hashes are made with. The hash verified against is made once per cost,
// at the first call.
void verify_dummy_password(std::string_view password, Argon2Cost cost = kInteractive);

}  // namespace tsunagu::identity
