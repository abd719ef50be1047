// The [[personal_data.<tenant>]] tables of the configuration (app/config.hpp, docs/consent.md):
// read as the JSON the admin API takes, and turned into rules by consent::rules_from_terms.

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <filesystem>
#include <fstream>
#include <random>

#include "app/config.hpp"
#include "consent/rules.hpp"

namespace tsunagu::app {
namespace {

namespace fs = std::filesystem;

const std::string kVocab = "https://uri.etsi.org/ngsi-ld/default-context/";

class PersonalDataConfigTest : public ::testing::Test {
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

TEST_F(PersonalDataConfigTest, RulesPerTenantBecomeExpandedRuleSets) {
  ASSERT_TRUE(load(R"(
[[personal_data._default]]
type = "ChildcareApplication"
category = "childcare-application"
subject = "applicant"

[[personal_data._default]]
type = "https://example.org/Household"
category = "contact"
subject = "resident"
attributes = ["phone", "email"]

[[personal_data.kita]]
type = "HealthCheckup"
category = "health"
subject = "patient"
)"));
  ASSERT_EQ(config_.personal_data.size(), 2U);
  // TOML tables keep their keys sorted.
  EXPECT_EQ(boost::json::serialize(config_.personal_data.at("kita")),
            R"([{"category":"health","subject":"patient","type":"HealthCheckup"}])");
  auto rules = consent::rules_from_terms(config_.personal_data.at("_default"));
  ASSERT_TRUE(rules) << rules.error().message;
  ASSERT_EQ(rules->rules.size(), 2U);
  EXPECT_EQ(rules->rules[0].type, kVocab + "ChildcareApplication");
  EXPECT_EQ(rules->rules[0].subject, kVocab + "applicant");
  EXPECT_TRUE(rules->rules[0].whole_entity());
  EXPECT_EQ(rules->rules[1].type, "https://example.org/Household");
  EXPECT_EQ(rules->rules[1].attributes,
            (std::vector<std::string>{kVocab + "phone", kVocab + "email"}));
}

TEST_F(PersonalDataConfigTest, NoSectionNoRules) {
  ASSERT_TRUE(load(""));
  EXPECT_TRUE(config_.personal_data.empty());
}

TEST_F(PersonalDataConfigTest, MistakesAreNamed) {
  auto st = load("[[personal_data.\"-bad\"]]\ntype = \"A\"\n");
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("'-bad' is not a tenant name"), std::string::npos)
      << st.error().message;

  st = load("[personal_data]\nkita = 3\n");
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("[[personal_data.kita]] must be an array of tables"),
            std::string::npos)
      << st.error().message;

  st = load("[[personal_data.kita]]\ntype = \"A\"\ncategory = 7\n");
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("personal_data.kita.category must be a string or an array"),
            std::string::npos)
      << st.error().message;
}

TEST_F(PersonalDataConfigTest, ARuleTheAdminApiWouldRefuseIsRefusedWhenApplied) {
  ASSERT_TRUE(
      load("[[personal_data.kita]]\ntype = \"A\"\ncategory = \"Bad Category\"\n"
           "subject = \"s\"\n"));
  auto rules = consent::rules_from_terms(config_.personal_data.at("kita"));
  ASSERT_FALSE(rules);
  EXPECT_EQ(rules.error().message,
            "personal-data rule 0: category 'Bad Category' must be 1 to 64 characters of a-z, "
            "0-9 and '-', starting with a letter");
}

}  // namespace
}  // namespace tsunagu::app
