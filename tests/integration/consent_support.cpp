#include "consent_support.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <stdexcept>

namespace tsunagu::it {

namespace json = boost::json;

namespace {}  // namespace

std::string vocab(std::string_view term) {
  return std::string(kDefaultVocab) + std::string(term);
}

json::value scenario_rules() {
  return J(R"([
    {"type": "ChildcareApplication", "category": "childcare-application", "subject": "applicant"},
    {"type": "HealthCheckup", "category": "health-checkup", "subject": "patient",
     "attributes": ["bloodPressure"]}])");
}

json::value application(std::string_view id, const std::string& person, int child_age) {
  return json::object{
      {"id", id},
      {"type", "ChildcareApplication"},
      {"applicant", {{"type", "Relationship"}, {"object", person}, {"observedAt", kObserved}}},
      {"childAge", {{"type", "Property"}, {"value", child_age}, {"observedAt", kObserved}}}};
}

json::value checkup(std::string_view id, const std::string& subject, int blood_pressure) {
  return json::object{
      {"id", id},
      {"type", "HealthCheckup"},
      {"patient", {{"type", "Property"}, {"value", subject}, {"observedAt", kObserved}}},
      {"bloodPressure",
       {{"type", "Property"}, {"value", blood_pressure}, {"observedAt", kObserved}}},
      {"clinic", {{"type", "Property"}, {"value", "Kita clinic"}, {"observedAt", kObserved}}}};
}

json::value nursery(std::string_view id) {
  return json::object{
      {"id", id},
      {"type", "Nursery"},
      {"capacity", {{"type", "Property"}, {"value", 40}, {"observedAt", kObserved}}}};
}

json::array array_in(const Response& res) {
  try {
    auto body = res.json();
    if (body.is_array()) return std::move(body.as_array());
  } catch (const std::exception&) {
  }
  return {};
}

json::object grant_terms(std::string_view who_name, std::string_view who, std::string_view tenant,
                         std::string_view category, std::string_view expires_at,
                         std::string_view purpose) {
  return json::object{{who_name, who},
                      {"tenant", tenant},
                      {"category", category},
                      {"purpose", purpose},
                      {"expires_at", expires_at}};
}

void ConsentTest::SetUpTestSuite() {
  residents_.clear();
  registered_ = 0;
  start_shared([](ServerProcess& server) {
    server.set_require_tokens(true);
    const auto dir = server.data_dir();
    clients_ = std::make_unique<Clients>(Clients{
        register_client(dir, "Resident app", true, {std::string(kResidentRedirect)},
                        {"openid", "email", "consent"}),
        add_client(dir, "operator",
                   {std::string(kScopeAdmin), std::string(kScopeRead), std::string(kScopeWrite)}),
        add_client(dir, "childcare service", {std::string(kScopeRead), std::string(kScopeWrite)}),
        add_client(dir, "other service", {std::string(kScopeRead)})});
  });
}

void ConsentTest::TearDownTestSuite() {
  BrokerTest::TearDownTestSuite();
  clients_.reset();
  residents_.clear();
}

void ConsentTest::SetUp() {
  BrokerTest::SetUp();
  if (HasFatalFailure()) return;
  op_token = get_token(http(), operator_client());
  service_token = get_token(http(), service());
  other_token = get_token(http(), other());
  ASSERT_FALSE(op_token.empty() || service_token.empty() || other_token.empty());
}

Resident& ConsentTest::resident(std::size_t n) {
  while (residents_.size() <= n) residents_.push_back(new_resident());
  return residents_[n];
}

Resident ConsentTest::new_resident(const std::string& scope) {
  Resident r;
  const int n = ++registered_;
  std::string name = std::string(::testing::UnitTest::GetInstance()->current_test_suite()->name()) +
                     "-" + std::to_string(n);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  r.email = name + "@example.com";
  const std::string password = "correct horse battery " + std::to_string(n);

  Browser b(server());
  // Registration, and the link mailed to confirm the address.
  if (!register_verified(b, server().data_dir(), r.email, password)) return r;

  // The code flow with PKCE: sign-in page, consent page, code, token.
  r.token =
      code_flow_token(b, app().id, std::string(kResidentRedirect), r.email, password, scope, n);
  if (r.token.empty()) return r;
  r.sub = str(jwt_claims(r.token), "sub");
  EXPECT_FALSE(r.sub.empty()) << "no sub in the access token";
  EXPECT_NE(r.sub, app().id);
  return r;
}

void ConsentTest::declare(const json::value& rules, const std::string& tenant_label) {
  const auto res = http().put(kPersonalDataPath + tenant_label, S(rules), bearer(op_token));
  EXPECT_STATUS(res, 200);
}

void ConsentTest::create_as_operator(const json::value& entity) {
  EXPECT_STATUS(http().post(kEntities, S(entity), as(op_token)), 201);
}

Scenario ConsentTest::make_scenario(const Resident& a, const Resident& b) {
  declare(scenario_rules());
  Scenario s{new_id("ChildcareApplication"), new_id("ChildcareApplication"),
             new_id("HealthCheckup"), new_id("HealthCheckup"), new_id("Nursery")};
  create_as_operator(application(s.app_a, a.person(), 4));
  create_as_operator(application(s.app_b, b.person(), 5));
  create_as_operator(checkup(s.chk_a, a.sub, 128));
  create_as_operator(checkup(s.chk_b, b.sub, 141));
  create_as_operator(nursery(s.nursery));
  return s;
}

json::value ConsentTest::give(const Resident& who, const ClientCredentials& client,
                              std::string_view category, std::string_view expires_at,
                              std::string_view purpose) {
  const std::string until =
      expires_at.empty() ? in(std::chrono::hours(24)) : std::string(expires_at);
  const auto res = http().post(
      kGrantsPath, S(grant_terms("client_id", client.id, tenant(), category, until, purpose)),
      bearer(who.token));
  if (!HasStatus(res, 201)) {
    ADD_FAILURE() << "granting " << category << " to " << client.id << ": "
                  << HasStatus(res, 201).message();
    return nullptr;
  }
  return res.json();
}

void ConsentTest::withdraw(const Resident& who, std::string_view grant_id) {
  EXPECT_STATUS(http().del(kGrantsPath + "/" + std::string(grant_id), bearer(who.token)), 204);
}

std::string ConsentTest::in(std::chrono::milliseconds offset) {
  const auto at = std::chrono::system_clock::now() + offset;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch());
  const std::time_t seconds = ms.count() / 1000;
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  char millis[8];
  std::snprintf(millis, sizeof millis, ".%03dZ", static_cast<int>(ms.count() % 1000));
  return std::string(text) + millis;
}

}  // namespace tsunagu::it
