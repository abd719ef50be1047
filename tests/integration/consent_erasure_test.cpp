// A resident's download of everything about them (GET /consent/v1/export) and the erasure of
// their personal data when they delete their oneID account on the account page
// (docs/design/consent.md, "Portability, erasure"): the download holds exactly the resident's
// entities and histories (a deleted entity's history included), and the deletion removes them in
// every tenant, withdraws the resident's grants and appends one "erased" record, by client
// "oneid", to the audit log, which `tsunagu audit export` shows and `tsunagu audit verify` still
// finds intact.

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <memory>
#include <set>

#include "oidc_browser.hpp"
#include "oidc_support.hpp"

namespace tsunagu::it {
namespace {

namespace json = boost::json;

const std::string kRedirect = "http://127.0.0.1:9/cb";
const std::string kLoginPath = "/account/login";
const std::string kAccountPath = "/account";
const std::string kDeletePath = "/account/delete";
const std::string kExportPath = "/consent/v1/export";
const std::string kGrantsPath = "/consent/v1/grants";
const std::string kRulesPath = "/admin/v1/personal-data/_default";
const std::string kTemporal = "/ngsi-ld/v1/temporal/entities/";
constexpr std::string_view kPersonPrefix = "urn:ngsi-ld:Person:";
constexpr std::string_view kChildcare = "childcare-application";
constexpr std::string_view kAccountDeleted = "Your account has been deleted";
constexpr std::string_view kFirstObserved = "2026-01-01T00:00:00.000Z";
constexpr std::string_view kLaterObserved = "2026-02-01T00:00:00.000Z";

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// An ISO 8601 UTC time 30 days from now (grants may last at most about five years).
std::string in_thirty_days() {
  const auto at = std::chrono::system_clock::now() + std::chrono::days(30);
  const std::time_t seconds = std::chrono::system_clock::to_time_t(at);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S.000Z", &utc);
  return text;
}

// A resident signed in to the resident app: the browser keeps the oneID session.
struct Resident {
  std::string email;
  std::string password;
  std::string sub;
  std::string token;
  std::unique_ptr<Browser> browser;
  std::string person() const { return std::string(kPersonPrefix) + sub; }
};

json::value application(std::string_view id, const std::string& person, int child_age) {
  return json::object{
      {"id", id},
      {"type", "ChildcareApplication"},
      {"applicant", {{"type", "Relationship"}, {"object", person}, {"observedAt", kFirstObserved}}},
      {"childAge", {{"type", "Property"}, {"value", child_age}, {"observedAt", kFirstObserved}}}};
}

// The ids of a JSON array of entities, or an empty set when it is not one.
std::set<std::string> ids_in(const json::value& v) {
  std::set<std::string> out;
  if (!v.is_array()) return out;
  for (const auto& e : v.as_array()) out.insert(str(e, "id"));
  return out;
}

// The lines of `text` parsed as JSON (JSON Lines).
std::vector<json::value> json_lines(const std::string& text) {
  std::vector<json::value> out;
  for (std::size_t at = 0; at < text.size();) {
    const auto end = text.find('\n', at);
    const auto line = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
    at = end == std::string::npos ? text.size() : end + 1;
    if (!line.empty()) out.push_back(J(line));
  }
  return out;
}

class ConsentErasure : public BrokerTest {
 public:
  static void SetUpTestSuite() {
    start_shared([](ServerProcess& server) {
      server.set_require_tokens(true);
      const auto dir = server.data_dir();
      clients_ = std::make_unique<Clients>(Clients{
          register_client(dir, "Resident app", true, {kRedirect}, {"openid", "email", "consent"}),
          add_client(dir, "operator", {std::string(kScopeAdmin), std::string(kScopeRead)}),
          add_client(dir, "writer", {std::string(kScopeRead), std::string(kScopeWrite)})});
    });
  }

  static void TearDownTestSuite() {
    BrokerTest::TearDownTestSuite();
    clients_.reset();
  }

 protected:
  void SetUp() override {
    BrokerTest::SetUp();
    if (HasFatalFailure()) return;
    admin_token = get_token(http(), clients_->admin);
    writer_token = get_token(http(), clients_->writer);
    ASSERT_FALSE(admin_token.empty() || writer_token.empty());
    ASSERT_STATUS(http().put(kRulesPath, R"([{"type": "ChildcareApplication",
      "category": "childcare-application", "subject": "applicant"}])",
                             bearer(admin_token)),
                  200);
  }

  static const ClientCredentials& writer() { return clients_->writer; }

  // A new resident: registration, the mailed link, and the code flow with PKCE asking for
  // "openid consent".
  Resident new_resident() {
    Resident r;
    const int n = ++registered_;
    std::string name = test_name() + "-" + std::to_string(n);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    r.email = name + "@example.com";
    r.password = "correct horse battery " + std::to_string(n);
    r.browser = std::make_unique<Browser>(server());
    auto& b = *r.browser;
    if (!register_verified(b, server().data_dir(), r.email, r.password)) return r;

    r.token =
        code_flow_token(b, clients_->app.id, kRedirect, r.email, r.password, "openid consent", n);
    if (r.token.empty()) return r;
    const auto claims = jwt_claims(r.token);
    r.sub = str(claims, "sub");
    EXPECT_FALSE(r.sub.empty()) << "no sub in the access token";
    EXPECT_NE(r.sub, clients_->app.id);
    return r;
  }

  // What the tests write for resident a (and another resident b), as the writer client:
  // - kept: a ChildcareApplication of a, created (childAge 4) and patched (childAge 5);
  // - gone: a ChildcareApplication of a, created and deleted (its history stays);
  // - other: a ChildcareApplication of b.
  struct Data {
    std::string kept, gone, other;
  };
  Data write_data(const Resident& a, const Resident& b) {
    Data d{new_id("ChildcareApplication"), new_id("ChildcareApplication"),
           new_id("ChildcareApplication")};
    EXPECT_STATUS(
        http().post(kEntities, S(application(d.kept, a.person(), 4)), bearer(writer_token)), 201);
    EXPECT_STATUS(
        http().patch(
            entity_path(d.kept) + "/attrs",
            S(json::object{{"childAge",
                            {{"type", "Property"}, {"value", 5}, {"observedAt", kLaterObserved}}}}),
            bearer(writer_token)),
        204);
    EXPECT_STATUS(
        http().post(kEntities, S(application(d.gone, a.person(), 2)), bearer(writer_token)), 201);
    EXPECT_STATUS(http().del(entity_path(d.gone), bearer(writer_token)), 204);
    EXPECT_STATUS(
        http().post(kEntities, S(application(d.other, b.person(), 3)), bearer(writer_token)), 201);
    return d;
  }

  // POST /consent/v1/grants as the resident for the writer (childcare-application in
  // _default); expects 201 and returns the grant's id.
  std::string give(const Resident& r, std::string_view purpose) {
    const auto res = http().post(kGrantsPath,
                                 S(json::object{{"client_id", writer().id},
                                                {"tenant", "_default"},
                                                {"category", kChildcare},
                                                {"purpose", purpose},
                                                {"expires_at", in_thirty_days()}}),
                                 bearer(r.token));
    EXPECT_STATUS(res, 201);
    return res.status == 201 ? str(res.json(), "id") : std::string();
  }

  // The account page's delete form, posted with `password`.
  static Response delete_account(Resident& r, const std::string& password) {
    const auto page = r.browser->get(kAccountPath);
    EXPECT_STATUS(page, 200);
    return r.browser->submit(kDeletePath, {{"password", password}});
  }

  // The records of `tsunagu audit export` on the server's data directory.
  static std::vector<json::value> exported_audit() {
    const auto run = run_tsunagu({"audit", "export", "--data-dir", server().data_dir().string()});
    EXPECT_EQ(run.exit_code, 0) << run.output;
    return json_lines(run.output);
  }

  // The exported records of client "oneid" about `subject`.
  static std::vector<json::value> erasure_records(const std::string& subject) {
    std::vector<json::value> out;
    for (auto& r : exported_audit()) {
      if (str(r, "client_id") == "oneid" && str(r, "subject") == subject) out.push_back(r);
    }
    return out;
  }

  std::string admin_token, writer_token;

 private:
  struct Clients {
    ClientCredentials app, admin, writer;
  };
  static inline std::unique_ptr<Clients> clients_;
  static inline int registered_ = 0;
};

TEST_F(ConsentErasure, TheDownloadHoldsExactlyTheResidentsEntitiesHistoriesAndGrants) {
  auto a = new_resident();
  auto b = new_resident();
  ASSERT_FALSE(a.token.empty() || b.token.empty());
  const auto d = write_data(a, b);
  const auto grant = give(a, "childcare allocation");

  const auto res = http().get(kExportPath, bearer(a.token));
  ASSERT_STATUS(res, 200);
  EXPECT_TRUE(res.header("Content-Type").starts_with("application/json"))
      << res.header("Content-Type");
  EXPECT_EQ(res.header("Content-Disposition"),
            "attachment; filename=\"tsunagu-personal-data.json\"");
  const auto body = res.json();
  ASSERT_TRUE(body.is_object()) << res.body;
  std::set<std::string> members;
  for (const auto& [key, _] : body.as_object()) members.insert(std::string(key));
  EXPECT_EQ(members, (std::set<std::string>{"subject", "tenants", "grants", "audit"})) << res.body;
  EXPECT_EQ(str(body, "subject"), a.sub);

  const auto& tenants = body.at("tenants");
  ASSERT_TRUE(tenants.is_array()) << res.body;
  ASSERT_EQ(tenants.as_array().size(), 1U) << res.body;
  const auto& t = tenants.as_array()[0];
  EXPECT_EQ(str(t, "tenant"), "_default");
  // The deleted entity is gone but its history is the resident's; b's entity is not here.
  EXPECT_EQ(ids_in(t.at("entities")), (std::set<std::string>{d.kept})) << res.body;
  EXPECT_EQ(ids_in(t.at("history")), (std::set<std::string>{d.kept, d.gone})) << res.body;
  const auto& entity = t.at("entities").as_array().at(0);
  EXPECT_EQ(str(entity, "type"), "ChildcareApplication") << res.body;
  EXPECT_EQ(str(entity.at("applicant"), "object"), a.person()) << res.body;
  EXPECT_EQ(entity.at("childAge").at("value"), json::value(5)) << res.body;
  for (const auto& h : t.at("history").as_array()) {
    if (str(h, "id") != d.kept) continue;
    const auto& ages = h.at("childAge");
    ASSERT_TRUE(ages.is_array()) << res.body;
    std::multiset<std::int64_t> values;
    for (const auto& i : ages.as_array()) values.insert(i.at("value").to_number<std::int64_t>());
    EXPECT_EQ(values, (std::multiset<std::int64_t>{4, 5})) << res.body;
  }

  const auto& grants = body.at("grants");
  ASSERT_TRUE(grants.is_array()) << res.body;
  ASSERT_EQ(grants.as_array().size(), 1U) << res.body;
  EXPECT_EQ(str(grants.as_array()[0], "id"), grant);
  EXPECT_EQ(str(grants.as_array()[0], "client_id"), writer().id);
  EXPECT_EQ(str(grants.as_array()[0], "category"), kChildcare);
  EXPECT_EQ(str(grants.as_array()[0], "state"), "active");
  // Nothing has read a's data yet.
  EXPECT_EQ(body.at("audit"), json::value(json::array{})) << res.body;

  // The other resident's download holds only theirs.
  const auto other = http().get(kExportPath, bearer(b.token));
  ASSERT_STATUS(other, 200);
  const auto other_body = other.json();
  const auto& theirs = other_body.at("tenants");
  ASSERT_EQ(theirs.as_array().size(), 1U) << other.body;
  EXPECT_EQ(ids_in(theirs.as_array()[0].at("entities")), (std::set<std::string>{d.other}));
  EXPECT_EQ(ids_in(theirs.as_array()[0].at("history")), (std::set<std::string>{d.other}));
}

TEST_F(ConsentErasure, AServiceTokenCannotDownload) {
  const auto res = http().get(kExportPath, bearer(writer_token));
  EXPECT_STATUS(res, 403);
  EXPECT_STATUS(http().get(kExportPath), 401);
}

TEST_F(ConsentErasure, DeletingTheAccountErasesTheResidentsDataAndAuditsIt) {
  auto a = new_resident();
  auto b = new_resident();
  ASSERT_FALSE(a.token.empty() || b.token.empty());
  const auto d = write_data(a, b);
  const auto withdrawn = give(a, "first");
  give(a, "second");
  ASSERT_STATUS(http().del(kGrantsPath + "/" + withdrawn, bearer(a.token)), 204);
  // Before: the histories are there (the deleted entity's too).
  ASSERT_STATUS(http().get(entity_path(d.kept), bearer(admin_token)), 200);
  ASSERT_STATUS(http().get(kTemporal + d.kept, bearer(admin_token)), 200);
  ASSERT_STATUS(http().get(kTemporal + d.gone, bearer(admin_token)), 200);
  EXPECT_TRUE(erasure_records(a.sub).empty());

  const auto deleted = delete_account(a, a.password);
  EXPECT_STATUS(deleted, 200);
  EXPECT_TRUE(contains(deleted.body, kAccountDeleted)) << deleted.body;

  EXPECT_STATUS(http().get(entity_path(d.kept), bearer(admin_token)), 404);
  EXPECT_STATUS(http().get(kTemporal + d.kept, bearer(admin_token)), 404);
  EXPECT_STATUS(http().get(kTemporal + d.gone, bearer(admin_token)), 404);
  // The other resident's data stays.
  const auto kept = http().get(entity_path(d.other), bearer(admin_token));
  ASSERT_STATUS(kept, 200);
  EXPECT_EQ(str(kept.json().at("applicant"), "object"), b.person()) << kept.body;
  EXPECT_STATUS(http().get(kTemporal + d.other, bearer(admin_token)), 200);
  const auto theirs = http().get(kExportPath, bearer(b.token));
  ASSERT_STATUS(theirs, 200);
  EXPECT_EQ(theirs.json().at("tenants").as_array().size(), 1U) << theirs.body;
  // The resident's token ended with the account.
  EXPECT_STATUS(http().get(kExportPath, bearer(a.token)), 401);

  // One record of the erasure: 1 entity, 2 histories, 1 grant still active.
  const auto records = erasure_records(a.sub);
  ASSERT_EQ(records.size(), 1U);
  const auto& r = records.front();
  EXPECT_EQ(J(str(r, "data")),
            J(R"({"erased": {"entities": 1, "histories": 2, "grants_withdrawn": 1}})"))
      << S(r);
  EXPECT_EQ(str(r, "purpose"), "the resident deleted their account");
  EXPECT_EQ(str(r, "grant_id"), "");
  EXPECT_TRUE(erasure_records(b.sub).empty());

  const auto verify = run_tsunagu({"audit", "verify", "--data-dir", server().data_dir().string()});
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_TRUE(verify.output.starts_with("audit log intact: ")) << verify.output;
}

TEST_F(ConsentErasure, AWrongPasswordErasesNothing) {
  auto a = new_resident();
  auto b = new_resident();
  ASSERT_FALSE(a.token.empty() || b.token.empty());
  const auto d = write_data(a, b);

  const auto refused = delete_account(a, a.password + "x");
  EXPECT_STATUS(refused, 401);
  EXPECT_FALSE(contains(refused.body, kAccountDeleted)) << refused.body;
  EXPECT_STATUS(http().get(entity_path(d.kept), bearer(admin_token)), 200);
  EXPECT_STATUS(http().get(kTemporal + d.gone, bearer(admin_token)), 200);
  EXPECT_TRUE(erasure_records(a.sub).empty());
  const auto res = http().get(kExportPath, bearer(a.token));
  ASSERT_STATUS(res, 200);
  const auto body = res.json();
  const auto& tenants = body.at("tenants");
  ASSERT_EQ(tenants.as_array().size(), 1U) << res.body;
  EXPECT_EQ(ids_in(tenants.as_array()[0].at("entities")), (std::set<std::string>{d.kept}));
}

TEST_F(ConsentErasure, AResidentWithoutPersonalDataIsErasedWithZeroCounts) {
  auto a = new_resident();
  ASSERT_FALSE(a.token.empty());
  const auto res = http().get(kExportPath, bearer(a.token));
  ASSERT_STATUS(res, 200);
  EXPECT_EQ(res.json(),
            J(R"({"subject": ")" + a.sub + R"(", "tenants": [], "grants": [], "audit": []})"));

  EXPECT_STATUS(delete_account(a, a.password), 200);
  const auto records = erasure_records(a.sub);
  ASSERT_EQ(records.size(), 1U);
  EXPECT_EQ(J(str(records.front(), "data")),
            J(R"({"erased": {"entities": 0, "histories": 0, "grants_withdrawn": 0}})"));
}

}  // namespace
}  // namespace tsunagu::it
