// The TOTP second factor (identity/totp.hpp): HOTP against RFC 4226 Appendix D, TOTP against
// RFC 6238 Appendix B, base32 against RFC 4648 section 10, the acceptance window, replay
// refusal, and the otpauth:// URI that authenticator apps scan.

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "identity/totp.hpp"

namespace tsunagu::identity {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// The key of the RFC 4226 and RFC 6238 test vectors (SHA-1).
constexpr std::string_view kRfcKey = "12345678901234567890";

model::Timestamp at_seconds(std::int64_t s) {
  return model::Timestamp{milliseconds(s * 1000)};
}

// ---- base32 ----------------------------------------------------------------------------------

struct Base32Vector {
  std::string_view bytes;
  std::string_view unpadded;
  std::string_view padded;
};

class Base32Vectors : public testing::TestWithParam<Base32Vector> {};

TEST_P(Base32Vectors, EncodesWithoutPaddingAndDecodesBothForms) {
  const auto& v = GetParam();
  EXPECT_EQ(base32_encode(v.bytes), v.unpadded);
  for (auto text : {v.unpadded, v.padded}) {
    const auto back = base32_decode(text);
    ASSERT_TRUE(back.has_value()) << text;
    EXPECT_EQ(*back, v.bytes) << text;
  }
}

// RFC 4648 section 10.
INSTANTIATE_TEST_SUITE_P(Rfc4648, Base32Vectors,
                         testing::Values(Base32Vector{"", "", ""},
                                         Base32Vector{"f", "MY", "MY======"},
                                         Base32Vector{"fo", "MZXQ", "MZXQ===="},
                                         Base32Vector{"foo", "MZXW6", "MZXW6==="},
                                         Base32Vector{"foob", "MZXW6YQ", "MZXW6YQ="},
                                         Base32Vector{"fooba", "MZXW6YTB", "MZXW6YTB"},
                                         Base32Vector{"foobar", "MZXW6YTBOI", "MZXW6YTBOI======"}));

TEST(Base32, EncodesTheRfcKeyAsAppsShowIt) {
  EXPECT_EQ(base32_encode(kRfcKey), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

TEST(Base32, RoundTripsEveryByteValueAndEveryLength) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (std::size_t n = 0; n <= all.size(); n += 1) {
    const auto bytes = all.substr(256 - n);
    const auto text = base32_encode(bytes);
    EXPECT_EQ(text.size(), (n * 8 + 4) / 5) << n;
    EXPECT_EQ(text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), std::string::npos);
    const auto back = base32_decode(text);
    ASSERT_TRUE(back.has_value()) << text;
    EXPECT_EQ(*back, bytes);
  }
}

TEST(Base32, DecodesLowerCaseAndIgnoresSpaces) {
  EXPECT_EQ(base32_decode("mzxw6ytboi"), "foobar");
  EXPECT_EQ(base32_decode("MzXw6YtBoI"), "foobar");
  EXPECT_EQ(base32_decode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq"), kRfcKey);
  EXPECT_EQ(base32_decode("  MZXW 6YTB OI== ==== "), "foobar");
  EXPECT_EQ(base32_decode("   "), "");
}

TEST(Base32, NewSecretsAre20RandomBytes) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const auto secret = new_totp_secret();
    EXPECT_EQ(secret.size(), 20U);
    EXPECT_EQ(base32_encode(secret).size(), 32U);  // 160 bits: no partial character
    seen.insert(secret);
  }
  EXPECT_EQ(seen.size(), 50U);
}

class Base32Refused : public testing::TestWithParam<std::string_view> {};

TEST_P(Base32Refused, DecodesToNothing) {
  EXPECT_FALSE(base32_decode(GetParam()).has_value()) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(NotBase32, Base32Refused,
                         testing::Values(
                             // Outside the alphabet: 0, 1, 8, 9 and other characters.
                             "MZXW0YTB", "MZXW1YTB", "MZXW8YTB", "MZXW9YTB", "MZXW6YT-", "MZXW6YT_",
                             "MZXW6YT+", "MZXW6YT/", "MZXW\t6YTB", "MZXW\n6YTB",
                             std::string_view("MZ\0W6YTB", 8), "MZXW6YTBÖ", "ＭＺＸＷ",
                             // Padding that is not trailing.
                             "MY==MZXQ", "=MY", "M=Y",
                             // Lengths no bytes encode to (1, 3, 6 modulo 8).
                             "M", "MZX", "MZXW6Y", "MZXW6YTBM", "M=======",
                             // Trailing bits that are not zero ("MZ" would be "f" as well).
                             "MZ", "MZXR", "MZXW7", "MZXW6YR", "MZXW6YTBOJ"));

// ---- HOTP ------------------------------------------------------------------------------------

TEST(Hotp, MatchesRfc4226AppendixD) {
  const std::vector<std::string> expected = {"755224", "287082", "359152", "969429", "338314",
                                             "254676", "287922", "162583", "399871", "520489"};
  for (std::uint64_t counter = 0; counter < expected.size(); ++counter) {
    EXPECT_EQ(hotp(kRfcKey, counter), expected[counter]) << counter;
  }
}

TEST(Hotp, PadsWithZerosAndHonoursOtherLengths) {
  // RFC 6238's vector at 1111111109 s is 07081804 in eight digits.
  EXPECT_EQ(hotp(kRfcKey, 1111111109 / 30, 8), "07081804");
  EXPECT_EQ(hotp(kRfcKey, 1111111109 / 30, 6), "081804");
  EXPECT_EQ(hotp(kRfcKey, 0, 1), "4");
  // The truncated value of counter 0 is 0x4c93cf18 = 1284755224 (RFC 4226 Appendix D).
  EXPECT_EQ(hotp(kRfcKey, 0, 10), "1284755224");
  EXPECT_EQ(hotp(kRfcKey, 0, 11), "1284755224");  // clamped to 10
  EXPECT_EQ(hotp(kRfcKey, 0, 0), "4");            // clamped to 1
}

TEST(Hotp, UsesAll64BitsOfTheCounter) {
  EXPECT_NE(hotp(kRfcKey, 1), hotp(kRfcKey, (std::uint64_t{1} << 32) + 1));
  EXPECT_EQ(hotp(kRfcKey, ~std::uint64_t{0}).size(), 6U);
}

// ---- TOTP ------------------------------------------------------------------------------------

TEST(Totp, MatchesRfc6238AppendixBForSha1) {
  const std::vector<std::pair<std::int64_t, std::string>> vectors = {
      {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
      {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
  };
  for (const auto& [unix_seconds, code] : vectors) {
    const auto step = totp_step(at_seconds(unix_seconds));
    EXPECT_EQ(step, unix_seconds / 30);
    EXPECT_EQ(hotp(kRfcKey, static_cast<std::uint64_t>(step), 8), code) << unix_seconds;
  }
}

TEST(Totp, StepsAreThirtySecondsFloored) {
  EXPECT_EQ(totp_step(at_seconds(0)), 0);
  EXPECT_EQ(totp_step(at_seconds(29) + milliseconds(999)), 0);
  EXPECT_EQ(totp_step(at_seconds(30)), 1);
  EXPECT_EQ(totp_step(at_seconds(59)), 1);
  EXPECT_EQ(totp_step(at_seconds(60)), 2);
  EXPECT_EQ(totp_step(model::Timestamp{milliseconds(-1)}), -1);
  EXPECT_EQ(totp_step(at_seconds(-30)), -1);
  EXPECT_EQ(totp_step(at_seconds(-31)), -2);
  // The extremes are defined (no overflow).
  EXPECT_EQ(totp_step(model::Timestamp::max()), std::numeric_limits<std::int64_t>::max() / 30'000);
  EXPECT_LT(totp_step(model::Timestamp::min()), 0);
}

class VerifyTotp : public testing::Test {
 protected:
  // 2026-01-01T00:00:10Z: ten seconds into its step.
  const model::Timestamp now_ = at_seconds(1'767'225'610);
  const std::int64_t step_ = 1'767'225'600 / 30;
  const std::string key_ = std::string(kRfcKey);

  std::string code_at(std::int64_t step) const {
    return hotp(key_, static_cast<std::uint64_t>(step));
  }
};

TEST_F(VerifyTotp, AcceptsTheCurrentStepAndOneEitherSide) {
  ASSERT_EQ(totp_step(now_), step_);
  EXPECT_EQ(verify_totp(key_, code_at(step_), now_, std::nullopt), step_);
  EXPECT_EQ(verify_totp(key_, code_at(step_ - 1), now_, std::nullopt), step_ - 1);
  EXPECT_EQ(verify_totp(key_, code_at(step_ + 1), now_, std::nullopt), step_ + 1);
}

TEST_F(VerifyTotp, RefusesTwoStepsAwayUnlessTheWindowIsWider) {
  EXPECT_EQ(verify_totp(key_, code_at(step_ - 2), now_, std::nullopt), std::nullopt);
  EXPECT_EQ(verify_totp(key_, code_at(step_ + 2), now_, std::nullopt), std::nullopt);
  EXPECT_EQ(verify_totp(key_, code_at(step_ - 2), now_, std::nullopt, 2), step_ - 2);
  EXPECT_EQ(verify_totp(key_, code_at(step_ + 2), now_, std::nullopt, 2), step_ + 2);
  // Window 0: only the current step; a negative window counts as 0.
  EXPECT_EQ(verify_totp(key_, code_at(step_), now_, std::nullopt, 0), step_);
  EXPECT_EQ(verify_totp(key_, code_at(step_ - 1), now_, std::nullopt, 0), std::nullopt);
  EXPECT_EQ(verify_totp(key_, code_at(step_), now_, std::nullopt, -3), step_);
  EXPECT_EQ(verify_totp(key_, code_at(step_ + 1), now_, std::nullopt, -3), std::nullopt);
}

TEST_F(VerifyTotp, WindowMovesWithTheStepBoundary) {
  // At the last millisecond of a step the next code is still one step ahead, and at the first
  // millisecond of the next step the old one is one step behind.
  const auto last_ms = at_seconds((step_ + 1) * 30) - milliseconds(1);
  EXPECT_EQ(verify_totp(key_, code_at(step_ + 1), last_ms, std::nullopt), step_ + 1);
  EXPECT_EQ(verify_totp(key_, code_at(step_ + 2), last_ms, std::nullopt), std::nullopt);
  const auto next = at_seconds((step_ + 1) * 30);
  EXPECT_EQ(verify_totp(key_, code_at(step_), next, std::nullopt), step_);
  EXPECT_EQ(verify_totp(key_, code_at(step_ + 2), next, std::nullopt), step_ + 2);
  EXPECT_EQ(verify_totp(key_, code_at(step_ - 1), next, std::nullopt), std::nullopt);
}

TEST_F(VerifyTotp, NeverAcceptsACodeTwice) {
  const auto first = verify_totp(key_, code_at(step_), now_, std::nullopt);
  ASSERT_EQ(first, step_);
  EXPECT_EQ(verify_totp(key_, code_at(step_), now_, first), std::nullopt);
  // Nor an earlier step once a later one was used.
  EXPECT_EQ(verify_totp(key_, code_at(step_ - 1), now_, first), std::nullopt);
  // The next step's code is fine.
  EXPECT_EQ(verify_totp(key_, code_at(step_ + 1), now_, first), step_ + 1);
  EXPECT_EQ(verify_totp(key_, code_at(step_ + 1), now_, step_ + 1), std::nullopt);
  // A last step earlier than the window refuses nothing in it.
  EXPECT_EQ(verify_totp(key_, code_at(step_ - 1), now_, step_ - 5), step_ - 1);
}

TEST_F(VerifyTotp, RefusesAnotherKeysCode) {
  const std::string other = "another secret key!!";
  EXPECT_EQ(verify_totp(other, code_at(step_), now_, std::nullopt), std::nullopt);
  EXPECT_EQ(verify_totp("", code_at(step_), now_, std::nullopt), std::nullopt);
}

TEST_F(VerifyTotp, AllowsSpacesInTheCode) {
  const auto code = code_at(step_);
  EXPECT_EQ(verify_totp(key_, code.substr(0, 3) + " " + code.substr(3), now_, std::nullopt), step_);
  EXPECT_EQ(verify_totp(key_, " " + code + " ", now_, std::nullopt), step_);
  std::string spaced;
  for (char c : code) (spaced += c) += ' ';
  EXPECT_EQ(verify_totp(key_, spaced, now_, std::nullopt), step_);
}

TEST_F(VerifyTotp, RefusesCodesThatAreNotSixDigits) {
  const auto code = code_at(step_);
  const std::vector<std::string> malformed = {
      "",
      "      ",
      code.substr(0, 5),
      code + "0",
      "0" + code,
      code.substr(0, 5) + "a",
      "+" + code.substr(1),
      "-" + code.substr(1),
      code + "\n",
      code.substr(0, 3) + "\t" + code.substr(3),
      code.substr(0, 3) + "-" + code.substr(3),
      std::string("\0", 1) + code,
      "１２３４５６",  // full-width digits are not ASCII digits
      "12345６",
  };
  for (const auto& text : malformed) {
    EXPECT_EQ(verify_totp(key_, text, now_, std::nullopt), std::nullopt) << text;
  }
}

TEST_F(VerifyTotp, WorksWithASecretFromBase32) {
  const auto secret = new_totp_secret();
  const auto key = base32_decode(base32_encode(secret));
  ASSERT_TRUE(key);
  const auto code = hotp(*key, static_cast<std::uint64_t>(step_));
  EXPECT_EQ(verify_totp(secret, code, now_, std::nullopt), step_);
}

// ---- otpauth URI -----------------------------------------------------------------------------

TEST(OtpauthUri, PercentEncodesAnAsciiIssuerAndAccount) {
  EXPECT_EQ(otpauth_uri("Tsunagu", "hanako@example.jp", "JBSWY3DPEHPK3PXP"),
            "otpauth://totp/Tsunagu:hanako%40example.jp?secret=JBSWY3DPEHPK3PXP&issuer=Tsunagu"
            "&algorithm=SHA1&digits=6&period=30");
  EXPECT_EQ(otpauth_uri("Osaka oneID", "a+b:c@example.jp", "GEZDGNBV"),
            "otpauth://totp/Osaka%20oneID:a%2Bb%3Ac%40example.jp?secret=GEZDGNBV"
            "&issuer=Osaka%20oneID&algorithm=SHA1&digits=6&period=30");
}

TEST(OtpauthUri, PercentEncodesAJapaneseIssuerAsUtf8) {
  EXPECT_EQ(otpauth_uri("大阪府 つなぐ", "hanako@example.jp", "JBSWY3DPEHPK3PXP"),
            "otpauth://totp/%E5%A4%A7%E9%98%AA%E5%BA%9C%20%E3%81%A4%E3%81%AA%E3%81%90:"
            "hanako%40example.jp?secret=JBSWY3DPEHPK3PXP"
            "&issuer=%E5%A4%A7%E9%98%AA%E5%BA%9C%20%E3%81%A4%E3%81%AA%E3%81%90"
            "&algorithm=SHA1&digits=6&period=30");
}

TEST(OtpauthUri, KeepsUnreservedCharactersAndEncodesTheRest) {
  EXPECT_EQ(otpauth_uri("A-Z.a_z~0", "x&y=z?#/%", "MZXW6==="),
            "otpauth://totp/A-Z.a_z~0:x%26y%3Dz%3F%23%2F%25?secret=MZXW6%3D%3D%3D"
            "&issuer=A-Z.a_z~0&algorithm=SHA1&digits=6&period=30");
}

}  // namespace
}  // namespace tsunagu::identity
