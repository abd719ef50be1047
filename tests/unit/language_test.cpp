#include "api/ngsild/language.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace tsunagu::api::ngsild {
namespace {
namespace json = boost::json;

LanguagePreference preference(std::string_view text) {
  auto p = parse_language_preference(text);
  EXPECT_TRUE(p.has_value()) << text << ": " << (p ? "" : p.error().message);
  return p ? *p : LanguagePreference{};
}

std::optional<std::string> choose(std::string_view lang, std::string_view map) {
  return choose_language(preference(lang), json::parse(map).as_object());
}

TEST(LanguagePreference, OrdersByWeightKeepingTheOrderOfEqualWeights) {
  auto p = preference("en;q=0.5, ja, fr;q=0.8, de");
  ASSERT_EQ(p.ranges.size(), 4u);
  EXPECT_EQ(p.ranges[0].tag, "ja");
  EXPECT_EQ(p.ranges[1].tag, "de");
  EXPECT_EQ(p.ranges[2].tag, "fr");
  EXPECT_EQ(p.ranges[3].tag, "en");
}

TEST(LanguagePreference, ZeroWeightExcludesTheRange) {
  auto p = preference("ja;q=0,en");
  ASSERT_EQ(p.ranges.size(), 1u);
  EXPECT_EQ(p.ranges[0].tag, "en");
}

TEST(LanguagePreference, TagsAreCaseInsensitive) {
  EXPECT_EQ(preference("JA-jp").ranges[0].tag, "ja-jp");
}

TEST(LanguagePreference, RejectsMalformedInput) {
  struct Case {
    std::string_view text;
    std::string_view message;
  };
  const Case cases[] = {
      {"", "lang: '' is not a language tag (such as ja, en or ja-JP)"},
      {"ja,", "lang: '' is not a language tag (such as ja, en or ja-JP)"},
      {"ja_JP", "lang: 'ja_JP' is not a language tag (such as ja, en or ja-JP)"},
      {"1ja", "lang: '1ja' is not a language tag (such as ja, en or ja-JP)"},
      {"ja-", "lang: 'ja-' is not a language tag (such as ja, en or ja-JP)"},
      {"abcdefghi", "lang: 'abcdefghi' is not a language tag (such as ja, en or ja-JP)"},
      {"ja;q=2",
       "lang: the weight of 'ja' must be a number from 0 to 1 with at most three decimals"},
      {"ja;q=0.12345",
       "lang: the weight of 'ja' must be a number from 0 to 1 with at most three decimals"},
      {"ja;q=",
       "lang: the weight of 'ja' must be a number from 0 to 1 with at most three decimals"},
      {"ja;level=1", "lang: 'ja;level=1' has a parameter other than q="},
  };
  for (const auto& c : cases) {
    auto p = parse_language_preference(c.text);
    ASSERT_FALSE(p.has_value()) << c.text;
    EXPECT_EQ(p.error().kind, ErrorKind::BadRequestData);
    EXPECT_EQ(p.error().message, c.message) << c.text;
  }
}

TEST(ChooseLanguage, ExactTagFirst) {
  EXPECT_EQ(choose("en", R"({"en-GB": "colour", "en": "color"})"), "en");
}

TEST(ChooseLanguage, RangeCoversLongerTags) {
  EXPECT_EQ(choose("en", R"({"ja": "色", "en-GB": "colour"})"), "en-GB");
  EXPECT_EQ(choose("EN", R"({"ja": "色", "En-gb": "colour"})"), "En-gb");
}

TEST(ChooseLanguage, RangeDoesNotMatchAPrefixThatIsNotASubtag) {
  EXPECT_EQ(choose("e", R"({"en": "color", "@none": "?"})"), "@none");
}

TEST(ChooseLanguage, FollowsThePreferenceOrder) {
  EXPECT_EQ(choose("fr,ja;q=0.9,en;q=0.8", R"({"en": "north", "ja": "北"})"), "ja");
}

TEST(ChooseLanguage, WildcardTakesTheFirstRealLanguage) {
  EXPECT_EQ(choose("*", R"({"@none": "x", "ko": "북"})"), "ko");
}

TEST(ChooseLanguage, FallsBackToNoneThenTheFirstKey) {
  EXPECT_EQ(choose("fr", R"({"en": "north", "@none": "Kita"})"), "@none");
  EXPECT_EQ(choose("fr", R"({"ja": "北", "en": "north"})"), "ja");
  EXPECT_EQ(choose("fr", "{}"), std::nullopt);
}

}  // namespace
}  // namespace tsunagu::api::ngsild
