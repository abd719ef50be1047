// The consent API's own contract (docs/design/consent.md, "Grants"; src/api/consent): residents
// grant, list and withdraw at /consent/v1/grants and answer services' requests at
// /consent/v1/requests with an access token of their own holding the scope "consent"; services
// ask with their client-credentials token; operators declare personal data at
// /admin/v1/personal-data/{tenant} with the admin scope. Validation errors are 400
// (BadRequestData, InvalidRequest for a body that is not JSON), 401 and 403 are about:blank
// ProblemDetails with a Bearer challenge, someone else's grant or request is 404, and deciding a
// request twice is 409 (AlreadyExists).

#include "consent_support.hpp"

namespace tsunagu::it {
namespace {

namespace json = boost::json;

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

class ConsentApi : public ConsentTest {
 protected:
  static ::testing::AssertionResult IsAuthProblem(const Response& res, int status) {
    auto result = IsProblemOfType(res, status, "about:blank");
    if (!result) return result;
    if (!res.header("WWW-Authenticate").starts_with(kBearerChallenge)) {
      return ::testing::AssertionFailure()
             << "expected a Bearer challenge, got '" << res.header("WWW-Authenticate") << "'";
    }
    return result;
  }

  // A grant body for service() in this test's tenant, a day long.
  json::object terms(std::string_view category = kChildcare) {
    return grant_terms("client_id", service().id, tenant(), category, in(24h));
  }

  // A request body of service() to `subject`.
  json::object asking(const std::string& subject, std::string_view category = kChildcare) {
    return grant_terms("subject", subject, tenant(), category, in(24h), "nursery admission");
  }

  // POST /consent/v1/requests as service(); expects 201 and returns the request's id.
  std::string request_consent(const Resident& r) {
    const auto res = http().post(kConsentRequestsPath, S(asking(r.sub)), bearer(service_token));
    if (!HasStatus(res, 201)) {
      ADD_FAILURE() << HasStatus(res, 201).message();
      return {};
    }
    const auto id = str(res.json(), "id");
    EXPECT_EQ(res.header("Location"), kConsentRequestsPath + "/" + id);
    return id;
  }

  std::string request_path(std::string_view id, std::string_view action = {}) {
    return kConsentRequestsPath + "/" + std::string(id) +
           (action.empty() ? "" : "/" + std::string(action));
  }
};

// ---- grants

TEST_F(ConsentApi, AGrantIsCreatedListedReadAndWithdrawn) {
  const auto& a = resident(0);
  declare(scenario_rules());
  const auto until = in(24h);
  const auto res = http().post(
      kGrantsPath,
      S(grant_terms("client_id", service().id, tenant(), kChildcare, until, "nursery admission")),
      bearer(a.token));
  ASSERT_STATUS(res, 201);
  const auto grant = res.json();
  const auto id = str(grant, "id");
  EXPECT_EQ(res.header("Location"), kGrantsPath + "/" + id);
  EXPECT_EQ(str(grant, "client_id"), service().id);
  EXPECT_EQ(str(grant, "tenant"), tenant());
  EXPECT_EQ(str(grant, "category"), kChildcare);
  EXPECT_EQ(str(grant, "purpose"), "nursery admission");
  EXPECT_EQ(str(grant, "expires_at"), until);
  EXPECT_EQ(str(grant, "state"), "active");
  EXPECT_TRUE(is_utc_ms_timestamp(grant.at("granted_at")));
  EXPECT_FALSE(grant.as_object().contains("withdrawn_at"));

  const auto listed = http().get(kGrantsPath, bearer(a.token));
  ASSERT_STATUS(listed, 200);
  bool found = false;
  for (const auto& g : array_in(listed)) found = found || g == grant;
  EXPECT_TRUE(found) << listed.body;
  const auto one = http().get(kGrantsPath + "/" + id, bearer(a.token));
  ASSERT_STATUS(one, 200);
  EXPECT_EQ(one.json(), grant);

  EXPECT_STATUS(http().del(kGrantsPath + "/" + id, bearer(a.token)), 204);
  const auto withdrawn = http().get(kGrantsPath + "/" + id, bearer(a.token));
  ASSERT_STATUS(withdrawn, 200);
  EXPECT_EQ(str(withdrawn.json(), "state"), "withdrawn");
  EXPECT_TRUE(is_utc_ms_timestamp(withdrawn.json().at("withdrawn_at"))) << withdrawn.body;
  // Withdrawing again changes nothing.
  EXPECT_STATUS(http().del(kGrantsPath + "/" + id, bearer(a.token)), 204);
  EXPECT_EQ(http().get(kGrantsPath + "/" + id, bearer(a.token)).json(), withdrawn.json());
}

TEST_F(ConsentApi, AGrantsTermsAreChecked) {
  const auto& a = resident(0);
  declare(scenario_rules());
  const auto h = bearer(a.token);
  auto post = [&](const json::object& body) { return http().post(kGrantsPath, S(body), h); };
  auto changed = [&](std::string_view name, const auto& value) {
    auto body = terms();
    body[name] = json::value_from(value);
    return body;
  };
  auto without = [&](std::string_view name) {
    auto body = terms();
    body.erase(name);
    return body;
  };
  // An unknown client, an undeclared category, a tenant that declares nothing or is no name.
  EXPECT_PROBLEM(post(changed("client_id", "no-such-client")), 400, "BadRequestData");
  EXPECT_PROBLEM(post(changed("category", "tax-return")), 400, "BadRequestData");
  EXPECT_PROBLEM(post(changed("tenant", tenant() + "-nothing")), 400, "BadRequestData");
  EXPECT_PROBLEM(post(changed("tenant", "no tenant!")), 400, "BadRequestData");
  // Times: in the past, now-ish, malformed, too far ahead (over five years).
  EXPECT_PROBLEM(post(changed("expires_at", in(-1h))), 400, "BadRequestData");
  EXPECT_PROBLEM(post(changed("expires_at", "tomorrow")), 400, "BadRequestData");
  EXPECT_PROBLEM(post(changed("expires_at", in(std::chrono::hours(24 * 366 * 6)))), 400,
                 "BadRequestData");
  // Members: missing, empty, of the wrong type, unknown; a purpose too long.
  EXPECT_PROBLEM(post(without("client_id")), 400, "BadRequestData");
  EXPECT_PROBLEM(post(without("purpose")), 400, "BadRequestData");
  EXPECT_PROBLEM(post(without("expires_at")), 400, "BadRequestData");
  EXPECT_PROBLEM(post(changed("purpose", "")), 400, "BadRequestData");
  EXPECT_PROBLEM(post(changed("category", 7)), 400, "BadRequestData");
  EXPECT_PROBLEM(post(changed("subject", a.sub)), 400, "BadRequestData");
  EXPECT_PROBLEM(post(changed("purpose", std::string(501, 'p'))), 400, "BadRequestData");
  EXPECT_STATUS(post(changed("purpose", std::string(500, 'p'))), 201);
  // Bodies that are no grant at all.
  EXPECT_PROBLEM(http().post(kGrantsPath, "{\"client_id\": ", h), 400, "InvalidRequest");
  EXPECT_PROBLEM(http().post(kGrantsPath, "[]", h), 400, "BadRequestData");
  // None of the refused ones was stored.
  const auto listed = http().get(kGrantsPath, h);
  ASSERT_STATUS(listed, 200);
  std::size_t here = 0;
  for (const auto& g : array_in(listed)) here += str(g, "tenant") == tenant() ? 1 : 0;
  EXPECT_EQ(here, 1U) << listed.body;
}

TEST_F(ConsentApi, ResidentEndpointsNeedAResidentsTokenWithTheScopeConsent) {
  const auto& a = resident(0);
  declare(scenario_rules());
  const auto grant = give(a, service(), kChildcare);
  const auto grant_path = kGrantsPath + "/" + str(grant, "id");
  const auto without_consent = new_resident("openid email");
  ASSERT_FALSE(without_consent.token.empty());
  const std::vector<std::pair<http::verb, std::string>> endpoints = {
      {http::verb::get, kGrantsPath},
      {http::verb::post, kGrantsPath},
      {http::verb::get, grant_path},
      {http::verb::delete_, grant_path},
      {http::verb::get, kConsentRequestsPath},
      {http::verb::post, request_path("x", "approve")},
      {http::verb::post, request_path("x", "decline")},
      {http::verb::get, kAuditPath},
  };
  for (const auto& [method, target] : endpoints) {
    SCOPED_TRACE(std::string(http::to_string(method)) + " " + target);
    const std::string body = method == http::verb::post ? S(terms()) : std::string();
    // No token: 401 with the bare challenge.
    const auto anonymous = http().request(method, target, {}, body);
    EXPECT_TRUE(IsAuthProblem(anonymous, 401));
    EXPECT_EQ(anonymous.header("WWW-Authenticate"), kBearerChallenge);
    // A token that is no token: 401 invalid_token.
    const auto forged = http().request(method, target, bearer("not.a.token"), body);
    EXPECT_TRUE(IsAuthProblem(forged, 401));
    EXPECT_TRUE(contains(forged.header("WWW-Authenticate"), "invalid_token"));
    // A service's own token, even the operator's: 403.
    EXPECT_TRUE(IsAuthProblem(http().request(method, target, bearer(service_token), body), 403));
    EXPECT_TRUE(IsAuthProblem(http().request(method, target, bearer(op_token), body), 403));
    // A resident's token without the scope consent: 403 insufficient_scope.
    const auto scopeless = http().request(method, target, bearer(without_consent.token), body);
    EXPECT_TRUE(IsAuthProblem(scopeless, 403));
    EXPECT_TRUE(contains(scopeless.header("WWW-Authenticate"), "insufficient_scope"));
  }
  // The grant is still there and in force.
  const auto still = http().get(grant_path, bearer(a.token));
  ASSERT_STATUS(still, 200);
  EXPECT_EQ(str(still.json(), "state"), "active");
}

TEST_F(ConsentApi, SomeoneElsesGrantIsNotFound) {
  const auto& a = resident(0);
  const auto& b = resident(1);
  declare(scenario_rules());
  const auto grant = give(a, service(), kChildcare);
  const auto path = kGrantsPath + "/" + str(grant, "id");
  EXPECT_PROBLEM(http().get(path, bearer(b.token)), 404, "ResourceNotFound");
  EXPECT_PROBLEM(http().del(path, bearer(b.token)), 404, "ResourceNotFound");
  EXPECT_PROBLEM(http().get(kGrantsPath + "/no-such-grant", bearer(a.token)), 404,
                 "ResourceNotFound");
  EXPECT_PROBLEM(http().del(kGrantsPath + "/no-such-grant", bearer(a.token)), 404,
                 "ResourceNotFound");
  // b's list does not show it; b's DELETE did not withdraw it.
  const auto listed = http().get(kGrantsPath, bearer(b.token));
  ASSERT_STATUS(listed, 200);
  for (const auto& g : array_in(listed)) EXPECT_NE(str(g, "id"), str(grant, "id"));
  EXPECT_EQ(str(http().get(path, bearer(a.token)).json(), "state"), "active");
}

// ---- requests

TEST_F(ConsentApi, AServicesRequestApprovedBecomesAGrantThatOpensTheData) {
  const auto& a = resident(0);
  const auto& b = resident(1);
  const auto s = make_scenario(a, b);
  EXPECT_PROBLEM(http().get(entity_path(s.app_a), as(service_token)), 404, "ResourceNotFound");

  const auto id = request_consent(a);
  ASSERT_FALSE(id.empty());
  // The requesting client and the resident read it; another client and another resident do not.
  const auto by_service = http().get(request_path(id), bearer(service_token));
  ASSERT_STATUS(by_service, 200);
  const auto request = by_service.json();
  EXPECT_EQ(str(request, "state"), "pending");
  EXPECT_EQ(str(request, "client_id"), service().id);
  EXPECT_EQ(str(request, "subject"), a.sub);
  EXPECT_EQ(str(request, "tenant"), tenant());
  EXPECT_EQ(str(request, "category"), kChildcare);
  EXPECT_EQ(str(request, "purpose"), "nursery admission");
  EXPECT_EQ(http().get(request_path(id), bearer(a.token)).json(), request);
  EXPECT_PROBLEM(http().get(request_path(id), bearer(other_token)), 404, "ResourceNotFound");
  EXPECT_PROBLEM(http().get(request_path(id), bearer(b.token)), 404, "ResourceNotFound");
  // The resident's list holds it; b cannot decide it.
  const auto listed = http().get(kConsentRequestsPath, bearer(a.token));
  ASSERT_STATUS(listed, 200);
  bool found = false;
  for (const auto& r : array_in(listed)) found = found || str(r, "id") == id;
  EXPECT_TRUE(found) << listed.body;
  EXPECT_PROBLEM(http().post(request_path(id, "approve"), "", bearer(b.token)), 404,
                 "ResourceNotFound");
  EXPECT_PROBLEM(http().post(request_path(id, "decline"), "", bearer(b.token)), 404,
                 "ResourceNotFound");

  const auto approved = http().post(request_path(id, "approve"), "", bearer(a.token));
  ASSERT_STATUS(approved, 201);
  const auto grant = approved.json();
  EXPECT_EQ(approved.header("Location"), kGrantsPath + "/" + str(grant, "id"));
  EXPECT_EQ(str(grant, "client_id"), service().id);
  EXPECT_EQ(str(grant, "category"), kChildcare);
  EXPECT_EQ(str(grant, "purpose"), "nursery admission");
  EXPECT_EQ(str(grant, "expires_at"), str(request, "expires_at"));
  EXPECT_EQ(str(grant, "state"), "active");
  const auto decided = http().get(request_path(id), bearer(service_token));
  ASSERT_STATUS(decided, 200);
  EXPECT_EQ(str(decided.json(), "state"), "approved");
  EXPECT_EQ(str(decided.json(), "grant_id"), str(grant, "id"));
  EXPECT_TRUE(is_utc_ms_timestamp(decided.json().at("decided_at")));
  EXPECT_STATUS(http().get(entity_path(s.app_a), as(service_token)), 200);

  // Deciding again: 409, and nothing changes.
  EXPECT_PROBLEM(http().post(request_path(id, "approve"), "", bearer(a.token)), 409,
                 "AlreadyExists");
  EXPECT_PROBLEM(http().post(request_path(id, "decline"), "", bearer(a.token)), 409,
                 "AlreadyExists");
  EXPECT_EQ(http().get(request_path(id), bearer(a.token)).json(), decided.json());
  std::size_t grants = 0;
  for (const auto& g : array_in(http().get(kGrantsPath, bearer(a.token)))) {
    grants += str(g, "tenant") == tenant() ? 1 : 0;
  }
  EXPECT_EQ(grants, 1U);
}

TEST_F(ConsentApi, ADeclinedRequestCannotBeApproved) {
  const auto& a = resident(0);
  const auto& b = resident(1);
  const auto s = make_scenario(a, b);
  const auto id = request_consent(a);
  ASSERT_FALSE(id.empty());
  EXPECT_STATUS(http().post(request_path(id, "decline"), "", bearer(a.token)), 204);
  const auto declined = http().get(request_path(id), bearer(service_token));
  ASSERT_STATUS(declined, 200);
  EXPECT_EQ(str(declined.json(), "state"), "declined");
  EXPECT_FALSE(declined.json().as_object().contains("grant_id"));
  EXPECT_PROBLEM(http().post(request_path(id, "approve"), "", bearer(a.token)), 409,
                 "AlreadyExists");
  EXPECT_PROBLEM(http().post(request_path(id, "decline"), "", bearer(a.token)), 409,
                 "AlreadyExists");
  EXPECT_PROBLEM(http().get(entity_path(s.app_a), as(service_token)), 404, "ResourceNotFound");
  EXPECT_PROBLEM(http().post(request_path("no-such-request", "approve"), "", bearer(a.token)), 404,
                 "ResourceNotFound");
}

TEST_F(ConsentApi, ARequestsTermsAndCallerAreChecked) {
  const auto& a = resident(0);
  declare(scenario_rules());
  const auto h = bearer(service_token);
  auto post = [&](const json::object& body) {
    return http().post(kConsentRequestsPath, S(body), h);
  };
  auto changed = [&](std::string_view name, const auto& value) {
    auto body = asking(a.sub);
    body[name] = json::value_from(value);
    return body;
  };
  EXPECT_PROBLEM(post(changed("subject", "nobody-has-this-subject")), 400, "BadRequestData");
  EXPECT_PROBLEM(post(changed("category", "tax-return")), 400, "BadRequestData");
  EXPECT_PROBLEM(post(changed("expires_at", in(-1min))), 400, "BadRequestData");
  EXPECT_PROBLEM(post(changed("client_id", service().id)), 400, "BadRequestData");
  EXPECT_PROBLEM(http().post(kConsentRequestsPath, "not json", h), 400, "InvalidRequest");
  // A resident does not ask themselves; an anonymous caller asks nobody.
  EXPECT_TRUE(IsProblemOfType(http().post(kConsentRequestsPath, S(asking(a.sub)), bearer(a.token)),
                              403, "about:blank"));
  EXPECT_TRUE(
      IsProblemOfType(http().post(kConsentRequestsPath, S(asking(a.sub))), 401, "about:blank"));
  EXPECT_TRUE(IsProblemOfType(http().get(request_path("x")), 401, "about:blank"));
  // Nothing reached the resident.
  const auto listed = http().get(kConsentRequestsPath, bearer(a.token));
  ASSERT_STATUS(listed, 200);
  for (const auto& r : array_in(listed)) EXPECT_NE(str(r, "tenant"), tenant());
}

TEST_F(ConsentApi, AServiceHasAtMostTwentyRequestsPendingWithAResident) {
  const auto b = new_resident();
  declare(scenario_rules());
  std::string first;
  for (int i = 0; i < 20; ++i) {
    const auto id = request_consent(b);
    if (first.empty()) first = id;
  }
  const auto refused = http().post(kConsentRequestsPath, S(asking(b.sub)), bearer(service_token));
  EXPECT_TRUE(IsProblemOfType(refused, 429, "about:blank"));
  // Another client may still ask; and once b answers one, the service may ask again.
  EXPECT_STATUS(http().post(kConsentRequestsPath, S(asking(b.sub)), bearer(op_token)), 201);
  EXPECT_STATUS(http().post(request_path(first, "decline"), "", bearer(b.token)), 204);
  EXPECT_STATUS(http().post(kConsentRequestsPath, S(asking(b.sub)), bearer(service_token)), 201);
}

// ---- audit parameters

TEST_F(ConsentApi, AuditPagingParametersAreChecked) {
  const auto& a = resident(0);
  const auto h = bearer(a.token);
  for (const auto* query :
       {"?limit=0", "?limit=1001", "?limit=x", "?before=0", "?before=-3", "?before=seven"}) {
    SCOPED_TRACE(query);
    EXPECT_PROBLEM(http().get(kAuditPath + query, h), 400, "BadRequestData");
  }
  EXPECT_STATUS(http().get(kAuditPath + "?limit=1000&before=1", h), 200);
}

// ---- declaring personal data

TEST_F(ConsentApi, PersonalDataRulesAreStoredExpanded) {
  const auto res = http().put(kPersonalDataPath + tenant(), S(scenario_rules()), bearer(op_token));
  ASSERT_STATUS(res, 200);
  const auto expected = J(R"([
    {"type": ")" + vocab("ChildcareApplication") +
                          R"(", "category": "childcare-application", "subject": ")" +
                          vocab("applicant") + R"("},
    {"type": ")" + vocab("HealthCheckup") +
                          R"(", "category": "health-checkup", "subject": ")" + vocab("patient") +
                          R"(", "attributes": [")" + vocab("bloodPressure") + R"("]}])");
  EXPECT_EQ(res.json(), expected);
  const auto read = http().get(kPersonalDataPath + tenant(), bearer(op_token));
  ASSERT_STATUS(read, 200);
  EXPECT_EQ(read.json(), expected);
  // IRIs stay as they are.
  const auto iri = J(R"([{"type": "https://example.org/ns/Pupil", "category": "school-record",
                         "subject": "https://example.org/ns/guardian"}])");
  const auto put_iri = http().put(kPersonalDataPath + tenant(), S(iri), bearer(op_token));
  ASSERT_STATUS(put_iri, 200);
  EXPECT_EQ(put_iri.json(), iri);
  // An empty list removes them; a tenant never declared has none.
  const auto cleared = http().put(kPersonalDataPath + tenant(), "[]", bearer(op_token));
  ASSERT_STATUS(cleared, 200);
  EXPECT_EQ(cleared.json(), json::array{});
  EXPECT_EQ(http().get(kPersonalDataPath + tenant() + "-never", bearer(op_token)).json(),
            json::array{});
}

TEST_F(ConsentApi, PersonalDataRulesAreChecked) {
  const auto h = bearer(op_token);
  declare(scenario_rules());
  const auto path = kPersonalDataPath + tenant();
  auto put = [&](std::string_view body) { return http().put(path, body, h); };
  const std::vector<std::string> bad = {
      R"({"type": "A", "category": "a", "subject": "s"})",               // not an array
      R"([{"type": "A", "category": "Bad_Category", "subject": "s"}])",  // category
      R"([{"type": "A", "category": "9lives", "subject": "s"}])",        // category
      R"([{"type": "A", "category": ")" + std::string(65, 'a') + R"(", "subject": "s"}])",
      R"([{"type": "A", "category": "a", "subject": "s"},
          {"type": "A", "category": "b", "subject": "t"}])",                    // duplicate type
      R"([{"category": "a", "subject": "s"}])",                                 // no type
      R"([{"type": "A", "subject": "s"}])",                                     // no category
      R"([{"type": "A", "category": "a"}])",                                    // no subject
      R"([{"type": "A", "category": "a", "subject": "s", "owner": "x"}])",      // unknown member
      R"([{"type": "A", "category": "a", "subject": "s", "attributes": []}])",  // empty attributes
      R"([{"type": "A", "category": "a", "subject": "s", "attributes": "x"}])",
      R"([{"type": "A", "category": "a", "subject": "s", "attributes": [3]}])",
      R"(["A"])",
  };
  for (const auto& body : bad) {
    SCOPED_TRACE(body);
    EXPECT_PROBLEM(put(body), 400, "BadRequestData");
  }
  EXPECT_PROBLEM(put("[{"), 400, "InvalidRequest");
  EXPECT_PROBLEM(http().put(kPersonalDataPath + "no%20tenant", "[]", h), 400, "BadRequestData");
  // Without the admin scope, or without a token: refused.
  EXPECT_TRUE(IsAuthProblem(http().put(path, "[]", bearer(service_token)), 403));
  EXPECT_TRUE(IsAuthProblem(http().get(path, bearer(service_token)), 403));
  EXPECT_TRUE(IsAuthProblem(http().put(path, "[]", bearer(resident(0).token)), 403));
  EXPECT_TRUE(IsAuthProblem(http().put(path, "[]"), 401));
  EXPECT_TRUE(IsAuthProblem(http().get(path), 401));
  // Nothing of that changed the rules.
  EXPECT_EQ(http().get(path, h).json().as_array().size(), 2U);
}

// ---- the subject of personal entities

TEST_F(ConsentApi, APersonalEntityMustNameItsSubject) {
  const auto& a = resident(0);
  declare(scenario_rules());
  const auto h = as(op_token);
  const auto id = new_id("ChildcareApplication");
  auto application_without = [&](std::string_view attr) {
    auto e = application(id, a.person(), 4);
    e.as_object().erase(attr);
    return e;
  };
  auto expect_names_subject = [&](const Response& res, std::string_view attr) {
    EXPECT_PROBLEM(res, 400, "BadRequestData");
    EXPECT_TRUE(contains(str(J(res.body), "detail"), vocab(attr))) << res.body;
  };
  // Without the subject attribute, or with one that names no resident.
  expect_names_subject(http().post(kEntities, S(application_without("applicant")), h), "applicant");
  auto not_a_person = application(id, "urn:ngsi-ld:Nursery:n1", 4);
  expect_names_subject(http().post(kEntities, S(not_a_person), h), "applicant");
  auto bare_prefix = application(id, std::string(kPersonPrefix), 4);
  expect_names_subject(http().post(kEntities, S(bare_prefix), h), "applicant");
  auto no_patient = checkup(new_id("HealthCheckup"), a.sub, 120);
  no_patient.as_object().erase("patient");
  expect_names_subject(http().post(kEntities, S(no_patient), h), "patient");
  auto empty_patient = checkup(new_id("HealthCheckup"), "", 120);
  expect_names_subject(http().post(kEntities, S(empty_patient), h), "patient");
  // Batch create refuses it too (and creates the valid one beside it).
  auto valid = application(new_id("ChildcareApplication"), a.person(), 4);
  const auto batch =
      http().post(kBatch + "/create", S(json::array{application_without("applicant"), valid}), h);
  EXPECT_STATUS(batch, 207);
  // Nothing invalid was stored.
  EXPECT_PROBLEM(http().get(entity_path(id), h), 404, "ResourceNotFound");
  EXPECT_STATUS(http().get(entity_path(str(valid, "id")), h), 200);

  // A valid one, then changes that would drop or break its subject.
  ASSERT_STATUS(http().post(kEntities, S(application(id, a.person(), 4)), h), 201);
  expect_names_subject(http().del(entity_path(id) + "/attrs/applicant", h), "applicant");
  expect_names_subject(http().put(entity_path(id), S(application_without("applicant")), h),
                       "applicant");
  expect_names_subject(
      http().patch(entity_path(id) + "/attrs/applicant",
                   S(json::object{{"type", "Relationship"}, {"object", "urn:ngsi-ld:Thing:x"}}), h),
      "applicant");
  const auto kept = http().get(entity_path(id), h);
  ASSERT_STATUS(kept, 200);
  EXPECT_EQ(str(kept.json().at("applicant"), "object"), a.person()) << kept.body;
}

}  // namespace
}  // namespace tsunagu::it
