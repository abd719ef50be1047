// The read path for personal data (consent/read_guard.hpp, consent/audit_trail.hpp) with the
// platform database as the audit log: admit() drops and strips what the reader may not see and
// appends one chained record per access, all of one answer or none.

#include <boost/json/parse.hpp>
#include <string>
#include <vector>

#include "audit_test_support.hpp"
#include "consent/read_guard.hpp"
#include "consent_test_support.hpp"
#include "store/audit_chain.hpp"

namespace tsunagu::consent {
namespace {

namespace json = boost::json;
using namespace test_data;  // consent_test_support.hpp
using model::AttributeKind;
using model::Timestamp;
using std::chrono::milliseconds;
using std::chrono::minutes;
using store::AuditRecord;
using Strings = std::vector<std::string>;

RuleSet rules() {
  return RuleSet{{{kApplication, "childcare-application", kApplicant, {}},
                  {kCheckup, "health-checkup", kPerson, {kHeight, kWeight}}}};
}

Strings ids(const std::vector<model::Entity>& entities) {
  Strings out;
  for (const auto& e : entities) out.push_back(e.id);
  return out;
}

Strings names(const model::Entity& e) {
  Strings out;
  for (const auto& a : e.attributes) out.push_back(a.name);
  return out;
}

class ConsentReadGuardTest : public store::sqlite::AuditDbTest {
 protected:
  void SetUp() override {
    AuditDbTest::SetUp();
    rules_.set("city", rules());
    rules_.set("", rules());
    trail_ = std::make_unique<AuditTrail>(*db_, clock_);
  }

  void grant(std::string id, std::string subject, std::string category,
             std::string tenant = "city") {
    store::GrantRecord g;
    g.id = std::move(id);
    g.subject = std::move(subject);
    g.client_id = "clinic";
    g.tenant = std::move(tenant);
    g.category = std::move(category);
    g.purpose = "purpose of " + g.id;
    g.granted = kStart;
    g.expires = at(60);
    grants_.add(g);
  }

  ReadGuard guard(Viewer viewer) const { return ReadGuard(policy_, *trail_, std::move(viewer)); }

  std::vector<AuditRecord> records() {
    auto all = db_->range(1, 1000);
    EXPECT_TRUE(all) << all.error().message;
    return all ? *all : std::vector<AuditRecord>{};
  }

  RuleBook rules_;
  GrantIndex grants_;
  model::ManualClock clock_{at(5)};
  AccessPolicy policy_{rules_, grants_, clock_};
  std::unique_ptr<AuditTrail> trail_;
};

TEST_P(ConsentReadGuardTest, AdmitDropsStripsAndRecordsEachAccess) {
  grant("ga", "alice", "childcare-application");
  grant("gc", "alice", "health-checkup");
  std::vector<model::Entity> entities{application("alice"), application("bob"), shelter(),
                                      checkup("alice"), checkup("bob")};
  ASSERT_TRUE(guard(Viewer::client("clinic")).admit("city", entities));
  EXPECT_EQ(ids(entities),
            (Strings{"urn:ngsi-ld:ChildcareApplication:alice", "urn:ngsi-ld:Shelter:1",
                     "urn:ngsi-ld:HealthCheckup:alice", "urn:ngsi-ld:HealthCheckup:bob"}));
  EXPECT_EQ(names(entities[0]), (Strings{kStatus, kApplicant}));
  EXPECT_EQ(names(entities[1]), (Strings{kEx + "name", kPerson}));
  EXPECT_EQ(names(entities[2]), (Strings{kPerson, kPlace, kHeight, kWeight}));
  EXPECT_EQ(names(entities[3]), Strings{kPlace});

  const auto all = records();
  ASSERT_EQ(all.size(), 2U);
  EXPECT_EQ(all[0].seq, 1);
  EXPECT_EQ(all[0].at, at(5));
  EXPECT_EQ(all[0].client_id, "clinic");
  EXPECT_EQ(all[0].subject, "alice");
  EXPECT_EQ(all[0].purpose, "purpose of ga");
  EXPECT_EQ(all[0].grant_id, "ga");
  EXPECT_EQ(all[0].data,
            R"({"tenant":"city","type":"https://example.org/ChildcareApplication",)"
            R"("id":"urn:ngsi-ld:ChildcareApplication:alice","category":"childcare-application"})");
  EXPECT_EQ(all[1].seq, 2);
  EXPECT_EQ(all[1].at, at(5));
  EXPECT_EQ(all[1].client_id, "clinic");
  EXPECT_EQ(all[1].subject, "alice");
  EXPECT_EQ(all[1].purpose, "purpose of gc");
  EXPECT_EQ(all[1].grant_id, "gc");
  EXPECT_EQ(all[1].data,
            R"({"tenant":"city","type":"https://example.org/HealthCheckup",)"
            R"("id":"urn:ngsi-ld:HealthCheckup:alice","category":"health-checkup",)"
            R"("attributes":["https://example.org/person","https://example.org/height",)"
            R"("https://example.org/weight"]})");
  // As AuditTrail writes it.
  EXPECT_EQ(all[1].data, AuditTrail::data_text("city", "urn:ngsi-ld:HealthCheckup:alice",
                                               Access{"alice",
                                                      "health-checkup",
                                                      kCheckup,
                                                      "gc",
                                                      "purpose of gc",
                                                      {kPerson, kHeight, kWeight}}));
  const auto check = store::verify_chain(all, store::kAuditGenesis);
  EXPECT_TRUE(check.ok) << check.problem;
  EXPECT_EQ(check.checked, 2);
}

TEST_P(ConsentReadGuardTest, EachAnswerContinuesTheChain) {
  grant("gc", "alice", "health-checkup");
  grant("gb", "bob", "health-checkup");
  std::vector<model::Entity> first{checkup("alice")};
  ASSERT_TRUE(guard(Viewer::client("clinic")).admit("city", first));
  clock_.set(at(7));
  std::vector<model::Entity> second{checkup("bob"), checkup("alice")};
  ASSERT_TRUE(guard(Viewer::client("clinic")).admit("city", second));
  const auto all = records();
  ASSERT_EQ(all.size(), 3U);
  EXPECT_EQ(all[1].seq, 2);
  EXPECT_EQ(all[1].subject, "bob");
  EXPECT_EQ(all[1].grant_id, "gb");
  EXPECT_EQ(all[1].at, at(7));
  EXPECT_EQ(all[1].prev_hash, all[0].hash);
  EXPECT_EQ(all[2].subject, "alice");
  EXPECT_EQ(all[2].prev_hash, all[1].hash);
  const auto check = store::verify_chain(all, store::kAuditGenesis);
  EXPECT_TRUE(check.ok) << check.problem;
  EXPECT_EQ(check.checked, 3);
}

TEST_P(ConsentReadGuardTest, NothingIsAppendedWhenNothingPersonalIsRead) {
  std::vector<model::Entity> plain{shelter()};
  ASSERT_TRUE(guard(Viewer::client("clinic")).admit("city", plain));
  EXPECT_EQ(ids(plain), Strings{"urn:ngsi-ld:Shelter:1"});
  // Without grants: personal data is removed, not read.
  std::vector<model::Entity> hidden{application("bob"), checkup("bob")};
  ASSERT_TRUE(guard(Viewer::client("clinic")).admit("city", hidden));
  EXPECT_EQ(ids(hidden), Strings{"urn:ngsi-ld:HealthCheckup:bob"});
  EXPECT_EQ(names(hidden[0]), Strings{kPlace});
  std::vector<model::Entity> none;
  ASSERT_TRUE(guard(Viewer::anonymous()).admit("city", none));
  EXPECT_TRUE(records().empty());
}

TEST_P(ConsentReadGuardTest, TheSystemAndTenantsWithoutRulesAreNotGuarded) {
  std::vector<model::Entity> entities{application("bob"), checkup("bob")};
  ASSERT_TRUE(guard(Viewer::system()).admit("city", entities));
  EXPECT_EQ(ids(entities),
            (Strings{"urn:ngsi-ld:ChildcareApplication:bob", "urn:ngsi-ld:HealthCheckup:bob"}));
  EXPECT_EQ(names(entities[1]), (Strings{kPerson, kPlace, kHeight, kWeight}));
  ASSERT_TRUE(guard(Viewer::client("clinic")).admit("town", entities));
  EXPECT_EQ(entities.size(), 2U);
  EXPECT_EQ(names(entities[1]).size(), 4U);
  EXPECT_TRUE(records().empty());
}

TEST_P(ConsentReadGuardTest, OperatorsAreRecordedUnderTheirOwnName) {
  std::vector<model::Entity> entities{application("bob"), checkup("carol")};
  ASSERT_TRUE(guard(Viewer::operator_client("console")).admit("", entities));
  EXPECT_EQ(entities.size(), 2U);
  const auto all = records();
  ASSERT_EQ(all.size(), 2U);
  EXPECT_EQ(all[0].client_id, "console");
  EXPECT_EQ(all[0].subject, "bob");
  EXPECT_EQ(all[0].grant_id, "operator");
  EXPECT_EQ(all[0].purpose, "operation of the platform");
  EXPECT_EQ(all[0].data,
            R"({"tenant":"_default","type":"https://example.org/ChildcareApplication",)"
            R"("id":"urn:ngsi-ld:ChildcareApplication:bob","category":"childcare-application"})");
  EXPECT_EQ(all[1].subject, "carol");
  EXPECT_EQ(all[1].grant_id, "operator");
  EXPECT_TRUE(store::verify_chain(all, store::kAuditGenesis).ok);
}

TEST_P(ConsentReadGuardTest, AnAnswerThatCannotBeRecordedFails) {
  grant("ga", "alice", "childcare-application");
  refuse_appends("refuse");
  std::vector<model::Entity> entities{application("alice")};
  EXPECT_FALSE(guard(Viewer::client("clinic")).admit("city", entities));
  allow_appends("refuse");
  EXPECT_TRUE(records().empty());
}

TEST_P(ConsentReadGuardTest, OneAnswerIsRecordedWhollyOrNotAtAll) {
  grant("ga", "alice", "childcare-application");
  grant("gb", "bob", "childcare-application");
  refuse_appends("refuse_bob", "bob");
  std::vector<model::Entity> entities{application("alice"), application("bob")};
  EXPECT_FALSE(guard(Viewer::client("clinic")).admit("city", entities));
  EXPECT_TRUE(records().empty());  // alice's record went with bob's

  allow_appends("refuse_bob");
  entities = {application("alice"), application("bob")};
  ASSERT_TRUE(guard(Viewer::client("clinic")).admit("city", entities));
  const auto all = records();
  ASSERT_EQ(all.size(), 2U);
  EXPECT_EQ(all[0].seq, 1);
  EXPECT_EQ(all[0].subject, "alice");
  EXPECT_EQ(all[1].seq, 2);
  EXPECT_EQ(all[1].subject, "bob");
  EXPECT_TRUE(store::verify_chain(all, store::kAuditGenesis).ok);
}

TEST(ConsentAuditTrail, DataTextNamesTheTenantTypeIdCategoryAndAttributes) {
  const Access whole{"alice", "childcare-application", kApplication, "g", "p", {}};
  EXPECT_EQ(AuditTrail::data_text("", "urn:x:1", whole),
            R"({"tenant":"_default","type":"https://example.org/ChildcareApplication",)"
            R"("id":"urn:x:1","category":"childcare-application"})");
  const Access some{"alice", "health-checkup", kCheckup, "g", "p", {kHeight}};
  EXPECT_EQ(AuditTrail::data_text("city", "urn:x:\"2\"", some),
            R"({"tenant":"city","type":"https://example.org/HealthCheckup","id":"urn:x:\"2\"",)"
            R"("category":"health-checkup","attributes":["https://example.org/height"]})");
  // It is JSON that reads back.
  EXPECT_EQ(json::parse(AuditTrail::data_text("city", "urn:x:\"2\"", some)).at("id").as_string(),
            "urn:x:\"2\"");
}

TEST(ConsentReadGuard, StripRemovesTheNamedAttributes) {
  auto e = checkup("alice");
  strip(e, {kHeight, kEx + "absent", kPerson});
  EXPECT_EQ(names(e), (Strings{kPlace, kWeight}));
  strip(e, {});
  EXPECT_EQ(names(e), (Strings{kPlace, kWeight}));
}

INSTANTIATE_TEST_SUITE_P(Backends, ConsentReadGuardTest, tsunagu::testing::all_backends(),
                         tsunagu::testing::backend_name);

}  // namespace
}  // namespace tsunagu::consent
