// Personal data with consent (docs/design/consent.md, issue 9): every read path of the broker ×
// {no grant, grant, expired grant, withdrawn grant, another resident's data}, asserting exactly
// what a service sees:
//   - retrieval (GET /entities/{id}): 404 for an entity of a whole-entity rule without a grant;
//   - queries (GET /entities with type, several types, no type, q on the subject and on a
//     personal attribute; POST /entityOperations/query): such entities absent, and absent from
//     NGSILD-Results-Count;
//   - the temporal API (GET /temporal/entities/{id}, GET and POST temporal queries, the
//     aggregated representation) likewise;
//   - an attribute rule keeps the entity and strips its personal attributes and the subject
//     attribute; a query that filters on or asks for them sees only the granted residents.
// The operator (admin scope) sees everything. The audit (/consent/v1/audit and `tsunagu audit`)
// records exactly what was returned, with the grant (or "operator") that allowed it.

#include <limits>
#include <set>
#include <thread>

#include "consent_support.hpp"

namespace tsunagu::it {
namespace {

namespace json = boost::json;
using Ids = std::set<std::string>;

Ids both(const Ids& a, const Ids& b) {
  Ids out;
  for (const auto& id : a) {
    if (b.contains(id)) out.insert(id);
  }
  return out;
}

Ids with(Ids a, const Ids& b) {
  a.insert(b.begin(), b.end());
  return a;
}

bool has(const json::value& entity, std::string_view attr) {
  return entity.is_object() && entity.as_object().contains(attr);
}

// The entity of `id` in an array of entities (null when absent).
json::value entity_in(const json::value& answer, std::string_view id) {
  if (!answer.is_array()) return nullptr;
  for (const auto& e : answer.as_array()) {
    if (e.is_object() && e.as_object().contains("id") && e.at("id") == json::value(id)) return e;
  }
  return nullptr;
}

std::string q(std::string_view expression) {
  return "q=" + url_encode(expression);
}

json::object query_body(std::string_view type, std::string_view q_expression = {}) {
  json::object body{{"type", "Query"}, {"entities", json::array{json::object{{"type", type}}}}};
  if (!q_expression.empty()) body["q"] = q_expression;
  return body;
}

json::object temporal_query_body(std::string_view type, std::string_view q_expression = {}) {
  auto body = query_body(type, q_expression);
  body["temporalQ"] = json::object{{"timerel", "after"}, {"timeAt", "2025-01-01T00:00:00Z"}};
  return body;
}

// The temporal API's aggregated representation: the number of instances of each attribute
// (totalCount applies to every kind of attribute).
const std::string kAggregated = "format=aggregatedValues&aggrMethods=totalCount";

class ConsentMatrix : public ConsentTest {
 protected:
  // An answer that must be 200 with a JSON array: the array (null after a recorded failure).
  static json::value array_of(const Response& res) {
    if (!HasStatus(res, 200)) {
      ADD_FAILURE() << HasStatus(res, 200).message();
      return nullptr;
    }
    auto body = res.json();
    EXPECT_TRUE(body.is_array()) << res.body;
    return body;
  }

  // A query answer: its ids, and NGSILD-Results-Count equal to their number when `counted`.
  static Ids ids_counted(const Response& res, bool counted = true) {
    const auto body = array_of(res);
    const auto ids = ids_of(body);
    if (counted && res.status == 200) {
      EXPECT_EQ(res.header("NGSILD-Results-Count"), std::to_string(ids.size())) << res.body;
    }
    return ids;
  }

  // Every read path of the ChildcareApplication entities (a whole-entity rule) as `token` sees
  // it must show exactly `visible` of s.app_a and s.app_b.
  void expect_applications(const std::string& token, const Scenario& s, const Resident& a,
                           const Resident& b, const Ids& visible) {
    const auto h = as(token);
    for (const auto& id : {s.app_a, s.app_b}) {
      SCOPED_TRACE("GET " + entity_path(id));
      const auto res = http().get(entity_path(id), h);
      if (visible.contains(id)) {
        EXPECT_STATUS(res, 200);
        if (res.status != 200) continue;
        EXPECT_EQ(res.json().at("id"), json::value(id));
        EXPECT_TRUE(has(res.json(), "childAge") && has(res.json(), "applicant")) << res.body;
      } else {
        EXPECT_PROBLEM(res, 404, "ResourceNotFound");
      }
    }
    const Ids only_a = both(visible, {s.app_a});
    const Ids only_b = both(visible, {s.app_b});
    const auto type = std::string("type=ChildcareApplication");
    {
      SCOPED_TRACE("GET /entities?type&count");
      EXPECT_EQ(ids_counted(http().get(kEntities + "?" + type + "&count=true", h)), visible);
    }
    {
      SCOPED_TRACE("GET /entities?type&count&limit=1");
      const auto res = http().get(kEntities + "?" + type + "&count=true&limit=1", h);
      EXPECT_STATUS(res, 200);
      EXPECT_EQ(res.header("NGSILD-Results-Count"), std::to_string(visible.size()));
    }
    {
      SCOPED_TRACE("GET /entities?q on the subject attribute");
      EXPECT_EQ(
          ids_counted(http().get(
              kEntities + "?" + type + "&count=true&" + q("applicant==\"" + a.person() + "\""), h)),
          only_a);
      EXPECT_EQ(
          ids_counted(http().get(
              kEntities + "?" + type + "&count=true&" + q("applicant==\"" + b.person() + "\""), h)),
          only_b);
    }
    {
      SCOPED_TRACE("GET /entities?q on a personal attribute");
      EXPECT_EQ(
          ids_counted(http().get(kEntities + "?" + type + "&count=true&" + q("childAge>=3"), h)),
          visible);
      EXPECT_EQ(
          ids_counted(http().get(kEntities + "?" + type + "&count=true&" + q("childAge==5"), h)),
          only_b);
      // q alone (no type) is narrowed per personal type too.
      EXPECT_EQ(ids_counted(http().get(kEntities + "?count=true&" + q("childAge>=3"), h)), visible);
    }
    {
      SCOPED_TRACE("GET /entities with several types and without a type");
      EXPECT_EQ(
          ids_counted(http().get(kEntities + "?type=ChildcareApplication,Nursery&count=true", h)),
          with(visible, {s.nursery}));
      EXPECT_EQ(
          ids_counted(http().get(kEntities + "?count=true&idPattern=" +
                                     url_encode("^urn:ngsi-ld:(ChildcareApplication|Nursery):"),
                                 h)),
          with(visible, {s.nursery}));
    }
    {
      SCOPED_TRACE("POST /entityOperations/query");
      EXPECT_EQ(ids_counted(http().post(kQueryPath + "?count=true",
                                        S(query_body("ChildcareApplication")), h)),
                visible);
      EXPECT_EQ(ids_counted(http().post(
                    kQueryPath + "?count=true",
                    S(query_body("ChildcareApplication", "applicant==\"" + a.person() + "\"")), h)),
                only_a);
      EXPECT_EQ(ids_counted(http().post(kQueryPath + "?count=true",
                                        S(query_body("ChildcareApplication", "childAge==5")), h)),
                only_b);
    }
    for (const auto& id : {s.app_a, s.app_b}) {
      SCOPED_TRACE("GET " + kTemporalEntitiesPath + "/" + id);
      const auto res = http().get(kTemporalEntitiesPath + "/" + id, h);
      if (visible.contains(id)) {
        EXPECT_STATUS(res, 200);
        if (res.status != 200) continue;
        EXPECT_EQ(res.json().at("id"), json::value(id));
        EXPECT_TRUE(has(res.json(), "childAge")) << res.body;
      } else {
        EXPECT_PROBLEM(res, 404, "ResourceNotFound");
      }
    }
    const std::string range(kTemporalRange);
    {
      SCOPED_TRACE("GET /temporal/entities?type");
      EXPECT_EQ(
          ids_counted(http().get(kTemporalEntitiesPath + "?" + type + "&count=true&" + range, h)),
          visible);
      EXPECT_EQ(ids_counted(http().get(kTemporalEntitiesPath + "?" + type + "&count=true&" + range +
                                           "&" + q("applicant==\"" + a.person() + "\""),
                                       h)),
                only_a);
      EXPECT_EQ(ids_counted(http().get(kTemporalEntitiesPath + "?" + type + "&count=true&" + range +
                                           "&" + q("childAge==5"),
                                       h)),
                only_b);
    }
    {
      SCOPED_TRACE("GET /temporal/entities aggregated");
      EXPECT_EQ(
          ids_counted(http().get(
              kTemporalEntitiesPath + "?" + type + "&count=true&" + range + "&" + kAggregated, h)),
          visible);
      for (const auto& id : {s.app_a, s.app_b}) {
        const auto res = http().get(kTemporalEntitiesPath + "/" + id + "?" + kAggregated, h);
        if (visible.contains(id)) {
          EXPECT_STATUS(res, 200);
        } else {
          EXPECT_PROBLEM(res, 404, "ResourceNotFound");
        }
      }
    }
    {
      SCOPED_TRACE("POST /temporal/entityOperations/query");
      EXPECT_EQ(ids_counted(http().post(kTemporalQueryPath + "?count=true",
                                        S(temporal_query_body("ChildcareApplication")), h)),
                visible);
      EXPECT_EQ(ids_counted(http().post(kTemporalQueryPath + "?count=true",
                                        S(temporal_query_body("ChildcareApplication",
                                                              "applicant==\"" + b.person() + "\"")),
                                        h)),
                only_b);
    }
  }

  // An entity of the attribute rule as a reader sees it: always there with "clinic"; with
  // "bloodPressure" and "patient" only when `full`.
  static void expect_checkup(const json::value& entity, bool full) {
    ASSERT_TRUE(entity.is_object()) << S(entity);
    EXPECT_TRUE(has(entity, "clinic")) << S(entity);
    EXPECT_EQ(has(entity, "bloodPressure"), full) << S(entity);
    EXPECT_EQ(has(entity, "patient"), full) << S(entity);
  }

  static void expect_checkups(const json::value& answer, const Scenario& s, const Ids& full) {
    EXPECT_EQ(ids_of(answer), (Ids{s.chk_a, s.chk_b}));
    for (const auto& id : {s.chk_a, s.chk_b}) {
      SCOPED_TRACE(id);
      const auto e = entity_in(answer, id);
      if (!e.is_null()) expect_checkup(e, full.contains(id));
    }
  }

  // Every read path of the HealthCheckup entities (an attribute rule) as `token` sees it: both
  // entities always, those in `full` with their personal attributes; a query filtering on or
  // asking for a personal attribute finds only those in `full`.
  void expect_checkups_seen(const std::string& token, const Scenario& s, const Resident& a,
                            const Ids& full) {
    const auto h = as(token);
    const auto type = std::string("type=HealthCheckup");
    for (const auto& id : {s.chk_a, s.chk_b}) {
      SCOPED_TRACE("GET " + entity_path(id));
      const auto res = http().get(entity_path(id), h);
      EXPECT_STATUS(res, 200);
      if (res.status == 200) expect_checkup(res.json(), full.contains(id));
    }
    {
      SCOPED_TRACE("GET /entities?type");
      const auto res = http().get(kEntities + "?" + type + "&count=true", h);
      EXPECT_EQ(ids_counted(res), (Ids{s.chk_a, s.chk_b}));
      expect_checkups(array_of(res), s, full);
    }
    {
      SCOPED_TRACE("GET /entities?q on a non-personal attribute");
      const auto res =
          http().get(kEntities + "?" + type + "&count=true&" + q("clinic==\"Kita clinic\""), h);
      EXPECT_EQ(ids_counted(res), (Ids{s.chk_a, s.chk_b}));
      expect_checkups(array_of(res), s, full);
    }
    {
      SCOPED_TRACE("GET /entities?q on a personal attribute, on the subject, attrs");
      EXPECT_EQ(ids_counted(http().get(
                    kEntities + "?" + type + "&count=true&" + q("bloodPressure>100"), h)),
                full);
      EXPECT_EQ(ids_counted(http().get(
                    kEntities + "?" + type + "&count=true&" + q("patient==\"" + a.sub + "\""), h)),
                both(full, {s.chk_a}));
      EXPECT_EQ(
          ids_counted(http().get(kEntities + "?" + type + "&count=true&attrs=bloodPressure", h)),
          full);
    }
    {
      SCOPED_TRACE("POST /entityOperations/query");
      const auto res = http().post(kQueryPath + "?count=true", S(query_body("HealthCheckup")), h);
      EXPECT_EQ(ids_counted(res), (Ids{s.chk_a, s.chk_b}));
      expect_checkups(array_of(res), s, full);
      EXPECT_EQ(ids_counted(http().post(kQueryPath + "?count=true",
                                        S(query_body("HealthCheckup", "bloodPressure>100")), h)),
                full);
    }
    for (const auto& id : {s.chk_a, s.chk_b}) {
      SCOPED_TRACE("GET " + kTemporalEntitiesPath + "/" + id);
      const auto res = http().get(kTemporalEntitiesPath + "/" + id, h);
      EXPECT_STATUS(res, 200);
      if (res.status == 200) expect_checkup(res.json(), full.contains(id));
    }
    const std::string range(kTemporalRange);
    {
      SCOPED_TRACE("GET /temporal/entities?type");
      const auto res = http().get(kTemporalEntitiesPath + "?" + type + "&count=true&" + range, h);
      EXPECT_EQ(ids_counted(res), (Ids{s.chk_a, s.chk_b}));
      expect_checkups(array_of(res), s, full);
      EXPECT_EQ(ids_counted(http().get(kTemporalEntitiesPath + "?" + type + "&count=true&" + range +
                                           "&" + q("bloodPressure>100"),
                                       h)),
                full);
    }
    {
      SCOPED_TRACE("GET /temporal/entities aggregated");
      const auto res = http().get(
          kTemporalEntitiesPath + "?" + type + "&count=true&" + range + "&" + kAggregated, h);
      EXPECT_EQ(ids_counted(res), (Ids{s.chk_a, s.chk_b}));
      const auto answer = array_of(res);
      for (const auto& id : {s.chk_a, s.chk_b}) {
        const auto e = entity_in(answer, id);
        EXPECT_EQ(has(e, "bloodPressure"), full.contains(id)) << S(e);
        EXPECT_EQ(has(e, "patient"), full.contains(id)) << S(e);
      }
    }
    {
      SCOPED_TRACE("POST /temporal/entityOperations/query");
      const auto res = http().post(kTemporalQueryPath + "?count=true",
                                   S(temporal_query_body("HealthCheckup")), h);
      EXPECT_EQ(ids_counted(res), (Ids{s.chk_a, s.chk_b}));
      expect_checkups(array_of(res), s, full);
    }
  }

  // The nursery (not personal) is there for everyone.
  void expect_nursery(const std::string& token, const Scenario& s) {
    EXPECT_STATUS(http().get(entity_path(s.nursery), as(token)), 200);
  }
};

// ---- the matrix

TEST_F(ConsentMatrix, WithoutAGrantNoPersonalDataIsVisible) {
  const auto& a = resident(0);
  const auto& b = resident(1);
  const auto s = make_scenario(a, b);
  expect_applications(service_token, s, a, b, {});
  expect_checkups_seen(service_token, s, a, {});
  expect_nursery(service_token, s);
}

TEST_F(ConsentMatrix, AGrantShowsThatResidentsDataOnlyToThatClient) {
  const auto& a = resident(0);
  const auto& b = resident(1);
  const auto s = make_scenario(a, b);
  give(a, service(), kChildcare);
  give(a, service(), kHealth);
  // b's data (another resident's) stays hidden from the granted client...
  expect_applications(service_token, s, a, b, {s.app_a});
  expect_checkups_seen(service_token, s, a, {s.chk_a});
  // ... and a's from every other client.
  expect_applications(other_token, s, a, b, {});
  expect_checkups_seen(other_token, s, a, {});
}

TEST_F(ConsentMatrix, EachCategoryNeedsItsOwnGrant) {
  const auto& a = resident(0);
  const auto& b = resident(1);
  const auto s = make_scenario(a, b);
  give(a, service(), kHealth);
  expect_applications(service_token, s, a, b, {});
  expect_checkups_seen(service_token, s, a, {s.chk_a});
}

TEST_F(ConsentMatrix, GrantsOfEveryResidentCount) {
  const auto& a = resident(0);
  const auto& b = resident(1);
  const auto s = make_scenario(a, b);
  give(a, service(), kChildcare);
  const auto of_b = give(b, service(), kChildcare);
  give(b, service(), kHealth);
  expect_applications(service_token, s, a, b, {s.app_a, s.app_b});
  expect_checkups_seen(service_token, s, a, {s.chk_b});
  withdraw(b, str(of_b, "id"));
  expect_applications(service_token, s, a, b, {s.app_a});
}

TEST_F(ConsentMatrix, AGrantInAnotherTenantOrToAnotherClientDoesNotCount) {
  const auto& a = resident(0);
  const auto& b = resident(1);
  const auto s = make_scenario(a, b);
  // The same category declared in a second tenant, granted there.
  const auto elsewhere = tenant() + "-x";
  declare(scenario_rules(), elsewhere);
  auto terms = grant_terms("client_id", service().id, elsewhere, kChildcare, in(24h));
  EXPECT_STATUS(http().post(kGrantsPath, S(terms), bearer(a.token)), 201);
  // Granted to another client in this tenant.
  give(a, other(), kChildcare);
  expect_applications(service_token, s, a, b, {});
  expect_applications(other_token, s, a, b, {s.app_a});
}

TEST_F(ConsentMatrix, AnExpiredGrantHidesTheDataAgain) {
  const auto& a = resident(0);
  const auto& b = resident(1);
  const auto s = make_scenario(a, b);
  const auto until = std::chrono::system_clock::now() + 2500ms;
  const auto childcare = give(a, service(), kChildcare,
                              in(std::chrono::duration_cast<std::chrono::milliseconds>(
                                  until - std::chrono::system_clock::now())));
  give(a, service(), kHealth,
       in(std::chrono::duration_cast<std::chrono::milliseconds>(until -
                                                                std::chrono::system_clock::now())));
  EXPECT_EQ(str(childcare, "state"), "active");
  // In force: one read of each kind (the full matrix of a grant is AGrantShows...).
  EXPECT_STATUS(http().get(entity_path(s.app_a), as(service_token)), 200);
  const auto full = http().get(entity_path(s.chk_a), as(service_token));
  ASSERT_STATUS(full, 200);
  EXPECT_TRUE(has(full.json(), "bloodPressure")) << full.body;
  std::this_thread::sleep_until(until + 100ms);
  expect_applications(service_token, s, a, b, {});
  expect_checkups_seen(service_token, s, a, {});
  const auto grant = http().get(kGrantsPath + "/" + str(childcare, "id"), bearer(a.token));
  ASSERT_STATUS(grant, 200);
  EXPECT_EQ(str(grant.json(), "state"), "expired") << grant.body;
}

TEST_F(ConsentMatrix, AWithdrawnGrantHidesTheDataAtOnce) {
  const auto& a = resident(0);
  const auto& b = resident(1);
  const auto s = make_scenario(a, b);
  const auto childcare = give(a, service(), kChildcare);
  const auto health = give(a, service(), kHealth);
  ASSERT_STATUS(http().get(entity_path(s.app_a), as(service_token)), 200);
  withdraw(a, str(childcare, "id"));
  // The very next read, on the same connection, no longer finds it.
  EXPECT_PROBLEM(http().get(entity_path(s.app_a), as(service_token)), 404, "ResourceNotFound");
  withdraw(a, str(health, "id"));
  const auto stripped = http().get(entity_path(s.chk_a), as(service_token));
  ASSERT_STATUS(stripped, 200);
  expect_checkup(stripped.json(), false);
  expect_applications(service_token, s, a, b, {});
  expect_checkups_seen(service_token, s, a, {});
  const auto grant = http().get(kGrantsPath + "/" + str(childcare, "id"), bearer(a.token));
  ASSERT_STATUS(grant, 200);
  EXPECT_EQ(str(grant.json(), "state"), "withdrawn") << grant.body;
  EXPECT_TRUE(is_utc_ms_timestamp(grant.json().as_object().contains("withdrawn_at")
                                      ? grant.json().at("withdrawn_at")
                                      : json::value()))
      << grant.body;
}

TEST_F(ConsentMatrix, TheOperatorSeesEverything) {
  const auto& a = resident(0);
  const auto& b = resident(1);
  const auto s = make_scenario(a, b);
  expect_applications(op_token, s, a, b, {s.app_a, s.app_b});
  expect_checkups_seen(op_token, s, a, {s.chk_a, s.chk_b});
}

TEST_F(ConsentMatrix, PersonalDataOfTheDefaultTenant) {
  const auto& a = resident(0);
  declare(J(R"([{"type": "SchoolRecord", "category": "school-record", "subject": "pupil"}])"),
          "_default");
  const auto rules = http().get(kPersonalDataPath + "_default", bearer(op_token));
  ASSERT_STATUS(rules, 200);
  EXPECT_EQ(rules.json(),
            J(R"([{"type": ")" + vocab("SchoolRecord") +
              R"(", "category": "school-record", "subject": ")" + vocab("pupil") + R"("}])"));
  const auto id = new_id("SchoolRecord");
  json::value record = json::object{{"id", id},
                                    {"type", "SchoolRecord"},
                                    {"pupil", {{"type", "Relationship"}, {"object", a.person()}}},
                                    {"grade", {{"type", "Property"}, {"value", 3}}}};
  ASSERT_STATUS(http().post(kEntities, S(record), bearer(op_token)), 201);
  EXPECT_PROBLEM(http().get(entity_path(id), bearer(service_token)), 404, "ResourceNotFound");
  // A grant without "tenant" is for the default tenant.
  const auto res = http().post(kGrantsPath,
                               S(json::object{{"client_id", service().id},
                                              {"category", "school-record"},
                                              {"purpose", "school enrolment"},
                                              {"expires_at", in(24h)}}),
                               bearer(a.token));
  ASSERT_STATUS(res, 201);
  EXPECT_EQ(str(res.json(), "tenant"), "_default") << res.body;
  EXPECT_STATUS(http().get(entity_path(id), bearer(service_token)), 200);
  const auto listed =
      http().get(kEntities + "?type=SchoolRecord&count=true", bearer(service_token));
  EXPECT_EQ(ids_counted(listed), Ids{id});
  withdraw(a, str(res.json(), "id"));
  EXPECT_PROBLEM(http().get(entity_path(id), bearer(service_token)), 404, "ResourceNotFound");
  // Without rules the entity is no longer personal.
  declare(json::array{}, "_default");
  EXPECT_STATUS(http().get(entity_path(id), bearer(service_token)), 200);
}

// ---- the audit

class ConsentAudit : public ConsentTest {
 protected:
  static json::array audit_of(HttpClient& http, const Resident& r, std::string_view query = "") {
    const auto res = http.get(kAuditPath + std::string(query), bearer(r.token));
    if (!HasStatus(res, 200)) {
      ADD_FAILURE() << HasStatus(res, 200).message();
      return {};
    }
    return res.json().as_array();
  }

  // What an audit record must say: who, under which grant, which entity.
  struct Expected {
    std::string client_id;
    std::string grant_id;
    std::string entity_id;
    std::string type;  // the short name
    std::string category;
    std::string purpose;
    std::set<std::string> attributes;  // short names; empty: the whole entity
  };

  void expect_records(const json::array& records, const std::vector<Expected>& expected) {
    ASSERT_EQ(records.size(), expected.size()) << S(records);
    std::int64_t previous_seq = std::numeric_limits<std::int64_t>::max();
    for (std::size_t i = 0; i < expected.size(); ++i) {
      SCOPED_TRACE("record " + std::to_string(i) + ": " + S(records[i]));
      const auto& r = records[i];
      const auto& e = expected[i];
      EXPECT_EQ(str(r, "client_id"), e.client_id);
      EXPECT_EQ(str(r, "grant_id"), e.grant_id);
      EXPECT_EQ(str(r, "purpose"), e.purpose);
      EXPECT_TRUE(is_utc_ms_timestamp(r.at("at")));
      ASSERT_TRUE(r.at("seq").is_int64());
      EXPECT_LT(r.at("seq").as_int64(), previous_seq) << "newest first";
      previous_seq = r.at("seq").as_int64();
      const auto& data = r.at("data");
      EXPECT_EQ(str(data, "tenant"), tenant());
      EXPECT_EQ(str(data, "id"), e.entity_id);
      EXPECT_EQ(str(data, "type"), vocab(e.type));
      EXPECT_EQ(str(data, "category"), e.category);
      std::set<std::string> attrs;
      if (const auto* list = data.as_object().if_contains("attributes")) {
        for (const auto& a : list->as_array()) attrs.insert(std::string(a.as_string()));
      }
      std::set<std::string> expected_attrs;
      for (const auto& a : e.attributes) expected_attrs.insert(vocab(a));
      EXPECT_EQ(attrs, expected_attrs);
    }
  }
};

TEST_F(ConsentAudit, TheResidentSeesExactlyWhoReadTheirData) {
  // Residents of their own: their audit holds only what this test does.
  const auto a = new_resident();
  const auto b = new_resident();
  const auto s = make_scenario(a, b);
  const auto childcare = give(a, service(), kChildcare, {}, "nursery admission");
  const auto health = give(a, service(), kHealth, {}, "health follow-up");
  const auto childcare_id = str(childcare, "id");
  const auto health_id = str(health, "id");
  const auto h = as(service_token);
  // Nothing has been read yet.
  EXPECT_EQ(audit_of(http(), a), json::array{});

  // What the service reads: five personal entities of a over five read paths...
  ASSERT_STATUS(http().get(entity_path(s.app_a), h), 200);
  ASSERT_STATUS(http().get(entity_path(s.chk_a), h), 200);
  EXPECT_EQ(ids_of(http().get(kEntities + "?type=ChildcareApplication", h).json()), Ids{s.app_a});
  EXPECT_EQ(ids_of(http().post(kQueryPath, S(query_body("ChildcareApplication")), h).json()),
            Ids{s.app_a});
  ASSERT_STATUS(http().get(kTemporalEntitiesPath + "/" + s.app_a, h), 200);
  // ... what it does not get (b's data, a's stripped attributes elsewhere) is not recorded ...
  EXPECT_PROBLEM(http().get(entity_path(s.app_b), h), 404, "ResourceNotFound");
  ASSERT_STATUS(http().get(entity_path(s.chk_b), h), 200);
  EXPECT_STATUS(http().get(entity_path(s.nursery), h), 200);
  // ... nor what another client is refused.
  EXPECT_PROBLEM(http().get(entity_path(s.app_a), as(other_token)), 404, "ResourceNotFound");
  // The operator's read of a's application is recorded as the operator's.
  ASSERT_STATUS(http().get(entity_path(s.app_a), as(op_token)), 200);
  // After the withdrawal nothing more is read, so nothing more is recorded.
  withdraw(a, childcare_id);
  EXPECT_PROBLEM(http().get(entity_path(s.app_a), h), 404, "ResourceNotFound");

  const auto& svc = service().id;
  const std::string app = "ChildcareApplication";
  const std::string op = "operation of the platform";
  const std::vector<Expected> expected = {
      {operator_client().id, "operator", s.app_a, app, std::string(kChildcare), op, {}},
      {svc, childcare_id, s.app_a, app, std::string(kChildcare), "nursery admission", {}},
      {svc, childcare_id, s.app_a, app, std::string(kChildcare), "nursery admission", {}},
      {svc, childcare_id, s.app_a, app, std::string(kChildcare), "nursery admission", {}},
      {svc,
       health_id,
       s.chk_a,
       "HealthCheckup",
       std::string(kHealth),
       "health follow-up",
       {"patient", "bloodPressure"}},
      {svc, childcare_id, s.app_a, app, std::string(kChildcare), "nursery admission", {}},
  };
  const auto all = audit_of(http(), a);
  expect_records(all, expected);

  // b's data was read by no one: b sees none of a's records (nor any of their own).
  EXPECT_EQ(audit_of(http(), b), json::array{});

  // Pages of two, linked by rel=next, add up to the whole list.
  json::array paged;
  std::string next = "?limit=2";
  for (int pages = 0; !next.empty() && pages < 10; ++pages) {
    const auto res = http().get(kAuditPath + next, bearer(a.token));
    ASSERT_STATUS(res, 200);
    for (const auto& r : array_in(res)) paged.push_back(r);
    const auto link = res.header("Link");
    next.clear();
    if (!link.empty()) {
      EXPECT_TRUE(link.ends_with(">; rel=\"next\"")) << link;
      const auto start = link.find('<') + 1;
      const auto target = link.substr(start, link.find('>') - start);
      ASSERT_TRUE(target.starts_with(kAuditPath + "?")) << link;
      next = target.substr(kAuditPath.size());
    }
  }
  EXPECT_EQ(paged, all);
  EXPECT_EQ(audit_of(http(), a, "?limit=6").size(), 6U);
}

TEST_F(ConsentAudit, TheCliVerifiesAndExportsTheLogOperatorReadsIncluded) {
  // The audit log of the running server is intact and exports every record, the operator's
  // reads among them with grant_id "operator".
  const auto a = new_resident();
  const auto b = new_resident();
  const auto s = make_scenario(a, b);
  give(a, service(), kHealth, {}, "checkup statistics");
  ASSERT_STATUS(http().get(entity_path(s.chk_a), as(service_token)), 200);
  ASSERT_STATUS(http().get(entity_path(s.chk_b), as(op_token)), 200);

  const auto dir = server().data_dir().string();
  const auto verify = run_tsunagu({"audit", "verify", "--data-dir", dir});
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_TRUE(verify.output.starts_with("audit log intact: ")) << verify.output;
  const auto exported = run_tsunagu({"audit", "export", "--data-dir", dir});
  EXPECT_EQ(exported.exit_code, 0) << exported.output;
  std::size_t lines = 0;
  bool operator_read_b = false;
  bool service_read_a = false;
  for (std::size_t at = 0; at < exported.output.size();) {
    const auto end = exported.output.find('\n', at);
    const auto line = exported.output.substr(at, end - at);
    at = end == std::string::npos ? exported.output.size() : end + 1;
    ++lines;
    const auto record = J(line);
    const auto data = J(str(record, "data"));
    if (str(data, "tenant") != tenant()) continue;
    if (str(record, "grant_id") == "operator" && str(record, "subject") == b.sub &&
        str(data, "id") == s.chk_b && str(record, "client_id") == operator_client().id) {
      operator_read_b = true;
    }
    if (str(record, "grant_id") != "operator" && str(record, "subject") == a.sub &&
        str(data, "id") == s.chk_a && str(record, "client_id") == service().id) {
      service_read_a = true;
    }
  }
  EXPECT_TRUE(operator_read_b) << exported.output;
  EXPECT_TRUE(service_read_a) << exported.output;
  EXPECT_TRUE(
      verify.output.starts_with("audit log intact: " + std::to_string(lines) + " records\n"))
      << verify.output;
  // The operator's read is in b's own audit too.
  const auto of_b = audit_of(http(), b);
  ASSERT_EQ(of_b.size(), 1U) << S(of_b);
  EXPECT_EQ(str(of_b[0], "grant_id"), "operator");
  EXPECT_EQ(str(of_b[0], "client_id"), operator_client().id);
}

}  // namespace
}  // namespace tsunagu::it
