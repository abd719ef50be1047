// The resident-facing pages of oneID (api/oidc/pages.hpp): document structure, forms and their
// fields, labels, the problem summary, escaping, the language switch and the scope descriptions.
// HTML is examined with string scanning: every attribute value the pages write is quoted and
// escaped, so a tag ends at the first '>' and a value at the first '"'.

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "api/oidc/pages.hpp"
#include "html_reading.hpp"

namespace tsunagu::api::oidc {
namespace {

// --- Reading the HTML ----------------------------------------------------------------------

using testing::html::Attributes;
using testing::html::contents;
using testing::html::forms;
using testing::html::tags;

std::multiset<std::string> input_names(std::string_view form) {
  std::multiset<std::string> names;
  for (const auto& input : tags(form, "input")) names.insert(input.at("name"));
  return names;
}

std::optional<Attributes> input_by_id(std::string_view html, std::string_view id) {
  for (const auto& input : tags(html, "input")) {
    if (input.contains("id") && input.at("id") == id) return input;
  }
  return std::nullopt;
}

std::set<std::string> invalid_ids(std::string_view html) {
  std::set<std::string> ids;
  for (const auto& input : tags(html, "input")) {
    if (input.contains("aria-invalid")) ids.insert(input.at("id"));
  }
  return ids;
}

std::size_t count(std::string_view text, std::string_view part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string_view::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// --- The pages, rendered with sample views ------------------------------------------------

struct Sample {
  Sample(Locale l = Locale::Japanese, std::optional<std::string> r = std::nullopt)
      : locale(l), request(std::move(r)) {}
  Locale locale;
  std::optional<std::string> request;
};

template <typename View>
View base(const Sample& sample) {
  View view;
  view.locale = sample.locale;
  view.csrf = "csrf-token-1";
  view.request = sample.request;
  return view;
}

AccountView enabling_account(const Sample& sample) {
  auto view = base<AccountView>(sample);
  view.email = "hanako@example.jp";
  view.name = "Hanako";
  view.email_verified = true;
  view.totp_secret = "JBSWY3DPEHPK3PXP";
  view.totp_uri = "otpauth://totp/oneID:hanako%40example.jp?secret=JBSWY3DPEHPK3PXP&issuer=oneID";
  return view;
}

AccountView totp_account(const Sample& sample) {
  auto view = base<AccountView>(sample);
  view.email = "hanako@example.jp";
  view.email_verified = true;
  view.totp_enabled = true;
  return view;
}

struct ExpectedForm {
  std::string action;
  std::multiset<std::string> inputs;      // besides csrf, locale and request
  std::vector<std::string> buttons = {};  // name=value of named buttons
};

struct PageCase {
  std::string page;
  std::function<std::string(const Sample&)> render;
  std::string path;  // the language switch's target
  std::map<Locale, std::string> title;
  std::map<Locale, std::string> heading;
  std::vector<ExpectedForm> forms;
};

const std::vector<PageCase>& page_cases() {
  using enum Locale;
  static const std::vector<PageCase> cases{
      {"login",
       [](const Sample& s) { return render_login(base<LoginView>(s)); },
       "/account/login",
       {{Japanese, "ログイン"}, {English, "Sign in"}},
       {{Japanese, "ログイン"}, {English, "Sign in"}},
       {{"/account/login", {"email", "password"}}}},
      {"totp",
       [](const Sample& s) { return render_totp(base<TotpView>(s)); },
       "/account/login/totp",
       {{Japanese, "2段階認証"}, {English, "Two-step verification"}},
       {{Japanese, "2段階認証"}, {English, "Two-step verification"}},
       {{"/account/login/totp", {"code"}}}},
      {"register",
       [](const Sample& s) { return render_register(base<RegisterView>(s)); },
       "/account/register",
       {{Japanese, "新規登録"}, {English, "Create an account"}},
       {{Japanese, "新規登録"}, {English, "Create an account"}},
       {{"/account/register", {"email", "password", "name"}}}},
      {"consent",
       [](const Sample& s) {
         auto view = base<ConsentView>(s);
         view.client_name = "Osaka Bus";
         view.scopes = {"openid", "profile"};
         return render_consent(view);
       },
       "/oauth2/consent",
       {{Japanese, "アクセスの許可"}, {English, "Allow access"}},
       {{Japanese, "アクセスの許可"}, {English, "Allow access"}},
       {{"/oauth2/consent", {}, {"decision=allow", "decision=deny"}}}},
      {"forgot password",
       [](const Sample& s) { return render_forgot_password(base<ForgotPasswordView>(s)); },
       "/account/password/forgot",
       {{Japanese, "パスワードの再設定"}, {English, "Reset your password"}},
       {{Japanese, "パスワードの再設定"}, {English, "Reset your password"}},
       {{"/account/password/forgot", {"email"}}}},
      {"reset password",
       [](const Sample& s) {
         auto view = base<ResetPasswordView>(s);
         view.token = "reset-token-1";
         return render_reset_password(view);
       },
       "/account/password/reset",
       {{Japanese, "新しいパスワードの設定"}, {English, "Choose a new password"}},
       {{Japanese, "新しいパスワードの設定"}, {English, "Choose a new password"}},
       {{"/account/password/reset", {"token", "new_password"}}}},
      {"account enabling TOTP",
       [](const Sample& s) { return render_account(enabling_account(s)); },
       "/account",
       {{Japanese, "アカウント情報"}, {English, "Your account"}},
       {{Japanese, "アカウント情報"}, {English, "Your account"}},
       {{"/account/totp", {"token", "code"}},
        {"/account/logout", {}},
        {"/account/delete", {"password"}}}},
      {"account with TOTP",
       [](const Sample& s) { return render_account(totp_account(s)); },
       "/account",
       {{Japanese, "アカウント情報"}, {English, "Your account"}},
       {{Japanese, "アカウント情報"}, {English, "Your account"}},
       {{"/account/totp/disable", {"password"}},
        {"/account/logout", {}},
        {"/account/delete", {"password"}}}},
      {"logout",
       [](const Sample& s) {
         auto view = base<LogoutView>(s);
         view.client_name = "Osaka Bus";
         return render_logout(view);
       },
       "/oauth2/logout",
       {{Japanese, "ログアウト"}, {English, "Sign out"}},
       {{Japanese, "oneID からログアウトしますか？"}, {English, "Sign out of oneID?"}},
       {{"/oauth2/logout", {}}}},
  };
  return cases;
}

std::string other_tag(Locale locale) {
  return locale == Locale::English ? "ja" : "en";
}

// --- Every page, in both languages, with and without a pending request -------------------

class EveryPage : public ::testing::TestWithParam<std::tuple<std::size_t, Locale, bool>> {
 protected:
  const PageCase& page() const { return page_cases()[std::get<0>(GetParam())]; }
  Locale locale() const { return std::get<1>(GetParam()); }
  std::optional<std::string> request() const {
    if (!std::get<2>(GetParam())) return std::nullopt;
    return "req&1 \"x\"";
  }
  std::string html() const { return page().render({locale(), request()}); }
};

TEST_P(EveryPage, IsACompleteDocumentInItsLanguage) {
  const std::string html = this->html();
  EXPECT_TRUE(html.starts_with("<!doctype html>\n")) << html.substr(0, 40);
  EXPECT_EQ(count(html, "<html "), 1u);
  EXPECT_NE(html.find("<html lang=\"" + std::string(language_tag(locale())) + "\">"),
            std::string::npos);
  EXPECT_EQ(count(html, "<meta charset=\"utf-8\">"), 1u);
  EXPECT_NE(html.find("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"),
            std::string::npos);
  EXPECT_EQ(count(html, "<style>"), 1u);
  EXPECT_EQ(count(html, "<main>"), 1u);
  EXPECT_EQ(count(html, "</main>"), 1u);
  EXPECT_TRUE(html.ends_with("</html>\n"));
}

TEST_P(EveryPage, NamesItselfInTheTitleAndOneHeading) {
  const std::string html = this->html();
  const auto titles = contents(html, "title");
  ASSERT_EQ(titles.size(), 1u);
  EXPECT_EQ(titles[0], page().title.at(locale()) + " | oneID");
  const auto headings = contents(html, "h1");
  ASSERT_EQ(headings.size(), 1u);
  EXPECT_EQ(headings[0], page().heading.at(locale()));
}

TEST_P(EveryPage, HasItsFormsWithExactlyTheirFields) {
  const auto found = forms(html());
  ASSERT_EQ(found.size(), page().forms.size());
  for (std::size_t i = 0; i < found.size(); ++i) {
    const ExpectedForm& expected = page().forms[i];
    const Attributes form = tags(found[i], "form").at(0);
    EXPECT_EQ(form.at("action"), expected.action);
    EXPECT_EQ(form.at("method"), "post");
    EXPECT_EQ(form.at("enctype"), "application/x-www-form-urlencoded");
    std::multiset<std::string> names = expected.inputs;
    names.insert({"csrf", "locale"});
    if (request()) names.insert("request");
    EXPECT_EQ(input_names(found[i]), names) << expected.action;
    std::vector<std::string> buttons;
    for (const auto& button : tags(found[i], "button")) {
      EXPECT_EQ(button.at("type"), "submit");
      if (button.contains("name")) buttons.push_back(button.at("name") + "=" + button.at("value"));
    }
    EXPECT_FALSE(tags(found[i], "button").empty()) << expected.action;
    EXPECT_EQ(buttons, expected.buttons);
  }
}

TEST_P(EveryPage, EveryFormCarriesCsrfLocaleAndTheRequestWhenSet) {
  for (const std::string& form : forms(html())) {
    std::map<std::string, std::string> hidden;
    for (const auto& input : tags(form, "input")) {
      if (input.at("type") == "hidden") hidden[input.at("name")] = input.at("value");
    }
    EXPECT_EQ(hidden["csrf"], "csrf-token-1");
    EXPECT_EQ(hidden["locale"], language_tag(locale()));
    EXPECT_EQ(hidden.contains("request"), request().has_value());
    if (request()) {
      EXPECT_EQ(hidden["request"], *request());
    }
  }
}

TEST_P(EveryPage, LabelsEveryVisibleInput) {
  const std::string html = this->html();
  std::set<std::string> labelled;
  for (const auto& label : tags(html, "label")) labelled.insert(label.at("for"));
  std::set<std::string> ids;
  for (const auto& input : tags(html, "input")) {
    if (input.at("type") == "hidden") {
      EXPECT_FALSE(input.contains("id"));
      continue;
    }
    ASSERT_TRUE(input.contains("id")) << input.at("name");
    EXPECT_TRUE(ids.insert(input.at("id")).second) << "duplicate id " << input.at("id");
    EXPECT_TRUE(labelled.contains(input.at("id"))) << input.at("id");
    EXPECT_TRUE(input.contains("autocomplete")) << input.at("id");
  }
  EXPECT_EQ(labelled, ids);
}

TEST_P(EveryPage, DescribesOnlyByIdsThatExist) {
  const std::string html = this->html();
  for (const auto& input : tags(html, "input")) {
    if (!input.contains("aria-describedby")) continue;
    std::istringstream ids(input.at("aria-describedby"));
    for (std::string id; ids >> id;) {
      EXPECT_NE(html.find("id=\"" + id + "\""), std::string::npos) << id;
    }
  }
}

TEST_P(EveryPage, LoadsNothingAndRunsNothing) {
  const std::string html = this->html();
  for (std::string_view forbidden :
       {"<script", "<link", "<img", "<iframe", "<object", "<embed", "src=", "url(", "@import",
        "http", "javascript:", " style=", " onload", " onclick", " onsubmit"}) {
    EXPECT_EQ(html.find(forbidden), std::string::npos) << forbidden;
  }
  for (const auto& a : tags(html, "a")) {
    EXPECT_TRUE(a.at("href").starts_with("/") || a.at("href").starts_with("#")) << a.at("href");
  }
}

TEST_P(EveryPage, SwitchesToTheOtherLanguageKeepingTheRequest) {
  const auto navs = tags(html(), "nav");
  ASSERT_EQ(navs.size(), 1u);
  const auto links = tags(html().substr(html().find("<nav")), "a");
  ASSERT_FALSE(links.empty());
  const Attributes& link = links[0];
  std::string expected = page().path + "?ui_locales=" + other_tag(locale());
  if (request()) expected += "&request=req%261%20%22x%22";
  if (page().page == "reset password") expected += "&token=reset-token-1";
  EXPECT_EQ(link.at("href"), expected);
  EXPECT_EQ(link.at("lang"), other_tag(locale()));
  EXPECT_EQ(link.at("hreflang"), other_tag(locale()));
}

TEST_P(EveryPage, ShowsNoProblemWhenThereIsNone) {
  const std::string html = this->html();
  EXPECT_EQ(html.find("role=\"alert\""), std::string::npos);
  EXPECT_TRUE(invalid_ids(html).empty());
  EXPECT_EQ(html.find("problem-message"), std::string::npos);
}

std::string page_case_name(
    const ::testing::TestParamInfo<std::tuple<std::size_t, Locale, bool>>& info) {
  std::string name = page_cases()[std::get<0>(info.param)].page;
  std::replace(name.begin(), name.end(), ' ', '_');
  name += std::get<1>(info.param) == Locale::English ? "_en" : "_ja";
  return name + (std::get<2>(info.param) ? "_request" : "");
}

INSTANTIATE_TEST_SUITE_P(Pages, EveryPage,
                         ::testing::Combine(::testing::Range<std::size_t>(0, 9),
                                            ::testing::Values(Locale::Japanese, Locale::English),
                                            ::testing::Bool()),
                         page_case_name);

TEST(PageCases, CoverEveryPageWithAForm) {
  EXPECT_EQ(page_cases().size(), 9u);
}

// --- Links between the pages --------------------------------------------------------------

std::vector<std::string> hrefs_outside_nav(std::string_view html) {
  std::vector<std::string> found;
  for (const auto& a : tags(html.substr(html.find("<main>")), "a")) found.push_back(a.at("href"));
  return found;
}

TEST(LoginPage, LinksToRegistrationAndResetKeepingTheRequest) {
  auto view = base<LoginView>({Locale::Japanese, "abc/+="});
  const std::string html = render_login(view);
  EXPECT_EQ(hrefs_outside_nav(html),
            (std::vector<std::string>{"/account/register?request=abc%2F%2B%3D",
                                      "/account/password/forgot?request=abc%2F%2B%3D"}));
  EXPECT_NE(html.find(">新規登録</a>"), std::string::npos);
  EXPECT_NE(html.find(">パスワードをお忘れの方</a>"), std::string::npos);
  view.request.reset();
  EXPECT_EQ(hrefs_outside_nav(render_login(view)),
            (std::vector<std::string>{"/account/register", "/account/password/forgot"}));
}

TEST(LoginPage, NamesTheServiceThatAsks) {
  auto view = base<LoginView>({Locale::English});
  view.client_name = "Osaka Bus";
  EXPECT_NE(render_login(view).find("Sign in with oneID to continue to Osaka Bus."),
            std::string::npos);
  view.locale = Locale::Japanese;
  EXPECT_NE(render_login(view).find("「Osaka Bus」"), std::string::npos);
}

TEST(LoginPage, RefillsTheEmailButNeverThePassword) {
  auto view = base<LoginView>({});
  view.email = "taro@example.jp";
  const std::string html = render_login(view);
  EXPECT_EQ(input_by_id(html, "email")->at("value"), "taro@example.jp");
  EXPECT_FALSE(input_by_id(html, "password")->contains("value"));
}

TEST(RegisterPage, LinksToLoginKeepingTheRequest) {
  EXPECT_EQ(hrefs_outside_nav(render_register(base<RegisterView>({Locale::English, "r1"}))),
            std::vector<std::string>{"/account/login?request=r1"});
}

TEST(ForgotPasswordPage, LinksBackToLogin) {
  EXPECT_EQ(hrefs_outside_nav(render_forgot_password(base<ForgotPasswordView>({}))),
            std::vector<std::string>{"/account/login"});
}

// --- Fields --------------------------------------------------------------------------------

TEST(Fields, CarryAutocompleteTypesAndRequired) {
  const std::string login = render_login(base<LoginView>({}));
  EXPECT_EQ(input_by_id(login, "email")->at("type"), "email");
  EXPECT_EQ(input_by_id(login, "email")->at("autocomplete"), "email");
  EXPECT_EQ(input_by_id(login, "password")->at("type"), "password");
  EXPECT_EQ(input_by_id(login, "password")->at("autocomplete"), "current-password");
  for (const char* id : {"email", "password"}) {
    EXPECT_TRUE(input_by_id(login, id)->contains("required")) << id;
    EXPECT_EQ(input_by_id(login, id)->at("aria-required"), "true") << id;
  }
  const std::string reg = render_register(base<RegisterView>({}));
  EXPECT_EQ(input_by_id(reg, "password")->at("autocomplete"), "new-password");
  EXPECT_EQ(input_by_id(reg, "name")->at("autocomplete"), "name");
  EXPECT_FALSE(input_by_id(reg, "name")->contains("required"));
  EXPECT_FALSE(input_by_id(reg, "name")->contains("aria-required"));
  auto reset = base<ResetPasswordView>({});
  EXPECT_EQ(input_by_id(render_reset_password(reset), "new-password")->at("autocomplete"),
            "new-password");
}

TEST(Fields, TheTotpCodeIsNumericWithSixDigits) {
  for (const std::string& html :
       {render_totp(base<TotpView>({})), render_account(enabling_account({}))}) {
    const auto code = tags(html, "input");
    auto it = std::find_if(code.begin(), code.end(),
                           [](const Attributes& a) { return a.at("name") == "code"; });
    ASSERT_NE(it, code.end());
    EXPECT_EQ(it->at("inputmode"), "numeric");
    EXPECT_EQ(it->at("pattern"), "[0-9]{6}");
    EXPECT_EQ(it->at("autocomplete"), "one-time-code");
    EXPECT_TRUE(it->contains("required"));
    EXPECT_EQ(it->at("aria-describedby"), it->at("id") + "-hint");
  }
}

TEST(Fields, PasswordHintsNameTheMinimumLength) {
  auto reg = base<RegisterView>({});
  reg.min_password_length = 12;
  const std::string html = render_register(reg);
  const auto password = input_by_id(html, "password");
  EXPECT_EQ(password->at("minlength"), "12");
  EXPECT_EQ(password->at("aria-describedby"), "password-hint");
  EXPECT_NE(html.find("id=\"password-hint\">12文字以上で入力してください。"), std::string::npos);

  auto reset = base<ResetPasswordView>({Locale::English});
  reset.min_password_length = 14;
  const std::string reset_html = render_reset_password(reset);
  EXPECT_EQ(input_by_id(reset_html, "new-password")->at("aria-describedby"), "new-password-hint");
  EXPECT_NE(reset_html.find("id=\"new-password-hint\">At least 14 characters."), std::string::npos);
}

// --- Problems ------------------------------------------------------------------------------

struct ProblemCase {
  std::string name;
  std::function<std::string(Locale)> render;
  std::set<std::string> invalid;  // ids of the inputs marked
  std::map<Locale, std::string> message_part;
};

template <typename View>
std::function<std::string(Locale)> with_problem(std::string (*render)(const View&), Problem problem,
                                                std::function<void(View&)> adjust = {}) {
  return [=](Locale locale) {
    auto view = base<View>({locale});
    view.problem = problem;
    if (adjust) adjust(view);
    return render(view);
  };
}

std::vector<ProblemCase> problem_cases() {
  using enum Locale;
  auto account = [](Problem problem, std::optional<AccountForm> form, bool totp_enabled) {
    return [=](Locale locale) {
      auto view = totp_enabled ? totp_account({locale}) : enabling_account({locale});
      view.problem = problem;
      view.problem_form = form;
      return render_account(view);
    };
  };
  return {
      {"login wrong credentials",
       with_problem(render_login, Problem::WrongCredentials),
       {"email", "password"},
       {{Japanese, "メールアドレスまたはパスワードが正しくありません。"},
        {English, "The e-mail address or the password is not correct."}}},
      {"login invalid e-mail",
       with_problem(render_login, Problem::InvalidEmail),
       {"email"},
       {{Japanese, "メールアドレスの形式"}, {English, "correct format"}}},
      {"login not verified",
       with_problem(render_login, Problem::EmailNotVerified),
       {"email"},
       {{Japanese, "確認が済んでいません"}, {English, "not confirmed yet"}}},
      {"login too many attempts",
       with_problem<LoginView>(render_login, Problem::TooManyAttempts,
                               [](LoginView& v) { v.retry_minutes = 15; }),
       {},
       {{Japanese, "15分後にもう一度お試しください。"}, {English, "try again in 15 minutes."}}},
      {"login too many attempts for a minute",
       with_problem<LoginView>(render_login, Problem::TooManyAttempts,
                               [](LoginView& v) { v.retry_minutes = 1; }),
       {},
       {{Japanese, "1分後"}, {English, "in 1 minute."}}},
      {"login session expired",
       with_problem(render_login, Problem::SessionExpired),
       {},
       {{Japanese, "最初からやり直してください"}, {English, "Please start again."}}},
      {"totp wrong code",
       with_problem(render_totp, Problem::WrongCode),
       {"code"},
       {{Japanese, "確認コードが正しくないか"}, {English, "The code is not correct"}}},
      {"register too short",
       with_problem<RegisterView>(render_register, Problem::PasswordTooShort,
                                  [](RegisterView& v) { v.min_password_length = 12; }),
       {"password"},
       {{Japanese, "パスワードは12文字以上で入力してください。"},
        {English, "at least 12 characters."}}},
      {"register too long",
       with_problem(render_register, Problem::PasswordTooLong),
       {"password"},
       {{Japanese, "パスワードが長すぎます"}, {English, "too long"}}},
      {"register invalid e-mail",
       with_problem(render_register, Problem::InvalidEmail),
       {"email"},
       {{Japanese, "メールアドレスの形式"}, {English, "correct format"}}},
      {"forgot invalid e-mail",
       with_problem(render_forgot_password, Problem::InvalidEmail),
       {"email"},
       {{Japanese, "メールアドレスの形式"}, {English, "correct format"}}},
      {"reset password is e-mail",
       with_problem(render_reset_password, Problem::PasswordIsEmail),
       {"new-password"},
       {{Japanese, "メールアドレスと同じパスワード"}, {English, "must not be your e-mail"}}},
      {"reset link expired",
       with_problem(render_reset_password, Problem::LinkExpired),
       {},
       {{Japanese, "有効期限が切れている"}, {English, "has expired"}}},
      {"consent session expired",
       with_problem(render_consent, Problem::SessionExpired),
       {},
       {{Japanese, "最初からやり直して"}, {English, "start again"}}},
      {"account wrong code",
       account(Problem::WrongCode, std::nullopt, false),
       {"totp-code"},
       {{Japanese, "確認コード"}, {English, "code"}}},
      {"account wrong password for deletion",
       account(Problem::WrongCredentials, AccountForm::Delete, true),
       {"delete-password"},
       {{Japanese, "パスワードが正しくありません"}, {English, "password is not correct"}}},
      {"account wrong password for TOTP",
       account(Problem::WrongCredentials, AccountForm::TotpDisable, true),
       {"totp-disable-password"},
       {{Japanese, "パスワードが正しくありません"}, {English, "password is not correct"}}},
      {"account wrong password, form unknown",
       account(Problem::WrongCredentials, std::nullopt, true),
       {"totp-disable-password", "delete-password"},
       {{Japanese, "パスワードが正しくありません"}, {English, "password is not correct"}}},
  };
}

TEST(Problems, AreSummarisedAtTheTopAndMarkTheirFields) {
  for (const ProblemCase& c : problem_cases()) {
    for (Locale locale : {Locale::Japanese, Locale::English}) {
      SCOPED_TRACE(c.name + (locale == Locale::English ? " (en)" : " (ja)"));
      const std::string html = c.render(locale);
      ASSERT_EQ(count(html, "role=\"alert\""), 1u);
      // At the top: right after the heading, before any form.
      EXPECT_LT(html.find("role=\"alert\""),
                html.find("<form") == std::string::npos ? html.size() : html.find("<form"));
      EXPECT_GT(html.find("role=\"alert\""), html.find("</h1>"));
      ASSERT_EQ(count(html, "id=\"problem-message\""), 1u);
      const std::string summary = html.substr(html.find("id=\"problem-message\""));
      EXPECT_NE(summary.substr(0, summary.find("</p>")).find(c.message_part.at(locale)),
                std::string::npos)
          << summary.substr(0, summary.find("</p>"));
      EXPECT_EQ(invalid_ids(html), c.invalid);
      for (const std::string& id : c.invalid) {
        const auto input = input_by_id(html, id);
        EXPECT_EQ(input->at("aria-invalid"), "true");
        EXPECT_TRUE(input->at("aria-describedby").starts_with("problem-message")) << id;
      }
      if (!c.invalid.empty()) {
        EXPECT_NE(summary.find("<a href=\"#"), std::string::npos);
      }
      const std::string title = contents(html, "title").at(0);
      EXPECT_TRUE(title.starts_with(locale == Locale::English ? "Error: " : "エラー：")) << title;
    }
  }
}

TEST(Problems, TheSummaryLinksToTheFirstMarkedField) {
  auto view = base<LoginView>({});
  view.problem = Problem::WrongCredentials;
  EXPECT_NE(render_login(view).find("<p id=\"problem-message\"><a href=\"#email\">"),
            std::string::npos);
}

TEST(Problems, AnExpiredResetLinkOffersToStartAgainInsteadOfTheForm) {
  auto view = base<ResetPasswordView>({Locale::Japanese, "r"});
  view.problem = Problem::LinkExpired;
  const std::string html = render_reset_password(view);
  EXPECT_TRUE(forms(html).empty());
  EXPECT_EQ(hrefs_outside_nav(html),
            std::vector<std::string>{"/account/password/forgot?request=r"});
}

TEST(Problems, TooManyAttemptsWithoutAKnownWaitSaysLater) {
  auto view = base<LoginView>({Locale::English});
  view.problem = Problem::TooManyAttempts;
  EXPECT_NE(render_login(view).find("Please try again later."), std::string::npos);
}

// --- Escaping ------------------------------------------------------------------------------

constexpr std::string_view kHostile = "<script>alert(1)</script>\" onload=\"x' &amp;";
constexpr std::string_view kHostileEscaped =
    "&lt;script&gt;alert(1)&lt;/script&gt;&quot; onload=&quot;x&#39; &amp;amp;";

// No tag but the page's own, no attribute but the page's own, the value visible as text.
void expect_inert(const std::string& html) {
  static const std::set<std::string> page_tags{
      "!doctype", "html", "head", "meta", "title", "style", "body", "header", "p",
      "nav",      "a",    "main", "h1",   "h2",    "div",   "form", "input",  "label",
      "button",   "ul",   "li",   "code", "dl",    "dt",    "dd",   "section"};
  for (auto at = html.find('<'); at != std::string::npos; at = html.find('<', at + 1)) {
    if (html[at + 1] == '/') continue;
    const std::string name = html.substr(at + 1, html.find_first_of(" >", at) - at - 1);
    EXPECT_TRUE(page_tags.contains(name)) << name;
    const auto found = tags(html.substr(at), name);
    for (const auto& [attribute, value] : found.at(0)) {
      EXPECT_FALSE(attribute.starts_with("on")) << attribute;
    }
  }
  EXPECT_EQ(html.find("\" onload=\""), std::string::npos);
  EXPECT_EQ(html.find("x'"), std::string::npos);
  EXPECT_NE(html.find(kHostileEscaped), std::string::npos);
}

TEST(Escaping, ValuesInTextAreInert) {
  const std::string hostile(kHostile);
  auto login = base<LoginView>({});
  login.client_name = hostile;
  expect_inert(render_login(login));
  auto consent = base<ConsentView>({Locale::English});
  consent.client_name = hostile;
  consent.scopes = {hostile};
  expect_inert(render_consent(consent));
  EXPECT_EQ(count(render_consent(consent), kHostileEscaped), 2u);
  auto logout = base<LogoutView>({});
  logout.client_name = hostile;
  expect_inert(render_logout(logout));
  auto account = enabling_account({});
  account.email = hostile;
  account.name = hostile;
  account.totp_uri = hostile;
  expect_inert(render_account(account));
  expect_inert(render_message({Locale::English, Message::BadRequest, hostile}));
}

TEST(Escaping, ValuesInAttributesAreInert) {
  const std::string hostile(kHostile);
  auto login = base<LoginView>({Locale::Japanese, hostile});
  login.csrf = hostile;
  login.email = hostile;
  const std::string html = render_login(login);
  expect_inert(html);
  EXPECT_EQ(input_by_id(html, "email")->at("value"), hostile);
  for (const auto& input : tags(html, "input")) {
    if (input.at("type") == "hidden" && input.at("name") != "locale") {
      EXPECT_EQ(input.at("value"), hostile) << input.at("name");
    }
  }
  auto reset = base<ResetPasswordView>({});
  reset.token = hostile;
  expect_inert(render_reset_password(reset));
  auto account = enabling_account({});
  account.totp_secret = hostile;
  expect_inert(render_account(account));
  auto reg = base<RegisterView>({});
  reg.email = hostile;
  reg.name = hostile;
  expect_inert(render_register(reg));
  auto forgot = base<ForgotPasswordView>({});
  forgot.email = hostile;
  expect_inert(render_forgot_password(forgot));
}

TEST(Escaping, TheRequestInLinksIsPercentEncodedThenEscaped) {
  const std::string html = render_login(base<LoginView>({Locale::Japanese, std::string(kHostile)}));
  EXPECT_NE(html.find("href=\"/account/register?request=%3Cscript%3Ealert%281%29%3C%2Fscript%3E"
                      "%22%20onload%3D%22x%27%20%26amp%3B\""),
            std::string::npos);
  EXPECT_NE(html.find("?ui_locales=en&amp;request=%3Cscript%3E"), std::string::npos);
}

// --- Consent -------------------------------------------------------------------------------

TEST(ConsentPage, DescribesEachScopeInAList) {
  auto view = base<ConsentView>({Locale::English});
  view.client_name = "Osaka Bus";
  view.scopes = {"openid",        "profile", "email",       "ngsi-ld:read",
                 "ngsi-ld:write", "admin",   "city:parking"};
  std::string html = render_consent(view);
  EXPECT_NE(html.find("Osaka Bus is asking for permission to use:"), std::string::npos);
  EXPECT_EQ(contents(html, "li"),
            (std::vector<std::string>{"Your oneID identifier", "Your name", "Your e-mail address",
                                      "Read data of the platform on your behalf",
                                      "Change data of the platform on your behalf",
                                      "Manage the platform", "<code>city:parking</code>"}));
  view.locale = Locale::Japanese;
  html = render_consent(view);
  EXPECT_NE(html.find("「Osaka Bus」"), std::string::npos);
  EXPECT_EQ(contents(html, "li"),
            (std::vector<std::string>{"oneID の利用者識別子", "お名前", "メールアドレス",
                                      "あなたに代わって、プラットフォームのデータを読み取ること",
                                      "あなたに代わって、プラットフォームのデータを変更すること",
                                      "プラットフォームの管理", "<code>city:parking</code>"}));
}

TEST(ConsentPage, AllowsAndDeniesWithLabelledButtons) {
  const std::string html = render_consent(base<ConsentView>({}));
  EXPECT_NE(html.find("name=\"decision\" value=\"allow\">許可する</button>"), std::string::npos);
  EXPECT_NE(html.find("name=\"decision\" value=\"deny\">許可しない</button>"), std::string::npos);
}

TEST(ConsentPage, WithoutAClientNameSpeaksOfAService) {
  const std::string html = render_consent(base<ConsentView>({Locale::English}));
  EXPECT_NE(html.find("A service is asking for permission to use:"), std::string::npos);
}

// --- Account -------------------------------------------------------------------------------

TEST(AccountPage, ShowsTheSecretAndUriAsSelectableText) {
  const std::string html = render_account(enabling_account({Locale::English}));
  EXPECT_NE(html.find("<dd class=\"secret\">JBSWY3DPEHPK3PXP</dd>"), std::string::npos);
  EXPECT_NE(html.find("<dd class=\"secret\">otpauth://totp/oneID:hanako%40example.jp?secret="
                      "JBSWY3DPEHPK3PXP&amp;issuer=oneID</dd>"),
            std::string::npos);
  EXPECT_EQ(html.find("href=\"otpauth"), std::string::npos);
  const auto form = forms(html).at(0);
  EXPECT_NE(form.find("<input type=\"hidden\" name=\"token\" value=\"JBSWY3DPEHPK3PXP\">"),
            std::string::npos);
}

TEST(AccountPage, MarksDeletionAsIrreversible) {
  const std::string html = render_account(totp_account({Locale::Japanese}));
  EXPECT_NE(html.find("id=\"delete-warning\">アカウントを削除すると、元に戻すことはできません。"),
            std::string::npos);
  EXPECT_EQ(input_by_id(html, "delete-password")->at("aria-describedby"), "delete-warning");
  EXPECT_NE(html.find("class=\"danger\">アカウントを削除する</button>"), std::string::npos);
}

TEST(AccountPage, ShowsTheDetailsAndTheirState) {
  auto view = totp_account({Locale::English});
  view.email_verified = false;
  std::string html = render_account(view);
  EXPECT_NE(html.find("<dd>hanako@example.jp (not confirmed)</dd>"), std::string::npos);
  EXPECT_NE(html.find("<dd>Not set</dd>"), std::string::npos);
  EXPECT_NE(html.find("Two-step verification is on"), std::string::npos);
  EXPECT_NE(html.find("not confirmed yet"), std::string::npos);
  view = enabling_account({Locale::Japanese});
  html = render_account(view);
  EXPECT_NE(html.find("<dd>hanako@example.jp （確認済み）</dd>"), std::string::npos);
  EXPECT_NE(html.find("<dd>Hanako</dd>"), std::string::npos);
  EXPECT_NE(html.find("2段階認証は無効です。"), std::string::npos);
}

TEST(AccountPage, WithoutASecretOffersNoTotpForm) {
  auto view = base<AccountView>({});
  view.email = "a@example.jp";
  const auto found = forms(render_account(view));
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(tags(found[0], "form")[0].at("action"), "/account/logout");
  EXPECT_EQ(tags(found[1], "form")[0].at("action"), "/account/delete");
}

// --- Messages ------------------------------------------------------------------------------

TEST(MessagePage, EveryMessageHasATitleAndABodyInBothLanguages) {
  const Message messages[] = {Message::CheckYourMail,      Message::EmailVerified,
                              Message::PasswordChanged,    Message::SignedOut,
                              Message::AccountDeleted,     Message::TotpEnabled,
                              Message::TotpDisabled,       Message::InvalidClient,
                              Message::InvalidRedirectUri, Message::BadRequest};
  std::set<std::string> headings;
  for (Locale locale : {Locale::Japanese, Locale::English}) {
    for (Message message : messages) {
      const std::string html = render_message({locale, message, ""});
      const auto h1 = contents(html, "h1");
      ASSERT_EQ(h1.size(), 1u);
      EXPECT_FALSE(h1[0].empty());
      EXPECT_TRUE(headings.insert(h1[0]).second) << h1[0];
      EXPECT_EQ(contents(html, "title").at(0), h1[0] + " | oneID");
      EXPECT_NE(html.find("<html lang=\"" + std::string(language_tag(locale)) + "\">"),
                std::string::npos);
      EXPECT_GE(contents(html, "p").size(), 2u);  // the brand and the body
      EXPECT_TRUE(forms(html).empty());
      EXPECT_EQ(html.find("<nav"), std::string::npos);
      EXPECT_EQ(html.find("http"), std::string::npos);
      EXPECT_EQ(html.find("role=\"alert\""), std::string::npos);
    }
  }
}

TEST(MessagePage, ShowsTheDetailEscaped) {
  const std::string html =
      render_message({Locale::English, Message::BadRequest, "missing parameter: <code_challenge>"});
  EXPECT_NE(html.find("<p>Details: missing parameter: &lt;code_challenge&gt;</p>"),
            std::string::npos);
  EXPECT_EQ(render_message({Locale::English, Message::BadRequest, ""}).find("Details"),
            std::string::npos);
}

TEST(MessagePage, LeadsOnWhereThereIsANextStep) {
  EXPECT_EQ(hrefs_outside_nav(render_message({Locale::Japanese, Message::EmailVerified, ""})),
            std::vector<std::string>{"/account/login"});
  EXPECT_EQ(hrefs_outside_nav(render_message({Locale::Japanese, Message::TotpEnabled, ""})),
            std::vector<std::string>{"/account"});
  EXPECT_TRUE(
      hrefs_outside_nav(render_message({Locale::Japanese, Message::InvalidClient, ""})).empty());
}

}  // namespace
}  // namespace tsunagu::api::oidc
