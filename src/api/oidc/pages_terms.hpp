#pragma once
// What the pages about the resident's personal data (consents and activity) write the same way:
// a term and its description in a <dl>, times in UTC inside <time>, and a tenant's name.

#include <string>
#include <string_view>

#include "api/oidc/pages.hpp"
#include "api/oidc/pages_html.hpp"
#include "model/time.hpp"

namespace tsunagu::api::oidc::pages {

// <dt>term</dt><dd>description</dd>, the description escaped.
void term(Html& html, std::string_view name, std::string_view description);
// <dt>term</dt><dd><time datetime="2024-01-31T09:30:00.000Z">2024-01-31 09:30:00 UTC</time></dd>.
void time_term(Html& html, Locale locale, std::string_view name, model::Timestamp at);
// "2024-01-31 09:30:00": the date and time of `at` in UTC, to the second.
std::string utc_text(model::Timestamp at);
// The tenant as residents see it: its name, or a word for the default tenant ("").
std::string tenant_name(Locale locale, std::string_view tenant);
// The last segment of an IRI (after its last '/' or '#'), as a resident can read it; the IRI as
// it is when that segment is empty.
std::string_view short_name(std::string_view iri);

}  // namespace tsunagu::api::oidc::pages
