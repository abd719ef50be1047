// Who used the resident's personal data and when (docs/design/consent.md, "Audit"): the audit
// log's records of the resident, newest first, a page at a time. Each record is a section headed
// by its time, with the service, the data (type, record and items) and the declared purpose.

#include <string>

#include "api/oidc/pages.hpp"
#include "api/oidc/pages_html.hpp"
#include "api/oidc/pages_layout.hpp"
#include "api/oidc/pages_link.hpp"
#include "api/oidc/pages_problem.hpp"
#include "api/oidc/pages_terms.hpp"
#include "api/oidc/pages_text.hpp"

namespace tsunagu::api::oidc {
using namespace pages;  // the parts every page is built from
namespace {

std::string items_text(const ActivityView& view, const ActivityItem& record) {
  if (record.attributes.empty()) return std::string(Texts{view.locale}(Text::WholeEntity));
  std::string out;
  for (const std::string& attribute : record.attributes) {
    if (!out.empty()) out += ", ";
    out += short_name(attribute);
  }
  return out;
}

void write_record(Html& html, const ActivityView& view, const ActivityItem& record,
                  std::size_t index) {
  const Texts t{view.locale};
  const std::string heading_id = "record-" + std::to_string(index + 1);
  html.open("section", {{"aria-labelledby", heading_id}}).markup("\n");
  html.open("h2", {{"id", heading_id}});
  html.element("time", {{"datetime", model::format_datetime(record.at)}},
               fill(t(Text::TimeUtc), utc_text(record.at)));
  html.close("h2").markup("\n<dl>\n");
  term(html, t(Text::ServiceTerm), record.service);
  term(html, t(Text::TypeTerm), short_name(record.type));
  term(html, t(Text::EntityTerm), record.entity_id);
  term(html, t(Text::AttributesTerm), items_text(view, record));
  term(html, t(Text::TenantTerm), tenant_name(view.locale, record.tenant));
  term(html, t(Text::PurposeTerm),
       record.purpose.empty() ? t(Text::PurposeUnstated) : record.purpose);
  html.markup("</dl>\n</section>\n");
}

}  // namespace

std::string render_activity(const ActivityView& view) {
  const Texts t{view.locale};
  Html html;
  page_start(html, view, t(Text::ActivityTitle), "");
  html.element("p", {}, t(Text::ActivityIntro)).markup("\n");
  if (view.records.empty()) {
    html.element("p", {}, t(!view.before ? Text::ActivityEmpty : Text::ActivityNoOlder));
    html.markup("\n");
  }
  for (std::size_t i = 0; i < view.records.size(); ++i) {
    write_record(html, view, view.records[i], i);
  }
  const std::string_view tag = language_tag(view.locale);
  std::vector<Link> links;
  if (view.older) {
    links.push_back(
        {link(kActivityPath, {{"ui_locales", tag}, {kFieldBefore, std::to_string(*view.older)}}),
         t(Text::OlderLink)});
  }
  if (view.before) {
    links.push_back({link(kActivityPath, {{"ui_locales", tag}}), t(Text::NewestLink)});
  }
  links.push_back({link(kConsentsPath, {{"ui_locales", tag}}), t(Text::ConsentsLink)});
  links.push_back({link(kAccountPath, {{"ui_locales", tag}}), t(Text::BackToAccount)});
  link_list(html, links);
  const std::string before = view.before ? std::to_string(*view.before) : std::string();
  std::vector<QueryParameter> carried;
  if (view.before) carried.push_back({kFieldBefore, before});
  return document({view.locale, t(Text::ActivityTitle), view.problem != Problem::None,
                   language_switch_link(kActivityPath, view, carried)},
                  html.str());
}

}  // namespace tsunagu::api::oidc
