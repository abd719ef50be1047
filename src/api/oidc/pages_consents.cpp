// Consents to use the resident's personal data (docs/design/consent.md, "Grants"): first what
// services ask and wait for an answer, with "agree" and "do not agree", then every grant, newest
// first, with its state; an active one can be withdrawn. Each item is a section named by the
// service, and its buttons are described by that name, so that a screen reader says which
// service a button concerns.

#include "api/oidc/pages.hpp"
#include "api/oidc/pages_form.hpp"
#include "api/oidc/pages_html.hpp"
#include "api/oidc/pages_layout.hpp"
#include "api/oidc/pages_link.hpp"
#include "api/oidc/pages_problem.hpp"
#include "api/oidc/pages_terms.hpp"
#include "api/oidc/pages_text.hpp"

namespace tsunagu::api::oidc {
using namespace pages;  // the parts every page is built from
namespace {

constexpr std::string_view kRequestsHeadingId = "requests-heading";
constexpr std::string_view kGrantsHeadingId = "grants-heading";

bool is_error(ConsentNotice notice) {
  return notice == ConsentNotice::NotFound || notice == ConsentNotice::AlreadyAnswered ||
         notice == ConsentNotice::CannotApprove;
}

Text notice_text(ConsentNotice notice) {
  switch (notice) {
    case ConsentNotice::Withdrawn:
      return Text::NoticeWithdrawn;
    case ConsentNotice::Approved:
      return Text::NoticeApproved;
    case ConsentNotice::Declined:
      return Text::NoticeDeclined;
    case ConsentNotice::NotFound:
      return Text::NoticeNotFound;
    case ConsentNotice::CannotApprove:
      return Text::NoticeCannotApprove;
    case ConsentNotice::AlreadyAnswered:
    case ConsentNotice::None:
      break;
  }
  return Text::NoticeAlreadyAnswered;
}

// What the last post did: announced politely (role="status"), or as an error (role="alert") in
// the same box as the other pages' problems (never both: the page's problem comes first).
void write_notice(Html& html, const ConsentsView& view) {
  if (view.notice == ConsentNotice::None || view.problem != Problem::None) return;
  const Texts t{view.locale};
  if (is_error(view.notice)) {
    html.markup(
            "<div class=\"error-summary\" role=\"alert\" aria-labelledby=\"problem-heading\">\n")
        .element("h2", {{"id", "problem-heading"}}, t(Text::ProblemHeading))
        .markup("\n")
        .element("p", {}, t(notice_text(view.notice)))
        .markup("\n</div>\n");
    return;
  }
  html.markup("<div role=\"status\">\n<p>")
      .element("strong", {}, t(notice_text(view.notice)))
      .markup("</p>\n</div>\n");
}

// A form of one hidden id and one button, the button described by the item's heading.
struct ItemForm {
  std::string_view action;
  std::string_view field;
  std::string_view id;
  std::string_view label;
  std::string_view css_class;
  std::string_view heading_id;
};

void item_form(Html& html, const PageBase& view, const ItemForm& form) {
  open_form(html, form.action, view);
  hidden_field(html, form.field, form.id);
  std::vector<Attribute> attributes{{"type", "submit"}};
  if (!form.css_class.empty()) attributes.push_back({"class", form.css_class});
  attributes.push_back({"aria-describedby", form.heading_id});
  html.open("button", attributes).text(form.label).close("button").markup("\n");
  close_form(html);
}

void open_item(Html& html, const std::string& heading_id, std::string_view service) {
  html.open("section", {{"aria-labelledby", heading_id}}).markup("\n");
  html.element("h3", {{"id", heading_id}}, service).markup("\n<dl>\n");
}

void write_request(Html& html, const ConsentsView& view, const ConsentRequestItem& request,
                   std::size_t index) {
  const Texts t{view.locale};
  const std::string heading_id = "request-" + std::to_string(index + 1);
  open_item(html, heading_id, request.service);
  term(html, t(Text::CategoryTerm), request.category);
  term(html, t(Text::PurposeTerm), request.purpose);
  term(html, t(Text::TenantTerm), tenant_name(view.locale, request.tenant));
  time_term(html, view.locale, t(Text::RequestedTerm), request.requested);
  time_term(html, view.locale, t(Text::RequestUntilTerm), request.until);
  html.markup("</dl>\n");
  item_form(html, view,
            {kApproveRequestPath, kFieldConsentRequest, request.id, t(Text::ApproveSubmit), "",
             heading_id});
  item_form(html, view,
            {kDeclineRequestPath, kFieldConsentRequest, request.id, t(Text::DeclineSubmit),
             "secondary", heading_id});
  html.markup("</section>\n");
}

Text state_text(GrantState state) {
  switch (state) {
    case GrantState::Active:
      return Text::StateActive;
    case GrantState::Expired:
      return Text::StateExpired;
    case GrantState::Withdrawn:
      break;
  }
  return Text::StateWithdrawn;
}

void write_grant(Html& html, const ConsentsView& view, const GrantItem& grant, std::size_t index) {
  const Texts t{view.locale};
  const std::string heading_id = "grant-" + std::to_string(index + 1);
  open_item(html, heading_id, grant.service);
  term(html, t(Text::StateTerm), t(state_text(grant.state)));
  term(html, t(Text::CategoryTerm), grant.category);
  term(html, t(Text::PurposeTerm), grant.purpose);
  term(html, t(Text::TenantTerm), tenant_name(view.locale, grant.tenant));
  time_term(html, view.locale, t(Text::GrantedTerm), grant.granted);
  time_term(html, view.locale, t(Text::ExpiresTerm), grant.expires);
  if (grant.withdrawn) time_term(html, view.locale, t(Text::WithdrawnTerm), *grant.withdrawn);
  html.markup("</dl>\n");
  if (grant.state == GrantState::Active) {
    item_form(
        html, view,
        {kWithdrawGrantPath, kFieldGrant, grant.id, t(Text::WithdrawSubmit), "danger", heading_id});
  }
  html.markup("</section>\n");
}

void open_list(Html& html, std::string_view heading_id, std::string_view heading) {
  html.open("section", {{"aria-labelledby", heading_id}}).markup("\n");
  html.element("h2", {{"id", heading_id}}, heading).markup("\n");
}

void write_requests(Html& html, const ConsentsView& view) {
  const Texts t{view.locale};
  open_list(html, kRequestsHeadingId, t(Text::RequestsHeading));
  if (view.requests.empty()) html.element("p", {}, t(Text::RequestsEmpty)).markup("\n");
  for (std::size_t i = 0; i < view.requests.size(); ++i) {
    write_request(html, view, view.requests[i], i);
  }
  html.markup("</section>\n");
}

void write_grants(Html& html, const ConsentsView& view) {
  const Texts t{view.locale};
  open_list(html, kGrantsHeadingId, t(Text::GrantsHeading));
  if (view.grants.empty()) html.element("p", {}, t(Text::GrantsEmpty)).markup("\n");
  for (std::size_t i = 0; i < view.grants.size(); ++i) write_grant(html, view, view.grants[i], i);
  html.markup("</section>\n");
}

}  // namespace

std::string render_consents(const ConsentsView& view) {
  const Texts t{view.locale};
  Html html;
  page_start(html, view, t(Text::ConsentsTitle), "");
  write_notice(html, view);
  html.element("p", {}, t(Text::ConsentsIntro)).markup("\n");
  write_requests(html, view);
  write_grants(html, view);
  const std::string_view tag = language_tag(view.locale);
  link_list(html, {{link(kActivityPath, {{"ui_locales", tag}}), t(Text::ActivityLink)},
                   {link(kAccountPath, {{"ui_locales", tag}}), t(Text::BackToAccount)}});
  const bool problem = view.problem != Problem::None || is_error(view.notice);
  return document(
      {view.locale, t(Text::ConsentsTitle), problem, language_switch_link(kConsentsPath, view)},
      html.str());
}

}  // namespace tsunagu::api::oidc
