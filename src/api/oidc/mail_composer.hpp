#pragma once
// The mails of oneID as residents read them: the account service says which mail to send with
// which one-time token; this composes the text in the resident's language, with the link on
// this issuer, and spools it in the outbox.

#include "identity/accounts.hpp"
#include "identity/token_service.hpp"
#include "notify/mail_outbox.hpp"

namespace tsunagu::api::oidc {

// `outbox` and `tokens` (for the issuer URL, known once the server listens) must outlive it.
identity::Mailer make_mailer(notify::MailOutbox& outbox, const identity::TokenService& tokens);

}  // namespace tsunagu::api::oidc
