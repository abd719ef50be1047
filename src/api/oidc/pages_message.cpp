// A heading and a message, with a link onwards where there is an obvious next step. There is no
// language switch: the message answers a post or a request that a link could not repeat.

#include <optional>

#include "api/oidc/pages.hpp"
#include "api/oidc/pages_html.hpp"
#include "api/oidc/pages_layout.hpp"
#include "api/oidc/pages_link.hpp"
#include "api/oidc/pages_text.hpp"

namespace tsunagu::api::oidc {
using namespace pages;  // the parts every page is built from
namespace {

struct MessageTexts {
  Text title;
  Text body;
};

MessageTexts message_texts(Message message) {
  switch (message) {
    case Message::CheckYourMail:
      return {Text::CheckYourMailTitle, Text::CheckYourMailBody};
    case Message::EmailVerified:
      return {Text::EmailVerifiedTitle, Text::EmailVerifiedBody};
    case Message::PasswordChanged:
      return {Text::PasswordChangedTitle, Text::PasswordChangedBody};
    case Message::SignedOut:
      return {Text::SignedOutTitle, Text::SignedOutBody};
    case Message::AccountDeleted:
      return {Text::AccountDeletedTitle, Text::AccountDeletedBody};
    case Message::TotpEnabled:
      return {Text::TotpEnabledTitle, Text::TotpEnabledBody};
    case Message::TotpDisabled:
      return {Text::TotpDisabledTitle, Text::TotpDisabledBody};
    case Message::InvalidClient:
      return {Text::InvalidClientTitle, Text::InvalidClientBody};
    case Message::InvalidRedirectUri:
      return {Text::InvalidRedirectUriTitle, Text::InvalidRedirectUriBody};
    case Message::BadRequest:
      break;
  }
  return {Text::BadRequestTitle, Text::BadRequestBody};
}

struct Onward {
  std::string_view path;
  Text label;
};

std::optional<Onward> onward(Message message) {
  switch (message) {
    case Message::EmailVerified:
    case Message::PasswordChanged:
      return Onward{kLoginPath, Text::ContinueToLogin};
    case Message::TotpEnabled:
    case Message::TotpDisabled:
      return Onward{kAccountPath, Text::BackToAccount};
    default:
      return std::nullopt;
  }
}

}  // namespace

std::string render_message(const MessageView& view) {
  const Texts t{view.locale};
  const MessageTexts texts = message_texts(view.message);
  Html html;
  html.element("h1", {}, t(texts.title)).markup("\n");
  html.element("p", {}, t(texts.body)).markup("\n");
  if (!view.detail.empty()) {
    html.element("p", {}, fill(t(Text::MessageDetail), view.detail)).markup("\n");
  }
  if (auto next = onward(view.message)) {
    link_list(html, {{std::string(next->path), t(next->label)}});
  }
  return document({view.locale, t(texts.title), false, std::nullopt}, html.str());
}

}  // namespace tsunagu::api::oidc
