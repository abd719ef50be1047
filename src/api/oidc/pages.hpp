#pragma once
// The pages oneID serves to residents (docs/design/identity.md, "Pages"): sign-in, registration,
// consent, the second factor, password reset, the account page and sign-out, in Japanese and
// English. Pure functions from a view (what the page shows) to a complete HTML document: no I/O,
// no state. Every text a page shows comes from one catalogue per language; every value from a
// view is HTML-escaped.
//
// Forms post application/x-www-form-urlencoded with the field names below (kField*); every form
// carries the CSRF token as `csrf` and, inside a sign-in started by a client, the pending
// authorization request as `request`. Every form also carries the page's language as `locale`,
// so that the answer to a post keeps the language chosen with the switch: a route passes it to
// negotiate_locale in place of `ui_locales`.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/time.hpp"

namespace tsunagu::api::oidc {

enum class Locale { Japanese, English };

// The page language: the first supported tag of `ui_locales` (OpenID Connect Core 3.1.2.1,
// space-separated), else the best of Accept-Language (RFC 9110 12.5.4, q-values), else Japanese.
// "ja", "ja-JP" -> Japanese; "en", "en-US", "en-GB" -> English; anything else is skipped.
Locale negotiate_locale(std::optional<std::string_view> ui_locales,
                        std::optional<std::string_view> accept_language);
std::string_view language_tag(Locale locale);  // "ja", "en"

// Form field names, shared by the pages and the routes that read the forms.
inline constexpr std::string_view kFieldCsrf = "csrf";
inline constexpr std::string_view kFieldRequest = "request";
inline constexpr std::string_view kFieldEmail = "email";
inline constexpr std::string_view kFieldPassword = "password";
inline constexpr std::string_view kFieldNewPassword = "new_password";
inline constexpr std::string_view kFieldName = "name";
inline constexpr std::string_view kFieldCode = "code";          // a TOTP code
inline constexpr std::string_view kFieldToken = "token";        // from a mail (reset)
inline constexpr std::string_view kFieldDecision = "decision";  // consent: "allow" | "deny"
inline constexpr std::string_view kFieldLocale = "locale";      // "ja" | "en": the language switch
inline constexpr std::string_view kFieldGrant = "grant";        // a consent grant's id
// A service's request for consent ("request" is the pending authorization request).
inline constexpr std::string_view kFieldConsentRequest = "consent_request";
inline constexpr std::string_view kFieldBefore = "before";  // activity: records older than this seq
inline constexpr std::string_view kFieldDone = "done";      // consents: what the last post did

// The paths of the pages: where their forms post to, and where the language switch links to
// (with `ui_locales`, and `request` when there is one).
inline constexpr std::string_view kLoginPath = "/account/login";
inline constexpr std::string_view kTotpPath = "/account/login/totp";
inline constexpr std::string_view kRegisterPath = "/account/register";
inline constexpr std::string_view kConsentPath = "/oauth2/consent";
inline constexpr std::string_view kForgotPasswordPath = "/account/password/forgot";
inline constexpr std::string_view kResetPasswordPath = "/account/password/reset";
inline constexpr std::string_view kAccountPath = "/account";
inline constexpr std::string_view kTotpEnablePath = "/account/totp";
inline constexpr std::string_view kTotpDisablePath = "/account/totp/disable";
inline constexpr std::string_view kDeleteAccountPath = "/account/delete";
inline constexpr std::string_view kAccountLogoutPath = "/account/logout";
inline constexpr std::string_view kConsentsPath = "/account/consents";
inline constexpr std::string_view kWithdrawGrantPath = "/account/consents/withdraw";
inline constexpr std::string_view kApproveRequestPath = "/account/consents/requests/approve";
inline constexpr std::string_view kDeclineRequestPath = "/account/consents/requests/decline";
inline constexpr std::string_view kActivityPath = "/account/activity";
inline constexpr std::string_view kLogoutPath = "/oauth2/logout";

// What went wrong with the last submission, shown above the form (role="alert") and tied to the
// field it concerns (aria-describedby, aria-invalid).
enum class Problem {
  None,
  WrongCredentials,  // e-mail or password wrong (one message for both)
  TooManyAttempts,   // locked for a while: `retry_minutes` says how long
  WrongCode,         // TOTP code wrong or already used
  PasswordTooShort,  // under the policy's minimum (`min_password_length`)
  PasswordTooLong,
  PasswordIsEmail,  // the password is the e-mail address
  InvalidEmail,
  EmailNotVerified,  // sign-in refused until the address is verified
  LinkExpired,       // a verification or reset link that is expired or used
  SessionExpired,    // the form's CSRF token or pending request expired: start again
};

// Common to every page.
struct PageBase {
  Locale locale = Locale::Japanese;
  std::string csrf = {};                    // the token every form carries
  std::optional<std::string> request = {};  // the pending authorization request, when there is one
  Problem problem = Problem::None;
  unsigned retry_minutes = 0;         // for TooManyAttempts
  unsigned min_password_length = 10;  // for PasswordTooShort and the password hints
};

// POST /account/login: e-mail and password. Links to registration and to password reset keep
// `request`.
struct LoginView : PageBase {
  std::string email = {};        // refilled after a failed attempt
  std::string client_name = {};  // the service asking, when a client started the sign-in
  // Upstream OpenID providers to sign in with instead: where the link goes, and the name.
  struct Upstream {
    std::string href;
    std::string name;
  };
  std::vector<Upstream> upstreams = {};
};
// POST /account/login/totp: the second factor, after the password was right.
struct TotpView : PageBase {};
// POST /account/register: e-mail, password, optional display name.
struct RegisterView : PageBase {
  std::string email = {};
  std::string name = {};
};
// POST /oauth2/consent: what the client asks for; two buttons, decision=allow and decision=deny.
struct ConsentView : PageBase {
  std::string client_name = {};
  std::vector<std::string> scopes = {};  // scope values: openid, profile, email, ngsi-ld:read, ...
};
// POST /account/password/forgot: the e-mail to send a reset link to.
struct ForgotPasswordView : PageBase {
  std::string email = {};
};
// POST /account/password/reset: a new password, with the mailed `token` as a hidden field.
struct ResetPasswordView : PageBase {
  std::string token = {};
};
// The account page's forms that a problem can concern.
enum class AccountForm { TotpEnable, TotpDisable, Delete };
// GET /account: the signed-in resident's account. Forms: POST /account/totp (enable: the shown
// secret as hidden field `token` and a `code` to confirm it), POST /account/totp/disable (with
// `password`), POST /account/delete (with `password`), POST /account/logout.
struct AccountView : PageBase {
  std::string email = {};
  std::string name = {};
  bool email_verified = false;
  bool totp_enabled = false;
  // While enabling TOTP: the new secret (base32) and its otpauth:// URI, shown as text (no
  // image: the page loads nothing from elsewhere).
  std::optional<std::string> totp_secret = {};
  std::optional<std::string> totp_uri = {};
  // The form `problem` concerns (WrongCode, WrongCredentials, PasswordTooLong): its field is
  // marked. Unset: every field on the page that the problem can concern.
  std::optional<AccountForm> problem_form = {};
};
// The resident's personal data (docs/design/consent.md): which services may use it, and who
// used it. Times are shown in UTC, as ISO 8601 dates and times.
enum class GrantState { Active, Expired, Withdrawn };
struct GrantItem {
  std::string id = {};
  std::string service = {};  // the client's name; its id when it has none (removed)
  std::string tenant = {};   // "" for the default tenant
  std::string category = {};
  std::string purpose = {};
  model::Timestamp granted{};
  model::Timestamp expires{};
  std::optional<model::Timestamp> withdrawn = {};
  GrantState state = GrantState::Active;
};
// A service's pending request for a grant.
struct ConsentRequestItem {
  std::string id = {};
  std::string service = {};
  std::string tenant = {};
  std::string category = {};
  std::string purpose = {};
  model::Timestamp requested{};
  model::Timestamp until{};  // how long the grant would last
};
// What the last post on the consents page did (the page it redirected to says so), or why it
// could not.
enum class ConsentNotice {
  None,
  Withdrawn,
  Approved,
  Declined,
  NotFound,         // no such grant or request of the resident (404)
  AlreadyAnswered,  // the request was approved or declined before (409)
  CannotApprove,    // the request's period passed, or its service or data changed (409)
};
// GET /account/consents: the services' pending requests, each with POST
// /account/consents/requests/approve and .../decline (`consent_request`), then the grants, each
// active one with POST /account/consents/withdraw (`grant`).
struct ConsentsView : PageBase {
  std::vector<ConsentRequestItem> requests = {};
  std::vector<GrantItem> grants = {};  // newest first
  ConsentNotice notice = ConsentNotice::None;
};
// One use of the resident's data, from the audit log.
struct ActivityItem {
  model::Timestamp at{};
  std::string service = {};
  std::string tenant = {};
  std::string type = {};  // the entity type (an IRI: the page shows its last segment)
  std::string entity_id = {};
  std::vector<std::string> attributes = {};  // IRIs; empty: the whole entity
  std::string purpose = {};
};
// GET /account/activity[?before=<seq>]: the newest records first, a page at a time.
struct ActivityView : PageBase {
  std::vector<ActivityItem> records = {};
  // This page's `before` (nullopt: the newest records), and the next page's, when there is one.
  std::optional<std::int64_t> before = {};
  std::optional<std::int64_t> older = {};
};

// POST /oauth2/logout: "sign out of oneID?" with a button (RP-initiated logout without a valid
// id_token_hint asks first). Hidden fields carry the logout request: `request` holds its id.
struct LogoutView : PageBase {
  std::string client_name = {};  // empty when unknown
};

// A page with a heading and one message: after registration ("check your mail"), after e-mail
// verification, after a reset, after sign-out, after account deletion, and for errors that must
// not go back to the client (an unknown client or redirect URI, OpenID Connect Core 3.1.2.6).
enum class Message {
  CheckYourMail,  // a verification or reset link was sent (said also for unknown e-mails)
  EmailVerified,
  PasswordChanged,
  SignedOut,
  AccountDeleted,
  TotpEnabled,
  TotpDisabled,
  InvalidClient,       // unknown client_id
  InvalidRedirectUri,  // redirect_uri not registered for the client
  BadRequest,          // any other request that cannot be answered to the client; `detail` says why
};
struct MessageView {
  Locale locale = Locale::Japanese;
  Message message = Message::BadRequest;
  std::string detail = {};  // shown under the message, escaped (e.g. which parameter is missing)
};

std::string render_login(const LoginView& view);
std::string render_totp(const TotpView& view);
std::string render_register(const RegisterView& view);
std::string render_consent(const ConsentView& view);
std::string render_forgot_password(const ForgotPasswordView& view);
std::string render_reset_password(const ResetPasswordView& view);
std::string render_account(const AccountView& view);
std::string render_logout(const LogoutView& view);
std::string render_consents(const ConsentsView& view);
std::string render_activity(const ActivityView& view);
std::string render_message(const MessageView& view);

// The subject and plain-text body of the mails oneID sends, in the resident's language; `link`
// is the absolute URL to follow.
struct MailText {
  std::string subject;
  std::string body;
};
MailText verification_mail(Locale locale, std::string_view link);
MailText reset_mail(Locale locale, std::string_view link);
// Sent when someone tries to register an address that has an account: the owner learns of it,
// the person registering learns nothing (the page says CheckYourMail either way).
MailText already_registered_mail(Locale locale, std::string_view reset_link);

}  // namespace tsunagu::api::oidc
