// Consent: which service asks, what it asks for in words a resident understands, and two
// buttons. Scope values without a description are shown as they are, so nothing asked is hidden.

#include <optional>

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

std::optional<Text> scope_description(std::string_view scope) {
  if (scope == "openid") return Text::ScopeOpenid;
  if (scope == "profile") return Text::ScopeProfile;
  if (scope == "email") return Text::ScopeEmail;
  if (scope == "ngsi-ld:read") return Text::ScopeNgsiLdRead;
  if (scope == "ngsi-ld:write") return Text::ScopeNgsiLdWrite;
  if (scope == "admin") return Text::ScopeAdmin;
  if (scope == "consent") return Text::ScopeConsent;
  return std::nullopt;
}

void write_scopes(Html& html, const ConsentView& view) {
  const Texts t{view.locale};
  html.markup("<ul class=\"scopes\">\n");
  for (const std::string& scope : view.scopes) {
    html.markup("<li>");
    if (auto description = scope_description(scope)) {
      html.text(t(*description));
    } else {
      html.element("code", {}, scope);
    }
    html.markup("</li>\n");
  }
  html.markup("</ul>\n");
}

}  // namespace

std::string render_consent(const ConsentView& view) {
  const Texts t{view.locale};
  Html html;
  page_start(html, view, t(Text::ConsentTitle), "");
  const std::string lead = view.client_name.empty() ? std::string(t(Text::ConsentLeadUnnamed))
                                                    : fill(t(Text::ConsentLead), view.client_name);
  html.element("p", {}, lead).markup("\n");
  write_scopes(html, view);
  html.element("p", {}, t(Text::ConsentQuestion)).markup("\n");
  open_form(html, kConsentPath, view);
  button(html, {.label = t(Text::ConsentAllow), .name = kFieldDecision, .value = "allow"});
  button(html, {.label = t(Text::ConsentDeny),
                .css_class = "secondary",
                .name = kFieldDecision,
                .value = "deny"});
  close_form(html);
  return document({view.locale, t(Text::ConsentTitle), view.problem != Problem::None,
                   language_switch_link(kConsentPath, view)},
                  html.str());
}

}  // namespace tsunagu::api::oidc
