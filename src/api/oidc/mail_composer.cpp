#include "api/oidc/mail_composer.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "api/oidc/pages.hpp"

namespace tsunagu::api::oidc {

identity::Mailer make_mailer(notify::MailOutbox& outbox, const identity::TokenService& tokens) {
  return [&outbox, &tokens](const identity::OutgoingMail& mail) -> Status {
    using Kind = identity::OutgoingMail::Kind;
    const auto locale = mail.locale == "en" ? Locale::English : Locale::Japanese;
    const auto token = boost::urls::encode(mail.token, boost::urls::unreserved_chars);
    const auto issuer = tokens.settings()->issuer;
    const auto verify_link = issuer + "/account/verify?token=" + token;
    const auto reset_link = issuer + "/account/password/reset?token=" + token;
    const MailText text = mail.kind == Kind::VerifyEmail ? verification_mail(locale, verify_link)
                          : mail.kind == Kind::ResetPassword
                              ? reset_mail(locale, reset_link)
                              : already_registered_mail(locale, reset_link);
    return outbox.send(notify::Mail{mail.to, text.subject, text.body});
  };
}

}  // namespace tsunagu::api::oidc
