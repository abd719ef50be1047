#include "api/oidc/pages_text.hpp"

namespace tsunagu::api::oidc::pages {

std::string_view Texts::operator()(Text text) const {
  return locale == Locale::English ? english_text(text) : japanese_text(text);
}

std::string fill(std::string_view pattern, std::string_view value) {
  std::string out(pattern);
  const std::size_t slot = out.find("{}");
  if (slot != std::string::npos) out.replace(slot, 2, value);
  return out;
}

}  // namespace tsunagu::api::oidc::pages
