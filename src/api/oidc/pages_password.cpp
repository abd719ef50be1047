// Password reset: asking for a link by e-mail, then choosing a new password with the mailed token.

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

bool concerns_password(Problem problem) {
  return problem == Problem::PasswordTooShort || problem == Problem::PasswordTooLong ||
         problem == Problem::PasswordIsEmail;
}

void write_reset_form(Html& html, const ResetPasswordView& view) {
  const Texts t{view.locale};
  open_form(html, kResetPasswordPath, view);
  hidden_field(html, kFieldToken, view.token);
  field(html, {.id = "new-password",
               .name = kFieldNewPassword,
               .type = "password",
               .label = t(Text::NewPasswordLabel),
               .autocomplete = "new-password",
               .hint = fill(t(Text::PasswordHint), std::to_string(view.min_password_length)),
               .invalid = concerns_password(view.problem),
               .minlength = view.min_password_length});
  button(html, {.label = t(Text::ResetSubmit)});
  close_form(html);
}

}  // namespace

std::string render_forgot_password(const ForgotPasswordView& view) {
  const Texts t{view.locale};
  const bool invalid_email = view.problem == Problem::InvalidEmail;
  Html html;
  page_start(html, view, t(Text::ForgotTitle), invalid_email ? "email" : "");
  html.element("p", {}, t(Text::ForgotIntro)).markup("\n");
  open_form(html, kForgotPasswordPath, view);
  field(html, {.id = "email",
               .name = kFieldEmail,
               .type = "email",
               .label = t(Text::EmailLabel),
               .autocomplete = "email",
               .value = view.email,
               .invalid = invalid_email});
  button(html, {.label = t(Text::ForgotSubmit)});
  close_form(html);
  link_list(html, {{link_keeping_request(kLoginPath, view), t(Text::BackToLogin)}});
  return document({view.locale, t(Text::ForgotTitle), view.problem != Problem::None,
                   language_switch_link(kForgotPasswordPath, view)},
                  html.str());
}

// The language switch carries the token: the mailed link is how this page is reached.
std::string render_reset_password(const ResetPasswordView& view) {
  const Texts t{view.locale};
  Html html;
  page_start(html, view, t(Text::ResetTitle),
             concerns_password(view.problem) ? "new-password" : "");
  if (view.problem == Problem::LinkExpired) {  // a new password would be refused: start again
    link_list(html, {{link_keeping_request(kForgotPasswordPath, view), t(Text::RestartReset)}});
  } else {
    html.element("p", {}, t(Text::ResetIntro)).markup("\n");
    write_reset_form(html, view);
  }
  return document({view.locale, t(Text::ResetTitle), view.problem != Problem::None,
                   language_switch_link(kResetPasswordPath, view, {{kFieldToken, view.token}})},
                  html.str());
}

}  // namespace tsunagu::api::oidc
