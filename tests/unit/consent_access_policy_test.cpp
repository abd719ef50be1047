// The policy point for personal data (consent/access_policy.hpp): what each kind of viewer sees
// of entities under whole-entity and attribute rules, what is recorded for the audit, and the
// subject restrictions a query of the viewer carries.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "consent/access_policy.hpp"
#include "consent_test_support.hpp"
#include "query/geo_query.hpp"
#include "query/q_parser.hpp"

namespace tsunagu::consent {
namespace {

namespace json = boost::json;
using namespace test_data;  // consent_test_support.hpp
using model::AttributeKind;
using model::Timestamp;
using std::chrono::milliseconds;
using std::chrono::minutes;

const std::string kVisit = kEx + "ClinicVisit";
const std::string kVisitor = kEx + "visitor";
const std::string kClinic = kEx + "clinic";

const std::string kChildcare = "childcare-application";
const std::string kHealth = "health-checkup";
const std::string kVisits = "visit-log";

std::string expand(std::string_view term) {
  return kEx + std::string(term);
}

// The rules of the tenant "city": applications are personal as a whole, checkups and visits by
// some attributes (both cover the weight).
RuleSet city_rules() {
  return RuleSet{{{kApplication, kChildcare, kApplicant, {}},
                  {kCheckup, kHealth, kPerson, {kHeight, kWeight}},
                  {kVisit, kVisits, kVisitor, {kClinic, kWeight}}}};
}

// "subject|category|type|grant|purpose|attr,attr"
std::string text(const Access& a) {
  std::string out =
      a.subject + "|" + a.category + "|" + a.type + "|" + a.grant_id + "|" + a.purpose + "|";
  for (std::size_t i = 0; i < a.attributes.size(); ++i) out += (i ? "," : "") + a.attributes[i];
  return out;
}

std::vector<std::string> texts(const std::vector<Access>& accesses) {
  std::vector<std::string> out;
  for (const auto& a : accesses) out.push_back(text(a));
  return out;
}

// "type|attr|value,value"
std::vector<std::string> texts(const std::vector<store::SubjectRestriction>& restrictions) {
  std::vector<std::string> out;
  for (const auto& r : restrictions) {
    std::string t = r.type + "|" + r.attr + "|";
    for (std::size_t i = 0; i < r.values.size(); ++i) t += (i ? "," : "") + r.values[i];
    out.push_back(std::move(t));
  }
  return out;
}

using Strings = std::vector<std::string>;

class ConsentAccessPolicyTest : public ::testing::Test {
 protected:
  ConsentAccessPolicyTest() { rules_.set("city", city_rules()); }

  void grant(std::string id, std::string subject, std::string category, Timestamp expires = at(60),
             std::string client = "clinic", std::string tenant = "city") {
    store::GrantRecord g;
    g.id = std::move(id);
    g.subject = std::move(subject);
    g.client_id = std::move(client);
    g.tenant = std::move(tenant);
    g.category = std::move(category);
    g.purpose = "purpose of " + g.id;
    g.granted = kStart;
    g.expires = expires;
    grants_.add(g);
  }

  Decision decide(const Viewer& viewer, const model::Entity& e, std::string_view tenant = "city") {
    return policy_.decide(viewer, tenant, e);
  }

  Strings restrictions(const Viewer& viewer, const std::set<std::string>& used = {},
                       std::string_view tenant = "city") {
    return texts(policy_.restrictions(viewer, tenant, used));
  }

  RuleBook rules_;
  GrantIndex grants_;
  model::ManualClock clock_{at(0)};
  AccessPolicy policy_{rules_, grants_, clock_};
  const Viewer clinic_ = Viewer::client("clinic");
};

TEST_F(ConsentAccessPolicyTest, AppliesToEveryViewerButTheSystemWhereATenantHasRules) {
  EXPECT_FALSE(policy_.applies(Viewer::system(), "city"));
  EXPECT_TRUE(policy_.applies(Viewer::operator_client("console"), "city"));
  EXPECT_TRUE(policy_.applies(clinic_, "city"));
  EXPECT_TRUE(policy_.applies(Viewer::anonymous(), "city"));
  EXPECT_FALSE(policy_.applies(clinic_, "town"));
  EXPECT_FALSE(policy_.applies(clinic_, ""));
}

TEST_F(ConsentAccessPolicyTest, AnEntityIsPersonalWhenOneOfItsTypesHasARuleInItsTenant) {
  // What a GET by id asks before it builds the model: only such an entity is decided and audited.
  const std::vector<std::string_view> application_types{kEx + "Other", kApplication};
  const std::vector<std::string_view> checkup_types{kCheckup};
  const std::vector<std::string_view> shelter_types{kEx + "Shelter", kEx + "Building"};
  EXPECT_TRUE(policy_.personal("city", application_types));
  EXPECT_TRUE(policy_.personal("city", checkup_types));
  EXPECT_FALSE(policy_.personal("city", shelter_types));
  EXPECT_FALSE(policy_.personal("city", {}));
  EXPECT_FALSE(policy_.personal("town", application_types));
  // And what decide() says of the same entities agrees.
  EXPECT_EQ(decide(clinic_, shelter()).reason, "not personal");
  EXPECT_NE(decide(clinic_, application("alice")).reason, "not personal");
}

TEST_F(ConsentAccessPolicyTest, TheSystemSeesEverythingUnaudited) {
  for (const auto& e : {application("alice"), checkup("alice"), shelter()}) {
    const auto d = decide(Viewer::system(), e);
    EXPECT_TRUE(d.visible) << e.id;
    EXPECT_TRUE(d.hidden.empty()) << e.id;
    EXPECT_TRUE(d.accesses.empty()) << e.id;
    EXPECT_EQ(d.reason, "system");
  }
}

TEST_F(ConsentAccessPolicyTest, AnOperatorSeesEverythingAndIsAudited) {
  const auto op = Viewer::operator_client("console");
  auto d = decide(op, application("alice"));
  EXPECT_TRUE(d.visible);
  EXPECT_TRUE(d.hidden.empty());
  EXPECT_EQ(texts(d.accesses), Strings{"alice|childcare-application|" + kApplication +
                                       "|operator|operation of the platform|"});
  EXPECT_EQ(d.reason, "operator");

  d = decide(op, checkup("bob"));
  EXPECT_TRUE(d.visible);
  EXPECT_TRUE(d.hidden.empty());
  EXPECT_EQ(texts(d.accesses),
            Strings{"bob|health-checkup|" + kCheckup + "|operator|operation of the platform|" +
                    kPerson + "," + kHeight + "," + kWeight});
  EXPECT_EQ(d.reason, "operator");
}

TEST_F(ConsentAccessPolicyTest, AClientWithAGrantSeesAWholePersonalEntity) {
  grant("ga", "alice", kChildcare);
  const auto d = decide(clinic_, application("alice"));
  EXPECT_TRUE(d.visible);
  EXPECT_TRUE(d.hidden.empty());
  EXPECT_EQ(texts(d.accesses),
            Strings{"alice|childcare-application|" + kApplication + "|ga|purpose of ga|"});
  EXPECT_EQ(d.reason, "grant ga");
}

TEST_F(ConsentAccessPolicyTest, AClientWithoutAGrantDoesNotSeeAWholePersonalEntity) {
  grant("ga", "alice", kChildcare);
  const auto d = decide(clinic_, application("bob"));
  EXPECT_FALSE(d.visible);
  EXPECT_TRUE(d.hidden.empty());
  EXPECT_TRUE(d.accesses.empty());
  EXPECT_EQ(d.reason, "no grant of category 'childcare-application'");
}

TEST_F(ConsentAccessPolicyTest, AClientWithAGrantSeesPersonalAttributes) {
  grant("gc", "alice", kHealth);
  const auto d = decide(clinic_, checkup("alice"));
  EXPECT_TRUE(d.visible);
  EXPECT_TRUE(d.hidden.empty());
  EXPECT_EQ(texts(d.accesses), Strings{"alice|health-checkup|" + kCheckup + "|gc|purpose of gc|" +
                                       kPerson + "," + kHeight + "," + kWeight});
  EXPECT_EQ(d.reason, "grant gc");
}

TEST_F(ConsentAccessPolicyTest, AClientWithoutAGrantSeesTheEntityWithoutPersonalAttributes) {
  grant("gc", "alice", kHealth);
  const auto d = decide(clinic_, checkup("bob"));
  EXPECT_TRUE(d.visible);
  EXPECT_EQ(d.hidden, (Strings{kPerson, kHeight, kWeight}));
  EXPECT_TRUE(d.accesses.empty());
  EXPECT_EQ(d.reason, "no grant of category 'health-checkup'");
}

TEST_F(ConsentAccessPolicyTest, OnlyTheAttributesPresentAreHiddenOrRecorded) {
  auto e = checkup("alice");
  model::remove_instances(e.attributes, kWeight, std::nullopt, true);
  model::remove_instances(e.attributes, kHeight, std::nullopt, true);
  EXPECT_EQ(decide(clinic_, e).hidden, Strings{kPerson});
  grant("gc", "alice", kHealth);
  // The subject attribute alone is still personal data read.
  EXPECT_EQ(texts(decide(clinic_, e).accesses),
            Strings{"alice|health-checkup|" + kCheckup + "|gc|purpose of gc|" + kPerson});
}

TEST_F(ConsentAccessPolicyTest, AnonymousViewersSeeNoPersonalData) {
  grant("ga", "alice", kChildcare);
  grant("gc", "alice", kHealth);
  auto d = decide(Viewer::anonymous(), application("alice"));
  EXPECT_FALSE(d.visible);
  EXPECT_TRUE(d.accesses.empty());
  EXPECT_EQ(d.reason, "no grant of category 'childcare-application'");
  d = decide(Viewer::anonymous(), checkup("alice"));
  EXPECT_TRUE(d.visible);
  EXPECT_EQ(d.hidden, (Strings{kPerson, kHeight, kWeight}));
  EXPECT_TRUE(d.accesses.empty());
}

TEST_F(ConsentAccessPolicyTest, AnExpiredGrantIsNoGrant) {
  grant("ga", "alice", kChildcare, at(10));
  clock_.set(at(10) - milliseconds(1));
  EXPECT_TRUE(decide(clinic_, application("alice")).visible);
  clock_.set(at(10));
  const auto d = decide(clinic_, application("alice"));
  EXPECT_FALSE(d.visible);
  EXPECT_TRUE(d.accesses.empty());
}

TEST_F(ConsentAccessPolicyTest, GrantsToOthersInOtherTenantsOrCategoriesDoNotCount) {
  grant("school", "alice", kChildcare, at(60), "school");
  grant("town", "alice", kChildcare, at(60), "clinic", "town");
  grant("default", "alice", kChildcare, at(60), "clinic", "");
  grant("health", "alice", kHealth);
  grant("bob", "bob", kChildcare);
  EXPECT_FALSE(decide(clinic_, application("alice")).visible);
  EXPECT_EQ(decide(clinic_, checkup("bob")).hidden, (Strings{kPerson, kHeight, kWeight}));
}

TEST_F(ConsentAccessPolicyTest, AnEntityWithoutItsSubjectIsHiddenFromClients) {
  grant("ga", "alice", kChildcare);
  auto e = application("alice");
  model::remove_instances(e.attributes, kApplicant, std::nullopt, true);
  EXPECT_FALSE(decide(clinic_, e).visible);
}

TEST_F(ConsentAccessPolicyTest, NonPersonalEntitiesAreUntouched) {
  for (const auto& viewer : {clinic_, Viewer::anonymous(), Viewer::operator_client("console")}) {
    const auto d = decide(viewer, shelter());
    EXPECT_TRUE(d.visible);
    EXPECT_TRUE(d.hidden.empty());
    EXPECT_TRUE(d.accesses.empty());
    EXPECT_EQ(d.reason, "not personal");
    // A tenant without rules has no personal data, whatever the types.
    const auto other = decide(viewer, application("alice"), "town");
    EXPECT_TRUE(other.visible);
    EXPECT_TRUE(other.hidden.empty());
    EXPECT_TRUE(other.accesses.empty());
    EXPECT_EQ(other.reason, "not personal");
  }
}

model::Entity checkup_and_visit() {
  auto e = checkup("alice");
  e.id = "urn:ngsi-ld:Record:alice";
  e.types.push_back(kVisit);
  put(e, kVisitor, AttributeKind::Relationship, "urn:ngsi-ld:Person:alice");
  put(e, kClinic, AttributeKind::Property, "Kita clinic");
  return e;  // attributes: person, place, height, weight, visitor, clinic
}

TEST_F(ConsentAccessPolicyTest, OfTwoAttributeRulesOnlyTheGrantedOneIsSeen) {
  grant("gc", "alice", kHealth);
  const auto d = decide(clinic_, checkup_and_visit());
  EXPECT_TRUE(d.visible);
  EXPECT_EQ(d.hidden, (Strings{kWeight, kVisitor, kClinic}));
  // The weight is hidden by the visit rule though the checkup grant covers it.
  EXPECT_EQ(texts(d.accesses), Strings{"alice|health-checkup|" + kCheckup + "|gc|purpose of gc|" +
                                       kPerson + "," + kHeight});
  EXPECT_EQ(d.reason, "no grant of category 'visit-log'");
}

TEST_F(ConsentAccessPolicyTest, BothAttributeRulesGrantedAreBothRecorded) {
  grant("gc", "alice", kHealth);
  grant("gv", "alice", kVisits);
  const auto d = decide(clinic_, checkup_and_visit());
  EXPECT_TRUE(d.visible);
  EXPECT_TRUE(d.hidden.empty());
  EXPECT_EQ(texts(d.accesses), (Strings{"alice|health-checkup|" + kCheckup + "|gc|purpose of gc|" +
                                            kPerson + "," + kHeight + "," + kWeight,
                                        "alice|visit-log|" + kVisit + "|gv|purpose of gv|" +
                                            kWeight + "," + kVisitor + "," + kClinic}));
  EXPECT_EQ(d.reason, "grant gc");
}

TEST_F(ConsentAccessPolicyTest, AWholeEntityRuleWithoutAGrantHidesDespiteAnotherGrant) {
  auto e = checkup("alice");
  e.types.push_back(kApplication);
  put(e, kApplicant, AttributeKind::Relationship, "urn:ngsi-ld:Person:alice");
  grant("gc", "alice", kHealth);
  auto d = decide(clinic_, e);
  EXPECT_FALSE(d.visible);
  EXPECT_TRUE(d.accesses.empty());

  grants_.remove("gc");
  grant("ga", "alice", kChildcare);
  d = decide(clinic_, e);
  EXPECT_TRUE(d.visible);
  EXPECT_EQ(d.hidden, (Strings{kPerson, kHeight, kWeight}));
  EXPECT_EQ(texts(d.accesses),
            Strings{"alice|childcare-application|" + kApplication + "|ga|purpose of ga|"});
}

TEST_F(ConsentAccessPolicyTest, RestrictionsNameBothIndexedFormsOfEachGrantedSubject) {
  grant("c", "carol", kChildcare);
  grant("a", "alice", kChildcare);
  grant("a2", "alice", kChildcare, at(90));
  grant("expired", "bob", kChildcare, at(0));
  grant("school", "dave", kChildcare, at(60), "school");
  grant("town", "erin", kChildcare, at(60), "clinic", "town");
  grant("health", "frank", kHealth);
  EXPECT_EQ(restrictions(clinic_),
            Strings{kApplication + "|" + kApplicant +
                    "|alice,urn:ngsi-ld:Person:alice,carol,urn:ngsi-ld:Person:carol"});
}

TEST_F(ConsentAccessPolicyTest, RestrictionsWithoutGrantsHaveNoValues) {
  EXPECT_EQ(restrictions(clinic_), Strings{kApplication + "|" + kApplicant + "|"});
  EXPECT_EQ(restrictions(Viewer::anonymous()), Strings{kApplication + "|" + kApplicant + "|"});
  grant("a", "alice", kChildcare);
  // Anonymous viewers have no grants, whatever a client was granted.
  EXPECT_EQ(restrictions(Viewer::anonymous(), {kHeight}),
            (Strings{kApplication + "|" + kApplicant + "|", kCheckup + "|" + kPerson + "|"}));
}

TEST_F(ConsentAccessPolicyTest, TheSystemAndOperatorsHaveNoRestrictions) {
  EXPECT_TRUE(restrictions(Viewer::system(), {kHeight, kClinic}).empty());
  EXPECT_TRUE(restrictions(Viewer::operator_client("console"), {kHeight, kClinic}).empty());
}

TEST_F(ConsentAccessPolicyTest, ATenantWithoutRulesHasNoRestrictions) {
  EXPECT_TRUE(restrictions(clinic_, {kHeight}, "town").empty());
  EXPECT_TRUE(restrictions(clinic_, {kHeight}, "").empty());
}

TEST_F(ConsentAccessPolicyTest, AttributeRulesRestrictOnlyQueriesUsingTheirAttributes) {
  grant("h", "alice", kHealth);
  grant("v", "bob", kVisits);
  const std::string app = kApplication + "|" + kApplicant + "|";
  const std::string health = kCheckup + "|" + kPerson + "|alice,urn:ngsi-ld:Person:alice";
  const std::string visits = kVisit + "|" + kVisitor + "|bob,urn:ngsi-ld:Person:bob";
  EXPECT_EQ(restrictions(clinic_, {}), Strings{app});
  EXPECT_EQ(restrictions(clinic_, {kPlace, kStatus, kApplicant}), Strings{app});
  EXPECT_EQ(restrictions(clinic_, {kHeight}), (Strings{app, health}));
  EXPECT_EQ(restrictions(clinic_, {kPerson}), (Strings{app, health}));
  EXPECT_EQ(restrictions(clinic_, {kVisitor}), (Strings{app, visits}));
  EXPECT_EQ(restrictions(clinic_, {kClinic, kPlace}), (Strings{app, visits}));
  EXPECT_EQ(restrictions(clinic_, {kWeight}), (Strings{app, health, visits}));
}

TEST_F(ConsentAccessPolicyTest, RestrictionsFollowWithdrawalsAndExpiry) {
  grant("a", "alice", kChildcare, at(10));
  grant("b", "bob", kChildcare, at(20));
  const std::string prefix = kApplication + "|" + kApplicant + "|";
  EXPECT_EQ(restrictions(clinic_),
            Strings{prefix + "alice,urn:ngsi-ld:Person:alice,bob,urn:ngsi-ld:Person:bob"});
  grants_.remove("b");
  EXPECT_EQ(restrictions(clinic_), Strings{prefix + "alice,urn:ngsi-ld:Person:alice"});
  clock_.set(at(10));
  EXPECT_EQ(restrictions(clinic_), Strings{prefix});
}

std::shared_ptr<const query::Expr> q(std::string_view text) {
  auto parsed = query::parse_q(text, expand);
  EXPECT_TRUE(parsed) << text << ": " << (parsed ? "" : parsed.error().message);
  return parsed ? std::make_shared<const query::Expr>(std::move(*parsed)) : nullptr;
}

std::shared_ptr<const query::GeoQuery> near_kita() {
  auto parsed =
      query::parse_geo_query("near;maxDistance==100", "Point", "[135.5,34.7]", kEx + "location");
  EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().message);
  return parsed ? std::make_shared<const query::GeoQuery>(std::move(*parsed)) : nullptr;
}

TEST(ConsentAttributesUsed, OfAnEntityQueryAreQPathsTheGeoPropertyAndAttrs) {
  store::EntityQuery query;
  EXPECT_TRUE(attributes_used(query).empty());
  query.attrs = {kEx + "a", kEx + "b"};
  query.q = q("c>1;(d==\"x\"|e.f==2|!g);h[k]==3;i.observedAt>2026-01-01T00:00:00Z");
  query.geo = near_kita();
  EXPECT_EQ(attributes_used(query),
            (std::set<std::string>{kEx + "a", kEx + "b", kEx + "c", kEx + "d", kEx + "e", kEx + "g",
                                   kEx + "h", kEx + "i", kEx + "location"}));
}

TEST(ConsentAttributesUsed, OfAHistoryQueryAreQPathsTheGeoPropertyAndAttrs) {
  store::HistoryQuery query;
  EXPECT_TRUE(attributes_used(query).empty());
  query.attrs = {kEx + "a"};
  query.q = q("b==1|c<2");
  EXPECT_EQ(attributes_used(query), (std::set<std::string>{kEx + "a", kEx + "b", kEx + "c"}));
  query.attrs.clear();
  query.q = nullptr;
  query.geo = near_kita();
  EXPECT_EQ(attributes_used(query), (std::set<std::string>{kEx + "location"}));
}

}  // namespace
}  // namespace tsunagu::consent
