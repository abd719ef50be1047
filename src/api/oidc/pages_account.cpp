// The account page: what oneID holds about the resident, the second factor (turning it on with a
// new secret, or off with the password), links to the consents to use the resident's personal
// data and to who used it, signing out, and deleting the account, which is marked as final and
// needs the password.

#include "api/oidc/pages.hpp"
#include "api/oidc/pages_form.hpp"
#include "api/oidc/pages_html.hpp"
#include "api/oidc/pages_layout.hpp"
#include "api/oidc/pages_link.hpp"
#include "api/oidc/pages_problem.hpp"
#include "api/oidc/pages_text.hpp"

namespace tsunagu::api::oidc {
using namespace pages;  // the parts every page is built from
namespace {

constexpr std::string_view kCodeId = "totp-code";
constexpr std::string_view kDisablePasswordId = "totp-disable-password";
constexpr std::string_view kDeletePasswordId = "delete-password";
constexpr std::string_view kDeleteWarningId = "delete-warning";

bool enabling_totp(const AccountView& view) {
  return !view.totp_enabled && view.totp_secret.has_value();
}

// Which fields the problem marks: those of `problem_form`, or every one it can concern.
struct Marks {
  bool code = false;
  bool disable_password = false;
  bool delete_password = false;

  std::string_view first() const {
    if (code) return kCodeId;
    if (disable_password) return kDisablePasswordId;
    return delete_password ? kDeletePasswordId : "";
  }
};

Marks marks(const AccountView& view) {
  auto concerns = [&view](AccountForm form) {
    return !view.problem_form || *view.problem_form == form;
  };
  const bool password =
      view.problem == Problem::WrongCredentials || view.problem == Problem::PasswordTooLong;
  return {.code = view.problem == Problem::WrongCode && enabling_totp(view) &&
                  concerns(AccountForm::TotpEnable),
          .disable_password = password && view.totp_enabled && concerns(AccountForm::TotpDisable),
          .delete_password = password && concerns(AccountForm::Delete)};
}

void write_details(Html& html, const AccountView& view) {
  const Texts t{view.locale};
  if (!view.email_verified) {
    html.element("p", {{"class", "warning"}}, t(Text::EmailNotVerifiedNotice)).markup("\n");
  }
  html.element("h2", {}, t(Text::AccountDetails)).markup("\n<dl>\n");
  html.element("dt", {}, t(Text::EmailLabel)).markup("\n<dd>").text(view.email).markup(" ");
  html.text(t(view.email_verified ? Text::EmailVerifiedState : Text::EmailUnverifiedState));
  html.markup("</dd>\n").element("dt", {}, t(Text::NameTerm)).markup("\n");
  html.element("dd", {}, view.name.empty() ? t(Text::NameUnset) : view.name).markup("\n</dl>\n");
}

void write_totp_setup(Html& html, const AccountView& view, const Marks& marked) {
  const Texts t{view.locale};
  html.element("p", {}, t(Text::TotpSetupIntro)).markup("\n<dl>\n");
  html.element("dt", {}, t(Text::TotpSecretLabel)).markup("\n");
  html.element("dd", {{"class", "secret"}}, *view.totp_secret).markup("\n");
  if (view.totp_uri) {
    html.element("dt", {}, t(Text::TotpUriLabel)).markup("\n");
    html.element("dd", {{"class", "secret"}}, *view.totp_uri).markup("\n");
  }
  html.markup("</dl>\n");
  open_form(html, kTotpEnablePath, view);
  hidden_field(html, kFieldToken, *view.totp_secret);
  field(html, {.id = kCodeId,
               .name = kFieldCode,
               .label = t(Text::CodeLabel),
               .autocomplete = "one-time-code",
               .hint = std::string(t(Text::CodeHint)),
               .invalid = marked.code,
               .one_time_code = true});
  button(html, {.label = t(Text::TotpEnableSubmit)});
  close_form(html);
}

void write_totp_disable(Html& html, const AccountView& view, const Marks& marked) {
  const Texts t{view.locale};
  html.element("p", {}, t(Text::TotpOn)).markup("\n");
  html.element("p", {}, t(Text::TotpDisableIntro)).markup("\n");
  open_form(html, kTotpDisablePath, view);
  field(html, {.id = kDisablePasswordId,
               .name = kFieldPassword,
               .type = "password",
               .label = t(Text::PasswordLabel),
               .autocomplete = "current-password",
               .invalid = marked.disable_password});
  button(html, {.label = t(Text::TotpDisableSubmit), .css_class = "secondary"});
  close_form(html);
}

void write_totp(Html& html, const AccountView& view, const Marks& marked) {
  const Texts t{view.locale};
  html.markup("<section>\n").element("h2", {}, t(Text::TotpHeading)).markup("\n");
  if (view.totp_enabled) {
    write_totp_disable(html, view, marked);
  } else {
    html.element("p", {}, t(Text::TotpOff)).markup("\n");
    if (enabling_totp(view)) write_totp_setup(html, view, marked);
  }
  html.markup("</section>\n");
}

// Links to the pages about the resident's personal data, in the page's language.
void write_personal_data(Html& html, const AccountView& view) {
  const Texts t{view.locale};
  const std::string_view tag = language_tag(view.locale);
  html.markup("<section>\n").element("h2", {}, t(Text::YourDataHeading)).markup("\n");
  html.element("p", {}, t(Text::YourDataIntro)).markup("\n");
  link_list(html, {{link(kConsentsPath, {{"ui_locales", tag}}), t(Text::ConsentsLink)},
                   {link(kActivityPath, {{"ui_locales", tag}}), t(Text::ActivityLink)}});
  html.markup("</section>\n");
}

void write_sign_out(Html& html, const AccountView& view) {
  const Texts t{view.locale};
  html.markup("<section>\n").element("h2", {}, t(Text::SignOutHeading)).markup("\n");
  open_form(html, kAccountLogoutPath, view);
  button(html, {.label = t(Text::SignOutSubmit), .css_class = "secondary"});
  close_form(html);
  html.markup("</section>\n");
}

void write_delete(Html& html, const AccountView& view, const Marks& marked) {
  const Texts t{view.locale};
  html.markup("<section>\n").element("h2", {}, t(Text::DeleteHeading)).markup("\n");
  html.element("p", {{"class", "warning"}, {"id", kDeleteWarningId}}, t(Text::DeleteWarning));
  html.markup("\n");
  open_form(html, kDeleteAccountPath, view);
  field(html, {.id = kDeletePasswordId,
               .name = kFieldPassword,
               .type = "password",
               .label = t(Text::PasswordLabel),
               .autocomplete = "current-password",
               .invalid = marked.delete_password,
               .described_by = kDeleteWarningId});
  button(html, {.label = t(Text::DeleteSubmit), .css_class = "danger"});
  close_form(html);
  html.markup("</section>\n");
}

}  // namespace

std::string render_account(const AccountView& view) {
  const Texts t{view.locale};
  const Marks marked = marks(view);
  Html html;
  page_start(html, view, t(Text::AccountTitle), marked.first());
  write_details(html, view);
  write_totp(html, view, marked);
  write_personal_data(html, view);
  write_sign_out(html, view);
  write_delete(html, view, marked);
  return document({view.locale, t(Text::AccountTitle), view.problem != Problem::None,
                   language_switch_link(kAccountPath, view)},
                  html.str());
}

}  // namespace tsunagu::api::oidc
