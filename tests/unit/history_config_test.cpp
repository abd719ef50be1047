// The [history] section of the configuration (app/config.hpp, docs/configuration.md).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "app/config.hpp"

namespace tsunagu::app {
namespace {

namespace fs = std::filesystem;

class HistoryConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::mt19937_64 rng{std::random_device{}()};
    file_ = fs::temp_directory_path() / ("tsunagu-config-" + std::to_string(rng()) + ".toml");
  }
  void TearDown() override { fs::remove(file_); }

  Status load(const std::string& toml) {
    std::ofstream(file_) << toml;
    return load_config_file(file_, config_);
  }

  fs::path file_;
  Config config_;
};

TEST_F(HistoryConfigTest, HistoryIsOnAndKeptForeverByDefault) {
  ASSERT_TRUE(load(""));
  EXPECT_TRUE(config_.history.enabled);
  EXPECT_EQ(config_.history.retention_days, 0U);
  EXPECT_TRUE(config_.history_tenants.empty());
}

TEST_F(HistoryConfigTest, TenantsInheritWhatTheyDoNotSay) {
  ASSERT_TRUE(load(R"(
[history]
retention_days = 30
[history.tenants.kita]
enabled = false
[history.tenants._default]
retention_days = 7
)"));
  EXPECT_EQ(config_.history.retention_days, 30U);
  ASSERT_EQ(config_.history_tenants.size(), 2U);
  EXPECT_FALSE(config_.history_tenants.at("kita").enabled);
  EXPECT_EQ(config_.history_tenants.at("kita").retention_days, 30U);
  EXPECT_TRUE(config_.history_tenants.at("_default").enabled);
  EXPECT_EQ(config_.history_tenants.at("_default").retention_days, 7U);
}

TEST_F(HistoryConfigTest, MistakesAreNamed) {
  auto st = load("[history]\nretention = 3\n");
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("unknown key 'retention' in [history]"), std::string::npos)
      << st.error().message;
  st = load("[history]\nretention_days = -1\n");
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("history.retention_days"), std::string::npos)
      << st.error().message;
  st = load("[history.tenants.kita]\nenabled = \"no\"\n");
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("history.tenants.kita.enabled must be true or false"),
            std::string::npos)
      << st.error().message;
  st = load("[history.tenants.kita]\nkeep = 1\n");
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("unknown key 'keep' in [history.tenants.kita]"),
            std::string::npos)
      << st.error().message;
}

}  // namespace
}  // namespace tsunagu::app
