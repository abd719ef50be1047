// The resident's side of oneID (docs/design/identity.md, "Residents"): the authorization
// endpoint of the code flow (OpenID Connect Core 3.1.2), sign-in with the optional second
// factor, consent, registration with e-mail verification, password reset, the account page and
// sign-out (the pages about the resident's personal data are in personal_data_pages.cpp). Every
// answer is a page or a redirect; every POST needs the CSRF token.

#include "api/oidc/browser.hpp"
#include "api/oidc/oidc.hpp"
#include "api/oidc/personal_data_pages.hpp"
#include "identity/totp.hpp"

namespace tsunagu::api::oidc {
namespace {

using identity::SignInProblem;

Problem page_problem(SignInProblem::Kind kind) {
  switch (kind) {
    case SignInProblem::Kind::WrongCredentials:
      return Problem::WrongCredentials;
    case SignInProblem::Kind::TooManyAttempts:
      return Problem::TooManyAttempts;
    case SignInProblem::Kind::EmailNotVerified:
      return Problem::EmailNotVerified;
    case SignInProblem::Kind::WrongCode:
      return Problem::WrongCode;
    case SignInProblem::Kind::Internal:
      break;
  }
  return Problem::SessionExpired;
}

int problem_status(SignInProblem::Kind kind) {
  switch (kind) {
    case SignInProblem::Kind::TooManyAttempts:
      return 429;
    case SignInProblem::Kind::EmailNotVerified:
      return 403;
    case SignInProblem::Kind::Internal:
      return 500;
    default:
      return 401;
  }
}

// The page's problem for a refusal of the account service (its title names it).
Problem form_problem(const Error& e) {
  if (e.title == "invalid_email") return Problem::InvalidEmail;
  if (e.title == "password_too_short") return Problem::PasswordTooShort;
  if (e.title == "password_too_long") return Problem::PasswordTooLong;
  if (e.title == "password_is_email") return Problem::PasswordIsEmail;
  if (e.title == "wrong_code") return Problem::WrongCode;
  if (e.title == "wrong_password") return Problem::WrongCredentials;
  return Problem::SessionExpired;
}

class BrowserRoutes {
 public:
  explicit BrowserRoutes(const OidcDeps& deps) : deps_(deps), browser_(deps.secure_cookies) {}

  const Browser& browser() const { return browser_; }

  // GET or POST /oauth2/authorize.
  void authorize(http::Request&& req, http::Responder respond) {
    auto b = browser_.open(req);
    identity::Parameters params{[&](std::string_view n) { return Browser::field(b, n); },
                                [&](std::string_view n) {
                                  return std::count_if(
                                             b.form.begin(), b.form.end(),
                                             [&](const auto& kv) { return kv.first == n; }) > 1;
                                }};
    auto checked = deps_.authorization.check(params);
    if (!checked) {
      const auto& e = checked.error();
      if (!e.to_client) {
        const auto message =
            e.description.find("client is not") != std::string::npos  ? Message::InvalidClient
            : e.description.find("redirect_uri") != std::string::npos ? Message::InvalidRedirectUri
                                                                      : Message::BadRequest;
        return respond(browser_.page(b, 400, render_message({b.locale, message, e.description})));
      }
      identity::AuthorizationRequest r;
      r.redirect_uri = *Browser::field(b, "redirect_uri");
      r.state = Browser::field(b, "state").value_or("");
      return respond(
          browser_.redirect(b, deps_.authorization.redirect_with_error(r, e.error, e.description)));
    }
    auto signed_in = deps_.accounts.current(b.session_token);
    if (!signed_in) return respond(internal(b, signed_in.error()));
    if (checked->prompt.contains("none")) return respond(silently(b, *checked, *signed_in));
    auto id = deps_.authorization.save(*checked);
    if (!id) return respond(internal(b, id.error()));
    respond(go_on(b, *id, *checked, *signed_in));
  }

  // GET /account/login: sign-in without a client (to reach the account page).
  void login_page(http::Request&& req, http::Responder respond) {
    auto b = browser_.open(req);
    const auto request = Browser::field(b, kFieldRequest);
    respond(login(b, 200, request, Problem::None));
  }

  // POST /account/login.
  void login_submit(http::Request&& req, http::Responder respond) {
    auto b = browser_.open(req);
    const auto request_id = Browser::field(b, kFieldRequest);
    if (!browser_.csrf_ok(b)) return respond(login(b, 403, request_id, Problem::SessionExpired));
    const auto email = Browser::field(b, kFieldEmail).value_or("");
    auto signed_in =
        deps_.accounts.sign_in(email, Browser::field(b, kFieldPassword).value_or(""), b.address);
    if (!signed_in) {
      const auto& p = signed_in.error();
      auto res = login(b, problem_status(p.kind), request_id, page_problem(p.kind), email,
                       minutes(p.retry_after));
      if (p.kind == SignInProblem::Kind::TooManyAttempts) {
        res.header("Retry-After", std::to_string(p.retry_after.count()));
      }
      return respond(std::move(res));
    }
    browser_.set_session(b, signed_in->session_token, deps_.accounts.settings().session_lifetime);
    if (signed_in->session.second_factor_pending) {
      TotpView view{browser_.base(b, request_id)};
      return respond(browser_.page(b, 200, render_totp(view)));
    }
    respond(after_sign_in(b, request_id, *signed_in));
  }

  // POST /account/login/totp.
  void totp_submit(http::Request&& req, http::Responder respond) {
    auto b = browser_.open(req);
    const auto request_id = Browser::field(b, kFieldRequest);
    TotpView view{browser_.base(b, request_id)};
    if (!browser_.csrf_ok(b)) {
      view.problem = Problem::SessionExpired;
      return respond(browser_.page(b, 403, render_totp(view)));
    }
    auto signed_in = deps_.accounts.second_factor(
        b.session_token, Browser::field(b, kFieldCode).value_or(""), b.address);
    if (!signed_in) {
      const auto& p = signed_in.error();
      view.problem = page_problem(p.kind);
      view.retry_minutes = minutes(p.retry_after);
      auto res = browser_.page(b, problem_status(p.kind), render_totp(view));
      if (p.kind == SignInProblem::Kind::TooManyAttempts) {
        res.header("Retry-After", std::to_string(p.retry_after.count()));
      }
      return respond(std::move(res));
    }
    respond(after_sign_in(b, request_id, *signed_in));
  }

  // GET /oauth2/consent?request=...: the consent page again (its language switch).
  void consent_page(http::Request&& req, http::Responder respond) {
    auto b = browser_.open(req);
    const auto request_id = Browser::field(b, kFieldRequest).value_or("");
    auto request = deps_.authorization.load(request_id);
    if (!request) return respond(internal(b, request.error()));
    if (!*request) return respond(expired(b));
    auto signed_in = deps_.accounts.current(b.session_token);
    if (!signed_in) return respond(internal(b, signed_in.error()));
    respond(go_on(b, request_id, **request, *signed_in));
  }

  // GET /account/login/totp: the second-factor page again (its language switch).
  void totp_page(http::Request&& req, http::Responder respond) {
    auto b = browser_.open(req);
    auto pending = deps_.accounts.current(b.session_token, /*allow_pending=*/true);
    if (!pending) return respond(internal(b, pending.error()));
    if (!*pending || !(*pending)->session.second_factor_pending) return respond(expired(b));
    TotpView view{browser_.base(b, Browser::field(b, kFieldRequest))};
    respond(browser_.page(b, 200, render_totp(view)));
  }

  // POST /oauth2/consent.
  void consent_submit(http::Request&& req, http::Responder respond) {
    auto b = browser_.open(req);
    const auto request_id = Browser::field(b, kFieldRequest).value_or("");
    auto request = deps_.authorization.load(request_id);
    if (!request) return respond(internal(b, request.error()));
    if (!*request) return respond(expired(b));
    if (!browser_.csrf_ok(b)) {
      // Like every other form: 403, nothing decided, and the page again with a valid token.
      ConsentView view{browser_.base(b, request_id)};
      view.problem = Problem::SessionExpired;
      view.client_name = (*request)->client_name;
      view.scopes = (*request)->scopes;
      return respond(browser_.page(b, 403, render_consent(view)));
    }
    auto signed_in = deps_.accounts.current(b.session_token);
    if (!signed_in) return respond(internal(b, signed_in.error()));
    if (!*signed_in) return respond(login(b, 401, request_id, Problem::SessionExpired));
    (void)deps_.authorization.forget(request_id);
    if (Browser::field(b, kFieldDecision) != "allow") {
      return respond(
          browser_.redirect(b, deps_.authorization.redirect_with_error(
                                   **request, "access_denied", "the resident did not consent")));
    }
    if (auto st = deps_.authorization.record_consent(**request, (*signed_in)->account.id); !st) {
      return respond(internal(b, st.error()));
    }
    respond(code_redirect(b, **request, (*signed_in)->session));
  }

  // GET /account/register and POST /account/register.
  void register_page(http::Request&& req, http::Responder respond) {
    auto b = browser_.open(req);
    RegisterView view{browser_.base(b, Browser::field(b, kFieldRequest))};
    respond(browser_.page(b, 200, render_register(view)));
  }

  void register_submit(http::Request&& req, http::Responder respond) {
    auto b = browser_.open(req);
    RegisterView view{browser_.base(b, Browser::field(b, kFieldRequest))};
    view.email = Browser::field(b, kFieldEmail).value_or("");
    view.name = Browser::field(b, kFieldName).value_or("");
    view.min_password_length =
        static_cast<unsigned>(deps_.accounts.settings().password_policy.min_length);
    if (!browser_.csrf_ok(b)) {
      view.problem = Problem::SessionExpired;
      return respond(browser_.page(b, 403, render_register(view)));
    }
    auto st =
        deps_.accounts.register_account(view.email, Browser::field(b, kFieldPassword).value_or(""),
                                        view.name, language_tag(b.locale));
    if (!st) {
      if (st.error().kind != ErrorKind::BadRequestData) return respond(internal(b, st.error()));
      view.problem = form_problem(st.error());
      return respond(browser_.page(b, 400, render_register(view)));
    }
    respond(message(b, 200, Message::CheckYourMail));
  }

  // GET /account/verify?token=...
  void verify(http::Request&& req, http::Responder respond) {
    auto b = browser_.open(req);
    auto verified = deps_.accounts.verify_email(Browser::field(b, kFieldToken).value_or(""));
    if (!verified) {
      if (verified.error().kind != ErrorKind::ResourceNotFound) {
        return respond(internal(b, verified.error()));
      }
      return respond(message(b, 400, Message::BadRequest, "the link is expired or was used"));
    }
    respond(message(b, 200, Message::EmailVerified));
  }

  // GET and POST /account/password/forgot.
  void forgot_page(http::Request&& req, http::Responder respond) {
    auto b = browser_.open(req);
    ForgotPasswordView view{browser_.base(b, Browser::field(b, kFieldRequest))};
    respond(browser_.page(b, 200, render_forgot_password(view)));
  }

  void forgot_submit(http::Request&& req, http::Responder respond) {
    auto b = browser_.open(req);
    ForgotPasswordView view{browser_.base(b, Browser::field(b, kFieldRequest))};
    view.email = Browser::field(b, kFieldEmail).value_or("");
    if (!browser_.csrf_ok(b)) {
      view.problem = Problem::SessionExpired;
      return respond(browser_.page(b, 403, render_forgot_password(view)));
    }
    if (auto st = deps_.accounts.request_reset(view.email); !st) {
      if (st.error().kind != ErrorKind::BadRequestData) return respond(internal(b, st.error()));
      view.problem = Problem::InvalidEmail;
      return respond(browser_.page(b, 400, render_forgot_password(view)));
    }
    respond(message(b, 200, Message::CheckYourMail));
  }

  // GET and POST /account/password/reset.
  void reset_page(http::Request&& req, http::Responder respond) {
    auto b = browser_.open(req);
    ResetPasswordView view{browser_.base(b)};
    view.token = Browser::field(b, kFieldToken).value_or("");
    view.min_password_length =
        static_cast<unsigned>(deps_.accounts.settings().password_policy.min_length);
    respond(browser_.page(b, 200, render_reset_password(view)));
  }

  void reset_submit(http::Request&& req, http::Responder respond) {
    auto b = browser_.open(req);
    ResetPasswordView view{browser_.base(b)};
    view.token = Browser::field(b, kFieldToken).value_or("");
    view.min_password_length =
        static_cast<unsigned>(deps_.accounts.settings().password_policy.min_length);
    if (!browser_.csrf_ok(b)) {
      view.problem = Problem::SessionExpired;
      return respond(browser_.page(b, 403, render_reset_password(view)));
    }
    auto st = deps_.accounts.reset_password(view.token,
                                            Browser::field(b, kFieldNewPassword).value_or(""));
    if (!st) {
      const auto kind = st.error().kind;
      if (kind == ErrorKind::ResourceNotFound)
        view.problem = Problem::LinkExpired;
      else if (kind == ErrorKind::BadRequestData)
        view.problem = form_problem(st.error());
      else
        return respond(internal(b, st.error()));
      return respond(browser_.page(b, 400, render_reset_password(view)));
    }
    respond(message(b, 200, Message::PasswordChanged));
  }

  // GET /account.
  void account(http::Request&& req, http::Responder respond) {
    auto b = browser_.open(req);
    auto signed_in = deps_.accounts.current(b.session_token);
    if (!signed_in) return respond(internal(b, signed_in.error()));
    if (!*signed_in) return respond(browser_.redirect(b, "/account/login"));
    respond(account_page(b, 200, (*signed_in)->account, Problem::None));
  }

  // POST /account/totp, /account/totp/disable, /account/delete, /account/logout.
  void account_action(http::Request&& req, http::Responder respond) {
    auto b = browser_.open(req);
    auto signed_in = deps_.accounts.current(b.session_token);
    if (!signed_in) return respond(internal(b, signed_in.error()));
    if (!*signed_in) return respond(browser_.redirect(b, "/account/login"));
    const auto& account = (*signed_in)->account;
    if (!browser_.csrf_ok(b))
      return respond(account_page(b, 403, account, Problem::SessionExpired));
    const auto password = Browser::field(b, kFieldPassword).value_or("");
    if (req.path == "/account/logout") {
      (void)deps_.accounts.sign_out(b.session_token);
      browser_.clear_session(b);
      return respond(message(b, 200, Message::SignedOut));
    }
    if (req.path == "/account/delete" || req.path == "/account/totp/disable") {
      const bool deleting = req.path == "/account/delete";
      auto done = deleting ? deps_.accounts.delete_account(account, password, b.address)
                           : deps_.accounts.disable_totp(account, password, b.address);
      if (!done) {
        const auto& p = done.error();
        auto res = account_page(b, problem_status(p.kind), account, page_problem(p.kind),
                                deleting ? AccountForm::Delete : AccountForm::TotpDisable);
        if (p.kind == SignInProblem::Kind::TooManyAttempts) {
          res.header("Retry-After", std::to_string(p.retry_after.count()));
        }
        return respond(std::move(res));
      }
      if (!deleting) return respond(message(b, 200, Message::TotpDisabled));
      // Access tokens already issued for the account end now, not when they expire.
      if (auto st = deps_.tokens.revoke_subject(account.id); !st) {
        return respond(internal(b, st.error()));
      }
      browser_.clear_session(b);
      return respond(message(b, 200, Message::AccountDeleted));
    }
    auto st = deps_.accounts.enable_totp(account, Browser::field(b, kFieldToken).value_or(""),
                                         Browser::field(b, kFieldCode).value_or(""));
    if (!st) {
      if (st.error().kind != ErrorKind::BadRequestData) return respond(internal(b, st.error()));
      return respond(
          account_page(b, 400, account, form_problem(st.error()), AccountForm::TotpEnable));
    }
    respond(message(b, 200, Message::TotpEnabled));
  }

  // GET or POST /oauth2/logout (OpenID Connect RP-Initiated Logout 1.0). With an id_token_hint
  // of the signed-in resident and a registered post_logout_redirect_uri the session ends at
  // once and the browser goes back to the client; otherwise the resident is asked first (the
  // confirming POST carries the CSRF token), since anyone could link here.
  void logout(http::Request&& req, http::Responder respond) {
    auto b = browser_.open(req);
    auto signed_in = deps_.accounts.current(b.session_token, /*allow_pending=*/true);
    if (!signed_in) return respond(internal(b, signed_in.error()));
    // The confirmation page's form is the only POST here that carries a CSRF token (a client
    // may POST the logout request itself, without one).
    const bool confirmed = req.method == "POST" && Browser::field(b, kFieldCsrf).has_value();
    if (confirmed && !browser_.csrf_ok(b)) {
      return respond(browser_.page(b, 403, render_logout({browser_.base(b), {}})));
    }
    std::optional<std::string> back;  // where to send the browser afterwards
    std::string client_name;
    if (auto hint = Browser::field(b, "id_token_hint")) {
      auto claims = deps_.tokens.verify_id_token_hint(*hint);
      if (!claims) return respond(message(b, 400, Message::BadRequest, claims.error().message));
      auto client = deps_.clients.get(claims->client_id);
      if (client) client_name = client->name;
      const auto uri = Browser::field(b, "post_logout_redirect_uri");
      if (uri && client &&
          std::find(client->redirect_uris.begin(), client->redirect_uris.end(), *uri) !=
              client->redirect_uris.end()) {
        back = identity::append_query(*uri, {{"state", Browser::field(b, "state").value_or("")}});
      } else if (uri) {
        return respond(message(b, 400, Message::InvalidRedirectUri,
                               "post_logout_redirect_uri is not registered for the client"));
      }
      const bool same_resident = !*signed_in || (*signed_in)->account.id == claims->subject;
      if (same_resident && !confirmed) {
        (void)deps_.accounts.sign_out(b.session_token);
        browser_.clear_session(b);
        return respond(back ? browser_.redirect(b, *back) : message(b, 200, Message::SignedOut));
      }
    }
    if (!confirmed) {
      LogoutView view{browser_.base(b), client_name};
      return respond(browser_.page(b, 200, render_logout(view)));
    }
    (void)deps_.accounts.sign_out(b.session_token);
    browser_.clear_session(b);
    respond(message(b, 200, Message::SignedOut));
  }

  // GET /account/upstream/{provider}?request=...: off to the upstream provider's sign-in.
  void upstream_start(http::Request&& req, http::Responder respond) {
    auto b = browser_.open(req);
    auto* provider = upstream(req.param("provider"));
    if (!provider) return respond(message(b, 404, Message::BadRequest, "no such provider"));
    auto location =
        provider->begin(callback_of(*provider), Browser::field(b, kFieldRequest).value_or(""));
    if (!location) {
      return respond(message(b, 502, Message::BadRequest,
                             provider->settings().name + ": " + location.error().message));
    }
    respond(browser_.redirect(b, std::move(*location)));
  }

  // GET /account/upstream/{provider}/callback?code=...&state=...: back from the upstream.
  void upstream_callback(http::Request&& req, http::Responder respond) {
    auto b = browser_.open(req);
    auto* provider = upstream(req.param("provider"));
    if (!provider) return respond(message(b, 404, Message::BadRequest, "no such provider"));
    if (auto error = Browser::field(b, "error")) {
      return respond(
          message(b, 400, Message::BadRequest, provider->settings().name + ": " + *error));
    }
    auto done = provider->finish(Browser::field(b, "state").value_or(""),
                                 Browser::field(b, "code").value_or(""));
    if (!done) {
      const int status = done.error().kind == ErrorKind::Unauthorized ? 400 : 502;
      return respond(message(b, status, Message::BadRequest, done.error().message));
    }
    auto signed_in = deps_.accounts.sign_in_upstream(done->identity);
    if (!signed_in) {
      const auto& p = signed_in.error();
      if (p.kind == SignInProblem::Kind::Internal) {
        return respond(message(b, 500, Message::BadRequest, p.message));
      }
      std::optional<std::string> request;
      if (!done->request_id.empty()) request = done->request_id;
      return respond(login(b, problem_status(p.kind), request, page_problem(p.kind)));
    }
    browser_.set_session(b, signed_in->session_token, deps_.accounts.settings().session_lifetime);
    std::optional<std::string> request_id;
    if (!done->request_id.empty()) request_id = done->request_id;
    respond(after_sign_in(b, request_id, *signed_in));
  }

 private:
  identity::UpstreamProvider* upstream(const std::string& id) const {
    for (const auto& u : deps_.upstreams) {
      if (u->settings().id == id) return u.get();
    }
    return nullptr;
  }

  std::string callback_of(const identity::UpstreamProvider& provider) const {
    return deps_.tokens.settings()->issuer + "/account/upstream/" + provider.settings().id +
           "/callback";
  }

  static unsigned minutes(std::chrono::seconds s) {
    return static_cast<unsigned>((s.count() + 59) / 60);
  }

  http::Response internal(const BrowserRequest& b, const Error& e) const {
    return message(b, 500, Message::BadRequest, e.message);
  }

  http::Response message(const BrowserRequest& b, int status, Message m,
                         std::string detail = {}) const {
    return browser_.page(b, status, render_message({b.locale, m, std::move(detail)}));
  }

  http::Response expired(const BrowserRequest& b) const {
    return login(b, 400, std::nullopt, Problem::SessionExpired);
  }

  http::Response login(const BrowserRequest& b, int status, std::optional<std::string> request,
                       Problem problem, std::string email = {}, unsigned retry_minutes = 0) const {
    LoginView view{browser_.base(b, std::move(request))};
    view.problem = problem;
    view.retry_minutes = retry_minutes;
    view.email = std::move(email);
    if (view.request) {
      if (auto r = deps_.authorization.load(*view.request); r && *r) {
        view.client_name = (*r)->client_name;
        if (view.email.empty()) view.email = (*r)->login_hint;
      } else {
        view.request.reset();  // expired: sign in to the account page instead
      }
    }
    for (const auto& u : deps_.upstreams) {
      // Request ids are base64url: nothing in them needs escaping in a query.
      const auto href = "/account/upstream/" + u->settings().id +
                        (view.request ? "?request=" + *view.request : std::string());
      view.upstreams.push_back({href, u->settings().name});
    }
    return browser_.page(b, status, render_login(view));
  }

  http::Response account_page(const BrowserRequest& b, int status,
                              const store::AccountRecord& account, Problem problem,
                              std::optional<AccountForm> form = std::nullopt) const {
    AccountView view{browser_.base(b)};
    view.problem = problem;
    view.problem_form = form;
    view.email = account.email;
    view.name = account.name;
    view.email_verified = account.email_verified;
    view.totp_enabled = account.totp_secret.has_value();
    if (!view.totp_enabled) {
      view.totp_secret = deps_.accounts.new_totp_secret();
      view.totp_uri = identity::otpauth_uri("oneID", account.email, *view.totp_secret);
    }
    return browser_.page(b, status, render_account(view));
  }

  // After the password (and the code): on with the authorization request, or to the account.
  http::Response after_sign_in(BrowserRequest& b, const std::optional<std::string>& request_id,
                               const identity::SignedIn& signed_in) {
    if (!request_id) return browser_.redirect(b, "/account");
    auto request = deps_.authorization.load(*request_id);
    if (!request) return internal(b, request.error());
    if (!*request) return browser_.redirect(b, "/account");
    return go_on(b, *request_id, **request, signed_in);
  }

  http::Response go_on(BrowserRequest& b, const std::string& request_id,
                       const identity::AuthorizationRequest& request,
                       const std::optional<identity::SignedIn>& signed_in) {
    std::optional<store::SessionRecord> session;
    if (signed_in) session = signed_in->session;
    if (deps_.authorization.needs_sign_in(request, session)) {
      return login(b, 200, request_id, Problem::None, request.login_hint);
    }
    auto consent = deps_.authorization.needs_consent(request, signed_in->account.id);
    if (!consent) return internal(b, consent.error());
    if (*consent) {
      ConsentView view{browser_.base(b, request_id)};
      view.client_name = request.client_name;
      view.scopes = request.scopes;
      return browser_.page(b, 200, render_consent(view));
    }
    (void)deps_.authorization.forget(request_id);
    return code_redirect(b, request, signed_in->session);
  }

  // prompt=none: an answer at once, never a page (OpenID Connect Core 3.1.2.6).
  http::Response silently(BrowserRequest& b, const identity::AuthorizationRequest& request,
                          const std::optional<identity::SignedIn>& signed_in) {
    std::optional<store::SessionRecord> session;
    if (signed_in) session = signed_in->session;
    if (deps_.authorization.needs_sign_in(request, session)) {
      return browser_.redirect(b, deps_.authorization.redirect_with_error(
                                      request, "login_required", "the resident is not signed in"));
    }
    auto consent = deps_.authorization.needs_consent(request, signed_in->account.id);
    if (!consent) return internal(b, consent.error());
    if (*consent) {
      return browser_.redirect(b, deps_.authorization.redirect_with_error(
                                      request, "consent_required", "consent is needed"));
    }
    return code_redirect(b, request, signed_in->session);
  }

  http::Response code_redirect(BrowserRequest& b, const identity::AuthorizationRequest& request,
                               const store::SessionRecord& session) {
    auto location = deps_.authorization.redirect_with_code(request, session);
    if (!location) return internal(b, location.error());
    return browser_.redirect(b, std::move(*location));
  }

  const OidcDeps& deps_;
  const Browser browser_;
};

}  // namespace

void register_browser_routes(http::Router& router, const OidcDeps& deps) {
  auto routes = std::make_shared<BrowserRoutes>(deps);
  auto bind = [routes](void (BrowserRoutes::*fn)(http::Request&&, http::Responder)) {
    return [routes, fn](http::Request&& req, http::Responder respond) {
      ((*routes).*fn)(std::move(req), std::move(respond));
    };
  };
  router.add("GET", "/oauth2/authorize", bind(&BrowserRoutes::authorize));
  router.add("POST", "/oauth2/authorize", bind(&BrowserRoutes::authorize));
  router.add("GET", "/oauth2/consent", bind(&BrowserRoutes::consent_page));
  router.add("POST", "/oauth2/consent", bind(&BrowserRoutes::consent_submit));
  router.add("GET", "/account/login/totp", bind(&BrowserRoutes::totp_page));
  router.add("GET", "/account/login", bind(&BrowserRoutes::login_page));
  router.add("POST", "/account/login", bind(&BrowserRoutes::login_submit));
  router.add("POST", "/account/login/totp", bind(&BrowserRoutes::totp_submit));
  router.add("GET", "/account/register", bind(&BrowserRoutes::register_page));
  router.add("POST", "/account/register", bind(&BrowserRoutes::register_submit));
  router.add("GET", "/account/verify", bind(&BrowserRoutes::verify));
  router.add("GET", "/account/password/forgot", bind(&BrowserRoutes::forgot_page));
  router.add("POST", "/account/password/forgot", bind(&BrowserRoutes::forgot_submit));
  router.add("GET", "/account/password/reset", bind(&BrowserRoutes::reset_page));
  router.add("POST", "/account/password/reset", bind(&BrowserRoutes::reset_submit));
  router.add("GET", "/account", bind(&BrowserRoutes::account));
  router.add("GET", "/oauth2/logout", bind(&BrowserRoutes::logout));
  router.add("GET", "/account/upstream/{provider}", bind(&BrowserRoutes::upstream_start));
  router.add("GET", "/account/upstream/{provider}/callback",
             bind(&BrowserRoutes::upstream_callback));
  router.add("POST", "/oauth2/logout", bind(&BrowserRoutes::logout));
  for (const auto* path :
       {"/account/totp", "/account/totp/disable", "/account/delete", "/account/logout"}) {
    router.add("POST", path, bind(&BrowserRoutes::account_action));
  }
  // One Browser, so that one CSRF key signs the forms of every page; it lives as long as routes.
  register_personal_data_pages(router, deps,
                               std::shared_ptr<const Browser>(routes, &routes->browser()));
}

}  // namespace tsunagu::api::oidc
