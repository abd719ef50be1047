// oneID's resident side, driven as a browser and a client would drive it: registration with a
// mailed verification link, the authorization code flow with PKCE (OpenID Connect Core 3.1,
// RFC 7636), consent, the token endpoint's code and refresh grants (refresh tokens rotate, and a
// reused one ends its family: RFC 9700 4.14), userinfo, RP-initiated logout (OpenID Connect
// RP-Initiated Logout 1.0), the TOTP second factor (RFC 6238), password reset, CSRF protection of
// every form, and the sign-in throttle.
//
// The browser keeps its cookies itself (oidc_browser.hpp); mail is read from the outbox the server
// spools it to (<data-dir>/outbox), as no SMTP server is configured.

#include <algorithm>
#include <array>
#include <charconv>
#include <latch>
#include <set>
#include <thread>

#include "oidc_browser.hpp"
#include "oidc_support.hpp"

namespace tsunagu::it {
namespace {

namespace json = boost::json;

const std::string kRedirect = "http://127.0.0.1:9/cb";
const std::string kOtherRedirect = "http://127.0.0.1:9/other";
// A registered redirect URI with a query of its own, which the response keeps (RFC 6749 3.1.2).
const std::string kQueryRedirect = "http://127.0.0.1:9/cb?tenant=town";
const std::string kAuthorizePath = "/oauth2/authorize";
const std::string kConsentPath = "/oauth2/consent";
const std::string kUserinfoPath = "/oauth2/userinfo";
const std::string kLogoutPath = "/oauth2/logout";
const std::string kLoginPath = "/account/login";
const std::string kTotpPath = "/account/login/totp";
const std::string kRegisterPath = "/account/register";
const std::string kVerifyPath = "/account/verify";
const std::string kForgotPath = "/account/password/forgot";
const std::string kResetPath = "/account/password/reset";
const std::string kAccountPath = "/account";
const std::string kTypesPath = "/ngsi-ld/v1/types";
constexpr std::string_view kSessionCookie = "tsunagu_session";
constexpr std::string_view kCsrfCookie = "tsunagu_csrf";

// Texts of the English pages the tests recognise a page by.
constexpr std::string_view kCheckYourMail = "Check your e-mail";
constexpr std::string_view kEmailConfirmed = "Your e-mail address is confirmed";
constexpr std::string_view kConsentTitle = "Allow access";
constexpr std::string_view kLoginTitle = "Sign in";
constexpr std::string_view kTotpTitle = "Two-step verification";
constexpr std::string_view kWrongCredentials = "The e-mail address or the password is not correct.";
constexpr std::string_view kWrongCode = "The code is not correct or has already been used.";
constexpr std::string_view kTooManyAttempts = "Too many attempts.";
constexpr std::string_view kNotVerified = "Your e-mail address is not confirmed yet.";
constexpr std::string_view kPageExpired = "This page has expired.";
constexpr std::string_view kLinkExpired = "This link has expired or has already been used.";
constexpr std::string_view kUnknownService = "Unknown service";
constexpr std::string_view kUnknownReturnAddress = "Unknown return address";
constexpr std::string_view kCannotContinue = "We cannot continue";
constexpr std::string_view kTotpOn = "Two-step verification is on";
constexpr std::string_view kPasswordChanged = "Your password has been changed";

std::string value_of(const std::map<std::string, std::string>& params, const std::string& name) {
  const auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

Fields with(Fields fields, const std::string& name, const std::string& value) {
  std::erase_if(fields, [&](const auto& kv) { return kv.first == name; });
  fields.emplace_back(name, value);
  return fields;
}

Fields without(Fields fields, const std::string& name) {
  std::erase_if(fields, [&](const auto& kv) { return kv.first == name; });
  return fields;
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// `aud` of an ID token: the client id, as a string or inside an array.
bool audience_is(const json::value& claims, const std::string& client_id) {
  if (!claims.is_object() || !claims.as_object().contains("aud")) return false;
  const auto& aud = claims.at("aud");
  if (aud.is_string()) return aud.as_string() == client_id;
  return aud.is_array() && aud.as_array().size() == 1 &&
         aud.as_array()[0] == json::value(client_id);
}

std::int64_t number_of(const json::value& object, std::string_view name) {
  if (!object.is_object()) return -1;
  const auto* v = object.as_object().if_contains(name);
  return v != nullptr && v->is_int64() ? v->as_int64() : -1;
}

std::vector<std::string> strings_of(const json::value& object, std::string_view name) {
  std::vector<std::string> out;
  if (!object.is_object()) return out;
  const auto* v = object.as_object().if_contains(name);
  if (v == nullptr || !v->is_array()) return out;
  for (const auto& item : v->as_array()) {
    if (item.is_string()) out.emplace_back(item.as_string());
  }
  return out;
}

// A resident's account: an address and a password.
struct Account {
  std::string email;
  std::string password;
};

// What a client puts into its authorization request.
struct AuthRequest {
  std::string client_id;
  std::string redirect_uri = kRedirect;
  std::string response_type = "code";
  std::string scope = "openid email";
  std::string state;
  std::string nonce;
  std::string verifier;   // the PKCE code_verifier the client keeps
  std::string challenge;  // sent as code_challenge unless empty
  std::string method;     // sent as code_challenge_method unless empty
  std::string prompt;     // sent unless empty
  Fields extra = {};      // further parameters (max_age, ...)

  // GET /oauth2/authorize with the parameters in the query.
  std::string target() const { return kAuthorizePath + "?" + form(params()); }

  Fields params() const {
    Fields p = {{"client_id", client_id},
                {"redirect_uri", redirect_uri},
                {"response_type", response_type},
                {"scope", scope},
                {"state", state},
                {"nonce", nonce}};
    if (!challenge.empty()) p.emplace_back("code_challenge", challenge);
    if (!method.empty()) p.emplace_back("code_challenge_method", method);
    if (!prompt.empty()) p.emplace_back("prompt", prompt);
    p.insert(p.end(), extra.begin(), extra.end());
    return p;
  }
};

// The tokens of a successful token response.
struct Tokens {
  std::string access;
  std::string id;
  std::string refresh;
  json::value body;
};

// One server for the suite: every test registers its own accounts. All sign-ins come from
// 127.0.0.1, which the server blocks after 20 failed attempts within 10 minutes; the tests of
// this suite stay well below that (OidcCodeFlowThrottle, with its own server, goes further).
class OidcCodeFlow : public BrokerTest {
 public:
  static void SetUpTestSuite() {
    start_shared([](ServerProcess& server) {
      server.set_require_tokens(true);
      const auto dir = server.data_dir();
      clients_ = std::make_unique<Clients>(Clients{
          register_client(dir, "Town app", true, {kRedirect, kOtherRedirect, kQueryRedirect},
                          {"openid", "profile", "email", "ngsi-ld:read"}),
          register_client(dir, "Clinic portal", false, {kRedirect}, {"openid", "email"})});
    });
  }

  static void TearDownTestSuite() {
    BrokerTest::TearDownTestSuite();
    clients_.reset();
  }

 protected:
  // The public client (PKCE required) and the confidential one.
  static const ClientCredentials& app() { return clients_->app; }
  static const ClientCredentials& portal() { return clients_->portal; }
  // http://host:port: the issuer, as none is configured.
  static std::string issuer() {
    return "http://" + server().host() + ":" + std::to_string(server().port());
  }
  static std::filesystem::path outbox() { return server().data_dir() / "outbox"; }

  // A fresh address for this test.
  std::string new_email() {
    std::string name = test_name() + "-" + std::to_string(++emails_);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return name + "@example.com";
  }

  // Every link with `path` in the mails spooled to `email`.
  static std::vector<std::string> links_to(const std::string& email, const std::string& path) {
    std::vector<std::string> out;
    for (const auto& mail : spooled_mails(outbox(), email)) {
      for (auto& link : links_in(mail.body, path)) out.push_back(std::move(link));
    }
    return out;
  }

  // The registration form filled in and posted by a browser that opened it first.
  static Response register_with(Browser& b, const Account& a, const std::string& name = "Hanako") {
    const auto page = b.get(kRegisterPath);
    EXPECT_STATUS(page, 200);
    return b.submit(kRegisterPath, {{"email", a.email}, {"password", a.password}, {"name", name}});
  }

  // A new account; its address verified by following the mailed link unless `verify` is false.
  Account registered(bool verify = true) {
    Account a{new_email(), "correct horse battery " + std::to_string(emails_)};
    Browser b(server());
    const auto res = register_with(b, a);
    EXPECT_STATUS(res, 200);
    EXPECT_TRUE(contains(res.body, kCheckYourMail)) << res.body;
    if (verify) {
      const auto links = links_to(a.email, kVerifyPath);
      EXPECT_EQ(links.size(), 1U) << "verification links mailed to " << a.email;
      if (links.empty()) return a;
      const auto verified = b.get(target_of(links.back()));
      EXPECT_STATUS(verified, 200);
      EXPECT_TRUE(contains(verified.body, kEmailConfirmed)) << verified.body;
    }
    return a;
  }

  // Sign-in without a client: the browser lands on the account page (303 to /account).
  static Response sign_in(Browser& b, const Account& a) {
    EXPECT_STATUS(b.get(kLoginPath), 200);
    return b.submit(kLoginPath, {{"email", a.email}, {"password", a.password}});
  }

  // An authorization request of `client` with PKCE (S256) and a fresh state and nonce.
  AuthRequest request_for(const ClientCredentials& client,
                          const std::string& scope = "openid email") {
    AuthRequest r;
    r.client_id = client.id;
    r.scope = scope;
    r.state = "state-" + std::to_string(++requests_);
    r.nonce = "nonce-" + std::to_string(requests_) + "-" + test_name();
    r.verifier = pkce_verifier();
    r.challenge = pkce_s256(r.verifier);
    r.method = "S256";
    return r;
  }

  // The first authorization of `req` in a browser without a session: the login page, the
  // password, the consent page, "allow". Returns the last answer (a 303 to the client).
  static Response sign_in_and_consent(Browser& b, const Account& a, const AuthRequest& req) {
    const auto login = b.get(req.target());
    EXPECT_STATUS(login, 200);
    const auto request = input_value(login.body, "request");
    EXPECT_TRUE(request && !request->empty())
        << "no pending request in the login page: " << login.body;
    auto consent =
        b.submit(kLoginPath,
                 {{"email", a.email}, {"password", a.password}, {"request", request.value_or("")}});
    if (consent.status != 200) return consent;
    EXPECT_TRUE(contains(consent.body, kConsentTitle)) << consent.body;
    return allow(b, consent);
  }

  // "Allow" on the consent page `page`.
  static Response allow(Browser& b, const Response& page) { return decide(b, page, "allow"); }
  // The button `decision` ("allow" or "deny") of the consent page `page`.
  static Response decide(Browser& b, const Response& page, const std::string& decision) {
    const auto request = input_value(page.body, "request");
    EXPECT_TRUE(request.has_value()) << "no pending request in the consent page: " << page.body;
    return b.submit(kConsentPath, {{"decision", decision}, {"request", request.value_or("")}});
  }

  // The code of a successful authorization response (checking its redirect URI, state and iss);
  // "" with a failure recorded otherwise.
  static std::string code_of(const Response& res, const AuthRequest& req) {
    if (res.status != 303) {
      ADD_FAILURE() << "expected 303 to the client with a code, got " << res.status << ": "
                    << res.body;
      return {};
    }
    const auto location = res.header("Location");
    const auto params = query_of(location);
    EXPECT_EQ(without_query(location), req.redirect_uri) << location;
    EXPECT_EQ(params.count("error"), 0U) << location;
    EXPECT_EQ(value_of(params, "state"), req.state) << location;
    EXPECT_EQ(value_of(params, "iss"), issuer()) << location;
    EXPECT_FALSE(value_of(params, "code").empty()) << location;
    return value_of(params, "code");
  }

  // The parameters of an error sent back to the client (303 to its redirect URI); empty with a
  // failure recorded when the answer is something else.
  static std::map<std::string, std::string> error_redirect(const Response& res,
                                                           const AuthRequest& req) {
    if (res.status != 303) {
      ADD_FAILURE() << "expected 303 to the client with an error, got " << res.status << ": "
                    << res.body;
      return {};
    }
    const auto location = res.header("Location");
    const auto params = query_of(location);
    EXPECT_EQ(without_query(location), req.redirect_uri) << location;
    EXPECT_EQ(params.count("code"), 0U) << location;
    EXPECT_EQ(value_of(params, "state"), req.state) << location;
    EXPECT_EQ(value_of(params, "iss"), issuer()) << location;
    return params;
  }

  // A page shown to the resident instead of a redirect: the status, HTML, and no Location.
  static void expect_page_not_redirect(const Response& res, int status, std::string_view text) {
    EXPECT_STATUS(res, status);
    EXPECT_FALSE(res.has_header("Location")) << res.header("Location");
    EXPECT_TRUE(res.header("Content-Type").starts_with("text/html")) << res.header("Content-Type");
    EXPECT_TRUE(contains(res.body, text)) << "expected '" << text << "' in " << res.body;
  }

  // The token endpoint: a public client names itself (client_id), a confidential one uses HTTP
  // Basic.
  Response token(const ClientCredentials& client, Fields params) {
    Headers headers = kFormType;
    if (client.secret.empty()) {
      params.emplace_back("client_id", client.id);
    } else {
      headers.emplace_back("Authorization", basic_auth(client.id, client.secret));
    }
    return http().post(kTokenPath, form(params), headers);
  }

  // The parameters of the code grant for `req` (with its verifier when it sent a challenge).
  static Fields code_grant(const AuthRequest& req, const std::string& code) {
    Fields f = {
        {"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", req.redirect_uri}};
    if (!req.challenge.empty()) f.emplace_back("code_verifier", req.verifier);
    return f;
  }

  static Fields refresh_grant(const std::string& refresh_token) {
    return {{"grant_type", "refresh_token"}, {"refresh_token", refresh_token}};
  }

  // The tokens of a 200 token response; failures recorded otherwise.
  static Tokens tokens_of(const Response& res) {
    Tokens t;
    EXPECT_STATUS(res, 200);
    if (res.status != 200) return t;
    t.body = res.json();
    t.access = str(t.body, "access_token");
    t.id = str(t.body, "id_token");
    t.refresh = str(t.body, "refresh_token");
    EXPECT_EQ(str(t.body, "token_type"), "Bearer") << res.body;
    EXPECT_FALSE(t.access.empty()) << res.body;
    EXPECT_FALSE(t.refresh.empty()) << res.body;
    EXPECT_EQ(res.header("Cache-Control"), "no-store");
    return t;
  }

  // An OAuth error of the token endpoint: the status and {"error": error}.
  static void expect_oauth_error(const Response& res, int status, std::string_view error) {
    EXPECT_STATUS(res, status);
    if (res.status != status) return;
    EXPECT_TRUE(res.header("Content-Type").starts_with("application/json"));
    EXPECT_EQ(str(res.json(), "error"), error) << res.body;
  }

  // Sign-in, consent and the code exchange of `req` in browser `b` (which then has a session).
  Tokens first_tokens(Browser& b, const Account& a, const AuthRequest& req) {
    const auto code = code_of(sign_in_and_consent(b, a, req), req);
    if (code.empty()) return {};
    return tokens_of(token(clients_->by_id(req.client_id), code_grant(req, code)));
  }

  // A browser signed in as a new verified account that has consented to `scope` for app():
  // every further authorization of app() with that scope answers at once with a code.
  struct Consented {
    Account account;
    std::unique_ptr<Browser> browser;
  };
  Consented consented(const std::string& scope = "openid email") {
    Consented out{registered(), std::make_unique<Browser>(server())};
    const auto req = request_for(app(), scope);
    const auto code = code_of(sign_in_and_consent(*out.browser, out.account, req), req);
    EXPECT_FALSE(code.empty());
    return out;
  }

  // A fresh code for `req` from a browser that is signed in and has consented.
  static std::string fresh_code(Browser& b, const AuthRequest& req) {
    return code_of(b.get(req.target()), req);
  }

  Response userinfo(const std::string& access_token) {
    return http().get(kUserinfoPath, bearer(access_token));
  }

  // The key of the server's current signing key (the first in the JWKS) and its PEM private key.
  static std::pair<std::string, std::string> signing_key(HttpClient& http) {
    const auto jwks = http.get(kJwksPath).json();
    const auto kid = str(jwks.at("keys").as_array().at(0), "kid");
    return {kid, stored_private_key(server().data_dir(), kid)};
  }

 private:
  struct Clients {
    ClientCredentials app, portal;
    const ClientCredentials& by_id(const std::string& id) const {
      return id == portal.id ? portal : app;
    }
  };
  static inline std::unique_ptr<Clients> clients_;
  int emails_ = 0;
  int requests_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Registration and e-mail verification

TEST_F(OidcCodeFlow, RegistrationMailsAVerificationLinkThatWorksOnce) {
  const Account a{new_email(), "a long enough password"};
  Browser b(server());
  const auto res = register_with(b, a);
  EXPECT_STATUS(res, 200);
  EXPECT_TRUE(contains(res.body, kCheckYourMail)) << res.body;
  const auto mails = spooled_mails(outbox(), a.email);
  ASSERT_EQ(mails.size(), 1U);
  const auto links = links_in(mails[0].body, kVerifyPath);
  ASSERT_EQ(links.size(), 1U) << mails[0].body;
  EXPECT_TRUE(links[0].starts_with(issuer() + kVerifyPath + "?token=")) << links[0];
  EXPECT_FALSE(value_of(query_of(links[0]), "token").empty());

  // Any browser may follow the link (the mail is often read elsewhere).
  Browser elsewhere(server());
  const auto verified = elsewhere.get(target_of(links[0]));
  EXPECT_STATUS(verified, 200);
  EXPECT_TRUE(contains(verified.body, kEmailConfirmed)) << verified.body;
  const auto again = elsewhere.get(target_of(links[0]));
  expect_page_not_redirect(again, 400, kCannotContinue);

  // Verified: the password now signs in.
  const auto signed_in = sign_in(b, a);
  EXPECT_STATUS(signed_in, 303);
  EXPECT_EQ(signed_in.header("Location"), kAccountPath);
}

TEST_F(OidcCodeFlow, SignInBeforeVerificationIsRefusedAndMailsANewLink) {
  const auto a = registered(/*verify=*/false);
  ASSERT_EQ(links_to(a.email, kVerifyPath).size(), 1U);
  Browser b(server());
  const auto res = sign_in(b, a);
  EXPECT_STATUS(res, 403);
  EXPECT_TRUE(contains(res.body, kNotVerified)) << res.body;
  EXPECT_FALSE(set_cookie_value(res, kSessionCookie).has_value()) << "a session was opened";
  const auto links = links_to(a.email, kVerifyPath);
  ASSERT_EQ(links.size(), 2U) << "the right password should bring a fresh verification link";

  // A wrong password learns nothing about verification and gets no mail.
  const auto wrong = b.submit(kLoginPath, {{"email", a.email}, {"password", "not the password"}});
  EXPECT_STATUS(wrong, 401);
  EXPECT_TRUE(contains(wrong.body, kWrongCredentials)) << wrong.body;
  EXPECT_EQ(links_to(a.email, kVerifyPath).size(), 2U);

  // Either link verifies (the newer one here); then sign-in works.
  EXPECT_STATUS(b.get(target_of(links.back())), 200);
  EXPECT_STATUS(sign_in(b, a), 303);
}

TEST_F(OidcCodeFlow, RegisteringATakenAddressLooksTheSameAndMailsTheOwner) {
  const auto a = registered();
  Browser b(server());
  const auto res = register_with(b, {a.email, "another long password"});
  EXPECT_STATUS(res, 200);
  EXPECT_TRUE(contains(res.body, kCheckYourMail)) << res.body;
  // No second verification link: the owner is told, with a way to reset the password.
  EXPECT_EQ(links_to(a.email, kVerifyPath).size(), 1U);
  EXPECT_EQ(links_to(a.email, kResetPath).size(), 1U);
  // The account is unchanged: the old password works, the new one does not.
  EXPECT_STATUS(sign_in(b, {a.email, "another long password"}), 401);
  EXPECT_STATUS(sign_in(b, a), 303);
}

// ---------------------------------------------------------------------------------------------
// The code flow

TEST_F(OidcCodeFlow, CodeFlowWithPkceIssuesTokensForTheResident) {
  const auto a = registered();
  Browser b(server());
  auto req = request_for(app(), "openid email ngsi-ld:read");

  const auto login = b.get(req.target());
  ASSERT_STATUS(login, 200);
  EXPECT_TRUE(contains(login.body, kLoginTitle));
  EXPECT_TRUE(contains(login.body, "Town app")) << "the login page names the client";
  const auto request = input_value(login.body, "request");
  ASSERT_TRUE(request && !request->empty()) << login.body;
  EXPECT_TRUE(b.cookie(kCsrfCookie).has_value());

  const auto consent =
      b.submit(kLoginPath, {{"email", a.email}, {"password", a.password}, {"request", *request}});
  ASSERT_STATUS(consent, 200);
  EXPECT_TRUE(contains(consent.body, kConsentTitle)) << consent.body;
  EXPECT_TRUE(contains(consent.body, "Town app"));
  EXPECT_TRUE(contains(consent.body, "Your e-mail address")) << "the scopes are described";
  const auto session = set_cookie_value(consent, kSessionCookie);
  ASSERT_TRUE(session && !session->empty()) << "sign-in opens a session";

  const auto before = unix_now();
  const auto redirect = allow(b, consent);
  const auto code = code_of(redirect, req);
  ASSERT_FALSE(code.empty());

  const auto res = token(app(), code_grant(req, code));
  const auto t = tokens_of(res);
  ASSERT_FALSE(t.access.empty());
  EXPECT_GT(number_of(t.body, "expires_in"), 0);
  EXPECT_EQ(str(t.body, "scope"), "openid email ngsi-ld:read");
  ASSERT_FALSE(t.id.empty()) << "openid asks for an ID token: " << res.body;

  // The ID token (OpenID Connect Core 2, 3.1.3.7), signed with a key of the JWKS.
  const auto claims = jwt_claims(t.id);
  EXPECT_EQ(str(jwt_header(t.id), "alg"), "ES256");
  EXPECT_TRUE(es256_verifies(t.id, http().get(kJwksPath).json())) << t.id;
  EXPECT_EQ(str(claims, "iss"), issuer());
  EXPECT_FALSE(str(claims, "sub").empty());
  EXPECT_TRUE(audience_is(claims, app().id)) << claims;
  EXPECT_EQ(str(claims, "nonce"), req.nonce);
  EXPECT_EQ(str(claims, "at_hash"), left_half_sha256(t.access));
  const auto now = unix_now();
  EXPECT_GE(number_of(claims, "auth_time"), before - 5) << claims;
  EXPECT_LE(number_of(claims, "auth_time"), now + 1) << claims;
  EXPECT_GE(number_of(claims, "iat"), before - 5) << claims;
  EXPECT_GT(number_of(claims, "exp"), now) << claims;
  const auto amr = strings_of(claims, "amr");
  EXPECT_TRUE(std::find(amr.begin(), amr.end(), "pwd") != amr.end()) << claims;

  // The access token speaks for the same resident.
  const auto access = jwt_claims(t.access);
  EXPECT_EQ(str(access, "sub"), str(claims, "sub"));
  EXPECT_EQ(str(access, "client_id"), app().id);
  EXPECT_TRUE(es256_verifies(t.access, http().get(kJwksPath).json()));

  // userinfo (OpenID Connect Core 5.3): the claims of the email scope, not of profile.
  const auto info = userinfo(t.access);
  ASSERT_STATUS(info, 200);
  const auto body = info.json();
  EXPECT_EQ(str(body, "sub"), str(claims, "sub"));
  EXPECT_EQ(str(body, "email"), a.email);
  EXPECT_EQ(body.at("email_verified"), json::value(true));
  EXPECT_FALSE(body.as_object().contains("name")) << body;

  // ngsi-ld:read opens the broker's read endpoints.
  EXPECT_STATUS(http().get(kTypesPath, bearer(t.access)), 200);
}

TEST_F(OidcCodeFlow, ProfileScopeAddsTheNameToUserinfo) {
  const auto a = registered();
  Browser b(server());
  const auto t = first_tokens(b, a, request_for(app(), "openid profile"));
  ASSERT_FALSE(t.access.empty());
  const auto info = userinfo(t.access);
  ASSERT_STATUS(info, 200);
  EXPECT_EQ(str(info.json(), "name"), "Hanako");
  EXPECT_FALSE(info.json().as_object().contains("email")) << info.body;
  // Without ngsi-ld:read the token opens nothing of the broker.
  EXPECT_STATUS(http().get(kTypesPath, bearer(t.access)), 403);
}

TEST_F(OidcCodeFlow, ASecondAuthorizationWithTheSessionSkipsSignInAndConsent) {
  const auto a = registered();
  Browser b(server());
  const auto first = first_tokens(b, a, request_for(app()));
  ASSERT_FALSE(first.id.empty());

  const auto req = request_for(app());
  const auto res = b.get(req.target());
  const auto code = code_of(res, req);
  ASSERT_FALSE(code.empty());
  const auto second = tokens_of(token(app(), code_grant(req, code)));
  ASSERT_FALSE(second.id.empty());
  EXPECT_EQ(str(jwt_claims(second.id), "sub"), str(jwt_claims(first.id), "sub"));
  EXPECT_EQ(str(jwt_claims(second.id), "nonce"), req.nonce);
  // The same sign-in: auth_time and sid do not change.
  EXPECT_EQ(number_of(jwt_claims(second.id), "auth_time"),
            number_of(jwt_claims(first.id), "auth_time"));
  EXPECT_EQ(str(jwt_claims(second.id), "sid"), str(jwt_claims(first.id), "sid"));
}

TEST_F(OidcCodeFlow, AScopeNotYetConsentedToAsksAgain) {
  auto c = consented("openid email");
  const auto req = request_for(app(), "openid email profile");
  const auto page = c.browser->get(req.target());
  ASSERT_STATUS(page, 200);
  EXPECT_TRUE(contains(page.body, kConsentTitle)) << page.body;
  EXPECT_TRUE(contains(page.body, "Your name"));
  EXPECT_FALSE(code_of(allow(*c.browser, page), req).empty());
  // Now both sets are consented to.
  EXPECT_FALSE(fresh_code(*c.browser, request_for(app(), "openid email profile")).empty());
  EXPECT_FALSE(fresh_code(*c.browser, request_for(app(), "openid email")).empty());
}

TEST_F(OidcCodeFlow, PromptLoginAsksForThePasswordAgain) {
  auto c = consented();
  auto req = request_for(app());
  req.prompt = "login";
  const auto page = c.browser->get(req.target());
  ASSERT_STATUS(page, 200);
  EXPECT_TRUE(input_value(page.body, "password").has_value()) << page.body;
  const auto request = input_value(page.body, "request");
  ASSERT_TRUE(request.has_value()) << page.body;
  const auto res = c.browser->submit(
      kLoginPath,
      {{"email", c.account.email}, {"password", c.account.password}, {"request", *request}});
  EXPECT_FALSE(code_of(res, req).empty());
}

TEST_F(OidcCodeFlow, AConfidentialClientAuthenticatesAndNeedsNoPkce) {
  const auto a = registered();
  Browser b(server());
  auto req = request_for(portal());
  req.challenge.clear();
  req.method.clear();
  const auto code = code_of(sign_in_and_consent(b, a, req), req);
  ASSERT_FALSE(code.empty());

  // Naming itself is not enough for a confidential client; the code survives that refusal.
  const auto unauthenticated = http().post(
      kTokenPath, form(with(code_grant(req, code), "client_id", portal().id)), kFormType);
  expect_oauth_error(unauthenticated, 401, "invalid_client");
  const auto wrong_secret =
      http().post(kTokenPath, form(code_grant(req, code)),
                  {{"Content-Type", "application/x-www-form-urlencoded"},
                   {"Authorization", basic_auth(portal().id, "not-the-secret")}});
  expect_oauth_error(wrong_secret, 401, "invalid_client");

  const auto t = tokens_of(token(portal(), code_grant(req, code)));
  ASSERT_FALSE(t.id.empty());
  EXPECT_TRUE(audience_is(jwt_claims(t.id), portal().id));
  EXPECT_STATUS(userinfo(t.access), 200);
}

TEST_F(OidcCodeFlow, APublicClientCannotUseClientCredentials) {
  const auto res = token(app(), {{"grant_type", "client_credentials"}});
  expect_oauth_error(res, 401, "invalid_client");
}

// ---------------------------------------------------------------------------------------------
// Authorization requests that are refused

TEST_F(OidcCodeFlow, AnUnknownClientIsShownAPageNotRedirected) {
  Browser b(server());
  auto req = request_for(app());
  req.client_id = "no-such-client";
  expect_page_not_redirect(b.get(req.target()), 400, kUnknownService);
  req.client_id.clear();
  const auto missing = b.get(req.target());
  EXPECT_STATUS(missing, 400);
  EXPECT_FALSE(missing.has_header("Location"));
}

TEST_F(OidcCodeFlow, AnUnregisteredRedirectUriIsShownAPageNotRedirected) {
  Browser b(server());
  const std::vector<std::string> uris = {"http://127.0.0.1:9/evil", kRedirect + "/",
                                         kRedirect + "?x=1", "http://localhost:9/cb", ""};
  for (const auto& uri : uris) {
    auto req = request_for(app());
    req.redirect_uri = uri;
    const auto res = b.get(req.target());
    SCOPED_TRACE(uri);
    EXPECT_STATUS(res, 400);
    EXPECT_FALSE(res.has_header("Location")) << res.header("Location");
    EXPECT_TRUE(contains(res.body, kUnknownReturnAddress)) << res.body;
  }
}

TEST_F(OidcCodeFlow, APublicClientWithoutPkceGetsInvalidRequest) {
  Browser b(server());
  auto req = request_for(app());
  req.challenge.clear();
  req.method.clear();
  const auto params = error_redirect(b.get(req.target()), req);
  EXPECT_EQ(value_of(params, "error"), "invalid_request");
  EXPECT_FALSE(value_of(params, "error_description").empty());
}

TEST_F(OidcCodeFlow, PlainPkceIsRefused) {
  Browser b(server());
  auto req = request_for(app());
  req.challenge = req.verifier;  // plain: the challenge is the verifier itself
  req.method = "plain";
  EXPECT_EQ(value_of(error_redirect(b.get(req.target()), req), "error"), "invalid_request");
  // A challenge without a method means plain (RFC 7636 4.3): refused as well.
  req.method.clear();
  EXPECT_EQ(value_of(error_redirect(b.get(req.target()), req), "error"), "invalid_request");
}

TEST_F(OidcCodeFlow, OtherMalformedRequestsGoBackToTheClient) {
  Browser b(server());
  auto token_type = request_for(app());
  token_type.response_type = "token";
  EXPECT_EQ(value_of(error_redirect(b.get(token_type.target()), token_type), "error"),
            "unsupported_response_type");
  auto scope = request_for(app(), "openid ngsi-ld:write");
  EXPECT_EQ(value_of(error_redirect(b.get(scope.target()), scope), "error"), "invalid_scope");
}

TEST_F(OidcCodeFlow, PromptNoneWithoutASessionIsLoginRequired) {
  Browser b(server());
  auto req = request_for(app());
  req.prompt = "none";
  const auto res = b.get(req.target());
  EXPECT_EQ(value_of(error_redirect(res, req), "error"), "login_required");
}

TEST_F(OidcCodeFlow, PromptNoneWithASessionAnswersAtOnce) {
  auto c = consented();
  auto req = request_for(app());
  req.prompt = "none";
  EXPECT_FALSE(fresh_code(*c.browser, req).empty());
  // Another client has no consent yet: consent_required, never a page.
  auto other = request_for(portal());
  other.prompt = "none";
  EXPECT_EQ(value_of(error_redirect(c.browser->get(other.target()), other), "error"),
            "consent_required");
}

TEST_F(OidcCodeFlow, DenyingConsentIsAccessDenied) {
  const auto a = registered();
  Browser b(server());
  const auto req = request_for(app());
  const auto login = b.get(req.target());
  ASSERT_STATUS(login, 200);
  const auto page =
      b.submit(kLoginPath, {{"email", a.email},
                            {"password", a.password},
                            {"request", input_value(login.body, "request").value_or("")}});
  ASSERT_STATUS(page, 200);
  const auto res = decide(b, page, "deny");
  EXPECT_EQ(value_of(error_redirect(res, req), "error"), "access_denied");
  // Nothing was consented to: the next request asks again.
  const auto again = b.get(request_for(app()).target());
  EXPECT_STATUS(again, 200);
  EXPECT_TRUE(contains(again.body, kConsentTitle)) << again.body;
}

// ---------------------------------------------------------------------------------------------
// The code at the token endpoint

TEST_F(OidcCodeFlow, AWrongCodeVerifierIsInvalidGrant) {
  auto c = consented();
  const auto req = request_for(app());
  const auto code = fresh_code(*c.browser, req);
  ASSERT_FALSE(code.empty());
  const auto res = token(app(), with(code_grant(req, code), "code_verifier", pkce_verifier()));
  expect_oauth_error(res, 400, "invalid_grant");
  // The code is spent: not even the right verifier redeems it now.
  expect_oauth_error(token(app(), code_grant(req, code)), 400, "invalid_grant");
}

TEST_F(OidcCodeFlow, AMissingCodeVerifierIsInvalidGrant) {
  auto c = consented();
  const auto req = request_for(app());
  const auto code = fresh_code(*c.browser, req);
  ASSERT_FALSE(code.empty());
  expect_oauth_error(token(app(), without(code_grant(req, code), "code_verifier")), 400,
                     "invalid_grant");
}

TEST_F(OidcCodeFlow, AReplayedCodeIsRefusedAndRevokesWhatItGranted) {
  auto c = consented();
  const auto req = request_for(app());
  const auto code = fresh_code(*c.browser, req);
  ASSERT_FALSE(code.empty());
  const auto t = tokens_of(token(app(), code_grant(req, code)));
  ASSERT_FALSE(t.access.empty());
  ASSERT_STATUS(userinfo(t.access), 200);

  expect_oauth_error(token(app(), code_grant(req, code)), 400, "invalid_grant");
  // RFC 6749 4.1.2: the tokens issued for the code are revoked.
  const auto info = userinfo(t.access);
  EXPECT_STATUS(info, 401);
  EXPECT_EQ(str(info.json(), "error"), "invalid_token") << info.body;
  EXPECT_TRUE(contains(info.header("WWW-Authenticate"), "invalid_token"));
  expect_oauth_error(token(app(), refresh_grant(t.refresh)), 400, "invalid_grant");
}

// A code redeemed twice at once (a stolen code racing the client): tokens once, never twice.
TEST_F(OidcCodeFlow, ACodeRedeemedTwiceAtOnceYieldsTokensOnce) {
  auto c = consented();
  const auto req = request_for(app());
  const auto code = fresh_code(*c.browser, req);
  ASSERT_FALSE(code.empty());
  Fields params = code_grant(req, code);
  params.emplace_back("client_id", app().id);
  const auto body = form(params);
  std::array<int, 2> statuses{};
  std::latch start(2);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < statuses.size(); ++i) {
    threads.emplace_back([&, i] {
      auto client = server().client();
      start.arrive_and_wait();
      statuses[i] = client.post(kTokenPath, body, kFormType).status;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), 1)
      << statuses[0] << " " << statuses[1];
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 400), 1)
      << statuses[0] << " " << statuses[1];
}

TEST_F(OidcCodeFlow, ACodeWithAnotherRedirectUriIsInvalidGrant) {
  auto c = consented();
  const auto req = request_for(app());
  const auto code = fresh_code(*c.browser, req);
  ASSERT_FALSE(code.empty());
  // kOtherRedirect is registered for the client too, but the code was issued for kRedirect.
  expect_oauth_error(token(app(), with(code_grant(req, code), "redirect_uri", kOtherRedirect)), 400,
                     "invalid_grant");

  const auto code2 = fresh_code(*c.browser, req);
  ASSERT_FALSE(code2.empty());
  expect_oauth_error(token(app(), without(code_grant(req, code2), "redirect_uri")), 400,
                     "invalid_grant");
}

TEST_F(OidcCodeFlow, ACodeOfAnotherClientIsInvalidGrant) {
  auto c = consented();
  auto req = request_for(portal());
  req.challenge.clear();
  req.method.clear();
  const auto page = c.browser->get(req.target());
  ASSERT_STATUS(page, 200);
  const auto code = code_of(allow(*c.browser, page), req);
  ASSERT_FALSE(code.empty());
  expect_oauth_error(token(app(), code_grant(req, code)), 400, "invalid_grant");
}

TEST_F(OidcCodeFlow, AnUnknownCodeIsInvalidGrant) {
  const auto req = request_for(app());
  expect_oauth_error(token(app(), code_grant(req, "no-such-code")), 400, "invalid_grant");
}

// ---------------------------------------------------------------------------------------------
// Refresh tokens

TEST_F(OidcCodeFlow, RefreshTokensRotateAndAReusedOneEndsTheFamily) {
  const auto a = registered();
  Browser b(server());
  const auto first = first_tokens(b, a, request_for(app()));
  ASSERT_FALSE(first.refresh.empty());

  const auto second = tokens_of(token(app(), refresh_grant(first.refresh)));
  ASSERT_FALSE(second.refresh.empty());
  EXPECT_NE(second.refresh, first.refresh);
  EXPECT_NE(second.access, first.access);
  EXPECT_STATUS(userinfo(second.access), 200);
  // OpenID Connect Core 12.2: the same iss, sub, aud and auth_time as the original ID token.
  if (!second.id.empty()) {
    const auto original = jwt_claims(first.id);
    const auto renewed = jwt_claims(second.id);
    EXPECT_EQ(str(renewed, "iss"), str(original, "iss"));
    EXPECT_EQ(str(renewed, "sub"), str(original, "sub"));
    EXPECT_TRUE(audience_is(renewed, app().id));
    EXPECT_EQ(number_of(renewed, "auth_time"), number_of(original, "auth_time"));
    EXPECT_EQ(str(renewed, "at_hash"), left_half_sha256(second.access));
  }

  // The old token again: refused, and its whole family with it (RFC 9700 4.14.2).
  expect_oauth_error(token(app(), refresh_grant(first.refresh)), 400, "invalid_grant");
  expect_oauth_error(token(app(), refresh_grant(second.refresh)), 400, "invalid_grant");
}

TEST_F(OidcCodeFlow, ARefreshTokenIsBoundToItsClientAndScope) {
  const auto a = registered();
  Browser b(server());
  const auto t = first_tokens(b, a, request_for(app()));
  ASSERT_FALSE(t.refresh.empty());
  expect_oauth_error(token(portal(), refresh_grant(t.refresh)), 400, "invalid_grant");
  expect_oauth_error(token(app(), with(refresh_grant(t.refresh), "scope", "openid profile")), 400,
                     "invalid_scope");
  // Neither refusal spent it; a narrower scope may be asked for.
  const auto narrower = tokens_of(token(app(), with(refresh_grant(t.refresh), "scope", "openid")));
  EXPECT_EQ(str(narrower.body, "scope"), "openid");
}

// ---------------------------------------------------------------------------------------------
// RP-initiated logout

TEST_F(OidcCodeFlow, RpInitiatedLogoutEndsTheSessionAndItsRefreshTokens) {
  const auto a = registered();
  Browser b(server());
  const auto t = first_tokens(b, a, request_for(app()));
  ASSERT_FALSE(t.id.empty());
  const auto session = b.cookie(kSessionCookie);
  ASSERT_TRUE(session.has_value());

  const auto res = b.get(
      kLogoutPath + "?" +
      form({{"id_token_hint", t.id}, {"post_logout_redirect_uri", kRedirect}, {"state", "s"}}));
  ASSERT_STATUS(res, 303);
  EXPECT_EQ(res.header("Location"), kRedirect + "?state=s");
  EXPECT_EQ(set_cookie_value(res, kSessionCookie), std::optional<std::string>(""))
      << "the session cookie is cleared";
  EXPECT_FALSE(b.cookie(kSessionCookie).has_value());

  // The refresh token of that session is revoked.
  expect_oauth_error(token(app(), refresh_grant(t.refresh)), 400, "invalid_grant");
  // The old cookie opens nothing any more: the login page again, and prompt=none says so.
  b.set_cookie(std::string(kSessionCookie), *session);
  const auto login = b.get(request_for(app()).target());
  EXPECT_STATUS(login, 200);
  EXPECT_TRUE(input_value(login.body, "request").has_value()) << login.body;
  auto silent = request_for(app());
  silent.prompt = "none";
  EXPECT_EQ(value_of(error_redirect(b.get(silent.target()), silent), "error"), "login_required");
}

TEST_F(OidcCodeFlow, LogoutWithAnUnregisteredRedirectIsRefused) {
  auto c = consented();
  const auto req = request_for(app());
  const auto code = fresh_code(*c.browser, req);
  const auto tokens = tokens_of(token(app(), code_grant(req, code)));
  ASSERT_FALSE(tokens.id.empty());
  const auto res = c.browser->get(kLogoutPath + "?" +
                                  form({{"id_token_hint", tokens.id},
                                        {"post_logout_redirect_uri", "http://127.0.0.1:9/evil"}}));
  expect_page_not_redirect(res, 400, kUnknownReturnAddress);
  // Still signed in.
  EXPECT_FALSE(fresh_code(*c.browser, request_for(app())).empty());
}

TEST_F(OidcCodeFlow, AForgedIdTokenHintIsRefused) {
  auto c = consented();
  const auto req = request_for(app());
  const auto code = fresh_code(*c.browser, req);
  const auto t = tokens_of(token(app(), code_grant(req, code)));
  ASSERT_FALSE(t.id.empty());

  auto claims = jwt_claims(t.id).as_object();
  const auto header = jwt_header(t.id).as_object();
  // 1. The claims changed under the server's signature.
  claims["sub"] = "someone-else";
  const auto dot = t.id.rfind('.');
  const std::string tampered = base64url_encode(json::serialize(header)) + "." +
                               base64url_encode(json::serialize(claims)) + t.id.substr(dot);
  // 2. Signed by this issuer's key, but claiming another issuer.
  const auto [kid, pem] = signing_key(http());
  auto foreign_claims = jwt_claims(t.id).as_object();
  foreign_claims["iss"] = "https://evil.example";
  const auto foreign = sign_es256(header, foreign_claims, pem);
  // 3. Not a JWT at all.
  for (const auto& hint : {tampered, foreign, std::string("not-a-jwt")}) {
    const auto res = c.browser->get(
        kLogoutPath + "?" +
        form({{"id_token_hint", hint}, {"post_logout_redirect_uri", kRedirect}, {"state", "s"}}));
    SCOPED_TRACE(hint);
    expect_page_not_redirect(res, 400, kCannotContinue);
    EXPECT_FALSE(set_cookie_value(res, kSessionCookie).has_value()) << "the session was touched";
  }
  // Still signed in.
  EXPECT_FALSE(fresh_code(*c.browser, request_for(app())).empty());
}

// OpenID Connect RP-Initiated Logout 1.0 section 4: the OP SHOULD accept an ID token hint whose
// exp has passed (the RP's ID token may well have expired by the time the resident signs out);
// what it must check is that it issued the token.
TEST_F(OidcCodeFlow, AnExpiredIdTokenHintOfThisIssuerStillSignsOut) {
  auto c = consented();
  const auto req = request_for(app());
  const auto t = tokens_of(token(app(), code_grant(req, fresh_code(*c.browser, req))));
  ASSERT_FALSE(t.id.empty());
  const auto [kid, pem] = signing_key(http());
  auto claims = jwt_claims(t.id).as_object();
  ASSERT_EQ(str(jwt_header(t.id), "kid"), kid);
  claims["iat"] = unix_now() - 7200;
  claims["exp"] = unix_now() - 3600;
  const auto expired = sign_es256(jwt_header(t.id).as_object(), claims, pem);
  const auto res = c.browser->get(
      kLogoutPath + "?" +
      form({{"id_token_hint", expired}, {"post_logout_redirect_uri", kRedirect}, {"state", "s"}}));
  EXPECT_STATUS(res, 303);
  EXPECT_EQ(res.header("Location"), kRedirect + "?state=s");
  expect_oauth_error(token(app(), refresh_grant(t.refresh)), 400, "invalid_grant");
}

TEST_F(OidcCodeFlow, LogoutWithoutAHintAsksFirst) {
  auto c = consented();
  const auto page = c.browser->get(kLogoutPath);
  ASSERT_STATUS(page, 200);
  EXPECT_FALSE(page.has_header("Location"));
  EXPECT_FALSE(set_cookie_value(page, kSessionCookie).has_value());
  EXPECT_FALSE(fresh_code(*c.browser, request_for(app())).empty()) << "still signed in";
  // The confirming POST needs the CSRF token...
  const auto forged = c.browser->post(kLogoutPath, {{"csrf", "forged"}});
  EXPECT_STATUS(forged, 403);
  EXPECT_FALSE(fresh_code(*c.browser, request_for(app())).empty()) << "still signed in";
  // ...and with it the session ends.
  const auto confirmed = c.browser->submit(kLogoutPath, {});
  EXPECT_STATUS(confirmed, 200);
  EXPECT_EQ(set_cookie_value(confirmed, kSessionCookie), std::optional<std::string>(""));
  auto silent = request_for(app());
  silent.prompt = "none";
  EXPECT_EQ(value_of(error_redirect(c.browser->get(silent.target()), silent), "error"),
            "login_required");
}

// ---------------------------------------------------------------------------------------------
// The second factor

TEST_F(OidcCodeFlow, TotpBecomesASecondStepOfSignIn) {
  const auto a = registered();
  Browser b(server());
  ASSERT_STATUS(sign_in(b, a), 303);
  const auto account = b.get(kAccountPath);
  ASSERT_STATUS(account, 200);
  EXPECT_TRUE(contains(account.body, a.email));
  const auto secret = input_value(account.body, "token");
  ASSERT_TRUE(secret && !secret->empty()) << account.body;
  ASSERT_TRUE(base32_decode(*secret).has_value()) << *secret;

  const auto step = totp_step_now();
  const auto enabled =
      b.submit(kAccountPath + "/totp", {{"token", *secret}, {"code", totp_code(*secret, step)}});
  ASSERT_STATUS(enabled, 200);
  EXPECT_TRUE(contains(enabled.body, kTotpOn)) << enabled.body;

  // A new sign-in for the client: the password, then the code.
  Browser other(server());
  const auto req = request_for(app());
  const auto login = other.get(req.target());
  ASSERT_STATUS(login, 200);
  const auto request = input_value(login.body, "request").value_or("");
  const auto totp_page = other.submit(
      kLoginPath, {{"email", a.email}, {"password", a.password}, {"request", request}});
  ASSERT_STATUS(totp_page, 200);
  EXPECT_TRUE(contains(totp_page.body, kTotpTitle)) << totp_page.body;
  EXPECT_TRUE(input_value(totp_page.body, "code").has_value()) << totp_page.body;
  EXPECT_EQ(input_value(totp_page.body, "request"), std::optional<std::string>(request));
  // The session that waits for the code grants nothing yet.
  auto silent = request_for(app());
  silent.prompt = "none";
  EXPECT_EQ(value_of(error_redirect(other.get(silent.target()), silent), "error"),
            "login_required");

  // A wrong code: 401 and the TOTP page again.
  std::set<std::string> valid;
  for (auto s = step - 1; s <= step + 3; ++s) valid.insert(totp_code(*secret, s));
  std::string wrong = "000000";
  for (int n = 0; valid.contains(wrong); ++n) wrong = totp_code(*secret, step + 1000 + n);
  const auto refused = other.submit(kTotpPath, {{"code", wrong}, {"request", request}});
  EXPECT_STATUS(refused, 401);
  EXPECT_TRUE(contains(refused.body, kWrongCode)) << refused.body;

  // The next step's code (the one used to turn TOTP on may not be used again).
  const auto code = totp_code(*secret, step + 1);
  const auto consent = other.submit(kTotpPath, {{"code", code}, {"request", request}});
  ASSERT_STATUS(consent, 200);
  EXPECT_TRUE(contains(consent.body, kConsentTitle)) << consent.body;
  const auto code_grant_code = code_of(allow(other, consent), req);
  ASSERT_FALSE(code_grant_code.empty());
  const auto t = tokens_of(token(app(), code_grant(req, code_grant_code)));
  ASSERT_FALSE(t.id.empty());
  const auto amr = strings_of(jwt_claims(t.id), "amr");
  EXPECT_TRUE(std::find(amr.begin(), amr.end(), "otp") != amr.end()) << jwt_claims(t.id);
  EXPECT_TRUE(std::find(amr.begin(), amr.end(), "mfa") != amr.end()) << jwt_claims(t.id);

  // A code is accepted once only (RFC 6238 5.2).
  Browser third(server());
  const auto password_step = sign_in(third, a);
  ASSERT_STATUS(password_step, 200);
  EXPECT_TRUE(contains(password_step.body, kTotpTitle));
  EXPECT_STATUS(third.submit(kTotpPath, {{"code", code}}), 401);
}

// ---------------------------------------------------------------------------------------------
// Password reset

TEST_F(OidcCodeFlow, PasswordResetReplacesThePasswordOnce) {
  const auto a = registered();
  Browser before(server());
  const auto t = first_tokens(before, a, request_for(app()));
  ASSERT_FALSE(t.refresh.empty());

  Browser b(server());
  ASSERT_STATUS(b.get(kForgotPath), 200);
  const auto asked = b.submit(kForgotPath, {{"email", a.email}});
  EXPECT_STATUS(asked, 200);
  EXPECT_TRUE(contains(asked.body, kCheckYourMail)) << asked.body;
  const auto links = links_to(a.email, kResetPath);
  ASSERT_EQ(links.size(), 1U);
  EXPECT_TRUE(links[0].starts_with(issuer() + kResetPath + "?token=")) << links[0];

  const auto page = b.get(target_of(links[0]));
  ASSERT_STATUS(page, 200);
  const auto reset_token = input_value(page.body, "token");
  ASSERT_TRUE(reset_token.has_value()) << page.body;
  EXPECT_EQ(*reset_token, value_of(query_of(links[0]), "token"));

  // Without the CSRF token nothing changes, and the link stays good.
  const std::string new_password = "a brand new password";
  const auto forged = b.post(kResetPath, {{"token", *reset_token}, {"new_password", new_password}});
  EXPECT_STATUS(forged, 403);
  EXPECT_TRUE(contains(forged.body, kPageExpired)) << forged.body;

  const auto changed =
      b.submit(kResetPath, {{"token", *reset_token}, {"new_password", new_password}});
  EXPECT_STATUS(changed, 200);
  EXPECT_TRUE(contains(changed.body, kPasswordChanged)) << changed.body;

  Browser c(server());
  const auto old = sign_in(c, a);
  EXPECT_STATUS(old, 401);
  EXPECT_TRUE(contains(old.body, kWrongCredentials)) << old.body;
  EXPECT_STATUS(sign_in(c, {a.email, new_password}), 303);
  // What the old password opened has ended.
  expect_oauth_error(token(app(), refresh_grant(t.refresh)), 400, "invalid_grant");
  auto silent = request_for(app());
  silent.prompt = "none";
  EXPECT_EQ(value_of(error_redirect(before.get(silent.target()), silent), "error"),
            "login_required");

  // The link works once.
  const auto again =
      b.submit(kResetPath, {{"token", *reset_token}, {"new_password", "yet another password"}});
  EXPECT_STATUS(again, 400);
  EXPECT_TRUE(contains(again.body, kLinkExpired)) << again.body;
  EXPECT_STATUS(sign_in(c, {a.email, "yet another password"}), 401);
}

TEST_F(OidcCodeFlow, ResetForAnUnknownAddressLooksTheSameAndSendsNothing) {
  Browser b(server());
  ASSERT_STATUS(b.get(kForgotPath), 200);
  const auto email = new_email();
  const auto res = b.submit(kForgotPath, {{"email", email}});
  EXPECT_STATUS(res, 200);
  EXPECT_TRUE(contains(res.body, kCheckYourMail)) << res.body;
  EXPECT_TRUE(spooled_mails(outbox(), email).empty());
}

// ---------------------------------------------------------------------------------------------
// CSRF

TEST_F(OidcCodeFlow, SignInWithoutTheCsrfTokenIsForbiddenAndOpensNoSession) {
  const auto a = registered();
  Browser b(server());
  const auto req = request_for(app());
  const auto login = b.get(req.target());
  ASSERT_STATUS(login, 200);
  const auto request = input_value(login.body, "request").value_or("");
  const Fields fields = {{"email", a.email}, {"password", a.password}, {"request", request}};

  const auto missing = b.post(kLoginPath, fields);
  EXPECT_STATUS(missing, 403);
  EXPECT_TRUE(contains(missing.body, kPageExpired)) << missing.body;
  EXPECT_FALSE(set_cookie_value(missing, kSessionCookie).has_value());
  const auto wrong = b.post(kLoginPath, with(fields, "csrf", b.csrf() + "x"));
  EXPECT_STATUS(wrong, 403);
  EXPECT_FALSE(set_cookie_value(wrong, kSessionCookie).has_value());
  // A token of another browser's cookie (what a forging site could obtain for itself).
  Browser attacker(server());
  ASSERT_STATUS(attacker.get(kLoginPath), 200);
  ASSERT_NE(attacker.csrf(), b.csrf());
  const auto foreign = b.post(kLoginPath, with(fields, "csrf", attacker.csrf()));
  EXPECT_STATUS(foreign, 403);
  EXPECT_FALSE(set_cookie_value(foreign, kSessionCookie).has_value());
  // A token without its cookie.
  b.drop_cookie(std::string(kCsrfCookie));
  const auto cookieless = b.post(kLoginPath, with(fields, "csrf", attacker.csrf()));
  EXPECT_STATUS(cookieless, 403);
  EXPECT_FALSE(set_cookie_value(cookieless, kSessionCookie).has_value());
  EXPECT_FALSE(b.cookie(kSessionCookie).has_value());

  // Still not signed in; the form of a page works.
  auto silent = request_for(app());
  silent.prompt = "none";
  EXPECT_EQ(value_of(error_redirect(b.get(silent.target()), silent), "error"), "login_required");
  const auto fresh = b.get(req.target());
  ASSERT_STATUS(fresh, 200);
  const auto ok = b.submit(
      kLoginPath, with(fields, "request", input_value(fresh.body, "request").value_or("")));
  EXPECT_STATUS(ok, 200);
  EXPECT_TRUE(contains(ok.body, kConsentTitle)) << ok.body;
}

TEST_F(OidcCodeFlow, RegistrationWithoutTheCsrfTokenCreatesNoAccount) {
  const Account a{new_email(), "a long enough password"};
  Browser b(server());
  ASSERT_STATUS(b.get(kRegisterPath), 200);
  const Fields fields = {{"email", a.email}, {"password", a.password}, {"name", "Taro"}};
  const auto missing = b.post(kRegisterPath, fields);
  EXPECT_STATUS(missing, 403);
  EXPECT_TRUE(contains(missing.body, kPageExpired)) << missing.body;
  const auto wrong = b.post(kRegisterPath, with(fields, "csrf", "AAAA" + b.csrf()));
  EXPECT_STATUS(wrong, 403);
  EXPECT_TRUE(spooled_mails(outbox(), a.email).empty()) << "a mail was sent";
  // No account exists: registering now is a first registration (a verification link, not a
  // note to an owner).
  EXPECT_STATUS(b.submit(kRegisterPath, fields), 200);
  EXPECT_EQ(links_to(a.email, kVerifyPath).size(), 1U);
  EXPECT_TRUE(links_to(a.email, kResetPath).empty());
}

TEST_F(OidcCodeFlow, ConsentWithoutTheCsrfTokenIsForbiddenAndIssuesNoCode) {
  const auto a = registered();
  Browser b(server());
  const auto req = request_for(app());
  const auto login = b.get(req.target());
  ASSERT_STATUS(login, 200);
  const auto page =
      b.submit(kLoginPath, {{"email", a.email},
                            {"password", a.password},
                            {"request", input_value(login.body, "request").value_or("")}});
  ASSERT_STATUS(page, 200);
  const auto request = input_value(page.body, "request").value_or("");
  const auto missing = b.post(kConsentPath, {{"decision", "allow"}, {"request", request}});
  EXPECT_STATUS(missing, 403);
  EXPECT_FALSE(missing.has_header("Location")) << missing.header("Location");
  const auto wrong =
      b.post(kConsentPath, {{"decision", "allow"}, {"request", request}, {"csrf", "forged"}});
  EXPECT_STATUS(wrong, 403);
  EXPECT_FALSE(wrong.has_header("Location")) << wrong.header("Location");
  EXPECT_TRUE(contains(wrong.body, kPageExpired)) << wrong.body;
  // No consent was recorded.
  auto silent = request_for(app());
  silent.prompt = "none";
  EXPECT_EQ(value_of(error_redirect(b.get(silent.target()), silent), "error"), "consent_required");
  // The page answering the forged post is a consent page with a valid token: it works.
  ASSERT_EQ(input_value(wrong.body, "request"), std::optional<std::string>(request)) << wrong.body;
  EXPECT_FALSE(code_of(allow(b, wrong), req).empty());
}

TEST_F(OidcCodeFlow, AccountFormsWithoutTheCsrfTokenChangeNothing) {
  const auto a = registered();
  Browser b(server());
  ASSERT_STATUS(sign_in(b, a), 303);
  const auto account = b.get(kAccountPath);
  ASSERT_STATUS(account, 200);
  const auto secret = input_value(account.body, "token").value_or("");
  ASSERT_FALSE(secret.empty());
  const auto totp = b.post(kAccountPath + "/totp",
                           {{"token", secret}, {"code", totp_code(secret, totp_step_now())}});
  EXPECT_STATUS(totp, 403);
  const auto logout = b.post(kAccountPath + "/logout", {});
  EXPECT_STATUS(logout, 403);
  EXPECT_FALSE(set_cookie_value(logout, kSessionCookie).has_value());
  const auto deleted = b.post(kAccountPath + "/delete", {{"password", a.password}});
  EXPECT_STATUS(deleted, 403);
  // Still signed in, the account is there, and the password alone still signs in (no TOTP).
  EXPECT_STATUS(b.get(kAccountPath), 200);
  Browser other(server());
  EXPECT_STATUS(sign_in(other, a), 303);
}

// ---------------------------------------------------------------------------------------------
// Pages and cookies

TEST_F(OidcCodeFlow, PagesAndCookiesAreProtected) {
  const auto a = registered();
  Browser b(server());
  const auto page = b.get(kLoginPath);
  ASSERT_STATUS(page, 200);
  EXPECT_TRUE(contains(page.header("Content-Security-Policy"), "frame-ancestors 'none'"));
  EXPECT_EQ(page.header("X-Frame-Options"), "DENY");
  EXPECT_EQ(page.header("Cache-Control"), "no-store");
  const auto csrf = set_cookie_attributes(page, kCsrfCookie);
  EXPECT_TRUE(contains(csrf, "HttpOnly")) << csrf;
  EXPECT_TRUE(contains(csrf, "SameSite=Lax")) << csrf;
  const auto signed_in = b.submit(kLoginPath, {{"email", a.email}, {"password", a.password}});
  ASSERT_STATUS(signed_in, 303);
  const auto session = set_cookie_attributes(signed_in, kSessionCookie);
  EXPECT_TRUE(contains(session, "HttpOnly")) << session;
  EXPECT_TRUE(contains(session, "SameSite=Lax")) << session;
  EXPECT_TRUE(contains(session, "Path=/")) << session;
}

TEST_F(OidcCodeFlow, TheAccountPageNeedsASession) {
  Browser b(server());
  const auto res = b.get(kAccountPath);
  EXPECT_STATUS(res, 303);
  EXPECT_EQ(res.header("Location"), kLoginPath);
}

// ---------------------------------------------------------------------------------------------
// More of the flow's edges

// OpenID Connect Core 3.1.2.1: max_age=0 asks for a fresh sign-in, like prompt=login; once the
// resident has signed in for this very request, the flow goes on.
TEST_F(OidcCodeFlow, MaxAgeZeroAsksForThePasswordOnceThenGoesOn) {
  auto c = consented();
  auto req = request_for(app());
  req.extra = {{"max_age", "0"}};
  const auto page = c.browser->get(req.target());
  ASSERT_STATUS(page, 200);
  const auto request = input_value(page.body, "request");
  ASSERT_TRUE(request.has_value()) << "max_age=0 shows the login page: " << page.body;
  const auto before = unix_now();
  const auto res = c.browser->submit(
      kLoginPath,
      {{"email", c.account.email}, {"password", c.account.password}, {"request", *request}});
  const auto code = code_of(res, req);
  ASSERT_FALSE(code.empty()) << "after signing in again the client gets its code";
  const auto t = tokens_of(token(app(), code_grant(req, code)));
  // auth_time is required when max_age was asked for (Core 2).
  EXPECT_GE(number_of(jwt_claims(t.id), "auth_time"), before - 1) << jwt_claims(t.id);
}

TEST_F(OidcCodeFlow, AStateWithReservedCharactersComesBackIntact) {
  auto c = consented();
  auto req = request_for(app());
  req.state = "a b&c=d/e?f#g%h+i";
  EXPECT_FALSE(fresh_code(*c.browser, req).empty());
  req.response_type = "token";
  EXPECT_EQ(value_of(error_redirect(c.browser->get(req.target()), req), "error"),
            "unsupported_response_type");
}

// RFC 6749 4.1.1 and appendix B: the authorization request's query is
// application/x-www-form-urlencoded, where '+' is a space (what URLSearchParams and most client
// libraries send).
TEST_F(OidcCodeFlow, APlusInTheAuthorizationQueryIsASpace) {
  auto c = consented();
  auto req = request_for(app());
  req.state = "two words";
  auto target = req.target();
  for (const auto& [encoded, plus] :
       {std::pair<std::string, std::string>{"scope=openid%20email", "scope=openid+email"},
        {"state=two%20words", "state=two+words"}}) {
    const auto at = target.find(encoded);
    ASSERT_NE(at, std::string::npos) << target;
    target.replace(at, encoded.size(), plus);
  }
  EXPECT_FALSE(code_of(c.browser->get(target), req).empty());
}

// OpenID Connect Core 3.1.2.1: the authorization endpoint takes POST as well as GET (a client's
// request needs no CSRF token: it starts the flow, it decides nothing).
TEST_F(OidcCodeFlow, TheAuthorizationRequestMayBePosted) {
  const auto a = registered();
  Browser b(server());
  const auto req = request_for(app());
  const auto login = b.post(kAuthorizePath, req.params());
  ASSERT_STATUS(login, 200);
  const auto request = input_value(login.body, "request");
  ASSERT_TRUE(request.has_value()) << login.body;
  const auto consent =
      b.submit(kLoginPath, {{"email", a.email}, {"password", a.password}, {"request", *request}});
  ASSERT_STATUS(consent, 200);
  EXPECT_FALSE(code_of(allow(b, consent), req).empty());
  const auto again = request_for(app());
  EXPECT_FALSE(code_of(b.post(kAuthorizePath, again.params()), again).empty());
}

TEST_F(OidcCodeFlow, UiLocalesAndLoginHintShapeTheLoginPage) {
  Browser b(server());  // asks for English
  auto req = request_for(app());
  req.extra = {{"ui_locales", "ja"}, {"login_hint", "hanako@example.com"}};
  const auto page = b.get(req.target());
  ASSERT_STATUS(page, 200);
  EXPECT_TRUE(contains(page.body, "<html lang=\"ja\"")) << page.body;
  EXPECT_EQ(input_value(page.body, "email"), std::optional<std::string>("hanako@example.com"));
}

TEST_F(OidcCodeFlow, AWrongCodeDoesNotTurnTotpOn) {
  const auto a = registered();
  Browser b(server());
  ASSERT_STATUS(sign_in(b, a), 303);
  const auto secret = input_value(b.get(kAccountPath).body, "token").value_or("");
  ASSERT_FALSE(secret.empty());
  std::set<std::string> valid;
  const auto step = totp_step_now();
  for (auto s = step - 2; s <= step + 2; ++s) valid.insert(totp_code(secret, s));
  std::string wrong = "123456";
  for (int n = 0; valid.contains(wrong); ++n) wrong = totp_code(secret, step + 500 + n);
  const auto refused = b.submit(kAccountPath + "/totp", {{"token", secret}, {"code", wrong}});
  EXPECT_STATUS(refused, 400);
  EXPECT_TRUE(contains(refused.body, kWrongCode)) << refused.body;
  Browser other(server());
  EXPECT_STATUS(sign_in(other, a), 303) << "no second step";
}

TEST_F(OidcCodeFlow, ARedirectUriWithAQueryKeepsIt) {
  auto c = consented();
  auto req = request_for(app());
  req.redirect_uri = kQueryRedirect;
  const auto res = c.browser->get(req.target());
  ASSERT_STATUS(res, 303);
  const auto location = res.header("Location");
  EXPECT_TRUE(location.starts_with(kQueryRedirect + "&")) << location;
  const auto params = query_of(location);
  EXPECT_EQ(value_of(params, "tenant"), "town");
  EXPECT_EQ(value_of(params, "state"), req.state);
  const auto code = value_of(params, "code");
  ASSERT_FALSE(code.empty()) << location;
  tokens_of(token(app(), code_grant(req, code)));
}

TEST_F(OidcCodeFlow, ParametersGivenTwiceAreRefused) {
  Browser b(server());
  auto req = request_for(app());
  // Which client? Which redirect URI? Neither can be trusted: a page.
  req.extra = {{"client_id", portal().id}};
  EXPECT_STATUS(b.get(req.target()), 400);
  EXPECT_FALSE(b.get(req.target()).has_header("Location"));
  req.extra = {{"redirect_uri", kOtherRedirect}};
  const auto two_uris = b.get(req.target());
  EXPECT_STATUS(two_uris, 400);
  EXPECT_FALSE(two_uris.has_header("Location"));
  // The client and its redirect URI are sure: back to it.
  req.extra = {{"scope", "openid"}};
  EXPECT_EQ(value_of(error_redirect(b.get(req.target()), req), "error"), "invalid_request");
}

// RFC 9700 2.1.1 / 4.8: a code issued without a code_challenge is not redeemed with a
// code_verifier (a PKCE downgrade attempt).
TEST_F(OidcCodeFlow, AVerifierForACodeWithoutChallengeIsInvalidGrant) {
  const auto a = registered();
  Browser b(server());
  auto req = request_for(portal());
  req.challenge.clear();
  req.method.clear();
  const auto code = code_of(sign_in_and_consent(b, a, req), req);
  ASSERT_FALSE(code.empty());
  expect_oauth_error(token(portal(), with(code_grant(req, code), "code_verifier", pkce_verifier())),
                     400, "invalid_grant");
}

TEST_F(OidcCodeFlow, LogoutWithTheHintOfAnotherResidentAsksFirst) {
  const auto other = registered();
  Browser elsewhere(server());
  const auto theirs = first_tokens(elsewhere, other, request_for(app()));
  ASSERT_FALSE(theirs.id.empty());

  auto c = consented();
  const auto res = c.browser->get(
      kLogoutPath + "?" +
      form(
          {{"id_token_hint", theirs.id}, {"post_logout_redirect_uri", kRedirect}, {"state", "s"}}));
  EXPECT_STATUS(res, 200);
  EXPECT_FALSE(res.has_header("Location")) << res.header("Location");
  EXPECT_FALSE(set_cookie_value(res, kSessionCookie).has_value());
  EXPECT_FALSE(fresh_code(*c.browser, request_for(app())).empty()) << "still signed in";
  // Neither session was ended.
  EXPECT_FALSE(fresh_code(elsewhere, request_for(app())).empty());
  tokens_of(token(app(), refresh_grant(theirs.refresh)));
}

TEST_F(OidcCodeFlow, DeletingTheAccountEndsItsTokens) {
  const auto a = registered();
  Browser b(server());
  const auto t = first_tokens(b, a, request_for(app()));
  ASSERT_FALSE(t.access.empty());
  ASSERT_STATUS(b.get(kAccountPath), 200);
  const auto wrong = b.submit(kAccountPath + "/delete", {{"password", "not the password"}});
  EXPECT_STATUS(wrong, 401);
  EXPECT_STATUS(userinfo(t.access), 200) << "a wrong password deletes nothing";
  const auto before = http().get("/ngsi-ld/v1/types", bearer(t.access));
  EXPECT_NE(before.status, 401) << before.body;
  const auto deleted = b.submit(kAccountPath + "/delete", {{"password", a.password}});
  EXPECT_STATUS(deleted, 200);
  EXPECT_EQ(set_cookie_value(deleted, kSessionCookie), std::optional<std::string>(""));
  EXPECT_STATUS(userinfo(t.access), 401);
  // The broker refuses the account's access token at once, not when it expires.
  const auto after = http().get("/ngsi-ld/v1/types", bearer(t.access));
  EXPECT_STATUS(after, 401);
  EXPECT_NE(after.header("WWW-Authenticate").find("invalid_token"), std::string::npos);
  expect_oauth_error(token(app(), refresh_grant(t.refresh)), 400, "invalid_grant");
  Browser again(server());
  EXPECT_STATUS(sign_in(again, a), 401);
}

// RFC 7662 2.1: introspection needs the caller to be authorized; a public client's id is no
// credential (anyone can read it from the app).
TEST_F(OidcCodeFlow, APublicClientCannotIntrospect) {
  auto c = consented();
  const auto req = request_for(app());
  const auto t = tokens_of(token(app(), code_grant(req, fresh_code(*c.browser, req))));
  ASSERT_FALSE(t.access.empty());
  const auto res =
      http().post(kIntrospectPath, form({{"token", t.access}, {"client_id", app().id}}), kFormType);
  expect_oauth_error(res, 401, "invalid_client");
}

// RFC 7009 2.1: a public client revokes its own tokens naming itself.
TEST_F(OidcCodeFlow, APublicClientRevokesItsRefreshToken) {
  auto c = consented();
  const auto req = request_for(app());
  const auto t = tokens_of(token(app(), code_grant(req, fresh_code(*c.browser, req))));
  ASSERT_FALSE(t.refresh.empty());
  const auto res =
      http().post(kRevokePath, form({{"token", t.refresh}, {"client_id", app().id}}), kFormType);
  EXPECT_STATUS(res, 200);
  expect_oauth_error(token(app(), refresh_grant(t.refresh)), 400, "invalid_grant");
}

TEST_F(OidcCodeFlow, RegistrationRefusesWhatCannotBeAnAccount) {
  Browser b(server());
  const auto email = new_email();
  const auto short_password = register_with(b, {email, "short"});
  EXPECT_STATUS(short_password, 400);
  EXPECT_TRUE(contains(short_password.body, "at least 10 characters")) << short_password.body;
  const auto same_as_email = register_with(b, {email, email});
  EXPECT_STATUS(same_as_email, 400);
  EXPECT_TRUE(contains(same_as_email.body, "must not be your e-mail address"));
  const auto not_an_address = register_with(b, {"not-an-address", "a long enough password"});
  EXPECT_STATUS(not_an_address, 400);
  EXPECT_TRUE(contains(not_an_address.body, "in the correct format")) << not_an_address.body;
  EXPECT_TRUE(spooled_mails(outbox(), email).empty());
}

TEST_F(OidcCodeFlow, AddressesIgnoreCase) {
  const auto a = registered();
  std::string upper = a.email;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
  Browser b(server());
  EXPECT_STATUS(sign_in(b, {upper, a.password}), 303);
  EXPECT_STATUS(register_with(b, {upper, "another long password"}), 200);
  EXPECT_EQ(links_to(a.email, kVerifyPath).size(), 1U) << "no second account";
  EXPECT_EQ(links_to(a.email, kResetPath).size(), 1U) << "the owner is told";
}

TEST_F(OidcCodeFlow, TheAccountPageEscapesWhatTheResidentTyped) {
  const Account a{new_email(), "a long enough password"};
  Browser b(server());
  ASSERT_STATUS(register_with(b, a, "<script>alert(1)</script>"), 200);
  const auto links = links_to(a.email, kVerifyPath);
  ASSERT_EQ(links.size(), 1U);
  ASSERT_STATUS(b.get(target_of(links[0])), 200);
  ASSERT_STATUS(sign_in(b, a), 303);
  const auto page = b.get(kAccountPath);
  ASSERT_STATUS(page, 200);
  EXPECT_FALSE(contains(page.body, "<script>alert(1)")) << page.body;
  EXPECT_TRUE(contains(page.body, "&lt;script&gt;alert(1)&lt;/script&gt;")) << page.body;
}

TEST_F(OidcCodeFlow, AResetWithAShortPasswordKeepsTheLink) {
  const auto a = registered();
  Browser b(server());
  ASSERT_STATUS(b.get(kForgotPath), 200);
  ASSERT_STATUS(b.submit(kForgotPath, {{"email", a.email}}), 200);
  const auto links = links_to(a.email, kResetPath);
  ASSERT_EQ(links.size(), 1U);
  const auto reset_token = value_of(query_of(links[0]), "token");
  ASSERT_STATUS(b.get(target_of(links[0])), 200);
  const auto refused = b.submit(kResetPath, {{"token", reset_token}, {"new_password", "short"}});
  EXPECT_STATUS(refused, 400);
  EXPECT_TRUE(contains(refused.body, "at least 10 characters")) << refused.body;
  EXPECT_EQ(input_value(refused.body, "token"), std::optional<std::string>(reset_token));
  EXPECT_STATUS(sign_in(b, a), 303) << "the password did not change";
  EXPECT_STATUS(b.submit(kResetPath, {{"token", reset_token}, {"new_password", "long enough now"}}),
                200);
  Browser c(server());
  EXPECT_STATUS(sign_in(c, {a.email, "long enough now"}), 303);
}

// ---------------------------------------------------------------------------------------------
// Brute force: its own server, so that its failures count against nothing else.

class OidcCodeFlowThrottle : public OidcCodeFlow {};

TEST_F(OidcCodeFlowThrottle, FiveWrongPasswordsLockTheAccountEvenForTheRightOne) {
  const auto a = registered();
  Browser b(server());
  ASSERT_STATUS(b.get(kLoginPath), 200);
  for (int i = 1; i <= 5; ++i) {
    const auto res = b.submit(
        kLoginPath, {{"email", a.email}, {"password", "wrong password " + std::to_string(i)}});
    EXPECT_STATUS(res, 401) << "attempt " << i;
    EXPECT_TRUE(contains(res.body, kWrongCredentials)) << res.body;
  }
  const auto locked = b.submit(kLoginPath, {{"email", a.email}, {"password", a.password}});
  EXPECT_STATUS(locked, 429);
  EXPECT_TRUE(contains(locked.body, kTooManyAttempts)) << locked.body;
  EXPECT_FALSE(set_cookie_value(locked, kSessionCookie).has_value());
  const auto retry = locked.header("Retry-After");
  int seconds = -1;
  const auto parsed = std::from_chars(retry.data(), retry.data() + retry.size(), seconds);
  EXPECT_TRUE(parsed.ec == std::errc() && parsed.ptr == retry.data() + retry.size())
      << "Retry-After: '" << retry << "'";
  EXPECT_GT(seconds, 0);
  EXPECT_LE(seconds, 15 * 60);
  // The lock is the account's: another resident signs in from the same address.
  const auto other = registered();
  Browser c(server());
  EXPECT_STATUS(sign_in(c, other), 303);
}

TEST_F(OidcCodeFlowThrottle, FiveWrongCodesLockTheSecondStep) {
  const auto a = registered();
  Browser b(server());
  ASSERT_STATUS(sign_in(b, a), 303);
  const auto account = b.get(kAccountPath);
  const auto secret = input_value(account.body, "token").value_or("");
  ASSERT_FALSE(secret.empty()) << account.body;
  const auto step = totp_step_now();
  ASSERT_STATUS(
      b.submit(kAccountPath + "/totp", {{"token", secret}, {"code", totp_code(secret, step)}}),
      200);

  Browser c(server());
  const auto totp_page = sign_in(c, a);
  ASSERT_STATUS(totp_page, 200);
  std::set<std::string> valid;
  for (auto s = step - 2; s <= step + 3; ++s) valid.insert(totp_code(secret, s));
  int tried = 0;
  for (int n = 0; tried < 5; ++n) {
    const auto wrong = totp_code(secret, step + 100 + n);
    if (valid.contains(wrong)) continue;
    ++tried;
    EXPECT_STATUS(c.submit(kTotpPath, {{"code", wrong}}), 401) << "attempt " << tried;
  }
  const auto locked = c.submit(kTotpPath, {{"code", totp_code(secret, step + 1)}});
  EXPECT_STATUS(locked, 429);
  EXPECT_TRUE(contains(locked.body, kTooManyAttempts)) << locked.body;
  EXPECT_FALSE(locked.header("Retry-After").empty()) << "429 says when to come back (RFC 6585 4)";
  auto silent = request_for(app());
  silent.prompt = "none";
  EXPECT_EQ(value_of(error_redirect(c.get(silent.target()), silent), "error"), "login_required");
}

}  // namespace
}  // namespace tsunagu::it
