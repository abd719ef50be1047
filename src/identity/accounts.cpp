#include "identity/accounts.hpp"

#include <algorithm>

#include "identity/crypto.hpp"
#include "identity/totp.hpp"

namespace tsunagu::identity {
namespace {

using Problem = SignInProblem::Kind;

std::unexpected<SignInProblem> problem(Problem kind, std::chrono::seconds retry = {}) {
  return std::unexpected(SignInProblem{kind, retry, {}});
}

std::unexpected<SignInProblem> internal(const Error& e) {
  return std::unexpected(SignInProblem{Problem::Internal, {}, e.message});
}

std::unexpected<Error> bad(std::string title, std::string message) {
  return std::unexpected(Error{ErrorKind::BadRequestData, std::move(message), std::move(title)});
}

// The page's problem name for a password the policy refuses.
Status checked_password(std::string_view password, std::string_view email,
                        const PasswordPolicy& policy) {
  auto st = check_password(password, email, policy);
  if (st) return st;
  const auto& m = st.error().message;
  const char* title = m.find("at least") != std::string::npos  ? "password_too_short"
                      : m.find("at most") != std::string::npos ? "password_too_long"
                      : m.find("e-mail") != std::string::npos  ? "password_is_email"
                                                               : "invalid_password";
  return bad(title, m);
}

}  // namespace

std::optional<std::string> AccountService::normalized_email(std::string_view email) {
  if (email.empty() || email.size() > 254) return std::nullopt;
  const auto at = email.find('@');
  if (at == 0 || at == std::string_view::npos || at + 1 == email.size() ||
      email.find('@', at + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  std::string out;
  for (const char c : email) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '<' || c == '>' || c == ',' || c == ';' || c == '"') {
      return std::nullopt;
    }
    out.push_back(static_cast<char>(u < 0x80 ? std::tolower(u) : u));
  }
  if (out.find('.', at) == std::string::npos && out.substr(at + 1) != "localhost") {
    return std::nullopt;  // a domain without a dot cannot receive mail from the internet
  }
  return out;
}

Result<std::string> AccountService::mail_token(const store::AccountRecord& account,
                                               store::MailPurpose purpose,
                                               std::chrono::seconds lifetime) {
  auto token = random_token();
  store::MailTokenRecord record{secret_hash(token), account.id, purpose, clock_.now() + lifetime};
  if (auto st = store_.add_mail_token(record); !st) return std::unexpected(st.error());
  return token;
}

Status AccountService::register_account(std::string_view email, std::string_view password,
                                        std::string_view name, std::string_view locale) {
  const auto address = normalized_email(email);
  if (!address) return bad("invalid_email", "this is not an e-mail address");
  if (auto st = checked_password(password, *address, settings_.password_policy); !st) return st;
  const std::string lang = locale == "en" ? "en" : "ja";

  auto existing = store_.account_by_email(*address);
  if (!existing) return std::unexpected(existing.error());
  if (*existing) {
    // Tell the owner, not the person registering: the page says "check your mail" either way.
    // The hash costs the time a new account would, so the answer's timing says nothing either.
    (void)hash_password(password, settings_.argon2);
    auto token =
        mail_token(**existing, store::MailPurpose::ResetPassword, settings_.reset_link_lifetime);
    if (!token) return std::unexpected(token.error());
    return mailer_(OutgoingMail{OutgoingMail::Kind::AlreadyRegistered, (*existing)->email,
                                (*existing)->locale, *token});
  }
  auto hash = hash_password(password, settings_.argon2);
  if (!hash) return std::unexpected(hash.error());
  store::AccountRecord account;
  account.id = random_token();
  account.email = *address;
  account.password_hash = std::move(*hash);
  account.name = std::string(name);
  account.locale = lang;
  account.created = clock_.now();
  if (auto st = store_.add_account(account); !st) {
    // Registered by a request racing this one: the page says "check your mail" either way.
    return st.error().kind == ErrorKind::AlreadyExists ? ok() : st;
  }
  auto token = mail_token(account, store::MailPurpose::VerifyEmail, settings_.verify_link_lifetime);
  if (!token) return std::unexpected(token.error());
  return mailer_(OutgoingMail{OutgoingMail::Kind::VerifyEmail, account.email, lang, *token});
}

Result<store::AccountRecord> AccountService::verify_email(std::string_view token) {
  auto record =
      store_.take_mail_token(secret_hash(token), store::MailPurpose::VerifyEmail, clock_.now());
  if (!record) return std::unexpected(record.error());
  if (!*record) return fail(ErrorKind::ResourceNotFound, "the link is expired or was used");
  auto account = store_.account((*record)->account_id);
  if (!account) return std::unexpected(account.error());
  if (!*account) return fail(ErrorKind::ResourceNotFound, "the account no longer exists");
  (*account)->email_verified = true;
  if (auto st = store_.update_account(**account); !st) return std::unexpected(st.error());
  return **account;
}

SignInResult<void> AccountService::check_password_of(const store::AccountRecord& account,
                                                     std::string_view password,
                                                     std::string_view address) {
  if (auto wait = throttle_.blocked(account.email, address)) {
    return problem(Problem::TooManyAttempts, *wait);
  }
  if (!verify_password(account.password_hash, password)) {
    throttle_.failed(account.email, address);
    return problem(Problem::WrongCredentials);
  }
  return {};
}

SignInResult<SignedIn> AccountService::sign_in(std::string_view email, std::string_view password,
                                               std::string_view address) {
  const auto normalized = normalized_email(email).value_or(std::string(email));
  if (auto wait = throttle_.blocked(normalized, address)) {
    return problem(Problem::TooManyAttempts, *wait);
  }
  auto found = store_.account_by_email(normalized);
  if (!found) return internal(found.error());
  if (!*found) {
    verify_dummy_password(password);
    throttle_.failed(normalized, address);
    return problem(Problem::WrongCredentials);
  }
  const auto& account = **found;
  if (auto checked = check_password_of(account, password, address); !checked) {
    return std::unexpected(checked.error());
  }
  if (!account.email_verified) {
    // The password was right: a fresh link helps the owner, and tells nobody else anything.
    if (auto token =
            mail_token(account, store::MailPurpose::VerifyEmail, settings_.verify_link_lifetime)) {
      (void)mailer_(
          OutgoingMail{OutgoingMail::Kind::VerifyEmail, account.email, account.locale, *token});
    }
    return problem(Problem::EmailNotVerified);
  }
  if (password_needs_rehash(account.password_hash, settings_.argon2)) {
    if (auto hash = hash_password(password, settings_.argon2)) {
      auto updated = account;
      updated.password_hash = std::move(*hash);
      (void)store_.update_account(updated);
    }
  }
  auto signed_in = open_session(account, account.totp_secret.has_value());
  if (!signed_in) return internal(signed_in.error());
  if (!account.totp_secret) throttle_.succeeded(account.email, address);
  return std::move(*signed_in);
}

SignInResult<SignedIn> AccountService::sign_in_upstream(const UpstreamIdentity& who) {
  auto linked = store_.linked_account(who.provider, who.subject);
  if (!linked) return internal(linked.error());
  std::optional<store::AccountRecord> account;
  if (*linked) {
    auto found = store_.account(**linked);
    if (!found) return internal(found.error());
    account = std::move(*found);
  }
  if (!account) {
    const auto address = normalized_email(who.email);
    if (!address || !who.email_verified) return problem(Problem::EmailNotVerified);
    auto found = store_.account_by_email(*address);
    if (!found) return internal(found.error());
    if (*found && !(*found)->email_verified) {
      // Someone registered the address here without proving it: linking would hand the
      // upstream's resident an account whose password a stranger chose.
      return problem(Problem::EmailNotVerified);
    }
    if (!*found) {
      store::AccountRecord fresh;
      fresh.id = random_token();
      fresh.email = *address;
      fresh.email_verified = true;
      fresh.name = who.name;
      fresh.locale = "ja";
      fresh.created = clock_.now();
      if (auto st = store_.add_account(fresh); !st) return internal(st.error());
      *found = std::move(fresh);
    }
    if (auto st = store_.link_account(who.provider, who.subject, (*found)->id, clock_.now());
        !st && st.error().kind != ErrorKind::AlreadyExists) {
      return internal(st.error());
    }
    account = std::move(*found);
  }
  auto signed_in = open_session(*account, false);
  if (!signed_in) return internal(signed_in.error());
  signed_in->session.amr = {"fed"};
  if (auto st = store_.update_session(signed_in->session); !st) return internal(st.error());
  return std::move(*signed_in);
}

Result<SignedIn> AccountService::open_session(const store::AccountRecord& account,
                                              bool second_factor_pending) {
  const auto now = clock_.now();
  SignedIn out;
  out.session_token = random_token();
  out.session.id_hash = secret_hash(out.session_token);
  out.session.account_id = account.id;
  out.session.created = now;
  out.session.expires = now + settings_.session_lifetime;
  out.session.auth_time = now;
  out.session.second_factor_pending = second_factor_pending;
  out.session.amr = {"pwd"};
  out.account = account;
  if (auto st = store_.add_session(out.session); !st) return std::unexpected(st.error());
  return out;
}

SignInResult<SignedIn> AccountService::second_factor(std::string_view session_token,
                                                     std::string_view code,
                                                     std::string_view address) {
  auto current_session = current(session_token, /*allow_pending=*/true);
  if (!current_session) return internal(current_session.error());
  if (!*current_session || !(*current_session)->session.second_factor_pending ||
      !(*current_session)->account.totp_secret) {
    return problem(Problem::WrongCode);
  }
  auto signed_in = std::move(**current_session);
  const auto& account = signed_in.account;
  if (auto wait = throttle_.blocked(account.email, address)) {
    return problem(Problem::TooManyAttempts, *wait);
  }
  const auto key = base32_decode(*account.totp_secret);
  const auto step =
      key ? verify_totp(*key, code, clock_.now(), account.totp_last_step) : std::nullopt;
  auto used = step ? store_.use_totp_step(account.id, *step) : Result<bool>(false);
  if (!used) return internal(used.error());
  if (!*used) {
    throttle_.failed(account.email, address);
    return problem(Problem::WrongCode);
  }
  throttle_.succeeded(account.email, address);
  signed_in.session.second_factor_pending = false;
  signed_in.session.auth_time = clock_.now();
  signed_in.session.amr = {"pwd", "otp", "mfa"};
  if (auto st = store_.update_session(signed_in.session); !st) return internal(st.error());
  return signed_in;
}

Result<std::optional<SignedIn>> AccountService::current(std::string_view session_token,
                                                        bool allow_pending) {
  if (session_token.empty()) return std::optional<SignedIn>();
  auto session = store_.session(secret_hash(session_token), clock_.now());
  if (!session) return std::unexpected(session.error());
  if (!*session || ((*session)->second_factor_pending && !allow_pending)) {
    return std::optional<SignedIn>();
  }
  auto account = store_.account((*session)->account_id);
  if (!account) return std::unexpected(account.error());
  if (!*account) return std::optional<SignedIn>();
  return std::optional<SignedIn>(
      SignedIn{std::string(session_token), std::move(**session), std::move(**account)});
}

Status AccountService::sign_out(std::string_view session_token) {
  if (session_token.empty()) return ok();
  return store_.end_session(secret_hash(session_token));
}

Status AccountService::request_reset(std::string_view email) {
  const auto address = normalized_email(email);
  if (!address) return bad("invalid_email", "this is not an e-mail address");
  auto account = store_.account_by_email(*address);
  if (!account) return std::unexpected(account.error());
  if (!*account) return ok();
  auto token =
      mail_token(**account, store::MailPurpose::ResetPassword, settings_.reset_link_lifetime);
  if (!token) return std::unexpected(token.error());
  return mailer_(OutgoingMail{OutgoingMail::Kind::ResetPassword, (*account)->email,
                              (*account)->locale, *token});
}

Status AccountService::reset_password(std::string_view token, std::string_view new_password) {
  // The rules that need no address are checked before the link is used, so that a refused
  // password leaves it usable; only the rarer "the password is the address" puts it back.
  if (auto st = checked_password(new_password, {}, settings_.password_policy); !st) return st;
  auto record =
      store_.take_mail_token(secret_hash(token), store::MailPurpose::ResetPassword, clock_.now());
  if (!record) return std::unexpected(record.error());
  if (!*record) return fail(ErrorKind::ResourceNotFound, "the link is expired or was used");
  auto account = store_.account((*record)->account_id);
  if (!account) return std::unexpected(account.error());
  if (!*account) return fail(ErrorKind::ResourceNotFound, "the account no longer exists");
  if (auto st = checked_password(new_password, (*account)->email, settings_.password_policy); !st) {
    (void)store_.add_mail_token(**record);  // the link stays good for a better password
    return st;
  }
  auto hash = hash_password(new_password, settings_.argon2);
  if (!hash) return std::unexpected(hash.error());
  if (auto st = store_.set_password((*account)->id, *hash); !st) return st;
  // Following the link proved the address.
  if (!(*account)->email_verified) {
    auto updated = store_.account((*account)->id);
    if (updated && *updated) {
      (*updated)->email_verified = true;
      (void)store_.update_account(**updated);
    }
  }
  return ok();
}

std::string AccountService::new_totp_secret() const {
  return base32_encode(identity::new_totp_secret());
}

Status AccountService::enable_totp(const store::AccountRecord& account, std::string_view secret,
                                   std::string_view code) {
  const auto key = base32_decode(secret);
  if (!key || key->size() < 16) return bad("wrong_code", "the TOTP secret is not valid");
  const auto step = verify_totp(*key, code, clock_.now(), std::nullopt);
  if (!step) return bad("wrong_code", "the code does not match the secret");
  auto updated = account;
  updated.totp_secret = base32_encode(*key);
  updated.totp_last_step = *step;
  return store_.update_account(updated);
}

SignInResult<void> AccountService::disable_totp(const store::AccountRecord& account,
                                                std::string_view password,
                                                std::string_view address) {
  if (auto checked = check_password_of(account, password, address); !checked) return checked;
  auto updated = account;
  updated.totp_secret.reset();
  updated.totp_last_step.reset();
  if (auto st = store_.update_account(updated); !st) return internal(st.error());
  return {};
}

SignInResult<void> AccountService::delete_account(const store::AccountRecord& account,
                                                  std::string_view password,
                                                  std::string_view address) {
  if (auto checked = check_password_of(account, password, address); !checked) return checked;
  if (before_delete_) {
    if (auto st = before_delete_(account.id); !st) return internal(st.error());
  }
  auto deleted = store_.delete_account(account.id);
  if (!deleted) return internal(deleted.error());
  return {};
}

}  // namespace tsunagu::identity
