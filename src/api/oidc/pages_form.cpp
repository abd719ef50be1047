#include "api/oidc/pages_form.hpp"

#include <vector>

#include "api/oidc/pages_problem.hpp"

namespace tsunagu::api::oidc::pages {
namespace {

std::string hint_id(const Field& field) {
  return std::string(field.id) + "-hint";
}

// The problem first: a screen reader reads what is wrong before the general hint.
std::string described_by(const Field& field) {
  std::string ids;
  auto add = [&ids](std::string_view id) {
    if (!ids.empty()) ids += ' ';
    ids += id;
  };
  if (field.invalid) add(kProblemMessageId);
  if (!field.hint.empty()) add(hint_id(field));
  if (!field.described_by.empty()) add(field.described_by);
  return ids;
}

std::vector<Attribute> input_attributes(const Field& field, const std::string& described,
                                        const std::string& minlength) {
  std::vector<Attribute> attributes{{"id", field.id},
                                    {"name", field.name},
                                    {"type", field.type},
                                    {"autocomplete", field.autocomplete}};
  if (!field.value.empty()) attributes.push_back({"value", field.value});
  if (field.required) {
    attributes.push_back({"required", std::nullopt});
    attributes.push_back({"aria-required", "true"});
  }
  if (field.minlength > 0) attributes.push_back({"minlength", minlength});
  if (field.one_time_code) {
    attributes.push_back({"inputmode", "numeric"});
    attributes.push_back({"pattern", "[0-9]{6}"});
    attributes.push_back({"maxlength", "6"});
  }
  if (field.invalid) attributes.push_back({"aria-invalid", "true"});
  if (!described.empty()) attributes.push_back({"aria-describedby", described});
  return attributes;
}

}  // namespace

void hidden_field(Html& html, std::string_view name, std::string_view value) {
  html.open("input", {{"type", "hidden"}, {"name", name}, {"value", value}}).markup("\n");
}

void open_form(Html& html, std::string_view action, const PageBase& view) {
  html.open(
      "form",
      {{"method", "post"}, {"action", action}, {"enctype", "application/x-www-form-urlencoded"}});
  html.markup("\n");
  hidden_field(html, kFieldCsrf, view.csrf);
  hidden_field(html, kFieldLocale, language_tag(view.locale));
  if (view.request) hidden_field(html, kFieldRequest, *view.request);
}

void close_form(Html& html) {
  html.markup("</form>\n");
}

void field(Html& html, const Field& field) {
  html.element("label", {{"for", field.id}}, field.label).markup("\n");
  if (!field.hint.empty()) {
    html.element("p", {{"class", "hint"}, {"id", hint_id(field)}}, field.hint).markup("\n");
  }
  const std::string described = described_by(field);
  const std::string minlength = std::to_string(field.minlength);
  html.open("input", input_attributes(field, described, minlength)).markup("\n");
}

void button(Html& html, const Button& button) {
  std::vector<Attribute> attributes{{"type", "submit"}};
  if (!button.css_class.empty()) attributes.push_back({"class", button.css_class});
  if (!button.name.empty()) {
    attributes.push_back({"name", button.name});
    attributes.push_back({"value", button.value});
  }
  html.open("button", attributes).text(button.label).close("button").markup("\n");
}

}  // namespace tsunagu::api::oidc::pages
