// Sign-out asked by a client without a valid id_token_hint: oneID asks before it signs out, so
// that a link elsewhere cannot sign a resident out unawares.

#include "api/oidc/pages.hpp"
#include "api/oidc/pages_form.hpp"
#include "api/oidc/pages_html.hpp"
#include "api/oidc/pages_layout.hpp"
#include "api/oidc/pages_link.hpp"
#include "api/oidc/pages_problem.hpp"
#include "api/oidc/pages_text.hpp"

namespace tsunagu::api::oidc {
using namespace pages;  // the parts every page is built from

std::string render_logout(const LogoutView& view) {
  const Texts t{view.locale};
  Html html;
  page_start(html, view, t(Text::LogoutQuestion), "");
  if (!view.client_name.empty()) {
    html.element("p", {}, fill(t(Text::LogoutForService), view.client_name)).markup("\n");
  }
  open_form(html, kLogoutPath, view);
  button(html, {.label = t(Text::LogoutSubmit)});
  close_form(html);
  return document({view.locale, t(Text::LogoutTitle), view.problem != Problem::None,
                   language_switch_link(kLogoutPath, view)},
                  html.str());
}

}  // namespace tsunagu::api::oidc
