#include "identity/password.hpp"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <utility>

#include "identity/crypto.hpp"

namespace tsunagu::identity {

static_assert(kInteractive.ops == crypto_pwhash_OPSLIMIT_INTERACTIVE);
static_assert(kInteractive.mem_bytes == crypto_pwhash_MEMLIMIT_INTERACTIVE);
static_assert(kMinimum.ops == crypto_pwhash_OPSLIMIT_MIN);
static_assert(kMinimum.mem_bytes == crypto_pwhash_MEMLIMIT_MIN);

namespace {

// libsodium must be initialised once before use; a function-local static makes the first
// call do it, thread-safely. sodium_init fails only when the operating system gives no
// randomness, and then no salt could be made: there is no safe way to go on.
void ensure_sodium() {
  static const bool ready = [] {
    if (sodium_init() < 0) {
      std::fputs("tsunagu: libsodium cannot be initialised (no system randomness)\n", stderr);
      std::abort();
    }
    return true;
  }();
  (void)ready;
}

// The bytes of the sequence that `lead` starts, or 0 for a byte that cannot start one
// (a continuation byte, C0 and C1 which could only start overlong forms, F5-FF beyond U+10FFFF).
std::size_t sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead < 0xC2) return 0;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  if (lead < 0xF5) return 4;
  return 0;
}

// The code points of `text`, or nullopt when it is not UTF-8 as RFC 3629 defines it: overlong
// forms, surrogates and values beyond U+10FFFF are refused, since they let two byte strings
// stand for the same text.
std::optional<std::u32string> decode_utf8(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t n = sequence_length(lead);
    if (n == 0 || i + n > text.size()) return std::nullopt;
    char32_t c = n == 1 ? lead : lead & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return std::nullopt;
      c = (c << 6) | (next & 0x3F);
    }
    const bool overlong = (n == 3 && c < 0x800) || (n == 4 && c < 0x10000);
    if (overlong || (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF) return std::nullopt;
    out += c;
    i += n;
  }
  return out;
}

bool is_control(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

bool equal_ignoring_ascii_case(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// The last '@' separates the domain: a quoted local part may itself contain '@'.
std::string_view local_part(std::string_view email) {
  const auto at = email.rfind('@');
  return at == std::string_view::npos ? email : email.substr(0, at);
}

std::unexpected<Error> refused(std::string message) {
  return fail(ErrorKind::BadRequestData, std::move(message));
}

// libsodium reads encoded hashes as C strings. Anything that libsodium could not have written
// (longer than its buffer, or with a NUL inside) is refused before it gets there.
std::optional<std::string> c_string(std::string_view encoded) {
  if (encoded.empty() || encoded.size() >= crypto_pwhash_STRBYTES) return std::nullopt;
  if (encoded.find('\0') != std::string_view::npos) return std::nullopt;
  return std::string(encoded);
}

}  // namespace

Status check_password(std::string_view password, std::string_view email,
                      const PasswordPolicy& policy) {
  const auto too_long =
      "the password must have at most " + std::to_string(policy.max_length) + " characters";
  // No code point takes more than four bytes: refuse huge input before decoding it.
  if (password.size() > 4 * policy.max_length) return refused(too_long);
  const auto text = decode_utf8(password);
  if (!text) return refused("the password is not valid UTF-8");
  for (char32_t c : *text) {
    if (is_control(c)) return refused("the password contains a control character");
  }
  if (text->size() < policy.min_length) {
    return refused("the password must have at least " + std::to_string(policy.min_length) +
                   " characters");
  }
  if (text->size() > policy.max_length) return refused(too_long);
  const auto local = local_part(email);
  if ((!email.empty() && equal_ignoring_ascii_case(password, email)) ||
      (!local.empty() && equal_ignoring_ascii_case(password, local))) {
    return refused("the password must not be the e-mail address or its part before the @");
  }
  return ok();
}

Result<std::string> hash_password(std::string_view password, Argon2Cost cost) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost.ops, cost.mem_bytes,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return fail(ErrorKind::InternalError, "password hashing failed (out of memory?)");
  }
  return std::string(out);
}

bool verify_password(std::string_view encoded, std::string_view password) {
  ensure_sodium();
  const auto text = c_string(encoded);
  return text && crypto_pwhash_str_verify(text->c_str(), password.data(), password.size()) == 0;
}

bool password_needs_rehash(std::string_view encoded, Argon2Cost cost) {
  ensure_sodium();
  const auto text = c_string(encoded);
  return !text || crypto_pwhash_str_needs_rehash(text->c_str(), cost.ops, cost.mem_bytes) != 0;
}

void verify_dummy_password(std::string_view password, Argon2Cost cost) {
  // A process uses one cost (two in tests), so this holds one or two hashes. Entries are never
  // erased: a reference to one stays valid after the lock is released.
  static std::mutex mutex;
  static std::map<std::pair<unsigned long long, std::size_t>, std::string>
      dummies;  // guarded by mutex
  const auto key = std::pair(cost.ops, cost.mem_bytes);
  const std::string* dummy = nullptr;
  {
    const std::lock_guard lock(mutex);
    if (const auto at = dummies.find(key); at != dummies.end()) dummy = &at->second;
  }
  if (!dummy) {
    // Made outside the lock so that sign-ins do not queue behind it; the first one stored wins.
    auto made = hash_password(random_token(), cost);
    if (!made) {
      // Out of memory: hashing costs about as much as verifying.
      (void)hash_password(password, cost);
      return;
    }
    const std::lock_guard lock(mutex);
    dummy = &dummies.try_emplace(key, std::move(*made)).first->second;
  }
  (void)verify_password(*dummy, password);
}

}  // namespace tsunagu::identity
