// The sign-in pages: e-mail and password, then the second factor when the account has one.

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

// One message for a wrong e-mail or password, so both fields are marked: saying which one was
// right would tell an attacker that an address has an account.
bool concerns_email(Problem problem) {
  return problem == Problem::WrongCredentials || problem == Problem::InvalidEmail ||
         problem == Problem::EmailNotVerified;
}

void write_login_form(Html& html, const LoginView& view) {
  const Texts t{view.locale};
  open_form(html, kLoginPath, view);
  field(html, {.id = "email",
               .name = kFieldEmail,
               .type = "email",
               .label = t(Text::EmailLabel),
               .autocomplete = "email",
               .value = view.email,
               .invalid = concerns_email(view.problem)});
  field(html, {.id = "password",
               .name = kFieldPassword,
               .type = "password",
               .label = t(Text::PasswordLabel),
               .autocomplete = "current-password",
               .invalid = view.problem == Problem::WrongCredentials});
  button(html, {.label = t(Text::LoginSubmit)});
  close_form(html);
}

}  // namespace

std::string render_login(const LoginView& view) {
  const Texts t{view.locale};
  Html html;
  page_start(html, view, t(Text::LoginTitle), concerns_email(view.problem) ? "email" : "");
  if (!view.client_name.empty()) {
    html.element("p", {}, fill(t(Text::LoginForService), view.client_name)).markup("\n");
  }
  write_login_form(html, view);
  link_list(html, {{link_keeping_request(kRegisterPath, view), t(Text::RegisterLink)},
                   {link_keeping_request(kForgotPasswordPath, view), t(Text::ForgotPasswordLink)}});
  if (!view.upstreams.empty()) {
    std::vector<std::string> labels;
    for (const auto& u : view.upstreams) labels.push_back(fill(t(Text::SignInWith), u.name));
    std::vector<Link> links;
    for (std::size_t i = 0; i < labels.size(); ++i) {
      links.push_back({view.upstreams[i].href, labels[i]});
    }
    link_list(html, links);
  }
  return document({view.locale, t(Text::LoginTitle), view.problem != Problem::None,
                   language_switch_link(kLoginPath, view)},
                  html.str());
}

std::string render_totp(const TotpView& view) {
  const Texts t{view.locale};
  const bool wrong_code = view.problem == Problem::WrongCode;
  Html html;
  page_start(html, view, t(Text::TotpTitle), wrong_code ? "code" : "");
  html.element("p", {}, t(Text::TotpIntro)).markup("\n");
  open_form(html, kTotpPath, view);
  field(html, {.id = "code",
               .name = kFieldCode,
               .label = t(Text::CodeLabel),
               .autocomplete = "one-time-code",
               .hint = std::string(t(Text::CodeHint)),
               .invalid = wrong_code,
               .one_time_code = true});
  button(html, {.label = t(Text::TotpSubmit)});
  close_form(html);
  return document({view.locale, t(Text::TotpTitle), view.problem != Problem::None,
                   language_switch_link(kTotpPath, view)},
                  html.str());
}

}  // namespace tsunagu::api::oidc
