// The [mail] section of the configuration (app/config.hpp, docs/configuration.md).

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "app/config.hpp"

namespace tsunagu::app {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class MailConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::mt19937_64 rng{std::random_device{}()};
    file_ = fs::temp_directory_path() / ("tsunagu-config-" + std::to_string(rng()) + ".toml");
  }
  void TearDown() override {
    fs::remove(file_);
    ::unsetenv("TSUNAGU_SMTP_URL");
    ::unsetenv("TSUNAGU_SMTP_PASSWORD");
  }

  Status load(const std::string& toml) {
    std::ofstream(file_) << toml;
    return load_config_file(file_, config_);
  }

  // The error message of loading `toml`, or "" when it loads.
  std::string error_of(const std::string& toml) {
    Config fresh;
    std::ofstream(file_) << toml;
    auto st = load_config_file(file_, fresh);
    return st ? std::string() : st.error().message;
  }

  fs::path file_;
  Config config_;
};

TEST_F(MailConfigTest, DefaultsSpoolToTheOutboxOnly) {
  ASSERT_TRUE(load(""));
  EXPECT_EQ(config_.mail_from, "Tsunagu oneID <noreply@localhost>");
  EXPECT_EQ(config_.smtp_url, "");
  EXPECT_EQ(config_.smtp_username, "");
  EXPECT_EQ(config_.smtp_password, "");
  EXPECT_FALSE(config_.smtp_require_tls);
  EXPECT_EQ(config_.smtp_timeout, 10000ms);
}

TEST_F(MailConfigTest, EveryKeyIsRead) {
  ASSERT_TRUE(load(R"(
[mail]
from = "つなぐ <noreply@example.jp>"
smtp_url = "smtp://mail.example.jp:587"
smtp_username = "tsunagu"
smtp_password = "secret"
smtp_require_tls = true
smtp_timeout_ms = 2500
)"));
  EXPECT_EQ(config_.mail_from, "つなぐ <noreply@example.jp>");
  EXPECT_EQ(config_.smtp_url, "smtp://mail.example.jp:587");
  EXPECT_EQ(config_.smtp_username, "tsunagu");
  EXPECT_EQ(config_.smtp_password, "secret");
  EXPECT_TRUE(config_.smtp_require_tls);
  EXPECT_EQ(config_.smtp_timeout, 2500ms);
}

TEST_F(MailConfigTest, MistakesAreNamed) {
  const auto contains = [](const std::string& message, std::string_view part) {
    return message.find(part) != std::string::npos;
  };
  auto e = error_of("[mail]\nsmtp_host = \"x\"\n");
  EXPECT_TRUE(contains(e, "unknown key 'smtp_host' in [mail]")) << e;
  e = error_of("[mail]\nfrom = \"Tsunagu oneID\"\n");
  EXPECT_TRUE(contains(e, "mail.from 'Tsunagu oneID'")) << e;
  e = error_of("[mail]\nfrom = 5\n");
  EXPECT_TRUE(contains(e, "mail.from must be a string")) << e;
  e = error_of("[mail]\nsmtp_url = \"http://mail.example.jp\"\n");
  EXPECT_TRUE(contains(e, "mail.smtp_url")) << e;
  e = error_of("[mail]\nsmtp_url = \"smtp://user:pw@mail.example.jp\"\n");
  EXPECT_TRUE(contains(e, "mail.smtp_url")) << e;
  EXPECT_FALSE(contains(e, "pw@")) << e;  // never repeated where it gets logged
  e = error_of("[mail]\nsmtp_require_tls = \"yes\"\n");
  EXPECT_TRUE(contains(e, "mail.smtp_require_tls must be true or false")) << e;
  e = error_of("[mail]\nsmtp_timeout_ms = 0\n");
  EXPECT_TRUE(contains(e, "mail.smtp_timeout_ms")) << e;
  e = error_of("[mail]\nsmtp_timeout_ms = 1.5\n");
  EXPECT_TRUE(contains(e, "mail.smtp_timeout_ms")) << e;
}

TEST_F(MailConfigTest, TheEnvironmentOverridesTheFile) {
  ASSERT_TRUE(load("[mail]\nsmtp_url = \"smtp://file.example.jp:25\"\nsmtp_password = \"file\"\n"));
  ::setenv("TSUNAGU_SMTP_URL", "smtps://env.example.jp:465", 1);
  ::setenv("TSUNAGU_SMTP_PASSWORD", "from-env", 1);
  ASSERT_TRUE(apply_environment(config_));
  EXPECT_EQ(config_.smtp_url, "smtps://env.example.jp:465");
  EXPECT_EQ(config_.smtp_password, "from-env");
  // An empty URL turns SMTP off: the outbox only.
  ::setenv("TSUNAGU_SMTP_URL", "", 1);
  ASSERT_TRUE(apply_environment(config_));
  EXPECT_EQ(config_.smtp_url, "");
  ::setenv("TSUNAGU_SMTP_URL", "mail.example.jp", 1);
  auto st = apply_environment(config_);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("TSUNAGU_SMTP_URL"), std::string::npos) << st.error().message;
}

}  // namespace
}  // namespace tsunagu::app
