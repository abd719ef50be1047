// Mail as an Internet message (notify/mail.hpp): the exact rendering, encoded-words and folding,
// and the checks that keep a header from being injected.

#include "notify/mail.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "mail_test_support.hpp"

namespace tsunagu::notify {
namespace {

using namespace std::chrono_literals;
using testing::base64_decode;
using testing::decode_words;
using testing::header_lines;
using testing::split_message;

model::Timestamp at(std::chrono::sys_days day, std::chrono::milliseconds time_of_day = {}) {
  return model::Timestamp{day.time_since_epoch() + time_of_day};
}

const auto kJan31 = at(std::chrono::sys_days{std::chrono::January / 31 / 2024}, 9h + 30min);

TEST(MailTest, RendersAnAsciiMailExactly) {
  const Mail mail{"hanako@example.jp", "Confirm your e-mail address",
                  "Open this link to confirm:\nhttps://id.example.jp/verify?code=abc\n"};
  EXPECT_EQ(render_eml(mail, "Tsunagu oneID <noreply@example.jp>", kJan31,
                       "20240131T093000Z-0123456789abcdef@example.jp"),
            "From: Tsunagu oneID <noreply@example.jp>\r\n"
            "To: hanako@example.jp\r\n"
            "Subject: Confirm your e-mail address\r\n"
            "Date: Wed, 31 Jan 2024 09:30:00 +0000\r\n"
            "Message-ID: <20240131T093000Z-0123456789abcdef@example.jp>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=UTF-8\r\n"
            "Content-Transfer-Encoding: base64\r\n"
            "\r\n"
            "T3BlbiB0aGlzIGxpbmsgdG8gY29uZmlybToNCmh0dHBzOi8vaWQuZXhhbXBsZS5qcC92ZXJpZnk/\r\n"
            "Y29kZT1hYmMNCg==\r\n");
}

TEST(MailTest, RendersAJapaneseMailExactly) {
  const Mail mail{"hanako@example.jp", "【つなぐ】メールアドレスの確認をお願いします",
                  "山田花子様\n\n下のリンクを開いて、メールアドレスを確認してください。\n"
                  "https://id.example.jp/verify?code=xyz\n"};
  const auto eml = render_eml(mail, "つなぐ <noreply@example.jp>", kJan31, "x@example.jp");
  EXPECT_EQ(eml,
            "From: =?UTF-8?B?44Gk44Gq44GQ?= <noreply@example.jp>\r\n"
            "To: hanako@example.jp\r\n"
            "Subject: =?UTF-8?B?44CQ44Gk44Gq44GQ44CR44Oh44O844Or44Ki44OJ44Os44K544Gu56K6?=\r\n"
            " =?UTF-8?B?6KqN44KS44GK6aGY44GE44GX44G+44GZ?=\r\n"
            "Date: Wed, 31 Jan 2024 09:30:00 +0000\r\n"
            "Message-ID: <x@example.jp>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=UTF-8\r\n"
            "Content-Transfer-Encoding: base64\r\n"
            "\r\n"
            "5bGx55Sw6Iqx5a2Q5qeYDQoNCuS4i+OBruODquODs+OCr+OCkumWi+OBhOOBpuOAgeODoeODvOOD\r\n"
            "q+OCouODieODrOOCueOCkueiuuiqjeOBl+OBpuOBj+OBoOOBleOBhOOAgg0KaHR0cHM6Ly9pZC5l\r\n"
            "eGFtcGxlLmpwL3ZlcmlmeT9jb2RlPXh5eg0K\r\n");

  // Decoded back: the subject, the display name and the text (with CRLF line breaks).
  const auto [head, body] = split_message(eml);
  const auto headers = header_lines(head);
  EXPECT_EQ(decode_words(headers.at("Subject")), mail.subject);
  EXPECT_EQ(decode_words(headers.at("From")), "つなぐ <noreply@example.jp>");
  EXPECT_EQ(base64_decode(body),
            "山田花子様\r\n\r\n下のリンクを開いて、メールアドレスを確認してください。\r\n"
            "https://id.example.jp/verify?code=xyz\r\n");
}

TEST(MailTest, LongSubjectsFoldWithinTheLineLimitAndDecodeBack) {
  std::string japanese;
  for (int i = 0; i < 12; ++i) japanese += "パスワードの再設定（つなぐ）";
  std::string ascii;
  for (int i = 0; i < 30; ++i) ascii += "Reset your password ";
  ascii += "now";
  const std::string mixed = "【重要】Reset your password / パスワードの再設定 " + ascii;
  for (const auto& subject : {japanese, ascii, mixed}) {
    const auto eml = render_eml({"a@example.jp", subject, "x"}, "つなぐ <n@example.jp>", kJan31,
                                "id@example.jp");
    const auto [head, body] = split_message(eml);
    for (const auto& line : testing::lines(head)) {
      EXPECT_LE(line.size(), 78U) << line;
    }
    // Every encoded-word holds whole characters: each one decodes to UTF-8 on its own.
    const auto subject_value = header_lines(head).at("Subject");
    EXPECT_EQ(decode_words(subject_value), subject);
    for (const auto& word : testing::encoded_words(subject_value)) {
      EXPECT_LE(word.size(), 75U);
      EXPECT_TRUE(testing::is_utf8(base64_decode(word.substr(10, word.size() - 12)))) << word;
    }
  }
}

TEST(MailTest, PlainAsciiSubjectsStayReadable) {
  std::string ascii;
  for (int i = 0; i < 10; ++i) ascii += "Reset your password ";
  ascii += "now";
  const auto eml = render_eml({"a@example.jp", ascii, "x"}, "n@example.jp", kJan31, "i@example.jp");
  const auto subject = header_lines(split_message(eml).first).at("Subject");
  EXPECT_EQ(subject, ascii);  // folded at spaces, unfolded back
  EXPECT_EQ(eml.find("=?"), std::string::npos);
  // Text that looks like an encoded-word would be decoded by a reader: it is encoded instead.
  const auto tricky =
      render_eml({"a@example.jp", "=?UTF-8?B?44Gk?=", "x"}, "n@example.jp", kJan31, "i@example.jp");
  EXPECT_EQ(decode_words(header_lines(split_message(tricky).first).at("Subject")),
            "=?UTF-8?B?44Gk?=");
}

TEST(MailTest, BodyLinesAre76CharactersAndEveryLineEndsInCrlf) {
  std::string text;
  for (int i = 0; i < 40; ++i)
    text += "本人確認のため、このリンクを二十四時間以内に開いてください。\n";
  text += "no final line break\r\nCRLF kept\rlone CR";
  const auto eml = render_eml({"a@example.jp", "s", text}, "n@example.jp", kJan31, "i@example.jp");
  for (std::size_t i = 0; i < eml.size(); ++i) {
    if (eml[i] == '\n') {
      ASSERT_TRUE(i > 0 && eml[i - 1] == '\r') << "bare LF at " << i;
    }
    if (eml[i] == '\r') {
      ASSERT_TRUE(i + 1 < eml.size() && eml[i + 1] == '\n') << "bare CR at " << i;
    }
  }
  const auto body = split_message(eml).second;
  const auto body_lines = testing::lines(body);
  ASSERT_GT(body_lines.size(), 2U);
  for (std::size_t i = 0; i + 1 < body_lines.size(); ++i) EXPECT_EQ(body_lines[i].size(), 76U);
  EXPECT_LE(body_lines.back().size(), 76U);
  std::string canonical;
  for (int i = 0; i < 40; ++i) {
    canonical += "本人確認のため、このリンクを二十四時間以内に開いてください。\r\n";
  }
  canonical += "no final line break\r\nCRLF kept\r\nlone CR";
  EXPECT_EQ(base64_decode(body), canonical);
}

TEST(MailTest, DisplayNamesAreQuotedWhenTheyNeedIt) {
  auto from_line = [](std::string_view from) {
    const auto eml = render_eml({"a@example.jp", "s", "x"}, from, kJan31, "i@example.jp");
    return eml.substr(0, eml.find("\r\n"));
  };
  EXPECT_EQ(from_line("noreply@example.jp"), "From: noreply@example.jp");
  EXPECT_EQ(from_line("Osaka City, Kita Ward <noreply@example.jp>"),
            "From: \"Osaka City, Kita Ward\" <noreply@example.jp>");
  EXPECT_EQ(from_line("\"Say \\\"hi\\\"\" <noreply@example.jp>"),
            "From: \"Say \\\"hi\\\"\" <noreply@example.jp>");
}

TEST(MailTest, HeaderInjectionIsRefused) {
  const Mail good{"hanako@example.jp", "件名", "本文"};
  ASSERT_TRUE(check_mail(good));
  for (const auto* subject :
       {"Hello\r\nBcc: victim@example.com", "Hello\nBcc: x@example.com", "Hello\rX: y"}) {
    auto mail = good;
    mail.subject = subject;
    const auto st = check_mail(mail);
    ASSERT_FALSE(st) << subject;
    EXPECT_EQ(st.error().kind, ErrorKind::BadRequestData);
    // Even rendered regardless, the subject adds no header.
    const auto eml = render_eml(mail, "n@example.jp", kJan31, "i@example.jp");
    EXPECT_EQ(header_lines(split_message(eml).first).count("Bcc"), 0U);
    EXPECT_EQ(eml.find("\r\nBcc"), std::string::npos);
  }
  for (const std::string& to : std::vector<std::string>{
           "", "hanako", "@example.jp", "hanako@", "a@b@example.jp", "hanako @example.jp",
           "hanako@example.jp\r\nBcc: x@example.com", "hanako@example.jp, x@example.com",
           "Hanako <hanako@example.jp>", "hanako@example.jp;x@example.com", "\"h\"@example.jp",
           "hanako@example..jp", "はなこ@example.jp", "a\t@example.jp",
           std::string(64, 'a') + "@" + std::string(190, 'b') + ".jp"}) {
    auto mail = good;
    mail.to = to;
    const auto st = check_mail(mail);
    ASSERT_FALSE(st) << to;
    EXPECT_EQ(st.error().kind, ErrorKind::BadRequestData);
  }
  auto longest = good;
  longest.to = std::string(64, 'a') + "@" + std::string(186, 'b') + ".jp";  // 254 bytes
  EXPECT_TRUE(check_mail(longest));
  auto empty = good;
  empty.text.clear();
  EXPECT_FALSE(check_mail(empty));
  auto not_utf8 = good;
  not_utf8.subject = "\xE3\x81";  // a cut-off character
  EXPECT_FALSE(check_mail(not_utf8));
  not_utf8 = good;
  not_utf8.text = "\xC0\xAF";  // an overlong '/'
  EXPECT_FALSE(check_mail(not_utf8));
}

TEST(MailTest, MailboxesParse) {
  auto m = parse_mailbox("つなぐ <noreply@example.jp>");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->display_name, "つなぐ");
  EXPECT_EQ(m->address, "noreply@example.jp");
  m = parse_mailbox("\"Kita, Osaka\" <k@example.jp>");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->display_name, "Kita, Osaka");
  m = parse_mailbox(" noreply@localhost ");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->display_name, "");
  EXPECT_EQ(m->address, "noreply@localhost");
  for (const auto* bad : {"", "Name", "Name <>", "Name <a@b", "<a@b> trailing", "Name\r\n <a@b>",
                          "\"unterminated <a@b>", "a@b, c@d"}) {
    EXPECT_FALSE(parse_mailbox(bad)) << bad;
  }
}

TEST(MailTest, HeadersReadBack) {
  const auto eml = render_eml({"hanako@example.jp", "s", "x"}, "つなぐ <noreply@example.jp>",
                              kJan31, "i@example.jp");
  EXPECT_EQ(header_address(eml, "To"), "hanako@example.jp");
  EXPECT_EQ(header_address(eml, "from"), "noreply@example.jp");
  EXPECT_EQ(header_field(eml, "Message-ID"), "<i@example.jp>");
  EXPECT_FALSE(header_field(eml, "Bcc"));
  // A header in the body is not a header.
  EXPECT_FALSE(header_field("Subject: a\r\n\r\nTo: x@example.jp\r\n", "To"));
  // Folded values are unfolded.
  EXPECT_EQ(header_field("To: Hanako\r\n <h@example.jp>\r\n\r\n", "To"), "Hanako <h@example.jp>");
}

TEST(MailTest, DatesAreRfc5322InUtc) {
  using std::chrono::sys_days;
  EXPECT_EQ(format_mail_date(kJan31 + 999ms), "Wed, 31 Jan 2024 09:30:00 +0000");
  EXPECT_EQ(format_mail_date(at(sys_days{std::chrono::February / 29 / 2024}, 23h + 59min + 59s)),
            "Thu, 29 Feb 2024 23:59:59 +0000");
  EXPECT_EQ(format_mail_date(at(sys_days{std::chrono::January / 1 / 1970})),
            "Thu, 01 Jan 1970 00:00:00 +0000");
}

TEST(MailTest, Base64IsStandardWithPadding) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("\xFB\xFF"), "+/8=");
}

}  // namespace
}  // namespace tsunagu::notify
