// The resident's pages about their personal data (issue 9, items 2 and 4), driven as a browser
// drives them: a resident signs in, gives a service a grant through the consent API with a token
// of their own, sees it on /account/consents, withdraws it with the page's form (a form without
// the CSRF token is refused), and the service's reads stop at once; services' requests are
// approved and declined on the same page; /account/activity lists who read the data and when,
// 50 records a page. Another resident can touch none of it, and without a session the pages
// send the browser to the sign-in page.

#include <algorithm>
#include <cctype>
#include <ctime>
#include <mutex>

#include "oidc_browser.hpp"
#include "oidc_support.hpp"

namespace tsunagu::it {
namespace {

namespace json = boost::json;

const std::string kRedirect = "http://127.0.0.1:9/cb";
const std::string kConsentsPage = "/account/consents";
const std::string kActivityPage = "/account/activity";
const std::string kWithdraw = "/account/consents/withdraw";
const std::string kApprove = "/account/consents/requests/approve";
const std::string kDecline = "/account/consents/requests/decline";
const std::string kGrantsApi = "/consent/v1/grants";
const std::string kRequestsApi = "/consent/v1/requests";
const std::string kEntities = "/ngsi-ld/v1/entities";
constexpr std::string_view kCategory = "childcare-application";
constexpr std::string_view kType = "ChildcareApplication";

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

std::size_t count(std::string_view text, std::string_view part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string_view::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// An RFC 3339 UTC date-time `days` from now.
std::string days_from_now(int days) {
  const std::time_t t = std::time(nullptr) + static_cast<std::time_t>(days) * 24 * 3600;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

// The value of the hidden field `name` in the form posting to `action`, the first such form.
std::string form_field(std::string_view html, std::string_view action, std::string_view name) {
  const auto form = html.find("action=\"" + std::string(action) + "\"");
  if (form == std::string_view::npos) return {};
  const auto end = html.find("</form>", form);
  return input_value(html.substr(form, end - form), name).value_or("");
}

// A resident: signed in in their own browser, with an access token of the scope "consent".
struct Resident {
  std::string email;
  std::string password;
  std::unique_ptr<Browser> browser;
  std::string subject;
  std::string token;
};

class OidcPersonalDataPages : public OidcTest {
 protected:
  void SetUp() override {
    OidcTest::SetUp();
    if (!server_alive()) return;
    admin_token_ = get_token(http(), admin());
    std::call_once(once_, [this] {
      // Every entity of this type in the default tenant is personal; its subject is `applicant`.
      const auto rules =
          http().put("/admin/v1/personal-data/_default",
                     R"([{"type": "ChildcareApplication", "category": "childcare-application",)"
                     R"( "subject": "applicant"}])",
                     bearer(admin_token_));
      EXPECT_STATUS(rules, 200);
      app_ = add_client_by_api(R"({"name": "Town app", "scopes": ["openid", "consent"],)"
                               R"( "redirect_uris": [")" +
                               kRedirect + R"("], "confidential": false})");
      nursery_ =
          add_client_by_api(R"({"name": "Nursery <office> & \"co\"", "scopes": ["ngsi-ld:read"]})");
    });
  }

  ClientCredentials add_client_by_api(const std::string& body) {
    const auto res = http().post("/admin/v1/clients", body, bearer(admin_token_));
    EXPECT_STATUS(res, 201);
    if (res.status != 201) return {};
    return {str(res.json(), "client_id"), str(res.json(), "client_secret")};
  }

  static std::string nursery_name_escaped() {
    return "Nursery &lt;office&gt; &amp; &quot;co&quot;";
  }

  // Registers, verifies, signs in and gets a token through the code flow with PKCE.
  Resident resident() {
    Resident r;
    r.email = test_name() + "-" + std::to_string(++residents_) + "@example.com";
    std::transform(r.email.begin(), r.email.end(), r.email.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    r.password = "correct horse battery " + std::to_string(residents_);
    r.browser = std::make_unique<Browser>(server());
    auto& b = *r.browser;
    EXPECT_STATUS(b.get("/account/register"), 200);
    EXPECT_STATUS(b.submit("/account/register", {{"email", r.email}, {"password", r.password}}),
                  200);
    std::string verify;
    for (const auto& mail : spooled_mails(server().data_dir() / "outbox", r.email)) {
      for (const auto& link : links_in(mail.body, "/account/verify")) verify = link;
    }
    EXPECT_FALSE(verify.empty()) << "no verification link mailed to " << r.email;
    EXPECT_STATUS(b.get(target_of(verify)), 200);
    EXPECT_STATUS(b.get("/account/login"), 200);
    const auto signed_in =
        b.submit("/account/login", {{"email", r.email}, {"password", r.password}});
    EXPECT_STATUS(signed_in, 303);
    EXPECT_EQ(signed_in.header("Location"), "/account");

    const auto verifier = pkce_verifier();
    const auto consent = b.get("/oauth2/authorize?" + form({{"client_id", app_.id},
                                                            {"redirect_uri", kRedirect},
                                                            {"response_type", "code"},
                                                            {"scope", "openid consent"},
                                                            {"state", "s"},
                                                            {"nonce", "n"},
                                                            {"code_challenge", pkce_s256(verifier)},
                                                            {"code_challenge_method", "S256"}}));
    EXPECT_STATUS(consent, 200);
    const auto back = b.submit(
        "/oauth2/consent",
        {{"decision", "allow"}, {"request", input_value(consent.body, "request").value_or("")}});
    EXPECT_STATUS(back, 303);
    const auto code = query_of(back.header("Location"))["code"];
    EXPECT_FALSE(code.empty()) << back.header("Location");
    const auto tokens = http().post("/oauth2/token",
                                    form({{"grant_type", "authorization_code"},
                                          {"code", code},
                                          {"redirect_uri", kRedirect},
                                          {"code_verifier", verifier},
                                          {"client_id", app_.id}}),
                                    kFormType);
    EXPECT_STATUS(tokens, 200);
    if (tokens.status == 200) {
      r.token = str(tokens.json(), "access_token");
      r.subject = str(jwt_claims(r.token), "sub");
    }
    EXPECT_FALSE(r.subject.empty());
    return r;
  }

  // The resident's grant to the nursery, through the consent API; its id.
  std::string grant(const Resident& r, std::string_view purpose) {
    json::object body{{"client_id", nursery_.id},
                      {"category", kCategory},
                      {"purpose", purpose},
                      {"expires_at", days_from_now(30)}};
    const auto res = http().post(kGrantsApi, json::serialize(body), bearer(r.token));
    EXPECT_STATUS(res, 201);
    return res.status == 201 ? str(res.json(), "id") : std::string();
  }

  // The nursery's request for a grant from the resident; its id.
  std::string request(const Resident& r, std::string_view purpose) {
    json::object body{{"subject", r.subject},
                      {"category", kCategory},
                      {"purpose", purpose},
                      {"expires_at", days_from_now(60)}};
    const auto res =
        http().post(kRequestsApi, json::serialize(body), bearer(get_token(http(), nursery_)));
    EXPECT_STATUS(res, 201);
    return res.status == 201 ? str(res.json(), "id") : std::string();
  }

  // A childcare application of the resident, written by the writer client; its id.
  std::string application(const Resident& r) {
    const auto id = new_id(kType);
    json::object entity{{"id", id},
                        {"type", kType},
                        {"applicant", json::object{{"type", "Relationship"},
                                                   {"object", "urn:ngsi-ld:Person:" + r.subject}}},
                        {"children", json::object{{"type", "Property"}, {"value", 2}}}};
    const auto res =
        http().post(kEntities, json::serialize(entity), bearer(get_token(http(), writer())));
    EXPECT_STATUS(res, 201);
    return id;
  }

  Response nursery_reads(const std::string& id) {
    return http().get(kEntities + "/" + url_encode(id), bearer(get_token(http(), nursery_)));
  }

  // The state of a grant as the consent API tells the resident.
  std::string api_state(const Resident& r, const std::string& grant_id) {
    const auto res = http().get(kGrantsApi + "/" + grant_id, bearer(r.token));
    EXPECT_STATUS(res, 200);
    return res.status == 200 ? str(res.json(), "state") : std::string();
  }

  // The security headers of every page and redirect; a page is HTML.
  static void expect_page_headers(const Response& res) {
    if (res.status != 303) {
      EXPECT_TRUE(res.header("Content-Type").starts_with("text/html"))
          << res.header("Content-Type");
    }
    EXPECT_TRUE(contains(res.header("Content-Security-Policy"), "default-src 'none'"));
    EXPECT_TRUE(contains(res.header("Content-Security-Policy"), "frame-ancestors 'none'"));
    EXPECT_EQ(res.header("X-Frame-Options"), "DENY");
    EXPECT_EQ(res.header("Cache-Control"), "no-store");
    EXPECT_EQ(res.header("Referrer-Policy"), "no-referrer");
  }

  static inline std::once_flag once_;
  static inline ClientCredentials app_;
  static inline ClientCredentials nursery_;
  std::string admin_token_;
  int residents_ = 0;
};

TEST_F(OidcPersonalDataPages, AGrantIsShownAndWithdrawnWithTheForm) {
  auto r = resident();
  const auto id = grant(r, "Nursery admission <2025>");
  const auto entity = application(r);
  EXPECT_STATUS(nursery_reads(entity), 200);

  auto& b = *r.browser;
  auto page = b.get(kConsentsPage);
  EXPECT_STATUS(page, 200);
  expect_page_headers(page);
  EXPECT_TRUE(contains(page.body, "<h1>Consents to use your data</h1>"));
  EXPECT_TRUE(contains(page.body, "<h3 id=\"grant-1\">" + nursery_name_escaped() + "</h3>"))
      << page.body;
  EXPECT_TRUE(contains(page.body, "<dt>Status</dt>\n<dd>In force</dd>"));
  EXPECT_TRUE(contains(page.body, "<dd>childcare-application</dd>"));
  EXPECT_TRUE(contains(page.body, "<dd>Nursery admission &lt;2025&gt;</dd>"));
  EXPECT_TRUE(contains(page.body, "<dt>Data space</dt>\n<dd>Standard</dd>"));
  EXPECT_TRUE(contains(page.body, "No service is waiting for your answer."));
  EXPECT_EQ(form_field(page.body, kWithdraw, "grant"), id);

  // Without the CSRF token, or with another, nothing is withdrawn.
  auto refused = b.post(kWithdraw, {{"grant", id}});
  EXPECT_STATUS(refused, 403);
  EXPECT_TRUE(contains(refused.body, "This page has expired.")) << refused.body;
  refused = b.post(kWithdraw, {{"grant", id}, {"csrf", "forged"}});
  EXPECT_STATUS(refused, 403);
  EXPECT_EQ(api_state(r, id), "active");
  EXPECT_STATUS(nursery_reads(entity), 200);

  page = b.get(kConsentsPage);
  const auto withdrawn =
      b.submit(kWithdraw, {{"grant", form_field(page.body, kWithdraw, "grant")}});
  EXPECT_STATUS(withdrawn, 303);
  expect_page_headers(withdrawn);
  EXPECT_EQ(withdrawn.header("Location"), "/account/consents?ui_locales=en&done=withdrawn");
  EXPECT_EQ(api_state(r, id), "withdrawn");
  EXPECT_STATUS(nursery_reads(entity), 404);  // at once

  page = b.get(withdrawn.header("Location"));
  EXPECT_STATUS(page, 200);
  EXPECT_TRUE(contains(page.body, "Your consent has been withdrawn.")) << page.body;
  EXPECT_TRUE(contains(page.body, "<dt>Status</dt>\n<dd>Withdrawn</dd>"));
  EXPECT_TRUE(contains(page.body, "<dt>Withdrawn on</dt>"));
  EXPECT_FALSE(contains(page.body, kWithdraw));

  // Withdrawing again changes nothing and says so.
  EXPECT_STATUS(b.submit(kWithdraw, {{"grant", id}}), 303);
}

TEST_F(OidcPersonalDataPages, TheActivityListsTheServicesReads) {
  auto r = resident();
  auto& b = *r.browser;
  auto page = b.get(kActivityPage);
  EXPECT_STATUS(page, 200);
  expect_page_headers(page);
  EXPECT_TRUE(contains(page.body, "<h1>Who used your data</h1>"));
  EXPECT_TRUE(contains(page.body, "No service has used your personal data."));

  grant(r, "Nursery admission");
  const auto entity = application(r);
  EXPECT_STATUS(nursery_reads(entity), 200);
  page = b.get(kActivityPage);
  EXPECT_STATUS(page, 200);
  EXPECT_EQ(count(page.body, "<section aria-labelledby=\"record-"), 1u) << page.body;
  EXPECT_TRUE(contains(page.body, "<dt>Service</dt>\n<dd>" + nursery_name_escaped() + "</dd>"));
  EXPECT_TRUE(contains(page.body, "<dt>Type of data</dt>\n<dd>ChildcareApplication</dd>"));
  EXPECT_TRUE(contains(page.body, "<dt>Record</dt>\n<dd>" + entity + "</dd>"));
  EXPECT_TRUE(contains(page.body, "<dt>Items</dt>\n<dd>All items</dd>"));
  EXPECT_TRUE(contains(page.body, "<dt>Purpose</dt>\n<dd>Nursery admission</dd>"));
  EXPECT_TRUE(contains(page.body, " UTC</time></h2>"));
  EXPECT_FALSE(contains(page.body, "Older records"));

  // In Japanese when asked.
  page = b.get(kActivityPage + "?ui_locales=ja");
  EXPECT_TRUE(contains(page.body, "<h1>データの利用履歴</h1>"));
  EXPECT_TRUE(contains(page.body, "<dt>利用目的</dt>\n<dd>Nursery admission</dd>"));
}

TEST_F(OidcPersonalDataPages, TheActivityComesFiftyRecordsAPage) {
  auto r = resident();
  grant(r, "Nursery admission");
  const auto entity = application(r);
  const auto token = get_token(http(), nursery_);
  for (int i = 0; i < 52; ++i) {
    ASSERT_STATUS(http().get(kEntities + "/" + url_encode(entity), bearer(token)), 200);
  }
  auto& b = *r.browser;
  auto page = b.get(kActivityPage);
  EXPECT_STATUS(page, 200);
  EXPECT_EQ(count(page.body, "<section aria-labelledby=\"record-"), 50u);
  const auto older = page.body.find("\">Older records</a>");
  ASSERT_NE(older, std::string::npos) << page.body;
  const auto href_at = page.body.rfind("href=\"", older) + 6;
  std::string href = page.body.substr(href_at, older - href_at);
  for (auto amp = href.find("&amp;"); amp != std::string::npos; amp = href.find("&amp;")) {
    href.replace(amp, 5, "&");
  }
  EXPECT_TRUE(href.starts_with("/account/activity?ui_locales=en&before=")) << href;
  page = b.get(href);
  EXPECT_STATUS(page, 200);
  EXPECT_EQ(count(page.body, "<section aria-labelledby=\"record-"), 2u);
  EXPECT_TRUE(contains(page.body, ">Newest records</a>"));
  EXPECT_FALSE(contains(page.body, "Older records"));

  EXPECT_STATUS(b.get(kActivityPage + "?before=x"), 400);
  EXPECT_STATUS(b.get(kActivityPage + "?before=0"), 400);
}

TEST_F(OidcPersonalDataPages, RequestsAreApprovedAndDeclinedOnThePage) {
  auto r = resident();
  const auto approved = request(r, "Nursery admission");
  const auto declined = request(r, "Newsletter");
  auto& b = *r.browser;
  auto page = b.get(kConsentsPage);
  EXPECT_STATUS(page, 200);
  EXPECT_EQ(count(page.body, "<section aria-labelledby=\"request-"), 2u) << page.body;
  EXPECT_TRUE(contains(page.body, "You have not consented to any service"));
  EXPECT_TRUE(contains(page.body, "value=\"" + approved + "\""));

  // Without the CSRF token, nothing is decided.
  EXPECT_STATUS(b.post(kApprove, {{"consent_request", approved}}), 403);
  EXPECT_STATUS(b.post(kDecline, {{"consent_request", declined}}), 403);

  page = b.get(kConsentsPage);
  auto res = b.submit(kApprove, {{"consent_request", approved}});
  EXPECT_STATUS(res, 303);
  EXPECT_EQ(res.header("Location"), "/account/consents?ui_locales=en&done=approved");
  res = b.submit(kDecline, {{"consent_request", declined}});
  EXPECT_STATUS(res, 303);
  EXPECT_EQ(res.header("Location"), "/account/consents?ui_locales=en&done=declined");

  page = b.get(kConsentsPage + "?done=declined");
  EXPECT_TRUE(contains(page.body, "You have not agreed.")) << page.body;
  EXPECT_TRUE(contains(page.body, "No service is waiting for your answer."));
  EXPECT_EQ(count(page.body, "<section aria-labelledby=\"grant-"), 1u);
  EXPECT_TRUE(contains(page.body, "<dd>Nursery admission</dd>"));
  EXPECT_FALSE(contains(page.body, "Newsletter"));
  EXPECT_TRUE(contains(page.body, "<dt>Status</dt>\n<dd>In force</dd>"));
  const auto entity = application(r);
  EXPECT_STATUS(nursery_reads(entity), 200);

  // Answered already: the page says so.
  res = b.submit(kApprove, {{"consent_request", declined}});
  EXPECT_STATUS(res, 409);
  EXPECT_TRUE(contains(res.body, "This request has already been answered.")) << res.body;
  res = b.submit(kDecline, {{"consent_request", "no-such-request"}});
  EXPECT_STATUS(res, 404);
  EXPECT_TRUE(contains(res.body, "This consent or request was not found."));
}

TEST_F(OidcPersonalDataPages, AnotherResidentCanTouchNothing) {
  auto owner = resident();
  auto other = resident();
  const auto id = grant(owner, "Nursery admission");
  const auto asked = request(owner, "Newsletter");
  auto& b = *other.browser;
  auto page = b.get(kConsentsPage);
  EXPECT_FALSE(contains(page.body, "Nursery admission"));
  EXPECT_FALSE(contains(page.body, "Newsletter"));
  EXPECT_STATUS(b.submit(kWithdraw, {{"grant", id}}), 404);
  EXPECT_STATUS(b.submit(kApprove, {{"consent_request", asked}}), 404);
  EXPECT_STATUS(b.submit(kDecline, {{"consent_request", asked}}), 404);
  EXPECT_EQ(api_state(owner, id), "active");
  page = owner.browser->get(kConsentsPage);
  EXPECT_EQ(count(page.body, "<section aria-labelledby=\"request-"), 1u);
}

TEST_F(OidcPersonalDataPages, WithoutASessionThePagesSendToTheSignIn) {
  Browser b(server());
  for (const auto& path : {kConsentsPage, kActivityPage}) {
    const auto res = b.get(path);
    EXPECT_STATUS(res, 303);
    EXPECT_EQ(res.header("Location"), "/account/login") << path;
  }
  EXPECT_STATUS(b.get("/account/login"), 200);  // a CSRF token of its own
  const auto res = b.submit(kWithdraw, {{"grant", "any"}});
  EXPECT_STATUS(res, 303);
  EXPECT_EQ(res.header("Location"), "/account/login");
}

TEST_F(OidcPersonalDataPages, TheAccountPageLinksToBoth) {
  auto r = resident();
  const auto page = r.browser->get("/account");
  EXPECT_STATUS(page, 200);
  EXPECT_TRUE(contains(page.body, "<a href=\"/account/consents?ui_locales=en\">"));
  EXPECT_TRUE(contains(page.body, "<a href=\"/account/activity?ui_locales=en\">"));
}

}  // namespace
}  // namespace tsunagu::it
