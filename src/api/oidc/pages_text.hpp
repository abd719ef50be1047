#pragma once
// The catalogue of every text the pages and mails show, one per language (pages_text_ja.cpp,
// pages_text_en.cpp). Each language is a switch over Text with no default, so a text missing
// from one language fails the build (-Wswitch). Texts are plain text, never markup: the pages
// escape them like any value. "{}" marks where fill() puts a value (a name, a number, a link).

#include <string>
#include <string_view>

#include "api/oidc/pages.hpp"

namespace tsunagu::api::oidc::pages {

enum class Text {
  // Every page
  TitlePattern,        // "{}" is the page's name
  TitleWithProblem,    // the same, when the page reports a problem
  LanguageNavigation,  // the name of the language switch
  OtherLanguage,       // the switch's link: the other language's own name
  ProblemHeading,
  // Problems
  WrongCredentials,
  TooManyAttempts,  // "{}" minutes
  TooManyAttemptsOneMinute,
  TooManyAttemptsLater,  // when the wait is not known
  WrongCode,
  PasswordTooShort,  // "{}" characters
  PasswordTooLong,
  PasswordIsEmail,
  InvalidEmail,
  EmailNotVerified,
  LinkExpired,
  SessionExpired,
  // Fields
  EmailLabel,
  PasswordLabel,
  NewPasswordLabel,
  PasswordHint,  // "{}" characters
  NameLabel,
  NameHint,
  CodeLabel,
  CodeHint,
  // Sign-in
  LoginTitle,
  LoginForService,  // "{}" is the client's name
  SignInWith,       // "{}" is an upstream provider's name
  LoginSubmit,
  RegisterLink,
  ForgotPasswordLink,
  TotpTitle,
  TotpIntro,
  TotpSubmit,
  // Registration
  RegisterTitle,
  RegisterIntro,
  RegisterSubmit,
  LoginLinkFromRegister,
  // Consent
  ConsentTitle,
  ConsentLead,  // "{}" is the client's name
  ConsentLeadUnnamed,
  ConsentQuestion,
  ConsentAllow,
  ConsentDeny,
  ScopeOpenid,
  ScopeProfile,
  ScopeEmail,
  ScopeNgsiLdRead,
  ScopeNgsiLdWrite,
  ScopeAdmin,
  ScopeConsent,
  // Password reset
  ForgotTitle,
  ForgotIntro,
  ForgotSubmit,
  BackToLogin,
  ResetTitle,
  ResetIntro,
  ResetSubmit,
  RestartReset,
  // Account
  AccountTitle,
  AccountDetails,
  EmailVerifiedState,
  EmailUnverifiedState,
  NameTerm,
  NameUnset,
  EmailNotVerifiedNotice,
  TotpHeading,
  TotpOn,
  TotpOff,
  TotpSetupIntro,
  TotpSecretLabel,
  TotpUriLabel,
  TotpEnableSubmit,
  TotpDisableIntro,
  TotpDisableSubmit,
  SignOutHeading,
  SignOutSubmit,
  DeleteHeading,
  DeleteWarning,
  DeleteSubmit,
  YourDataHeading,  // the account page's links to the two pages below
  YourDataIntro,
  ConsentsLink,
  ActivityLink,
  // Consents to use personal data (本人同意)
  ConsentsTitle,
  ConsentsIntro,
  RequestsHeading,
  RequestsEmpty,
  ApproveSubmit,
  DeclineSubmit,
  GrantsHeading,
  GrantsEmpty,
  CategoryTerm,
  PurposeTerm,
  PurposeUnstated,
  TenantTerm,
  DefaultTenant,
  GrantedTerm,
  ExpiresTerm,
  WithdrawnTerm,
  StateTerm,
  StateActive,
  StateExpired,
  StateWithdrawn,
  RequestedTerm,
  RequestUntilTerm,
  WithdrawSubmit,
  NoticeWithdrawn,
  NoticeApproved,
  NoticeDeclined,
  NoticeNotFound,
  NoticeAlreadyAnswered,
  NoticeCannotApprove,
  // Who used the resident's data
  ActivityTitle,
  ActivityIntro,
  ActivityEmpty,
  ActivityNoOlder,
  WhenTerm,
  ServiceTerm,
  TypeTerm,
  EntityTerm,
  AttributesTerm,
  WholeEntity,
  OlderLink,
  NewestLink,
  TimeUtc,  // "{}" is a date and time in UTC
  // Sign-out asked by a client
  LogoutTitle,
  LogoutQuestion,
  LogoutForService,  // "{}" is the client's name
  LogoutSubmit,
  // Messages: a title and a body each
  CheckYourMailTitle,
  CheckYourMailBody,
  EmailVerifiedTitle,
  EmailVerifiedBody,
  PasswordChangedTitle,
  PasswordChangedBody,
  SignedOutTitle,
  SignedOutBody,
  AccountDeletedTitle,
  AccountDeletedBody,
  TotpEnabledTitle,
  TotpEnabledBody,
  TotpDisabledTitle,
  TotpDisabledBody,
  InvalidClientTitle,
  InvalidClientBody,
  InvalidRedirectUriTitle,
  InvalidRedirectUriBody,
  BadRequestTitle,
  BadRequestBody,
  MessageDetail,  // "{}" is the detail
  ContinueToLogin,
  BackToAccount,
  // Mails: "{}" is the link, on a line of its own
  VerificationMailSubject,
  VerificationMailBody,
  ResetMailSubject,
  ResetMailBody,
  AlreadyRegisteredMailSubject,
  AlreadyRegisteredMailBody,  // the last: kTextCount follows it
};
inline constexpr int kTextCount = static_cast<int>(Text::AlreadyRegisteredMailBody) + 1;

std::string_view japanese_text(Text text);
std::string_view english_text(Text text);

// The catalogue of one language: t(Text::LoginTitle).
struct Texts {
  Locale locale = Locale::Japanese;
  std::string_view operator()(Text text) const;
};

// `pattern` with its first "{}" replaced by `value`.
std::string fill(std::string_view pattern, std::string_view value);

}  // namespace tsunagu::api::oidc::pages
