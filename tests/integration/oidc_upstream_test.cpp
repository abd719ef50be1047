// Sign-in through an upstream OpenID provider (docs/design/identity.md, "Upstream providers"):
// a second tsunagu is the upstream. A resident with an account there signs in to a service of
// the first one, is sent to the upstream, signs in and consents there, and comes back with a
// local account linked to the upstream's subject; the next time the same account is found.
// An address registered locally but never verified is not taken over.

#include <fstream>

#include "oidc_browser.hpp"
#include "oidc_support.hpp"

namespace tsunagu::it {
namespace {

constexpr std::string_view kClientRedirect = "http://127.0.0.1:9/cb";
constexpr std::string_view kPassword = "sumiyoshi taisha no tsuki";

class OidcUpstream : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    upstream_ = std::make_unique<ServerProcess>();
    upstream_->set_require_tokens(true);
    upstream_->start();
    local_ = std::make_unique<ServerProcess>();
    local_->set_require_tokens(true);
    local_port_ = closed_port();
    local_->set_listen_port(local_port_);
    const auto local_url = "http://127.0.0.1:" + std::to_string(local_port_);
    // The upstream knows the local platform as a confidential client (registered while the
    // upstream runs, as an operator would).
    const auto rp = register_client(upstream_->data_dir(), "Osaka platform", false,
                                    {local_url + "/account/upstream/city/callback"},
                                    {"openid", "email", "profile"});
    app_ = register_client(local_->data_dir(), "Town app", true, {std::string(kClientRedirect)},
                           {"openid", "email"});
    const auto config = local_->data_dir().parent_path() / "local.toml";
    std::ofstream(config) << "[auth.upstream.city]\nname = \"Osaka City ID\"\nissuer = \""
                          << url(*upstream_) << "\"\nclient_id = \"" << rp.id
                          << "\"\nclient_secret = \"" << rp.secret << "\"\n";
    local_->set_extra_args({"--config", config.string()});
    local_->start();
  }

  static void TearDownTestSuite() {
    if (local_) {
      EXPECT_EQ(local_->stop(), 0) << local_->log_tail();
    }
    if (upstream_) {
      EXPECT_EQ(upstream_->stop(), 0) << upstream_->log_tail();
    }
    local_.reset();
    upstream_.reset();
  }

  void TearDown() override {
    if (HasFailure()) {
      std::cerr << "---- local ----\n"
                << local_->log_tail(3000) << "\n---- upstream ----\n"
                << upstream_->log_tail(3000) << "\n";
    }
  }

  static std::string url(const ServerProcess& s) {
    return "http://127.0.0.1:" + std::to_string(s.port());
  }

  // An account on the upstream with a verified address.
  static void register_upstream(const std::string& email) {
    Browser b(*upstream_);
    ASSERT_STATUS(b.get("/account/register"), 200);
    ASSERT_STATUS(
        b.submit("/account/register", {{"email", email}, {"password", std::string(kPassword)}}),
        200);
    const auto mails = spooled_mails(upstream_->data_dir() / "outbox", email);
    ASSERT_EQ(mails.size(), 1U);
    const auto links = links_in(mails[0].body, "/account/verify");
    ASSERT_EQ(links.size(), 1U);
    ASSERT_STATUS(b.get(target_of(links[0])), 200);
  }

  struct Flow {
    std::string verifier = pkce_verifier();
    Response last;  // the local platform's last answer
  };

  // /oauth2/authorize at the local platform, then the link to the upstream followed, the
  // resident signing in and consenting there, and the way back.
  static Flow through_upstream(Browser& local, Browser& upstream, const std::string& email) {
    Flow f;
    const auto login =
        local.get("/oauth2/authorize?response_type=code&client_id=" + app_.id +
                  "&redirect_uri=" + std::string(kClientRedirect) +
                  "&scope=openid%20email&state=s1&code_challenge=" + pkce_s256(f.verifier) +
                  "&code_challenge_method=S256");
    EXPECT_STATUS(login, 200);
    const auto request = input_value(login.body, "request").value_or("");
    const auto link = "/account/upstream/city?request=" + request;
    EXPECT_NE(login.body.find("Sign in with Osaka City ID"), std::string::npos) << login.body;
    EXPECT_NE(login.body.find("href=\"/account/upstream/city?request="), std::string::npos)
        << login.body;
    const auto away = local.get(link);
    EXPECT_STATUS(away, 303);
    const auto to_upstream = away.header("Location");
    EXPECT_TRUE(to_upstream.starts_with(url(*upstream_) + "/oauth2/authorize?")) << to_upstream;
    auto page = upstream.get(target_of(to_upstream));
    if (page.status == 200) {  // not signed in at the upstream yet
      page = upstream.submit("/account/login",
                             {{"email", email},
                              {"password", std::string(kPassword)},
                              {"request", input_value(page.body, "request").value_or("")}});
    }
    if (page.status == 200) {  // the upstream asks for consent
      page = upstream.submit(
          "/oauth2/consent",
          {{"decision", "allow"}, {"request", input_value(page.body, "request").value_or("")}});
    }
    EXPECT_STATUS(page, 303);
    const auto back = page.header("Location");
    EXPECT_TRUE(back.starts_with(url(*local_) + "/account/upstream/city/callback?")) << back;
    f.last = local.get(target_of(back));
    return f;
  }

  // The local consent given, the code exchanged: the ID token's claims.
  static boost::json::value finish_locally(Browser& local, Flow& f) {
    auto answer = f.last;
    if (answer.status == 200) {
      answer = local.submit(
          "/oauth2/consent",
          {{"decision", "allow"}, {"request", input_value(answer.body, "request").value_or("")}});
    }
    EXPECT_STATUS(answer, 303);
    const auto params = query_of(answer.header("Location"));
    EXPECT_EQ(params.count("code"), 1U) << answer.header("Location");
    auto http = local_->client();
    const auto tokens = http.post("/oauth2/token",
                                  form({{"grant_type", "authorization_code"},
                                        {"code", params.count("code") ? params.at("code") : ""},
                                        {"redirect_uri", std::string(kClientRedirect)},
                                        {"client_id", app_.id},
                                        {"code_verifier", f.verifier}}),
                                  kFormType);
    EXPECT_STATUS(tokens, 200);
    const auto body = boost::json::parse(tokens.body);
    const auto info = http.get("/oauth2/userinfo", bearer(str(body, "access_token")));
    EXPECT_STATUS(info, 200);
    return boost::json::parse(info.body);
  }

  static inline std::unique_ptr<ServerProcess> upstream_;
  static inline std::unique_ptr<ServerProcess> local_;
  static inline ClientCredentials app_;
  static inline unsigned short local_port_ = 0;
};

TEST_F(OidcUpstream, AResidentOfTheUpstreamGetsALinkedLocalAccount) {
  const std::string email = "kita-resident@example.jp";
  register_upstream(email);
  Browser local(*local_), upstream(*upstream_);
  auto flow = through_upstream(local, upstream, email);
  ASSERT_STATUS(flow.last, 200);  // the local consent page: a new account, a first consent
  const auto info = finish_locally(local, flow);
  EXPECT_EQ(str(info, "email"), email);
  EXPECT_EQ(info.at("email_verified"), boost::json::value(true));
  const auto subject = str(info, "sub");
  EXPECT_FALSE(subject.empty());

  // Another browser, signed in at the upstream already: the same local account, no password.
  Browser local2(*local_);
  auto again = through_upstream(local2, upstream, email);
  EXPECT_EQ(str(finish_locally(local2, again), "sub"), subject);
}

TEST_F(OidcUpstream, AnUnverifiedLocalAccountOfTheSameAddressIsNotTakenOver) {
  const std::string email = "squatted@example.jp";
  register_upstream(email);
  // Someone registered the address locally and never verified it.
  Browser squatter(*local_);
  ASSERT_STATUS(squatter.get("/account/register"), 200);
  ASSERT_STATUS(squatter.submit("/account/register",
                                {{"email", email}, {"password", "not the owner at all"}}),
                200);
  Browser local(*local_), upstream(*upstream_);
  const auto flow = through_upstream(local, upstream, email);
  EXPECT_STATUS(flow.last, 403);
  EXPECT_FALSE(local.cookie("tsunagu_session").has_value());
}

TEST_F(OidcUpstream, ACallbackWithAStateNotIssuedIsRefused) {
  Browser local(*local_);
  const auto res = local.get("/account/upstream/city/callback?code=abc&state=forged");
  EXPECT_STATUS(res, 400);
  EXPECT_FALSE(local.cookie("tsunagu_session").has_value());
  EXPECT_STATUS(local.get("/account/upstream/nowhere"), 404);
}

}  // namespace
}  // namespace tsunagu::it
