#include "identity/totp.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <climits>

#include "identity/crypto.hpp"

namespace tsunagu::identity {

namespace {

constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::size_t kCodeDigits = 6;

using Step = std::chrono::duration<std::int64_t, std::ratio<30>>;

// The value of a base32 character in either case, or -1.
int base32_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

// The six digits of `code` with spaces removed, or nullopt.
std::optional<std::string> normalized_code(std::string_view code) {
  std::string digits;
  for (char c : code) {
    if (c == ' ') continue;
    if (c < '0' || c > '9' || digits.size() == kCodeDigits) return std::nullopt;
    digits += c;
  }
  if (digits.size() != kCodeDigits) return std::nullopt;
  return digits;
}

bool unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    if (unreserved(c)) {
      out += c;
      continue;
    }
    const auto byte = static_cast<unsigned char>(c);
    out += '%';
    out += kHex[byte >> 4];
    out += kHex[byte & 15];
  }
  return out;
}

}  // namespace

std::string base32_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 8 + 4) / 5);
  unsigned buffer = 0;
  int bits = 0;
  for (char c : bytes) {
    buffer = (buffer << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += kBase32[(buffer >> bits) & 31];
    }
  }
  // The last character carries the remaining bits, padded with zero bits on the right.
  if (bits > 0) out += kBase32[(buffer << (5 - bits)) & 31];
  return out;
}

std::optional<std::string> base32_decode(std::string_view text) {
  std::string symbols;
  for (char c : text) {
    if (c != ' ') symbols += c;
  }
  while (!symbols.empty() && symbols.back() == '=') symbols.pop_back();
  const auto rest = symbols.size() % 8;
  if (rest == 1 || rest == 3 || rest == 6) return std::nullopt;
  std::string out;
  out.reserve(symbols.size() * 5 / 8);
  unsigned buffer = 0;
  int bits = 0;
  for (char c : symbols) {
    const int value = base32_value(c);
    if (value < 0) return std::nullopt;
    buffer = (buffer << 5) | static_cast<unsigned>(value);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  if ((buffer & ((1U << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::string new_totp_secret() {
  return random_bytes(20);
}

std::string hotp(std::string_view key, std::uint64_t counter, int digits) {
  digits = std::clamp(digits, 1, 10);
  if (key.size() > static_cast<std::size_t>(INT_MAX)) return {};
  // The counter is hashed as 8 bytes, most significant first (RFC 4226 section 5.2).
  std::array<unsigned char, 8> message{};
  for (int i = 7; i >= 0; --i) {
    message[static_cast<std::size_t>(i)] = static_cast<unsigned char>(counter & 0xFF);
    counter >>= 8;
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_size = 0;
  if (!HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), message.data(), message.size(),
            mac.data(), &mac_size) ||
      mac_size != 20) {
    return {};
  }
  // Dynamic truncation (RFC 4226 section 5.3): 31 bits from an offset the last nibble picks.
  const std::size_t offset = mac[19] & 0x0F;
  const std::uint64_t value = (std::uint64_t{mac[offset] & 0x7Fu} << 24) |
                              (std::uint64_t{mac[offset + 1]} << 16) |
                              (std::uint64_t{mac[offset + 2]} << 8) | mac[offset + 3];
  std::uint64_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  std::string code = std::to_string(value % modulus);
  code.insert(0, static_cast<std::size_t>(digits) - code.size(), '0');
  return code;
}

std::int64_t totp_step(model::Timestamp t) {
  // floor, not truncation toward zero: the step of 1969-12-31T23:59:59Z is -1, not 0.
  return std::chrono::floor<Step>(t.time_since_epoch()).count();
}

std::optional<std::int64_t> verify_totp(std::string_view key, std::string_view code,
                                        model::Timestamp now,
                                        std::optional<std::int64_t> last_used_step, int window) {
  const auto digits = normalized_code(code);
  if (!digits || key.empty()) return std::nullopt;
  window = std::max(window, 0);
  const std::int64_t current = totp_step(now);
  std::optional<std::int64_t> found;
  // Every step in the window is computed and compared, matched or not, so that the time taken
  // does not tell which step (if any) matched.
  for (std::int64_t step = current - window; step <= current + window; ++step) {
    if (step < 0) continue;
    const bool match = constant_time_equal(hotp(key, static_cast<std::uint64_t>(step)), *digits);
    const bool fresh = !last_used_step || step > *last_used_step;
    if (match && fresh && !found) found = step;
  }
  return found;
}

std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view base32_secret) {
  const auto encoded_issuer = percent_encode(issuer);
  return "otpauth://totp/" + encoded_issuer + ":" + percent_encode(account) +
         "?secret=" + percent_encode(base32_secret) + "&issuer=" + encoded_issuer +
         "&algorithm=SHA1&digits=6&period=30";
}

}  // namespace tsunagu::identity
