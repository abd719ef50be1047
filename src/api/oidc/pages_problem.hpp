#pragma once
// The problem of the last submission, shown once at the top of the page in a box that screen
// readers announce (role="alert"). Its message links to the field it concerns, and that field
// points back at it (aria-describedby = kProblemMessageId).

#include <string>
#include <string_view>

#include "api/oidc/pages.hpp"
#include "api/oidc/pages_html.hpp"

namespace tsunagu::api::oidc::pages {

inline constexpr std::string_view kProblemMessageId = "problem-message";

// The message of `view.problem` in the page's language; empty for Problem::None.
std::string problem_message(const PageBase& view);

// Nothing for Problem::None. `field_id` is the field to link to; empty when the problem concerns
// the whole form (too many attempts, an expired session).
void problem_summary(Html& html, const PageBase& view, std::string_view field_id);

// <h1> and, under it, the problem summary: how every page with a form starts.
void page_start(Html& html, const PageBase& view, std::string_view heading,
                std::string_view field_id);

}  // namespace tsunagu::api::oidc::pages
