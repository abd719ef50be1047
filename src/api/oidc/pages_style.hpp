#pragma once
// The one style sheet of the pages, sent inline (the Content-Security-Policy allows no other).

#include <string_view>

namespace tsunagu::api::oidc::pages {

std::string_view style_sheet();

}  // namespace tsunagu::api::oidc::pages
