#pragma once
// Residents' accounts (docs/design/identity.md, "Residents"): registration with a verified
// e-mail address, sign-in with a password (Argon2id) and an optional TOTP second factor, browser
// sessions, password reset, and deletion. Mail is handed to an injected Mailer, which decides
// what it says and how it leaves (the outbox); this service decides when one is sent.
//
// Answers never tell who has an account: registering a taken address and asking a reset for an
// unknown one look exactly like the successful cases (a mail goes to the owner instead), and a
// wrong password costs as much time as an unknown address.
//
// Thread-safe: it keeps references and the throttle, which guards itself.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "identity/login_throttle.hpp"
#include "identity/password.hpp"
#include "identity/upstream.hpp"
#include "model/error.hpp"
#include "model/time.hpp"
#include "store/account_store.hpp"

namespace tsunagu::identity {

struct AccountSettings {
  std::chrono::seconds session_lifetime{std::chrono::hours(12)};
  std::chrono::seconds verify_link_lifetime{std::chrono::hours(24)};
  std::chrono::seconds reset_link_lifetime{std::chrono::hours(1)};
  PasswordPolicy password_policy{};
  Argon2Cost argon2 = kInteractive;
};

// A mail the service wants sent: what kind, to whom, in which language, with which one-time
// token (the composer makes the link from it).
struct OutgoingMail {
  enum class Kind { VerifyEmail, ResetPassword, AlreadyRegistered };
  Kind kind;
  std::string to;
  std::string locale;  // "ja" | "en"
  std::string token;   // for the link; for AlreadyRegistered a reset token
};
using Mailer = std::function<Status(const OutgoingMail&)>;

// Why a sign-in step did not succeed, for the page to say so.
struct SignInProblem {
  enum class Kind { WrongCredentials, TooManyAttempts, EmailNotVerified, WrongCode, Internal };
  Kind kind;
  std::chrono::seconds retry_after{0};  // for TooManyAttempts
  std::string message;                  // for Internal (logged, not shown)
};
template <typename T>
using SignInResult = std::expected<T, SignInProblem>;

struct SignedIn {
  std::string session_token;  // the cookie value; only its hash is stored
  store::SessionRecord session;
  store::AccountRecord account;
};

class AccountService {
 public:
  AccountService(store::AccountStore& store, LoginThrottle& throttle, Mailer mailer,
                 const model::Clock& clock, AccountSettings settings = {})
      : store_(store),
        throttle_(throttle),
        mailer_(std::move(mailer)),
        clock_(clock),
        settings_(settings) {}

  const AccountSettings& settings() const { return settings_; }

  // BadRequestData (the title names the page's problem: "invalid_email", "password_too_short",
  // "password_too_long", "password_is_email", "invalid_password") for what cannot be an account;
  // otherwise a verification mail to a new account, or a note to the owner of a taken address.
  Status register_account(std::string_view email, std::string_view password, std::string_view name,
                          std::string_view locale);
  // Marks the address verified; ResourceNotFound for an unknown, used or expired token.
  Result<store::AccountRecord> verify_email(std::string_view token);

  // The password step. With the second factor on, the session it opens waits for the code
  // (session.second_factor_pending) and grants nothing until second_factor() succeeds.
  SignInResult<SignedIn> sign_in(std::string_view email, std::string_view password,
                                 std::string_view address);
  SignInResult<SignedIn> second_factor(std::string_view session_token, std::string_view code,
                                       std::string_view address);
  // The signed-in account of a session cookie; nullopt when there is none, it expired, its
  // account is gone, or it still waits for the second factor (unless `allow_pending`).
  Result<std::optional<SignedIn>> current(std::string_view session_token,
                                          bool allow_pending = false);
  Status sign_out(std::string_view session_token);
  Result<std::optional<store::AccountRecord>> account(std::string_view id) {
    return store_.account(id);
  }

  // A sign-in through an upstream provider: the account linked to its subject; else the local
  // account of the same address, linked now, when the upstream vouches for the address and the
  // local account has verified it too; else a new account (no password until the resident sets
  // one through a reset). EmailNotVerified when the upstream does not vouch for an address.
  SignInResult<SignedIn> sign_in_upstream(const UpstreamIdentity& who);

  // Sends a reset link when the address has an account; succeeds either way.
  Status request_reset(std::string_view email);
  // ResourceNotFound for an unknown, used or expired token; BadRequestData as for registration.
  // Ends every session and refresh token of the account.
  Status reset_password(std::string_view token, std::string_view new_password);

  // A new TOTP secret for the account page to show; nothing is stored until it is confirmed.
  std::string new_totp_secret() const;
  // Turns the second factor on once `code` proves the resident's app has `secret`
  // (BadRequestData "wrong_code" otherwise).
  Status enable_totp(const store::AccountRecord& account, std::string_view secret,
                     std::string_view code);
  // Turns the second factor off, after the password is confirmed.
  SignInResult<void> disable_totp(const store::AccountRecord& account, std::string_view password,
                                  std::string_view address);
  // Run by delete_account before the account goes: the resident's consents and personal data
  // elsewhere on the platform are withdrawn and erased (docs/design/consent.md). When it fails,
  // the account stays, so that the deletion can be tried again. Set once before serving.
  using BeforeDelete = std::function<Status(std::string_view account_id)>;
  void before_delete(BeforeDelete hook) { before_delete_ = std::move(hook); }

  // Deletes the account and everything that hangs off it, after the password is confirmed.
  SignInResult<void> delete_account(const store::AccountRecord& account, std::string_view password,
                                    std::string_view address);

  // The lower-cased address when `email` can be one (one @, no spaces or controls, <= 254).
  static std::optional<std::string> normalized_email(std::string_view email);

 private:
  Result<std::string> mail_token(const store::AccountRecord& account, store::MailPurpose purpose,
                                 std::chrono::seconds lifetime);
  SignInResult<void> check_password_of(const store::AccountRecord& account,
                                       std::string_view password, std::string_view address);
  Result<SignedIn> open_session(const store::AccountRecord& account, bool second_factor_pending);

  store::AccountStore& store_;
  LoginThrottle& throttle_;
  Mailer mailer_;
  BeforeDelete before_delete_;
  const model::Clock& clock_;
  const AccountSettings settings_;
};

}  // namespace tsunagu::identity
