#pragma once
// The storage contract of residents' accounts in oneID (docs/design/identity.md, "Residents"):
// accounts, browser sessions, authorization requests waiting for sign-in or consent,
// authorization codes, refresh tokens, consents and the one-time tokens of mailed links. Like
// the rest of the platform database it belongs to no tenant. Secrets (session ids, codes,
// refresh tokens, mailed tokens) are stored only as their hash, which is what callers pass in.
// Every write is durable when it returns; every method may be called from any thread.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/error.hpp"
#include "model/time.hpp"

namespace tsunagu::store {

struct AccountRecord {
  std::string id;     // the subject: random, never reused
  std::string email;  // lower-cased
  bool email_verified = false;
  std::string password_hash;  // Argon2id, libsodium's encoded form
  std::string name;
  std::string locale;                          // "ja" | "en": the language of its mails
  std::optional<std::string> totp_secret;      // base32; set when the second factor is on
  std::optional<std::int64_t> totp_last_step;  // the last accepted step (no code twice)
  model::Timestamp created{};
};

struct SessionRecord {
  std::string id_hash;
  std::string account_id;
  model::Timestamp created{};
  model::Timestamp expires{};
  model::Timestamp auth_time{};        // when the resident last proved who they are
  bool second_factor_pending = false;  // the password was right, the TOTP code is awaited
  std::vector<std::string> amr;        // "pwd", "otp" (RFC 8176)
};

// Something short-lived and single-use, kept as a JSON document the identity layer owns:
// a pending authorization request, or an authorization code.
struct Ticket {
  std::string id_hash;
  std::string doc;
  model::Timestamp expires{};
};

struct RefreshTokenRecord {
  std::string token_hash;
  std::string family;  // every token rotated from the same grant; revoked together on reuse
  std::string account_id;
  std::string client_id;
  std::string scope;
  std::string session_hash;  // the session that granted it (sign-out revokes it)
  model::Timestamp auth_time{};
  model::Timestamp created{};
  model::Timestamp expires{};
  std::optional<model::Timestamp> rotated;  // when it was exchanged for its successor
  bool revoked = false;
};

struct ConsentRecord {
  std::string account_id;
  std::string client_id;
  std::vector<std::string> scopes;
  model::Timestamp granted{};
};

enum class MailPurpose { VerifyEmail, ResetPassword };

struct MailTokenRecord {
  std::string token_hash;
  std::string account_id;
  MailPurpose purpose = MailPurpose::VerifyEmail;
  model::Timestamp expires{};
};

// What consuming a single-use ticket found.
enum class Consumed { Fresh, AlreadyUsed, Missing };

class AccountStore {
 public:
  virtual ~AccountStore() = default;

  // AlreadyExists when the e-mail is taken.
  virtual Status add_account(const AccountRecord& account) = 0;
  virtual Result<std::optional<AccountRecord>> account(std::string_view id) = 0;
  virtual Result<std::optional<AccountRecord>> account_by_email(std::string_view email) = 0;
  // Replaces the stored account with this id (ResourceNotFound when there is none).
  virtual Status update_account(const AccountRecord& account) = 0;
  // A password change: the new hash, and every session, refresh token and reset link of the
  // account ended, in one transaction.
  virtual Status set_password(std::string_view account_id, std::string_view password_hash) = 0;
  // Records the TOTP step just accepted, unless a later one is recorded: false when `step` is
  // not later than the last (a code used twice, also by two requests at once).
  virtual Result<bool> use_totp_step(std::string_view account_id, std::int64_t step) = 0;
  // The account and everything that hangs off it, in one transaction.
  virtual Result<bool> delete_account(std::string_view id) = 0;

  virtual Status add_session(const SessionRecord& session) = 0;
  // The session, if it exists and has not expired at `now`.
  virtual Result<std::optional<SessionRecord>> session(std::string_view id_hash,
                                                       model::Timestamp now) = 0;
  virtual Status update_session(const SessionRecord& session) = 0;
  // Ends the session and revokes the refresh tokens it granted.
  virtual Status end_session(std::string_view id_hash) = 0;

  // Pending authorization requests (kind "request") and authorization codes (kind "code").
  virtual Status put_ticket(std::string_view kind, const Ticket& ticket) = 0;
  // The ticket if it exists and has not expired; it stays (a request is read at every step).
  virtual Result<std::optional<Ticket>> ticket(std::string_view kind, std::string_view id_hash,
                                               model::Timestamp now) = 0;
  virtual Status drop_ticket(std::string_view kind, std::string_view id_hash) = 0;
  // Marks the ticket used and returns it: Fresh the first time; AlreadyUsed (with the ticket)
  // every later time, so that the caller can revoke what the first use granted (RFC 6749
  // 4.1.2); Missing when unknown or expired.
  virtual Result<std::pair<Consumed, std::optional<Ticket>>> consume_ticket(
      std::string_view kind, std::string_view id_hash, model::Timestamp now) = 0;
  // Replaces the document of a ticket (e.g. a code remembers the tokens it granted).
  virtual Status update_ticket_doc(std::string_view kind, std::string_view id_hash,
                                   std::string_view doc) = 0;

  virtual Status add_refresh_token(const RefreshTokenRecord& token) = 0;
  virtual Result<std::optional<RefreshTokenRecord>> refresh_token(std::string_view hash) = 0;
  // Marks `old_hash` rotated and adds `successor`, in one transaction; false (and nothing
  // written) when `old_hash` was rotated or revoked meanwhile.
  virtual Result<bool> rotate_refresh_token(std::string_view old_hash, model::Timestamp now,
                                            const RefreshTokenRecord& successor) = 0;
  virtual Status revoke_refresh_family(std::string_view family) = 0;

  virtual Result<std::optional<ConsentRecord>> consent(std::string_view account_id,
                                                       std::string_view client_id) = 0;
  virtual Status put_consent(const ConsentRecord& consent) = 0;

  virtual Status add_mail_token(const MailTokenRecord& token) = 0;
  // Deletes the token and returns it, if it exists, has this purpose and has not expired.
  virtual Result<std::optional<MailTokenRecord>> take_mail_token(std::string_view hash,
                                                                 MailPurpose purpose,
                                                                 model::Timestamp now) = 0;

  // The account linked to `subject` at the upstream provider `provider`, if any.
  virtual Result<std::optional<std::string>> linked_account(std::string_view provider,
                                                            std::string_view subject) = 0;
  // Links them; AlreadyExists when that subject is linked already.
  virtual Status link_account(std::string_view provider, std::string_view subject,
                              std::string_view account_id, model::Timestamp now) = 0;

  // Forgets expired sessions, tickets, refresh tokens and mail tokens.
  virtual Status prune(model::Timestamp now) = 0;
};

}  // namespace tsunagu::store
