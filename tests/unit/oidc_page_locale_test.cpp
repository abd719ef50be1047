#include <gtest/gtest.h>

#include <optional>
#include <string_view>

#include "api/oidc/pages.hpp"

namespace tsunagu::api::oidc {
namespace {

constexpr auto ja = Locale::Japanese;
constexpr auto en = Locale::English;

Locale from_header(std::string_view accept_language) {
  return negotiate_locale(std::nullopt, accept_language);
}

TEST(NegotiateLocale, JapaneseWithoutAnyPreference) {
  EXPECT_EQ(negotiate_locale(std::nullopt, std::nullopt), ja);
  EXPECT_EQ(negotiate_locale("", ""), ja);
}

TEST(NegotiateLocale, ReadsLanguageTagsWithRegions) {
  EXPECT_EQ(from_header("ja-JP"), ja);
  EXPECT_EQ(from_header("en"), en);
  EXPECT_EQ(from_header("en-US"), en);
  EXPECT_EQ(from_header("en-GB;q=0.8"), en);
  EXPECT_EQ(from_header("EN-gb"), en);
}

TEST(NegotiateLocale, SkipsUnsupportedLanguagesAndTakesTheNextAcceptable) {
  EXPECT_EQ(from_header("fr, en;q=0.5"), en);
  EXPECT_EQ(from_header("de-DE,de;q=0.9,en-US;q=0.8,ja;q=0.7"), en);
  EXPECT_EQ(from_header("fr"), ja);
}

TEST(NegotiateLocale, HighestWeightWinsAndTiesGoToTheFirst) {
  EXPECT_EQ(from_header("en;q=0.4, ja;q=0.9"), ja);
  EXPECT_EQ(from_header("ja;q=0.5, en;q=0.5"), ja);
  EXPECT_EQ(from_header("en;q=0.5, ja;q=0.5"), en);
  EXPECT_EQ(from_header("en;q=0.501, ja;q=0.5"), en);
  EXPECT_EQ(from_header("ja;q=0.8, en"), en);
}

TEST(NegotiateLocale, ZeroWeightExcludesALanguage) {
  EXPECT_EQ(from_header("en;q=0"), ja);
  EXPECT_EQ(from_header("ja;q=0, en;q=0.1"), en);
  EXPECT_EQ(from_header("en;q=0.000"), ja);
}

TEST(NegotiateLocale, WildcardStandsForTheLanguagesNotNamed) {
  EXPECT_EQ(from_header("*"), ja);
  EXPECT_EQ(from_header("fr, *;q=0.5"), ja);
  EXPECT_EQ(from_header("ja;q=0, *"), en);
  EXPECT_EQ(from_header("en;q=0.3, *;q=0.5"), ja);
}

TEST(NegotiateLocale, SkipsMalformedParts) {
  EXPECT_EQ(from_header("garbage!!, en"), en);
  EXPECT_EQ(from_header(";;;,,,"), ja);
  EXPECT_EQ(from_header("en;q=2"), ja);
  EXPECT_EQ(from_header("en;q=abc, ja;q=0.1"), ja);
  EXPECT_EQ(from_header("en;q=0.5555"), ja);
  EXPECT_EQ(from_header("en;level=1"), ja);
  EXPECT_EQ(from_header("en-"), ja);
  EXPECT_EQ(from_header("-en"), ja);
  EXPECT_EQ(from_header("en_US"), ja);
  EXPECT_EQ(from_header("english"), ja);
  EXPECT_EQ(from_header("\xe6\x97\xa5\xe6\x9c\xac, en;q=0.2"), en);
  EXPECT_EQ(from_header("en ; q=0.5 , fr"), en);
  EXPECT_EQ(from_header("en;Q=0.5"), en);
}

TEST(NegotiateLocale, UiLocalesComeFirst) {
  EXPECT_EQ(negotiate_locale("en ja", "ja"), en);
  EXPECT_EQ(negotiate_locale("ja en", "en"), ja);
  EXPECT_EQ(negotiate_locale("fr-CA en-US", "ja"), en);
  EXPECT_EQ(negotiate_locale("en-GB", std::nullopt), en);
}

TEST(NegotiateLocale, UiLocalesWithoutASupportedTagFallBackToTheHeader) {
  EXPECT_EQ(negotiate_locale("fr de", "en"), en);
  EXPECT_EQ(negotiate_locale("", "en"), en);
  EXPECT_EQ(negotiate_locale("<script>", "en"), en);
  EXPECT_EQ(negotiate_locale("  en  ", "ja"), en);
}

TEST(LanguageTag, NamesTheLocale) {
  EXPECT_EQ(language_tag(ja), "ja");
  EXPECT_EQ(language_tag(en), "en");
}

}  // namespace
}  // namespace tsunagu::api::oidc
