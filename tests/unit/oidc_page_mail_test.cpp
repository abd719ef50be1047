// The mails oneID sends (api/oidc/pages.hpp): subject and plain-text body in both languages,
// the link alone on its own line, and what to do when the mail was not asked for.

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "api/oidc/pages.hpp"

namespace tsunagu::api::oidc {
namespace {

constexpr std::string_view kLink = "https://id.example.jp/account/verify?token=Ab-c_9.x~Z";

struct MailCase {
  std::string name;
  std::function<MailText(Locale, std::string_view)> make;
  std::string japanese_subject_part;
  std::string english_subject_part;
};

const std::vector<MailCase>& mail_cases() {
  static const std::vector<MailCase> cases{
      {"verification", verification_mail, "メールアドレス", "confirm your e-mail"},
      {"reset", reset_mail, "パスワード", "reset your password"},
      {"already registered", already_registered_mail, "新規登録", "tried to register"},
  };
  return cases;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::size_t count(std::string_view text, std::string_view part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string_view::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

TEST(Mails, HaveASubjectOnOneLine) {
  for (const MailCase& c : mail_cases()) {
    for (Locale locale : {Locale::Japanese, Locale::English}) {
      const MailText mail = c.make(locale, kLink);
      EXPECT_FALSE(mail.subject.empty()) << c.name;
      EXPECT_EQ(mail.subject.find_first_of("\r\n"), std::string::npos) << c.name;
      EXPECT_NE(mail.subject.find("oneID"), std::string::npos) << c.name;
      EXPECT_NE(mail.subject.find(locale == Locale::Japanese ? c.japanese_subject_part
                                                             : c.english_subject_part),
                std::string::npos)
          << mail.subject;
    }
  }
}

TEST(Mails, CarryTheLinkExactlyOnceOnItsOwnLine) {
  for (const MailCase& c : mail_cases()) {
    for (Locale locale : {Locale::Japanese, Locale::English}) {
      const MailText mail = c.make(locale, kLink);
      EXPECT_EQ(count(mail.body, kLink), 1u) << c.name;
      const auto body_lines = lines(mail.body);
      EXPECT_EQ(std::count(body_lines.begin(), body_lines.end(), std::string(kLink)), 1) << c.name;
      EXPECT_EQ(mail.body.find("{}"), std::string::npos) << c.name;
      EXPECT_TRUE(mail.body.ends_with("\n")) << c.name;
      EXPECT_EQ(mail.body.find('\r'), std::string::npos) << c.name;
    }
  }
}

TEST(Mails, AreWrittenInTheResidentsLanguage) {
  for (const MailCase& c : mail_cases()) {
    const MailText ja = c.make(Locale::Japanese, kLink);
    const MailText en = c.make(Locale::English, kLink);
    EXPECT_NE(ja.subject, en.subject) << c.name;
    EXPECT_NE(ja.body, en.body) << c.name;
    EXPECT_NE(ja.body.find("ください。"), std::string::npos) << c.name;
    EXPECT_EQ(en.body.find("ください"), std::string::npos) << c.name;
  }
}

TEST(Mails, SayWhatToDoWhenNotAskedFor) {
  for (const MailCase& c : mail_cases()) {
    EXPECT_NE(c.make(Locale::Japanese, kLink).body.find("お心当たりのない場合は"),
              std::string::npos)
        << c.name;
    const std::string en = c.make(Locale::English, kLink).body;
    EXPECT_TRUE(en.find("If you did not") != std::string::npos ||
                en.find("If it was not you") != std::string::npos)
        << c.name;
  }
}

TEST(Mails, AlreadyRegisteredTellsTheOwnerAndOffersAReset) {
  const MailText ja = already_registered_mail(Locale::Japanese, kLink);
  EXPECT_NE(ja.body.find("すでに登録されています"), std::string::npos);
  EXPECT_NE(ja.body.find("再設定"), std::string::npos);
  const MailText en = already_registered_mail(Locale::English, kLink);
  EXPECT_NE(en.body.find("Someone tried to create a oneID account with this e-mail address"),
            std::string::npos);
  EXPECT_NE(en.body.find("choose a new one here"), std::string::npos);
}

TEST(Mails, TheLinkLineFollowsTheSentenceThatExplainsIt) {
  const auto ja = lines(reset_mail(Locale::Japanese, kLink).body);
  const auto link = std::find(ja.begin(), ja.end(), std::string(kLink));
  ASSERT_NE(link, ja.end());
  ASSERT_GE(link - ja.begin(), 2);
  EXPECT_EQ(*(link - 1), "");  // set apart by blank lines, so mail programs keep it whole
  EXPECT_EQ(*(link + 1), "");
  EXPECT_EQ(*(link - 2), "次のリンクを開いて、新しいパスワードを設定してください。");
}

}  // namespace
}  // namespace tsunagu::api::oidc
