#pragma once
// Forms, fields and buttons, written the same way on every page: each form posts to its path
// with the hidden fields every form carries; each visible field has a label tied to it, its hint
// and the page's problem tied by aria-describedby, and the autocomplete token that lets browsers
// and password managers fill it.

#include <string>
#include <string_view>

#include "api/oidc/pages.hpp"
#include "api/oidc/pages_html.hpp"

namespace tsunagu::api::oidc::pages {

// <form method="post" action=...> with `csrf`, `locale` and, when set, `request`.
void open_form(Html& html, std::string_view action, const PageBase& view);
void close_form(Html& html);
void hidden_field(Html& html, std::string_view name, std::string_view value);

struct Field {
  std::string_view id;  // unique on the page; the hint's id is derived from it
  std::string_view name;
  std::string_view type = "text";
  std::string_view label;
  std::string_view autocomplete;
  std::string_view value = {};  // refilled after a failed post; never a password
  std::string hint = {};        // shown under the label
  bool required = true;
  bool invalid = false;  // the page's problem concerns this field
  unsigned minlength = 0;
  bool one_time_code = false;          // six digits typed from an authenticator app
  std::string_view described_by = {};  // the id of another text about the field (a warning)
};
void field(Html& html, const Field& field);

struct Button {
  std::string_view label;
  std::string_view css_class = {};  // "secondary", "danger"
  std::string_view name = {};       // for a form with several buttons
  std::string_view value = {};
};
void button(Html& html, const Button& button);

}  // namespace tsunagu::api::oidc::pages
