#include "api/oidc/pages_link.hpp"

namespace tsunagu::api::oidc::pages {
namespace {

bool is_unreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

}  // namespace

std::string percent_encode(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (is_unreserved(c)) {
      out += c;
      continue;
    }
    const auto byte = static_cast<unsigned char>(c);
    out += '%';
    out += kHex[byte >> 4];
    out += kHex[byte & 0x0F];
  }
  return out;
}

std::string link(std::string_view path, const std::vector<QueryParameter>& parameters) {
  std::string out(path);
  char separator = '?';
  for (const QueryParameter& parameter : parameters) {
    out += separator;
    out += percent_encode(parameter.name);
    out += '=';
    out += percent_encode(parameter.value);
    separator = '&';
  }
  return out;
}

std::string link_keeping_request(std::string_view path, const PageBase& view) {
  if (!view.request) return std::string(path);
  return link(path, {{kFieldRequest, *view.request}});
}

Locale other_locale(Locale locale) {
  return locale == Locale::English ? Locale::Japanese : Locale::English;
}

std::string language_switch_link(std::string_view path, const PageBase& view,
                                 const std::vector<QueryParameter>& carried) {
  std::vector<QueryParameter> parameters{{"ui_locales", language_tag(other_locale(view.locale))}};
  if (view.request) parameters.push_back({kFieldRequest, *view.request});
  parameters.insert(parameters.end(), carried.begin(), carried.end());
  return link(path, parameters);
}

void link_list(Html& html, const std::vector<Link>& links) {
  html.markup("<ul class=\"links\">\n");
  for (const Link& item : links) {
    html.markup("<li>").element("a", {{"href", item.href}}, item.label).markup("</li>\n");
  }
  html.markup("</ul>\n");
}

}  // namespace tsunagu::api::oidc::pages
