#pragma once
// Helpers of the consent tests (consent_*_test.cpp; docs/design/consent.md): a server requiring
// tokens with the clients a consent scenario needs, residents registered and signed in through
// oneID's code flow (their access tokens carry the scope "consent"), the personal-data rules of
// a tenant, and the grants residents give.
//
// Every test works in a tenant of its own (its rules, entities and grants live there), so the
// residents, which cost two Argon2 hashes each, may be shared by the tests of a suite.

#include <boost/json.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "oidc_browser.hpp"
#include "oidc_support.hpp"

namespace tsunagu::it {

inline const std::string kGrantsPath = "/consent/v1/grants";
inline const std::string kConsentRequestsPath = "/consent/v1/requests";
inline const std::string kAuditPath = "/consent/v1/audit";
inline const std::string kPersonalDataPath = "/admin/v1/personal-data/";
inline const std::string kQueryPath = "/ngsi-ld/v1/entityOperations/query";
inline const std::string kTemporalEntitiesPath = "/ngsi-ld/v1/temporal/entities";
inline const std::string kTemporalQueryPath = "/ngsi-ld/v1/temporal/entityOperations/query";
inline constexpr std::string_view kPersonPrefix = "urn:ngsi-ld:Person:";
inline constexpr std::string_view kResidentRedirect = "http://127.0.0.1:9/cb";

// The IRI the core context gives a term: https://uri.etsi.org/ngsi-ld/default-context/<term>.
std::string vocab(std::string_view term);

// A resident with an account and an access token of the resident app.
struct Resident {
  std::string email;
  std::string sub;    // the oneID subject (the tokens' "sub")
  std::string token;  // access token of the code flow
  std::string person() const { return std::string(kPersonPrefix) + sub; }
};

// The entities of a consent scenario in one tenant. Rules: ChildcareApplication entities are
// personal as a whole (category childcare-application, subject: the Relationship "applicant");
// of a HealthCheckup only "bloodPressure" is (category health-checkup, subject: the Property
// "patient", whose value is the subject); a Nursery is not personal. Every attribute has an
// observedAt (kObserved), so that the temporal API returns all of them.
struct Scenario {
  std::string app_a, app_b;  // ChildcareApplication of residents a and b (childAge 4 and 5)
  std::string chk_a, chk_b;  // HealthCheckup of a and b (bloodPressure 128 and 141)
  std::string nursery;       // Nursery
};
inline constexpr std::string_view kChildcare = "childcare-application";
inline constexpr std::string_view kHealth = "health-checkup";
inline constexpr std::string_view kObserved = "2026-01-01T00:00:00.000Z";
// What the temporal API's queries ask for: every instance observed after 2025.
inline constexpr std::string_view kTemporalRange = "timerel=after&timeAt=2025-01-01T00:00:00Z";
// The rules of a Scenario, as an operator writes them.
boost::json::value scenario_rules();
boost::json::value application(std::string_view id, const std::string& person, int child_age);
boost::json::value checkup(std::string_view id, const std::string& subject, int blood_pressure);
boost::json::value nursery(std::string_view id);

// The JSON array a response holds (empty when it holds none), by value: safe to loop over.
boost::json::array array_in(const Response& res);

// The body of a grant or request: {who_name: who, tenant, category, purpose, expires_at}.
boost::json::object grant_terms(std::string_view who_name, std::string_view who,
                                std::string_view tenant, std::string_view category,
                                std::string_view expires_at, std::string_view purpose = "testing");

class ConsentTest : public BrokerTest {
 public:
  static void SetUpTestSuite();
  static void TearDownTestSuite();

 protected:
  void SetUp() override;

  // The resident app (public, PKCE; scopes openid, email, consent).
  static const ClientCredentials& app() { return clients_->app; }
  // admin, ngsi-ld:read, ngsi-ld:write: declares personal data and writes the entities.
  static const ClientCredentials& operator_client() { return clients_->op; }
  // ngsi-ld:read, ngsi-ld:write: the service the residents grant.
  static const ClientCredentials& service() { return clients_->service; }
  // ngsi-ld:read: a second service, never granted anything by the tests.
  static const ClientCredentials& other() { return clients_->other; }

  // Tokens of the clients, fetched for each test.
  std::string op_token, service_token, other_token;

  // A resident shared by the tests of the suite (registered on first use): 0, 1, ...
  Resident& resident(std::size_t n);
  // A new resident signed in to app() with `scope`.
  Resident new_resident(const std::string& scope = "openid consent");

  // This test's tenant: "t" + the test's name.
  static std::string tenant() { return unique("t"); }
  // bearer(token) with this test's tenant.
  static Headers as(std::string_view token) { return bearer(token, with_tenant(tenant())); }

  // PUT /admin/v1/personal-data/<tenant> as the operator; expects 200.
  void declare(const boost::json::value& rules, const std::string& tenant_label = tenant());
  // Creates the entity in this test's tenant as the operator; expects 201.
  void create_as_operator(const boost::json::value& entity);

  // Declares scenario_rules() in this test's tenant and creates the Scenario's entities there.
  Scenario make_scenario(const Resident& a, const Resident& b);

  // POST /consent/v1/grants as the resident for `client` in this test's tenant; expects 201 and
  // returns the grant (null after a recorded failure).
  boost::json::value give(const Resident& who, const ClientCredentials& client,
                          std::string_view category, std::string_view expires_at = {},
                          std::string_view purpose = "testing");
  // DELETE /consent/v1/grants/<id> as the resident; expects 204.
  void withdraw(const Resident& who, std::string_view grant_id);

  // An ISO 8601 UTC time `offset` from now, with milliseconds.
  static std::string in(std::chrono::milliseconds offset);

 private:
  struct Clients {
    ClientCredentials app, op, service, other;
  };
  static inline std::unique_ptr<Clients> clients_;
  static inline std::deque<Resident> residents_;  // references stay valid as it grows
  static inline int registered_ = 0;
};

}  // namespace tsunagu::it
