// The English catalogue: plain English, short sentences.

#include "api/oidc/pages_text.hpp"

namespace tsunagu::api::oidc::pages {

// One switch without a default: a text missing here fails the build.
std::string_view english_text(Text text) {
  switch (text) {
    case Text::TitlePattern:
      return "{} | oneID";
    case Text::TitleWithProblem:
      return "Error: {} | oneID";
    case Text::LanguageNavigation:
      return "Language";
    case Text::OtherLanguage:
      return "日本語";
    case Text::ProblemHeading:
      return "There is a problem";
    case Text::WrongCredentials:
      return "The e-mail address or the password is not correct.";
    case Text::TooManyAttempts:
      return "Too many attempts. Please try again in {} minutes.";
    case Text::TooManyAttemptsOneMinute:
      return "Too many attempts. Please try again in 1 minute.";
    case Text::TooManyAttemptsLater:
      return "Too many attempts. Please try again later.";
    case Text::WrongCode:
      return "The code is not correct or has already been used. Enter the newest code from your "
             "authenticator app.";
    case Text::PasswordTooShort:
      return "Your password must have at least {} characters.";
    case Text::PasswordTooLong:
      return "Your password is too long. Please choose a shorter one.";
    case Text::PasswordIsEmail:
      return "Your password must not be your e-mail address.";
    case Text::InvalidEmail:
      return "Enter an e-mail address in the correct format, like name@example.com.";
    case Text::EmailNotVerified:
      return "Your e-mail address is not confirmed yet. Open the link in the e-mail we sent when "
             "you registered, then sign in.";
    case Text::LinkExpired:
      return "This link has expired or has already been used. Please start again.";
    case Text::SessionExpired:
      return "This page has expired. Please start again.";
    case Text::EmailLabel:
      return "E-mail address";
    case Text::PasswordLabel:
      return "Password";
    case Text::NewPasswordLabel:
      return "New password";
    case Text::PasswordHint:
      return "At least {} characters. It must not be your e-mail address.";
    case Text::NameLabel:
      return "Name (optional)";
    case Text::NameHint:
      return "A nickname is fine.";
    case Text::CodeLabel:
      return "Verification code";
    case Text::CodeHint:
      return "The 6-digit number shown in your authenticator app.";
    case Text::LoginTitle:
      return "Sign in";
    case Text::LoginForService:
      return "Sign in with oneID to continue to {}.";
    case Text::SignInWith:
      return "Sign in with {}";
    case Text::LoginSubmit:
      return "Sign in";
    case Text::RegisterLink:
      return "Create an account";
    case Text::ForgotPasswordLink:
      return "Forgot your password?";
    case Text::TotpTitle:
      return "Two-step verification";
    case Text::TotpIntro:
      return "Enter your verification code to finish signing in.";
    case Text::TotpSubmit:
      return "Verify";
    case Text::RegisterTitle:
      return "Create an account";
    case Text::RegisterIntro:
      return "Enter your e-mail address and choose a password. We will send you an e-mail to "
             "confirm your address.";
    case Text::RegisterSubmit:
      return "Create account";
    case Text::LoginLinkFromRegister:
      return "Already have an account? Sign in";
    case Text::ConsentTitle:
      return "Allow access";
    case Text::ConsentLead:
      return "{} is asking for permission to use:";
    case Text::ConsentLeadUnnamed:
      return "A service is asking for permission to use:";
    case Text::ConsentQuestion:
      return "Do you allow this?";
    case Text::ConsentAllow:
      return "Allow";
    case Text::ConsentDeny:
      return "Deny";
    case Text::ScopeOpenid:
      return "Your oneID identifier";
    case Text::ScopeProfile:
      return "Your name";
    case Text::ScopeEmail:
      return "Your e-mail address";
    case Text::ScopeNgsiLdRead:
      return "Read data of the platform on your behalf";
    case Text::ScopeNgsiLdWrite:
      return "Change data of the platform on your behalf";
    case Text::ScopeAdmin:
      return "Manage the platform";
    case Text::ScopeConsent:
      return "See and change which services may use your personal data, and who used it";
    case Text::ForgotTitle:
      return "Reset your password";
    case Text::ForgotIntro:
      return "Enter the e-mail address of your account. We will send you a link to choose a new "
             "password.";
    case Text::ForgotSubmit:
      return "Send the link";
    case Text::BackToLogin:
      return "Back to sign in";
    case Text::ResetTitle:
      return "Choose a new password";
    case Text::ResetIntro:
      return "Enter your new password.";
    case Text::ResetSubmit:
      return "Change password";
    case Text::RestartReset:
      return "Ask for a new link";
    case Text::AccountTitle:
      return "Your account";
    case Text::AccountDetails:
      return "Your details";
    case Text::EmailVerifiedState:
      return "(confirmed)";
    case Text::EmailUnverifiedState:
      return "(not confirmed)";
    case Text::NameTerm:
      return "Name";
    case Text::NameUnset:
      return "Not set";
    case Text::EmailNotVerifiedNotice:
      return "Your e-mail address is not confirmed yet. Open the link in the e-mail we sent you.";
    case Text::TotpHeading:
      return "Two-step verification";
    case Text::TotpOn:
      return "Two-step verification is on: when you sign in, you also enter a code from your "
             "authenticator app.";
    case Text::TotpOff:
      return "Two-step verification is off.";
    case Text::TotpSetupIntro:
      return "To turn it on, add the key below to your authenticator app, then enter the code the "
             "app shows.";
    case Text::TotpSecretLabel:
      return "Key";
    case Text::TotpUriLabel:
      return "Setup URI (for apps that accept one)";
    case Text::TotpEnableSubmit:
      return "Turn on two-step verification";
    case Text::TotpDisableIntro:
      return "To turn it off, enter your password.";
    case Text::TotpDisableSubmit:
      return "Turn off two-step verification";
    case Text::SignOutHeading:
      return "Sign out";
    case Text::SignOutSubmit:
      return "Sign out";
    case Text::DeleteHeading:
      return "Delete your account";
    case Text::DeleteWarning:
      return "Deleting your account cannot be undone. You will no longer be able to sign in to "
             "services with oneID.";
    case Text::DeleteSubmit:
      return "Delete my account";
    case Text::YourDataHeading:
      return "Your personal data";
    case Text::YourDataIntro:
      return "See which services may use your personal data, withdraw your consent, and see who "
             "used the data and when.";
    case Text::ConsentsLink:
      return "Consents to use your data";
    case Text::ActivityLink:
      return "Who used your data and when";
    case Text::ConsentsTitle:
      return "Consents to use your data";
    case Text::ConsentsIntro:
      return "Here you see which services may use your personal data, and for what. You can "
             "withdraw a consent at any time: from that moment on, the service can no longer use "
             "the data.";
    case Text::RequestsHeading:
      return "Requests from services";
    case Text::RequestsEmpty:
      return "No service is waiting for your answer.";
    case Text::ApproveSubmit:
      return "Agree";
    case Text::DeclineSubmit:
      return "Do not agree";
    case Text::GrantsHeading:
      return "Services you have consented to";
    case Text::GrantsEmpty:
      return "You have not consented to any service using your personal data.";
    case Text::CategoryTerm:
      return "Data";
    case Text::PurposeTerm:
      return "Purpose";
    case Text::PurposeUnstated:
      return "Not stated";
    case Text::TenantTerm:
      return "Data space";
    case Text::DefaultTenant:
      return "Standard";
    case Text::GrantedTerm:
      return "Consented on";
    case Text::ExpiresTerm:
      return "Valid until";
    case Text::WithdrawnTerm:
      return "Withdrawn on";
    case Text::StateTerm:
      return "Status";
    case Text::StateActive:
      return "In force";
    case Text::StateExpired:
      return "Expired";
    case Text::StateWithdrawn:
      return "Withdrawn";
    case Text::RequestedTerm:
      return "Asked on";
    case Text::RequestUntilTerm:
      return "Consent would last until";
    case Text::WithdrawSubmit:
      return "Withdraw consent";
    case Text::NoticeWithdrawn:
      return "Your consent has been withdrawn. The service can no longer use this data.";
    case Text::NoticeApproved:
      return "You have agreed. The service may use this data until the date shown.";
    case Text::NoticeDeclined:
      return "You have not agreed. The service may not use this data.";
    case Text::NoticeNotFound:
      return "This consent or request was not found.";
    case Text::NoticeAlreadyAnswered:
      return "This request has already been answered.";
    case Text::NoticeCannotApprove:
      return "You can no longer agree to this request: its period has passed, or the service or "
             "the data it concerns has changed.";
    case Text::ActivityTitle:
      return "Who used your data";
    case Text::ActivityIntro:
      return "When, by which service and for what your personal data was used, newest first. "
             "Times are in UTC.";
    case Text::ActivityEmpty:
      return "No service has used your personal data.";
    case Text::ActivityNoOlder:
      return "There are no older records.";
    case Text::WhenTerm:
      return "When";
    case Text::ServiceTerm:
      return "Service";
    case Text::TypeTerm:
      return "Type of data";
    case Text::EntityTerm:
      return "Record";
    case Text::AttributesTerm:
      return "Items";
    case Text::WholeEntity:
      return "All items";
    case Text::OlderLink:
      return "Older records";
    case Text::NewestLink:
      return "Newest records";
    case Text::TimeUtc:
      return "{} UTC";
    case Text::LogoutTitle:
      return "Sign out";
    case Text::LogoutQuestion:
      return "Sign out of oneID?";
    case Text::LogoutForService:
      return "{} asked to sign you out.";
    case Text::LogoutSubmit:
      return "Sign out";
    case Text::CheckYourMailTitle:
      return "Check your e-mail";
    case Text::CheckYourMailBody:
      return "We have sent a message to the address you entered. Open the link in it to continue. "
             "If it does not arrive, please check your spam folder.";
    case Text::EmailVerifiedTitle:
      return "Your e-mail address is confirmed";
    case Text::EmailVerifiedBody:
      return "You can now sign in and use oneID.";
    case Text::PasswordChangedTitle:
      return "Your password has been changed";
    case Text::PasswordChangedBody:
      return "Please sign in with your new password.";
    case Text::SignedOutTitle:
      return "You have signed out";
    case Text::SignedOutBody:
      return "You have signed out of oneID. Thank you for using it.";
    case Text::AccountDeletedTitle:
      return "Your account has been deleted";
    case Text::AccountDeletedBody:
      return "Your oneID account has been deleted. Thank you for using oneID.";
    case Text::TotpEnabledTitle:
      return "Two-step verification is on";
    case Text::TotpEnabledBody:
      return "From now on, you also enter a code from your authenticator app when you sign in.";
    case Text::TotpDisabledTitle:
      return "Two-step verification is off";
    case Text::TotpDisabledBody:
      return "You no longer need a code to sign in.";
    case Text::InvalidClientTitle:
      return "Unknown service";
    case Text::InvalidClientBody:
      return "The service that sent you here is not registered with oneID. Please contact that "
             "service.";
    case Text::InvalidRedirectUriTitle:
      return "Unknown return address";
    case Text::InvalidRedirectUriBody:
      return "The address to return to after signing in is not registered for this service, so "
             "we cannot continue. Please contact that service.";
    case Text::BadRequestTitle:
      return "We cannot continue";
    case Text::BadRequestBody:
      return "Something is missing or wrong in this request.";
    case Text::MessageDetail:
      return "Details: {}";
    case Text::ContinueToLogin:
      return "Sign in";
    case Text::BackToAccount:
      return "Back to your account";
    case Text::VerificationMailSubject:
      return "oneID: please confirm your e-mail address";
    case Text::VerificationMailBody:
      return "Thank you for registering with oneID.\n"
             "\n"
             "Open the following link to confirm your e-mail address:\n"
             "\n"
             "{}\n"
             "\n"
             "If you did not register with oneID, someone may have typed your address by mistake. "
             "Do not open the link; just delete this e-mail. The account will not be activated.\n"
             "\n"
             "oneID\n";
    case Text::ResetMailSubject:
      return "oneID: reset your password";
    case Text::ResetMailBody:
      return "We received a request to reset the password of your oneID account.\n"
             "\n"
             "Open the following link to choose a new password:\n"
             "\n"
             "{}\n"
             "\n"
             "If you did not ask for this, do not open the link; just delete this e-mail. Your "
             "password will not change.\n"
             "\n"
             "oneID\n";
    case Text::AlreadyRegisteredMailSubject:
      return "oneID: someone tried to register with your address";
    case Text::AlreadyRegisteredMailBody:
      return "Someone tried to create a oneID account with this e-mail address, but it already "
             "has an account.\n"
             "\n"
             "If it was you and you have forgotten your password, you can choose a new one here:\n"
             "\n"
             "{}\n"
             "\n"
             "If it was not you, just delete this e-mail. Nothing has changed in your account.\n"
             "\n"
             "oneID\n";
  }
  return {};
}

}  // namespace tsunagu::api::oidc::pages
