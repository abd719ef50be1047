// The parts the pages are built from (api/oidc/pages_*.hpp): escaping, the HTML writer, links,
// and the completeness of the two catalogues.

#include <gtest/gtest.h>

#include <string>

#include "api/oidc/pages_html.hpp"
#include "api/oidc/pages_link.hpp"
#include "api/oidc/pages_text.hpp"

namespace tsunagu::api::oidc::pages {
namespace {

TEST(EscapeHtml, ReplacesEveryCharacterThatCanEndTextOrAnAttribute) {
  EXPECT_EQ(escape_html("a & b < c > d \" e ' f"), "a &amp; b &lt; c &gt; d &quot; e &#39; f");
  EXPECT_EQ(escape_html("&amp;"), "&amp;amp;");
  EXPECT_EQ(escape_html(""), "");
  EXPECT_EQ(escape_html("大阪市 ok/=`"), "大阪市 ok/=`");
}

TEST(Html, EscapesTextAndAttributeValuesButNotMarkup) {
  Html html;
  html.markup("<p>")
      .text("<b>")
      .close("p")
      .open("input", {{"value", "\"><script>"}, {"required", std::nullopt}})
      .element("a", {{"href", "/x?a=1&b=2"}}, "1 < 2");
  EXPECT_EQ(html.str(),
            "<p>&lt;b&gt;</p><input value=\"&quot;&gt;&lt;script&gt;\" required>"
            "<a href=\"/x?a=1&amp;b=2\">1 &lt; 2</a>");
}

TEST(Links, PercentEncodeEverythingButUnreservedCharacters) {
  EXPECT_EQ(percent_encode("aZ09-._~"), "aZ09-._~");
  EXPECT_EQ(percent_encode("a b&c=d/e?f#g%"), "a%20b%26c%3Dd%2Fe%3Ff%23g%25");
  EXPECT_EQ(percent_encode("日"), "%E6%97%A5");
}

TEST(Links, JoinParametersToThePath) {
  EXPECT_EQ(link("/account", {}), "/account");
  EXPECT_EQ(link("/a", {{"x", "1"}, {"y", "2 3"}}), "/a?x=1&y=2%203");
}

TEST(Links, TheLanguageSwitchPointsToTheOtherLanguage) {
  PageBase view;
  EXPECT_EQ(language_switch_link("/account/login", view), "/account/login?ui_locales=en");
  view.locale = Locale::English;
  view.request = "r/1";
  EXPECT_EQ(language_switch_link("/account/login", view),
            "/account/login?ui_locales=ja&request=r%2F1");
  EXPECT_EQ(language_switch_link("/p", view, {{"token", "t"}}),
            "/p?ui_locales=ja&request=r%2F1&token=t");
}

TEST(Fill, PutsTheValueInTheSlot) {
  EXPECT_EQ(fill("in {} minutes", "5"), "in 5 minutes");
  EXPECT_EQ(fill("no slot", "5"), "no slot");
  EXPECT_EQ(fill("{}", "{}"), "{}");
}

std::size_t slots(std::string_view text) {
  std::size_t n = 0;
  for (auto at = text.find("{}"); at != std::string_view::npos; at = text.find("{}", at + 2)) ++n;
  return n;
}

TEST(Catalogues, HaveEveryTextInBothLanguagesWithTheSameSlots) {
  for (int i = 0; i < kTextCount; ++i) {
    const auto text = static_cast<Text>(i);
    const std::string_view ja = japanese_text(text);
    const std::string_view en = english_text(text);
    EXPECT_FALSE(ja.empty()) << i;
    EXPECT_FALSE(en.empty()) << i;
    EXPECT_EQ(slots(ja), slots(en)) << i << ": " << ja << " / " << en;
    EXPECT_LE(slots(ja), 1u) << i;
    EXPECT_EQ(ja.find('<'), std::string_view::npos) << i;  // text, not markup
    EXPECT_EQ(en.find('<'), std::string_view::npos) << i;
  }
}

TEST(Catalogues, TheJapaneseIsJapanese) {
  int same = 0;
  for (int i = 0; i < kTextCount; ++i) {
    const auto text = static_cast<Text>(i);
    if (japanese_text(text) == english_text(text)) ++same;
  }
  EXPECT_EQ(same, 1);  // the title pattern "{} | oneID"
  EXPECT_EQ(Texts{Locale::Japanese}(Text::LoginTitle), "ログイン");
  EXPECT_EQ(Texts{Locale::Japanese}(Text::RegisterLink), "新規登録");
  EXPECT_EQ(Texts{Locale::Japanese}(Text::ForgotPasswordLink), "パスワードをお忘れの方");
  EXPECT_EQ(Texts{Locale::Japanese}(Text::CodeLabel), "確認コード");
  EXPECT_EQ(Texts{Locale::English}(Text::LoginTitle), "Sign in");
}

}  // namespace
}  // namespace tsunagu::api::oidc::pages
