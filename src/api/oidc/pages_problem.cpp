#include "api/oidc/pages_problem.hpp"

#include "api/oidc/pages_text.hpp"

namespace tsunagu::api::oidc::pages {
namespace {

Text too_many_attempts(unsigned minutes) {
  if (minutes == 0) return Text::TooManyAttemptsLater;
  return minutes == 1 ? Text::TooManyAttemptsOneMinute : Text::TooManyAttempts;
}

Text problem_text(const PageBase& view) {
  switch (view.problem) {
    case Problem::None:
      break;
    case Problem::WrongCredentials:
      return Text::WrongCredentials;
    case Problem::TooManyAttempts:
      return too_many_attempts(view.retry_minutes);
    case Problem::WrongCode:
      return Text::WrongCode;
    case Problem::PasswordTooShort:
      return Text::PasswordTooShort;
    case Problem::PasswordTooLong:
      return Text::PasswordTooLong;
    case Problem::PasswordIsEmail:
      return Text::PasswordIsEmail;
    case Problem::InvalidEmail:
      return Text::InvalidEmail;
    case Problem::EmailNotVerified:
      return Text::EmailNotVerified;
    case Problem::LinkExpired:
      return Text::LinkExpired;
    case Problem::SessionExpired:
      return Text::SessionExpired;
  }
  return Text::SessionExpired;  // not reached: None is handled by the caller
}

}  // namespace

std::string problem_message(const PageBase& view) {
  if (view.problem == Problem::None) return {};
  const Texts t{view.locale};
  const unsigned number =
      view.problem == Problem::PasswordTooShort ? view.min_password_length : view.retry_minutes;
  return fill(t(problem_text(view)), std::to_string(number));
}

void problem_summary(Html& html, const PageBase& view, std::string_view field_id) {
  if (view.problem == Problem::None) return;
  const Texts t{view.locale};
  html.markup("<div class=\"error-summary\" role=\"alert\" aria-labelledby=\"problem-heading\">\n")
      .element("h2", {{"id", "problem-heading"}}, t(Text::ProblemHeading))
      .markup("\n")
      .open("p", {{"id", kProblemMessageId}});
  const std::string message = problem_message(view);
  if (field_id.empty()) {
    html.text(message);
  } else {
    html.element("a", {{"href", "#" + std::string(field_id)}}, message);
  }
  html.close("p").markup("\n</div>\n");
}

void page_start(Html& html, const PageBase& view, std::string_view heading,
                std::string_view field_id) {
  html.element("h1", {}, heading).markup("\n");
  problem_summary(html, view, field_id);
}

}  // namespace tsunagu::api::oidc::pages
