// The mails: a subject and a plain-text body from the catalogue, the link alone on its line so
// that mail programs make it clickable whole. Lines end in "\n"; the mailer converts them to
// CRLF. The link is written as given: it is built by oneID, never taken from a request.

#include "api/oidc/pages.hpp"
#include "api/oidc/pages_text.hpp"

namespace tsunagu::api::oidc {
using namespace pages;
namespace {

MailText mail(Locale locale, Text subject, Text body, std::string_view link) {
  const Texts t{locale};
  return {std::string(t(subject)), fill(t(body), link)};
}

}  // namespace

MailText verification_mail(Locale locale, std::string_view link) {
  return mail(locale, Text::VerificationMailSubject, Text::VerificationMailBody, link);
}

MailText reset_mail(Locale locale, std::string_view link) {
  return mail(locale, Text::ResetMailSubject, Text::ResetMailBody, link);
}

MailText already_registered_mail(Locale locale, std::string_view reset_link) {
  return mail(locale, Text::AlreadyRegisteredMailSubject, Text::AlreadyRegisteredMailBody,
              reset_link);
}

}  // namespace tsunagu::api::oidc
