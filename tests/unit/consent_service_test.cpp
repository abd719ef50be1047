// Residents' consent as a service (consent/consent_service.hpp) over the platform database in a
// temporary directory: validation of grants, withdrawal taking effect in the index at once,
// requests a resident approves or declines, limits, and the state after a restart.

#include "consent/consent_service.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "store/sqlite/platform_schema.hpp"
#include "store_backends.hpp"

namespace tsunagu::consent {
namespace {

namespace fs = std::filesystem;
using model::Timestamp;
using std::chrono::days;
using std::chrono::milliseconds;
using std::chrono::minutes;

const Timestamp kStart{milliseconds(1'767'225'600'000LL)};  // 2026-01-01T00:00:00Z

Timestamp at(int minute) {
  return kStart + minutes(minute);
}

const std::string kEx = "https://example.org/";
const std::string kApplication = kEx + "ChildcareApplication";
const std::string kCheckup = kEx + "HealthCheckup";

RuleSet city_rules() {
  return RuleSet{{{kApplication, "childcare-application", kEx + "applicant", {}},
                  {kCheckup, "health-checkup", kEx + "person", {kEx + "height"}}}};
}

GrantTerms terms(std::string category = "health-checkup", Timestamp expires = at(60),
                 std::string client = "clinic", std::string tenant = "city") {
  return {std::move(client), std::move(tenant), std::move(category), "yearly checkup", expires};
}

class ConsentServiceTest : public ::testing::TestWithParam<tsunagu::testing::Backend> {
 protected:
  void SetUp() override {
    location_ = tsunagu::testing::fresh_location(GetParam());
    open();
    ASSERT_TRUE(service_->set_rules("city", city_rules()));
  }
  void TearDown() override {
    service_.reset();
    db_.reset();
    tsunagu::testing::remove_location(location_);
  }

  // A fresh database connection, rule book, index and service over the same directory: the
  // state of a restarted server before load().
  void open(ConsentLimits limits = {}) {
    service_.reset();
    db_.reset();
    auto db = tsunagu::testing::open_platform(location_);
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
    rules_ = std::make_unique<RuleBook>();
    grants_ = std::make_unique<GrantIndex>();
    service_ = std::make_unique<ConsentService>(
        *db_, *rules_, *grants_, clock_,
        [this](std::string_view c) { return clients_.contains(std::string(c)); },
        [this](std::string_view s) { return residents_.contains(std::string(s)); }, limits);
  }

  // The id of the grant the index finds for the client, "" for none.
  std::string indexed(std::string_view subject, std::string_view category = "health-checkup",
                      std::string_view client = "clinic", std::string_view tenant = "city") {
    auto g = grants_->find(client, tenant, category, subject, clock_.now());
    return g ? g->id : std::string();
  }

  store::GrantRecord granted(std::string_view subject, GrantTerms t = terms()) {
    auto g = service_->grant(subject, std::move(t));
    EXPECT_TRUE(g) << g.error().message;
    return g ? *g : store::GrantRecord{};
  }

  store::ConsentRequestRecord requested(std::string_view subject, GrantTerms t = terms()) {
    auto r = service_->request(subject, std::move(t));
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : store::ConsentRequestRecord{};
  }

  // The error of a grant with these terms: kind BadRequestData, and its message.
  std::string grant_error(GrantTerms t) {
    auto g = service_->grant("alice", std::move(t));
    EXPECT_FALSE(g);
    if (g) return "(granted)";
    EXPECT_EQ(g.error().kind, ErrorKind::BadRequestData);
    return g.error().message;
  }

  tsunagu::testing::StoreLocation location_;
  model::ManualClock clock_{at(0)};
  std::set<std::string> clients_{"clinic", "school"};
  std::set<std::string> residents_{"alice", "bob"};
  std::unique_ptr<store::PlatformDb> db_;
  std::unique_ptr<RuleBook> rules_;
  std::unique_ptr<GrantIndex> grants_;
  std::unique_ptr<ConsentService> service_;
};

void expect_same(const store::GrantRecord& a, const store::GrantRecord& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.subject, b.subject);
  EXPECT_EQ(a.client_id, b.client_id);
  EXPECT_EQ(a.tenant, b.tenant);
  EXPECT_EQ(a.category, b.category);
  EXPECT_EQ(a.purpose, b.purpose);
  EXPECT_EQ(a.granted, b.granted);
  EXPECT_EQ(a.expires, b.expires);
  EXPECT_EQ(a.withdrawn, b.withdrawn);
}

TEST_P(ConsentServiceTest, GrantsNeedARegisteredClient) {
  EXPECT_EQ(grant_error(terms("health-checkup", at(60), "nobody")),
            "no client 'nobody' is registered");
  EXPECT_EQ(grant_error(terms("health-checkup", at(60), "")), "no client '' is registered");
}

TEST_P(ConsentServiceTest, GrantsNeedADeclaredCategory) {
  EXPECT_EQ(grant_error(terms("pets")),
            "tenant 'city' declares no personal data of category 'pets'");
  EXPECT_EQ(grant_error(terms("health-checkup", at(60), "clinic", "")),
            "tenant '_default' declares no personal data of category 'health-checkup'");
  EXPECT_EQ(grant_error(terms("health-checkup", at(60), "clinic", "town")),
            "tenant 'town' declares no personal data of category 'health-checkup'");
}

TEST_P(ConsentServiceTest, GrantsNeedAPurposeOfBoundedLength) {
  auto t = terms();
  t.purpose = "";
  EXPECT_EQ(grant_error(t), "the purpose must be 1 to 500 characters");
  t.purpose = std::string(501, 'p');
  EXPECT_EQ(grant_error(t), "the purpose must be 1 to 500 characters");
  t.purpose = std::string(500, 'p');
  EXPECT_TRUE(service_->grant("alice", t));
  t.purpose = "p";
  EXPECT_TRUE(service_->grant("alice", t));
}

TEST_P(ConsentServiceTest, GrantsMustEndInTheFutureAndNotTooLate) {
  clock_.set(at(10));
  EXPECT_EQ(grant_error(terms("health-checkup", at(9))), "the grant must end in the future");
  EXPECT_EQ(grant_error(terms("health-checkup", at(10))), "the grant must end in the future");
  EXPECT_TRUE(service_->grant("alice", terms("health-checkup", at(10) + milliseconds(1))));
  const Timestamp longest = at(10) + days(5 * 366);
  EXPECT_EQ(grant_error(terms("health-checkup", longest + milliseconds(1))),
            "a grant may last at most 1830 days");
  EXPECT_TRUE(service_->grant("alice", terms("health-checkup", longest)));
}

TEST_P(ConsentServiceTest, TheLongestGrantFollowsTheLimits) {
  open(ConsentLimits{.longest_grant = days(30), .purpose_chars = 20, .pending_requests = 20});
  ASSERT_TRUE(service_->load());
  EXPECT_EQ(grant_error(terms("health-checkup", at(0) + days(30) + milliseconds(1))),
            "a grant may last at most 30 days");
  auto t = terms();
  t.purpose = std::string(21, 'p');
  EXPECT_EQ(grant_error(t), "the purpose must be 1 to 20 characters");
  t.purpose = std::string(20, 'p');
  t.expires = at(0) + days(30);
  EXPECT_TRUE(service_->grant("alice", t));
}

TEST_P(ConsentServiceTest, ARefusedGrantIsNeitherStoredNorIndexed) {
  grant_error(terms("pets"));
  grant_error(terms("health-checkup", at(0)));
  auto list = service_->grants_of("alice");
  ASSERT_TRUE(list) << list.error().message;
  EXPECT_TRUE(list->empty());
  EXPECT_TRUE(grants_->subjects("clinic", "city", "health-checkup", at(0)).empty());
}

TEST_P(ConsentServiceTest, AGrantIsStoredAndIndexed) {
  clock_.set(at(1));
  const auto g = granted("alice");
  EXPECT_FALSE(g.id.empty());
  EXPECT_EQ(g.subject, "alice");
  EXPECT_EQ(g.client_id, "clinic");
  EXPECT_EQ(g.tenant, "city");
  EXPECT_EQ(g.category, "health-checkup");
  EXPECT_EQ(g.purpose, "yearly checkup");
  EXPECT_EQ(g.granted, at(1));
  EXPECT_EQ(g.expires, at(60));
  EXPECT_EQ(g.withdrawn, std::nullopt);
  EXPECT_EQ(indexed("alice"), g.id);
  EXPECT_EQ(indexed("bob"), "");
  EXPECT_EQ(indexed("alice", "childcare-application"), "");
  EXPECT_EQ(indexed("alice", "health-checkup", "school"), "");
  auto stored = db_->grant(g.id);
  ASSERT_TRUE(stored && *stored);
  expect_same(**stored, g);
  auto mine = service_->grant_of("alice", g.id);
  ASSERT_TRUE(mine) << mine.error().message;
  expect_same(*mine, g);
  EXPECT_EQ(service_->state(g), "active");
  clock_.set(at(60));
  EXPECT_EQ(service_->state(g), "expired");
  EXPECT_EQ(indexed("alice"), "");
}

TEST_P(ConsentServiceTest, GrantsOfASubjectAreNewestFirst) {
  const auto first = granted("alice");
  clock_.set(at(1));
  const auto second = granted("alice", terms("childcare-application"));
  granted("bob");
  auto list = service_->grants_of("alice");
  ASSERT_TRUE(list) << list.error().message;
  ASSERT_EQ(list->size(), 2U);
  EXPECT_EQ((*list)[0].id, second.id);
  EXPECT_EQ((*list)[1].id, first.id);
}

TEST_P(ConsentServiceTest, WithdrawalTakesEffectAtOnceAndOnlyOnce) {
  const auto g = granted("alice");
  clock_.set(at(3));
  auto w = service_->withdraw("alice", g.id);
  ASSERT_TRUE(w) << w.error().message;
  EXPECT_EQ(w->id, g.id);
  EXPECT_EQ(w->withdrawn, at(3));
  EXPECT_EQ(service_->state(*w), "withdrawn");
  EXPECT_EQ(indexed("alice"), "");
  auto stored = db_->grant(g.id);
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->withdrawn, at(3));

  clock_.set(at(5));
  auto again = service_->withdraw("alice", g.id);
  ASSERT_TRUE(again) << again.error().message;
  expect_same(*again, *w);
  EXPECT_EQ((*db_->grant(g.id))->withdrawn, at(3));
  EXPECT_EQ(indexed("alice"), "");
}

TEST_P(ConsentServiceTest, WithdrawingOneGrantLeavesTheOthers) {
  const auto health = granted("alice");
  const auto longer = granted("alice", terms("health-checkup", at(90)));
  EXPECT_EQ(indexed("alice"), longer.id);
  ASSERT_TRUE(service_->withdraw("alice", longer.id));
  EXPECT_EQ(indexed("alice"), health.id);
}

TEST_P(ConsentServiceTest, AnotherResidentsGrantIsNotFound) {
  const auto g = granted("alice");
  auto w = service_->withdraw("bob", g.id);
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().kind, ErrorKind::ResourceNotFound);
  EXPECT_EQ(w.error().message, "no consent grant '" + g.id + "'");
  EXPECT_EQ(indexed("alice"), g.id);
  EXPECT_EQ((*db_->grant(g.id))->withdrawn, std::nullopt);

  auto other = service_->grant_of("bob", g.id);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().kind, ErrorKind::ResourceNotFound);
  auto none = service_->withdraw("alice", "no-such-grant");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().kind, ErrorKind::ResourceNotFound);
  EXPECT_EQ(none.error().message, "no consent grant 'no-such-grant'");
}

TEST_P(ConsentServiceTest, WithdrawAllEndsEveryGrantOfTheSubject) {
  const auto a1 = granted("alice");
  const auto a2 = granted("alice", terms("childcare-application", at(60), "school"));
  const auto a3 = granted("alice", terms("health-checkup", at(30)));
  ASSERT_TRUE(service_->withdraw("alice", a3.id));
  const auto b = granted("bob");
  clock_.set(at(7));
  auto n = service_->withdraw_all("alice");
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(indexed("alice"), "");
  EXPECT_EQ(indexed("alice", "childcare-application", "school"), "");
  EXPECT_EQ(indexed("bob"), b.id);
  auto list = service_->grants_of("alice");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 3U);
  for (const auto& g : *list) {
    EXPECT_EQ(service_->state(g), "withdrawn") << g.id;
    EXPECT_EQ(g.withdrawn, g.id == a3.id ? at(0) : at(7)) << g.id;
  }
  EXPECT_EQ((*db_->grant(b.id))->withdrawn, std::nullopt);
  EXPECT_EQ(*service_->withdraw_all("alice"), 0);
  (void)a1;
  (void)a2;
}

TEST_P(ConsentServiceTest, AnApprovedRequestBecomesAGrant) {
  clock_.set(at(1));
  const auto r = requested("alice");
  EXPECT_FALSE(r.id.empty());
  EXPECT_EQ(r.subject, "alice");
  EXPECT_EQ(r.client_id, "clinic");
  EXPECT_EQ(r.tenant, "city");
  EXPECT_EQ(r.category, "health-checkup");
  EXPECT_EQ(r.purpose, "yearly checkup");
  EXPECT_EQ(r.requested, at(1));
  EXPECT_EQ(r.until, at(60));
  EXPECT_EQ(r.state, store::RequestState::Pending);
  EXPECT_EQ(indexed("alice"), "");  // asking is not granting

  clock_.set(at(2));
  auto g = service_->approve("alice", r.id);
  ASSERT_TRUE(g) << g.error().message;
  EXPECT_EQ(g->subject, "alice");
  EXPECT_EQ(g->client_id, "clinic");
  EXPECT_EQ(g->tenant, "city");
  EXPECT_EQ(g->category, "health-checkup");
  EXPECT_EQ(g->purpose, "yearly checkup");
  EXPECT_EQ(g->granted, at(2));
  EXPECT_EQ(g->expires, at(60));
  EXPECT_EQ(indexed("alice"), g->id);
  auto stored = db_->grant(g->id);
  ASSERT_TRUE(stored && *stored);
  expect_same(**stored, *g);

  auto decided = service_->request_for(r.id, "alice", "");
  ASSERT_TRUE(decided) << decided.error().message;
  EXPECT_EQ(decided->state, store::RequestState::Approved);
  EXPECT_EQ(decided->decided, at(2));
  EXPECT_EQ(decided->grant_id, g->id);
}

TEST_P(ConsentServiceTest, ARequestIsDecidedOnce) {
  const auto r = requested("alice");
  ASSERT_TRUE(service_->approve("alice", r.id));
  auto twice = service_->approve("alice", r.id);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().kind, ErrorKind::AlreadyExists);
  EXPECT_EQ(twice.error().message, "consent request '" + r.id + "' was decided already");
  auto declined = service_->decline("alice", r.id);
  ASSERT_FALSE(declined);
  EXPECT_EQ(declined.error().kind, ErrorKind::AlreadyExists);
  auto list = service_->grants_of("alice");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->size(), 1U);
}

TEST_P(ConsentServiceTest, ADeclinedRequestGrantsNothing) {
  const auto r = requested("alice");
  clock_.set(at(4));
  const auto declined = service_->decline("alice", r.id);
  ASSERT_TRUE(declined) << declined.error().message;
  auto decided = service_->request_for(r.id, "", "clinic");
  ASSERT_TRUE(decided) << decided.error().message;
  EXPECT_EQ(decided->state, store::RequestState::Declined);
  EXPECT_EQ(decided->decided, at(4));
  EXPECT_EQ(decided->grant_id, "");
  EXPECT_EQ(indexed("alice"), "");
  EXPECT_TRUE(service_->grants_of("alice")->empty());
  auto approve = service_->approve("alice", r.id);
  ASSERT_FALSE(approve);
  EXPECT_EQ(approve.error().kind, ErrorKind::AlreadyExists);
  EXPECT_EQ(approve.error().message, "consent request '" + r.id + "' was decided already");
}

TEST_P(ConsentServiceTest, OnlyTheSubjectDecidesARequest) {
  const auto r = requested("alice");
  auto g = service_->approve("bob", r.id);
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().kind, ErrorKind::ResourceNotFound);
  EXPECT_EQ(g.error().message, "no consent request '" + r.id + "'");
  auto d = service_->decline("bob", r.id);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().kind, ErrorKind::ResourceNotFound);
  auto none = service_->approve("alice", "no-such-request");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message, "no consent request 'no-such-request'");
  EXPECT_EQ(service_->request_for(r.id, "alice", "")->state, store::RequestState::Pending);
}

TEST_P(ConsentServiceTest, ARequestIsVisibleToItsSubjectAndItsClientOnly) {
  const auto r = requested("alice");
  EXPECT_TRUE(service_->request_for(r.id, "alice", ""));
  EXPECT_TRUE(service_->request_for(r.id, "", "clinic"));
  EXPECT_TRUE(service_->request_for(r.id, "bob", "clinic"));
  for (auto [subject, client] : {std::pair{"bob", ""}, std::pair{"", "school"}, std::pair{"", ""},
                                 std::pair{"bob", "school"}}) {
    auto seen = service_->request_for(r.id, subject, client);
    ASSERT_FALSE(seen) << subject << "/" << client;
    EXPECT_EQ(seen.error().kind, ErrorKind::ResourceNotFound);
    EXPECT_EQ(seen.error().message, "no consent request '" + r.id + "'");
  }
  auto none = service_->request_for("no-such-request", "alice", "clinic");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().kind, ErrorKind::ResourceNotFound);
}

TEST_P(ConsentServiceTest, RequestsAreCheckedLikeGrants) {
  auto r = service_->request("alice", terms("pets"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::BadRequestData);
  EXPECT_EQ(r.error().message, "tenant 'city' declares no personal data of category 'pets'");
  r = service_->request("zed", terms());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::BadRequestData);
  EXPECT_EQ(r.error().message, "no resident 'zed' has an account");
  r = service_->request("", terms());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "no resident '' has an account");
  auto list = service_->requests_of("alice");
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->empty());
}

TEST_P(ConsentServiceTest, ApprovalChecksTheTermsAgain) {
  const auto r = requested("alice", terms("health-checkup", at(10)));
  const auto other = requested("alice", terms("childcare-application"));
  clock_.set(at(10));
  auto late = service_->approve("alice", r.id);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().kind, ErrorKind::BadRequestData);
  EXPECT_EQ(late.error().message, "the grant must end in the future");
  EXPECT_EQ(service_->request_for(r.id, "alice", "")->state, store::RequestState::Pending);

  ASSERT_TRUE(service_->set_rules("city", RuleSet{{city_rules().rules[1]}}));
  auto undeclared = service_->approve("alice", other.id);
  ASSERT_FALSE(undeclared);
  EXPECT_EQ(undeclared.error().message,
            "tenant 'city' declares no personal data of category 'childcare-application'");
  EXPECT_TRUE(service_->grants_of("alice")->empty());
}

TEST_P(ConsentServiceTest, PendingRequestsPerClientAndResidentAreLimited) {
  open(ConsentLimits{.pending_requests = 2});
  ASSERT_TRUE(service_->load());
  const auto first = requested("alice");
  requested("alice", terms("childcare-application"));
  auto third = service_->request("alice", terms());
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().kind, ErrorKind::TooManyRequests);
  EXPECT_EQ(third.error().message,
            "this client has 2 requests pending with this resident; wait for their answer");
  // Other clients and other residents are counted apart.
  requested("alice", terms("health-checkup", at(60), "school"));
  requested("bob");
  // A decided request no longer counts.
  const auto declined = service_->decline("alice", first.id);
  ASSERT_TRUE(declined) << declined.error().message;
  requested("alice");
  auto list = service_->requests_of("alice");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->size(), 4U);
}

TEST_P(ConsentServiceTest, RulesAreStoredAndRemoved) {
  EXPECT_EQ(service_->rules("city").rules.size(), 2U);
  EXPECT_TRUE(service_->rules("town").empty());
  auto stored = db_->all_rules();
  ASSERT_TRUE(stored);
  ASSERT_EQ(stored->size(), 1U);
  EXPECT_EQ((*stored)[0].first, "city");
  ASSERT_TRUE(service_->set_rules("city", RuleSet{}));
  EXPECT_TRUE(service_->rules("city").empty());
  EXPECT_FALSE(rules_->any());
  stored = db_->all_rules();
  ASSERT_TRUE(stored);
  EXPECT_TRUE(stored->empty());
}

TEST_P(ConsentServiceTest, LoadRestoresRulesAndTheGrantsInForce) {
  ASSERT_TRUE(service_->set_rules("", RuleSet{{city_rules().rules[0]}}));
  const auto active = granted("alice");
  const auto in_default = granted("bob", terms("childcare-application", at(60), "school", ""));
  const auto withdrawn = granted("bob");
  const auto expiring = granted("carol", terms("health-checkup", at(5)));
  ASSERT_TRUE(service_->withdraw("bob", withdrawn.id));
  clock_.set(at(5));

  open();
  EXPECT_TRUE(rules_->rules("city")->empty());
  EXPECT_EQ(indexed("alice"), "");
  ASSERT_TRUE(service_->load());

  const auto city = service_->rules("city");
  const auto want = city_rules();
  ASSERT_EQ(city.rules.size(), want.rules.size());
  for (std::size_t i = 0; i < want.rules.size(); ++i) {
    EXPECT_EQ(city.rules[i].type, want.rules[i].type);
    EXPECT_EQ(city.rules[i].category, want.rules[i].category);
    EXPECT_EQ(city.rules[i].subject, want.rules[i].subject);
    EXPECT_EQ(city.rules[i].attributes, want.rules[i].attributes);
  }
  ASSERT_EQ(service_->rules("").rules.size(), 1U);
  EXPECT_EQ(service_->rules("").rules[0].type, kApplication);

  EXPECT_EQ(indexed("alice"), active.id);
  EXPECT_EQ(indexed("bob", "childcare-application", "school", ""), in_default.id);
  EXPECT_EQ(indexed("bob"), "");
  // Expired at the time of loading: not in the index, whatever the clock does later.
  clock_.set(at(0));
  EXPECT_EQ(indexed("carol"), "");
  EXPECT_EQ(grants_->subjects("clinic", "city", "health-checkup", at(0)),
            (std::vector<std::string>{"alice"}));
  (void)expiring;
}

TEST_P(ConsentServiceTest, LoadRefusesCorruptRules) {
  ASSERT_TRUE(db_->put_rules("town", "[{\"type\": \"T\"}]"));
  open();
  auto st = service_->load();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, ErrorKind::InternalError);
  EXPECT_EQ(st.error().message,
            "the stored personal-data rules of tenant 'town' are corrupt: personal-data rule 0: "
            "'category' must be a non-empty string");

  ASSERT_TRUE(db_->put_rules("town", "not json"));
  st = service_->load();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message,
            "the stored personal-data rules of tenant 'town' are corrupt: unreadable");
}

// The platform database's side of consent, where the service does not show it.

TEST_P(ConsentServiceTest, TheStoreDecidesARequestAndAddsItsGrantInOneTransaction) {
  const auto existing = granted("alice");
  const auto r = requested("alice");
  store::GrantRecord clash = existing;  // the same id: the insert fails
  clash.purpose = "other";
  auto decided = db_->decide_request(r.id, "alice", store::RequestState::Approved, at(1), clash);
  ASSERT_FALSE(decided);
  auto still = db_->request(r.id);
  ASSERT_TRUE(still && *still);
  EXPECT_EQ((*still)->state, store::RequestState::Pending);
  EXPECT_EQ((*still)->decided, std::nullopt);
  EXPECT_EQ((*still)->grant_id, "");
  EXPECT_EQ((*db_->grant(existing.id))->purpose, "yearly checkup");
  // Another resident's request is not decided, and nothing is added.
  auto grant = existing;
  grant.id = "g-new";
  decided = db_->decide_request(r.id, "bob", store::RequestState::Approved, at(1), grant);
  ASSERT_TRUE(decided) << decided.error().message;
  EXPECT_FALSE(*decided);
  EXPECT_EQ(*db_->grant("g-new"), std::nullopt);
}

TEST_P(ConsentServiceTest, TheStoreListsPendingRequestsAndActiveGrants) {
  const auto first = requested("alice");
  clock_.set(at(1));
  const auto second = requested("alice", terms("childcare-application"));
  ASSERT_TRUE(service_->decline("alice", first.id));
  auto pending = db_->requests_of("alice", true);
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 1U);
  EXPECT_EQ((*pending)[0].id, second.id);
  auto all = db_->requests_of("alice", false);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2U);
  EXPECT_EQ((*all)[0].id, second.id);  // newest first
  EXPECT_EQ((*all)[1].id, first.id);

  const auto g = granted("bob", terms("health-checkup", at(30)));
  auto active = db_->active_grants(at(30) - milliseconds(1));
  ASSERT_TRUE(active);
  ASSERT_EQ(active->size(), 1U);
  EXPECT_EQ((*active)[0].id, g.id);
  active = db_->active_grants(at(30));
  ASSERT_TRUE(active);
  EXPECT_TRUE(active->empty());
  auto withdrawn = db_->withdraw_grant(g.id, "alice", at(2));
  ASSERT_TRUE(withdrawn);
  EXPECT_FALSE(*withdrawn);  // not alice's
  withdrawn = db_->withdraw_grant(g.id, "bob", at(2));
  ASSERT_TRUE(withdrawn);
  EXPECT_TRUE(*withdrawn);
  withdrawn = db_->withdraw_grant(g.id, "bob", at(3));
  ASSERT_TRUE(withdrawn);
  EXPECT_FALSE(*withdrawn);  // once
  EXPECT_EQ((*db_->grant(g.id))->withdrawn, at(2));
}

INSTANTIATE_TEST_SUITE_P(Backends, ConsentServiceTest, tsunagu::testing::all_backends(),
                         tsunagu::testing::backend_name);

}  // namespace
}  // namespace tsunagu::consent
