#include "api/oidc/pages_terms.hpp"

#include "api/oidc/pages_text.hpp"

namespace tsunagu::api::oidc::pages {

void term(Html& html, std::string_view name, std::string_view description) {
  html.element("dt", {}, name).markup("\n").element("dd", {}, description).markup("\n");
}

std::string utc_text(model::Timestamp at) {
  // format_datetime: "YYYY-MM-DDThh:mm:ss.mmmZ", always this shape.
  const std::string iso = model::format_datetime(at);
  return iso.substr(0, 10) + " " + iso.substr(11, 8);
}

void time_term(Html& html, Locale locale, std::string_view name, model::Timestamp at) {
  const Texts t{locale};
  html.element("dt", {}, name).markup("\n<dd>");
  html.element("time", {{"datetime", model::format_datetime(at)}},
               fill(t(Text::TimeUtc), utc_text(at)));
  html.markup("</dd>\n");
}

std::string tenant_name(Locale locale, std::string_view tenant) {
  if (tenant.empty()) return std::string(Texts{locale}(Text::DefaultTenant));
  return std::string(tenant);
}

std::string_view short_name(std::string_view iri) {
  const auto cut = iri.find_last_of("/#");
  if (cut == std::string_view::npos || cut + 1 == iri.size()) return iri;
  return iri.substr(cut + 1);
}

}  // namespace tsunagu::api::oidc::pages
