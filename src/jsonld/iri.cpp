#include "jsonld/iri.hpp"

#include <algorithm>
#include <array>

namespace tsunagu::jsonld {
namespace {

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

bool is_keyword(std::string_view s) {
  static constexpr std::array<std::string_view, 23> kKeywords = {
      "@base",   "@container", "@context", "@direction", "@graph",     "@id",
      "@import", "@included",  "@index",   "@json",      "@language",  "@list",
      "@nest",   "@none",      "@prefix",  "@propagate", "@protected", "@reverse",
      "@set",    "@type",      "@value",   "@version",   "@vocab"};
  return std::find(kKeywords.begin(), kKeywords.end(), s) != kKeywords.end();
}

bool has_keyword_form(std::string_view s) {
  return s.size() > 1 && s.front() == '@' && std::all_of(s.begin() + 1, s.end(), is_alpha);
}

bool is_absolute_iri(std::string_view s) {
  auto colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || !is_alpha(s.front())) return false;
  return std::all_of(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(colon), [](char c) {
    return is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.';
  });
}

bool is_blank_node(std::string_view s) {
  return s.starts_with("_:");
}

}  // namespace tsunagu::jsonld
