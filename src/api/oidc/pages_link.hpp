#pragma once
// Links between the pages: a path with a query whose values are percent-encoded, so that a
// `request` or token cannot break out of its parameter. The result is a URL; it is HTML-escaped
// like any other value where it is written into an attribute.

#include <string>
#include <string_view>
#include <vector>

#include "api/oidc/pages.hpp"
#include "api/oidc/pages_html.hpp"

namespace tsunagu::api::oidc::pages {

struct QueryParameter {
  std::string_view name;
  std::string_view value;
};

// Every byte but the unreserved characters of RFC 3986 as %XX.
std::string percent_encode(std::string_view value);

// `path`, then "?name=value&..." when there are parameters.
std::string link(std::string_view path, const std::vector<QueryParameter>& parameters);

// `path` carrying the pending `request`, when there is one.
std::string link_keeping_request(std::string_view path, const PageBase& view);

// The same page in the other language: `path` with ui_locales, `request` when there is one, and
// `carried` (what the page needs to be shown again, such as a reset token).
std::string language_switch_link(std::string_view path, const PageBase& view,
                                 const std::vector<QueryParameter>& carried = {});

Locale other_locale(Locale locale);

struct Link {
  std::string href;
  std::string_view label;
};
// <ul class="links"> of links to other pages, under a form.
void link_list(Html& html, const std::vector<Link>& links);

}  // namespace tsunagu::api::oidc::pages
