#pragma once
// The frame every page shares: the HTML5 document, its head (charset, viewport, title, the
// inline style), a header with the language switch, and <main> holding the page itself.

#include <optional>
#include <string>
#include <string_view>

#include "api/oidc/pages.hpp"

namespace tsunagu::api::oidc::pages {

struct Frame {
  Locale locale = Locale::Japanese;
  std::string_view name;                       // the page's name, for <title>
  bool problem = false;                        // the title then says there is an error
  std::optional<std::string> language_switch;  // a link to this page in the other language
};

// A complete document; `main_markup` is what <main> holds, starting with the page's <h1>.
std::string document(const Frame& frame, std::string_view main_markup);

}  // namespace tsunagu::api::oidc::pages
