// Registration: e-mail, password and an optional name. The page after it says "check your mail"
// whether or not the address already had an account (already_registered_mail tells the owner).

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

std::string_view problem_field(Problem problem) {
  if (problem == Problem::InvalidEmail) return "email";
  return concerns_password(problem) ? "password" : "";
}

void write_register_form(Html& html, const RegisterView& view) {
  const Texts t{view.locale};
  open_form(html, kRegisterPath, view);
  field(html, {.id = "email",
               .name = kFieldEmail,
               .type = "email",
               .label = t(Text::EmailLabel),
               .autocomplete = "email",
               .value = view.email,
               .invalid = view.problem == Problem::InvalidEmail});
  field(html, {.id = "password",
               .name = kFieldPassword,
               .type = "password",
               .label = t(Text::PasswordLabel),
               .autocomplete = "new-password",
               .hint = fill(t(Text::PasswordHint), std::to_string(view.min_password_length)),
               .invalid = concerns_password(view.problem),
               .minlength = view.min_password_length});
  field(html, {.id = "name",
               .name = kFieldName,
               .label = t(Text::NameLabel),
               .autocomplete = "name",
               .value = view.name,
               .hint = std::string(t(Text::NameHint)),
               .required = false});
  button(html, {.label = t(Text::RegisterSubmit)});
  close_form(html);
}

}  // namespace

std::string render_register(const RegisterView& view) {
  const Texts t{view.locale};
  Html html;
  page_start(html, view, t(Text::RegisterTitle), problem_field(view.problem));
  html.element("p", {}, t(Text::RegisterIntro)).markup("\n");
  write_register_form(html, view);
  link_list(html, {{link_keeping_request(kLoginPath, view), t(Text::LoginLinkFromRegister)}});
  return document({view.locale, t(Text::RegisterTitle), view.problem != Problem::None,
                   language_switch_link(kRegisterPath, view)},
                  html.str());
}

}  // namespace tsunagu::api::oidc
