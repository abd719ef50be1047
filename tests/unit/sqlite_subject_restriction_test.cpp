// Personal data narrowed in SQL (store::SubjectRestriction, store::IdRestriction): the SQLite
// store returns and counts exactly the entities of granted subjects, keeps entities of other
// types, and takes any number of subjects. Real tenant databases in a temporary directory, read
// through planners that drive from the index and planners that walk.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <future>
#include <random>
#include <set>

#include "query/geo_query.hpp"
#include "query/q_eval.hpp"
#include "query/q_parser.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store_backends.hpp"

namespace tsunagu::store {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using model::AttributeKind;
using Strings = std::vector<std::string>;

const std::string kEx = "https://example.org/";
const std::string kApplication = kEx + "ChildcareApplication";
const std::string kCheckup = kEx + "HealthCheckup";
const std::string kShelter = kEx + "Shelter";
const std::string kApplicant = kEx + "applicant";
const std::string kPerson = kEx + "person";
const std::string kStatus = kEx + "status";
const std::string kHeight = kEx + "height";
const std::string kLocation = kEx + "location";

const Strings kResidents = {"alice", "bob", "carol", "dave"};

std::string expand(std::string_view term) {
  return kEx + std::string(term);
}

// The values the index holds for a subject: the Property form and the Relationship form
// (consent::indexed_forms).
Strings forms(const Strings& subjects) {
  Strings out;
  for (const auto& s : subjects) {
    out.push_back(s);
    out.push_back("urn:ngsi-ld:Person:" + s);
  }
  return out;
}

void put(model::Entity& e, const std::string& name, AttributeKind kind, json::value value) {
  model::Attribute a;
  a.kind = kind;
  a.value = std::move(value);
  model::put_instance(e.attributes, name, std::move(a));
}

json::value point(double lon, double lat) {
  return json::object{{"type", "Point"}, {"coordinates", json::array{lon, lat}}};
}

// Application i: of resident i % 4 (a Relationship), closed for i / 4 even, open otherwise, at
// a point 0.01 degrees further east for each i.
model::Entity application(int i) {
  model::Entity e;
  e.id = "urn:ngsi-ld:ChildcareApplication:" + std::to_string(i);
  e.types = {kApplication};
  put(e, kStatus, AttributeKind::Property, (i / 4) % 2 ? "open" : "closed");
  put(e, kApplicant, AttributeKind::Relationship,
      json::string("urn:ngsi-ld:Person:" + kResidents[i % 4]));
  put(e, kLocation, AttributeKind::GeoProperty, point(135.40 + 0.01 * i, 34.60));
  return e;
}

// Checkup i: of resident i % 4 (a Property).
model::Entity checkup(int i) {
  model::Entity e;
  e.id = "urn:ngsi-ld:HealthCheckup:" + std::to_string(i);
  e.types = {kCheckup};
  put(e, kPerson, AttributeKind::Property, json::string(kResidents[i % 4]));
  put(e, kHeight, AttributeKind::Property, 100 + i);
  return e;
}

model::Entity shelter(int i) {
  model::Entity e;
  e.id = "urn:ngsi-ld:Shelter:" + std::to_string(i);
  e.types = {kShelter};
  put(e, kStatus, AttributeKind::Property, i % 2 ? "open" : "closed");
  // Names a resident as an application would: a shelter is not personal all the same.
  put(e, kApplicant, AttributeKind::Relationship, "urn:ngsi-ld:Person:bob");
  put(e, kLocation, AttributeKind::GeoProperty, point(135.40 + 0.01 * i, 34.60));
  return e;
}

// A shelter that is also an application, of bob.
model::Entity shelter_application() {
  auto e = shelter(99);
  e.id = "urn:ngsi-ld:Mixed:bob";
  e.types.push_back(kApplication);
  return e;
}

std::optional<std::string> subject_in(const model::Entity& e, const std::string& attr) {
  const auto* entry = model::find_entry(e.attributes, attr);
  if (!entry || entry->instances.size() != 1) return std::nullopt;
  std::string v(entry->instances.front().value.get_string());
  const std::string prefix = "urn:ngsi-ld:Person:";
  return v.starts_with(prefix) ? v.substr(prefix.size()) : v;
}

EntityQuery of(Strings types) {
  EntityQuery q;
  if (!types.empty()) q.entities = {query::of_types(std::move(types))};
  q.limit = 1000;
  q.count = true;
  return q;
}

SubjectRestriction applications_of(const Strings& subjects) {
  return {kApplication, kApplicant, forms(subjects)};
}

SubjectRestriction checkups_of(const Strings& subjects) {
  return {kCheckup, kPerson, forms(subjects)};
}

using testing::run_job;

class SqliteSubjectRestrictionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    static std::mt19937_64 rng{std::random_device{}()};
    dir_ = fs::temp_directory_path() / ("tsunagu-subject-restriction-" + std::to_string(rng()));
    auto s = sqlite::SqliteStore::open(dir_);
    ASSERT_TRUE(s) << s.error().message;
    stores_.push_back(std::move(*s));
    auto t = stores_.front()->tenant("", true);
    ASSERT_TRUE(t) << t.error().message;
    dbs_.push_back(*t);
    for (int i = 0; i < 12; ++i) entities_.push_back(application(i));
    for (int i = 0; i < 8; ++i) entities_.push_back(checkup(i));
    for (int i = 0; i < 5; ++i) entities_.push_back(shelter(i));
    entities_.push_back(shelter_application());
    for (const auto& e : entities_) {
      ASSERT_TRUE(run_job(*dbs_.front(), [&](WriteTxn& txn) { return txn.insert(e); })) << e.id;
    }
    // The same file read by planners for which nothing is selective (every query walks) and
    // for which small conditions are (they drive).
    for (std::size_t selective_rows : {std::size_t{0}, std::size_t{5}}) {
      auto other = sqlite::SqliteStore::open(dir_, {.selective_rows = selective_rows});
      ASSERT_TRUE(other) << other.error().message;
      stores_.push_back(std::move(*other));
      auto tenant = stores_.back()->tenant("", false);
      ASSERT_TRUE(tenant) << tenant.error().message;
      dbs_.push_back(*tenant);
    }
  }
  static void TearDownTestSuite() {
    dbs_.clear();
    stores_.clear();
    entities_.clear();
    fs::remove_all(dir_);
  }

  // The ids every planner returns for the query, after checking they agree and that the count
  // is the number of every match (not of the page).
  static Strings ids(const EntityQuery& q, std::size_t total) {
    Strings first;
    for (std::size_t i = 0; i < dbs_.size(); ++i) {
      SCOPED_TRACE("planner " + std::to_string(i));
      auto page = dbs_[i]->query(q);
      EXPECT_TRUE(page) << page.error().message;
      if (!page) return {};
      Strings got;
      for (const auto& e : page->entities) got.push_back(e.id);
      if (i == 0) first = got;
      EXPECT_EQ(got, first);
      if (q.count) {
        EXPECT_EQ(page->total, total);
      }
    }
    return first;
  }

  // The ids of the stored entities, in creation order, that `keep` selects.
  static Strings expected(const std::function<bool(const model::Entity&)>& keep) {
    Strings out;
    for (const auto& e : entities_) {
      if (keep(e)) out.push_back(e.id);
    }
    return out;
  }

  // Whether an entity passes the restrictions, decided here from its attributes.
  static bool granted(const model::Entity& e, const Strings& applicants,
                      std::optional<Strings> checked = std::nullopt) {
    auto in = [](const Strings& list, const std::optional<std::string>& s) {
      return s && std::find(list.begin(), list.end(), *s) != list.end();
    };
    if (model::has_type(e, kApplication) && !in(applicants, subject_in(e, kApplicant))) {
      return false;
    }
    if (checked && model::has_type(e, kCheckup) && !in(*checked, subject_in(e, kPerson))) {
      return false;
    }
    return true;
  }

  static void expect_ids(const EntityQuery& q, const Strings& want) {
    EXPECT_EQ(ids(q, want.size()), want);
  }

  static inline fs::path dir_;
  static inline std::vector<std::unique_ptr<sqlite::SqliteStore>> stores_;
  static inline std::vector<std::shared_ptr<TenantStore>> dbs_;
  static inline std::vector<model::Entity> entities_;
};

TEST_F(SqliteSubjectRestrictionTest, ARestrictedTypeHoldsOnlyTheGrantedSubjectsRelationships) {
  auto q = of({kApplication});
  q.restrictions = {applications_of({"alice", "carol"})};
  expect_ids(q, {"urn:ngsi-ld:ChildcareApplication:0", "urn:ngsi-ld:ChildcareApplication:2",
                 "urn:ngsi-ld:ChildcareApplication:4", "urn:ngsi-ld:ChildcareApplication:6",
                 "urn:ngsi-ld:ChildcareApplication:8", "urn:ngsi-ld:ChildcareApplication:10"});
  q.restrictions = {applications_of({"bob"})};
  expect_ids(q, {"urn:ngsi-ld:ChildcareApplication:1", "urn:ngsi-ld:ChildcareApplication:5",
                 "urn:ngsi-ld:ChildcareApplication:9", "urn:ngsi-ld:Mixed:bob"});
  q.restrictions = {applications_of({"erin"})};
  expect_ids(q, {});
}

TEST_F(SqliteSubjectRestrictionTest, ARestrictedTypeHoldsOnlyTheGrantedSubjectsProperties) {
  auto q = of({kCheckup});
  q.restrictions = {checkups_of({"bob"})};
  expect_ids(q, {"urn:ngsi-ld:HealthCheckup:1", "urn:ngsi-ld:HealthCheckup:5"});
  // Only the value forms given count: the Relationship form alone does not match a Property.
  q.restrictions = {{kCheckup, kPerson, {"urn:ngsi-ld:Person:bob"}}};
  expect_ids(q, {});
  q.restrictions = {{kCheckup, kPerson, {"dave"}}};
  expect_ids(q, {"urn:ngsi-ld:HealthCheckup:3", "urn:ngsi-ld:HealthCheckup:7"});
}

TEST_F(SqliteSubjectRestrictionTest, PagesAndCountsAreOfTheGrantedEntitiesOnly) {
  auto q = of({kApplication});
  q.restrictions = {applications_of({"alice", "carol"})};
  q.limit = 2;
  q.offset = 1;
  EXPECT_EQ(ids(q, 6),
            (Strings{"urn:ngsi-ld:ChildcareApplication:2", "urn:ngsi-ld:ChildcareApplication:4"}));
  q.offset = 5;
  EXPECT_EQ(ids(q, 6), Strings{"urn:ngsi-ld:ChildcareApplication:10"});
  q.offset = 6;
  EXPECT_EQ(ids(q, 6), Strings{});
}

TEST_F(SqliteSubjectRestrictionTest, RestrictionsHoldTogetherWithQ) {
  auto parsed = query::parse_q("status==\"open\"", expand);
  ASSERT_TRUE(parsed) << parsed.error().message;
  auto q = of({kApplication});
  q.q = std::make_shared<const query::Expr>(std::move(*parsed));
  q.restrictions = {applications_of({"alice", "carol"})};
  expect_ids(q, {"urn:ngsi-ld:ChildcareApplication:4", "urn:ngsi-ld:ChildcareApplication:6"});
  // Without a type: open shelters pass, open applications only when granted.
  q.entities.clear();
  expect_ids(q, expected([&](const model::Entity& e) {
               return query::matches(*q.q, e) && granted(e, {"alice", "carol"});
             }));
  EXPECT_EQ(ids(q, 4),
            (Strings{"urn:ngsi-ld:ChildcareApplication:4", "urn:ngsi-ld:ChildcareApplication:6",
                     "urn:ngsi-ld:Shelter:1", "urn:ngsi-ld:Shelter:3"}));
}

TEST_F(SqliteSubjectRestrictionTest, RestrictionsHoldTogetherWithGeo) {
  // 0.01 degrees of longitude are about 917 m here: the first three points are within 2 km.
  auto parsed =
      query::parse_geo_query("near;maxDistance==2000", "Point", "[135.4,34.6]", kLocation);
  ASSERT_TRUE(parsed) << parsed.error().message;
  auto q = of({kApplication});
  q.geo = std::make_shared<const query::GeoQuery>(std::move(*parsed));
  q.restrictions = {applications_of({"alice", "carol"})};
  expect_ids(q, {"urn:ngsi-ld:ChildcareApplication:0", "urn:ngsi-ld:ChildcareApplication:2"});
  q.entities = {query::of_types({kApplication, kShelter})};
  expect_ids(q, {"urn:ngsi-ld:ChildcareApplication:0", "urn:ngsi-ld:ChildcareApplication:2",
                 "urn:ngsi-ld:Shelter:0", "urn:ngsi-ld:Shelter:1", "urn:ngsi-ld:Shelter:2"});
}

TEST_F(SqliteSubjectRestrictionTest, OtherTypesOfTheQueryAreKept) {
  auto q = of({kApplication, kShelter});
  q.restrictions = {applications_of({"alice"})};
  expect_ids(
      q, {"urn:ngsi-ld:ChildcareApplication:0", "urn:ngsi-ld:ChildcareApplication:4",
          "urn:ngsi-ld:ChildcareApplication:8", "urn:ngsi-ld:Shelter:0", "urn:ngsi-ld:Shelter:1",
          "urn:ngsi-ld:Shelter:2", "urn:ngsi-ld:Shelter:3", "urn:ngsi-ld:Shelter:4"});
  // A shelter that is also an application is restricted as an application.
  q = of({kShelter});
  q.restrictions = {applications_of({"alice"})};
  expect_ids(q, {"urn:ngsi-ld:Shelter:0", "urn:ngsi-ld:Shelter:1", "urn:ngsi-ld:Shelter:2",
                 "urn:ngsi-ld:Shelter:3", "urn:ngsi-ld:Shelter:4"});
  q.restrictions = {applications_of({"bob"})};
  expect_ids(q, {"urn:ngsi-ld:Shelter:0", "urn:ngsi-ld:Shelter:1", "urn:ngsi-ld:Shelter:2",
                 "urn:ngsi-ld:Shelter:3", "urn:ngsi-ld:Shelter:4", "urn:ngsi-ld:Mixed:bob"});
}

TEST_F(SqliteSubjectRestrictionTest, QueriesWithoutATypeAreNarrowedPerRestrictedType) {
  auto q = of({});
  q.restrictions = {applications_of({"carol"}), checkups_of({"alice", "dave"})};
  const Strings want = expected([](const model::Entity& e) {
    return granted(e, {"carol"}, Strings{"alice", "dave"});
  });
  ASSERT_EQ(want.size(), 3U + 4U + 5U);
  expect_ids(q, want);
  // With attrs too.
  q.attrs = {kPerson};
  expect_ids(q, {"urn:ngsi-ld:HealthCheckup:0", "urn:ngsi-ld:HealthCheckup:3",
                 "urn:ngsi-ld:HealthCheckup:4", "urn:ngsi-ld:HealthCheckup:7"});
}

TEST_F(SqliteSubjectRestrictionTest, NoValuesMeansNoEntityOfTheType) {
  auto q = of({kApplication});
  q.restrictions = {{kApplication, kApplicant, {}}};
  expect_ids(q, {});
  q = of({kApplication, kShelter});
  q.restrictions = {{kApplication, kApplicant, {}}};
  expect_ids(q, {"urn:ngsi-ld:Shelter:0", "urn:ngsi-ld:Shelter:1", "urn:ngsi-ld:Shelter:2",
                 "urn:ngsi-ld:Shelter:3", "urn:ngsi-ld:Shelter:4"});
  q = of({});
  q.restrictions = {{kApplication, kApplicant, {}}, {kCheckup, kPerson, {}}};
  expect_ids(q, {"urn:ngsi-ld:Shelter:0", "urn:ngsi-ld:Shelter:1", "urn:ngsi-ld:Shelter:2",
                 "urn:ngsi-ld:Shelter:3", "urn:ngsi-ld:Shelter:4"});
}

TEST_F(SqliteSubjectRestrictionTest, TensOfThousandsOfSubjectsFitInOneQuery) {
  Strings subjects;
  for (int i = 0; i < 20'001; ++i) subjects.push_back("resident-" + std::to_string(i));
  subjects.push_back("dave");
  auto q = of({kApplication});
  q.restrictions = {applications_of(subjects)};
  ASSERT_GT(q.restrictions.front().values.size(), 40'000U);
  expect_ids(q, {"urn:ngsi-ld:ChildcareApplication:3", "urn:ngsi-ld:ChildcareApplication:7",
                 "urn:ngsi-ld:ChildcareApplication:11"});
  q = of({});
  q.restrictions = {applications_of(subjects), checkups_of(subjects)};
  expect_ids(
      q, expected([](const model::Entity& e) { return granted(e, {"dave"}, Strings{"dave"}); }));
}

HistoryInstance reading(const std::string& attr, json::value v, int minute) {
  HistoryInstance i;
  i.attr = attr;
  i.value.value = std::move(v);
  i.value.observed_at = model::Timestamp(std::chrono::minutes(29'453'760 + minute));
  i.value.created_at = i.value.modified_at = *i.value.observed_at;
  return i;
}

class SqliteSubjectRestrictionHistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::mt19937_64 rng{std::random_device{}()};
    dir_ = fs::temp_directory_path() / ("tsunagu-history-restriction-" + std::to_string(rng()));
    auto s = sqlite::SqliteStore::open(dir_);
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
    auto t = store_->tenant("", true);
    ASSERT_TRUE(t) << t.error().message;
    db_ = *t;
    for (int i = 0; i < 6; ++i)
      record("urn:ngsi-ld:ChildcareApplication:" + std::to_string(i), {kApplication});
    for (int i = 0; i < 3; ++i) record("urn:ngsi-ld:Shelter:" + std::to_string(i), {kShelter});
    record("urn:ngsi-ld:Mixed:1", {kShelter, kApplication});
  }
  void TearDown() override {
    db_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  void record(const std::string& id, Strings types) {
    HistoryAppend a{id, std::move(types), model::Timestamp(std::chrono::minutes(29'453'760)), {}};
    for (int m = 0; m < 3; ++m) a.instances.push_back(reading(kStatus, m, m));
    ASSERT_TRUE(run_job(*db_, [&](WriteTxn& txn) { return txn.history().append(a); })) << id;
  }

  Strings ids(const HistoryQuery& q, std::optional<std::size_t> total = std::nullopt) {
    auto page = db_->history(q);
    EXPECT_TRUE(page) << page.error().message;
    if (!page) return {};
    if (total) {
      EXPECT_EQ(page->total, total);
    }
    Strings out;
    for (const auto& e : page->entities) out.push_back(e.id);
    return out;
  }

  static HistoryQuery of(Strings types) {
    HistoryQuery q;
    if (!types.empty()) q.entities = {query::of_types(std::move(types))};
    q.limit = 100;
    return q;
  }

  fs::path dir_;
  std::unique_ptr<sqlite::SqliteStore> store_;
  std::shared_ptr<TenantStore> db_;
};

const IdRestriction kSomeApplications{
    kApplication, {"urn:ngsi-ld:ChildcareApplication:1", "urn:ngsi-ld:ChildcareApplication:4"}};

TEST_F(SqliteSubjectRestrictionHistoryTest, ARestrictedTypeHoldsOnlyTheAllowedIds) {
  auto q = of({kApplication});
  EXPECT_EQ(ids(q).size(), 7U);
  q.restrictions = {kSomeApplications};
  EXPECT_EQ(ids(q),
            (Strings{"urn:ngsi-ld:ChildcareApplication:1", "urn:ngsi-ld:ChildcareApplication:4"}));
  q.count = true;
  q.limit = 1;
  q.offset = 1;
  EXPECT_EQ(ids(q, 2), Strings{"urn:ngsi-ld:ChildcareApplication:4"});
}

TEST_F(SqliteSubjectRestrictionHistoryTest, OtherTypesAreKept) {
  auto q = of({kApplication, kShelter});
  q.restrictions = {kSomeApplications};
  q.count = true;
  EXPECT_EQ(ids(q, 5),
            (Strings{"urn:ngsi-ld:ChildcareApplication:1", "urn:ngsi-ld:ChildcareApplication:4",
                     "urn:ngsi-ld:Shelter:0", "urn:ngsi-ld:Shelter:1", "urn:ngsi-ld:Shelter:2"}));
  q = of({});
  q.restrictions = {kSomeApplications};
  q.count = true;
  EXPECT_EQ(ids(q, 5),
            (Strings{"urn:ngsi-ld:ChildcareApplication:1", "urn:ngsi-ld:ChildcareApplication:4",
                     "urn:ngsi-ld:Shelter:0", "urn:ngsi-ld:Shelter:1", "urn:ngsi-ld:Shelter:2"}));
  // The shelter that is also an application is restricted as an application.
  q.restrictions = {{kApplication, {"urn:ngsi-ld:Mixed:1"}}};
  EXPECT_EQ(ids(q, 4), (Strings{"urn:ngsi-ld:Shelter:0", "urn:ngsi-ld:Shelter:1",
                                "urn:ngsi-ld:Shelter:2", "urn:ngsi-ld:Mixed:1"}));
}

TEST_F(SqliteSubjectRestrictionHistoryTest, NoIdsMeansNoEntityOfTheType) {
  auto q = of({kApplication});
  q.restrictions = {{kApplication, {}}};
  q.count = true;
  EXPECT_EQ(ids(q, 0), Strings{});
  q = of({kShelter, kApplication});
  q.restrictions = {{kApplication, {}}};
  EXPECT_EQ(ids(q),
            (Strings{"urn:ngsi-ld:Shelter:0", "urn:ngsi-ld:Shelter:1", "urn:ngsi-ld:Shelter:2"}));
}

TEST_F(SqliteSubjectRestrictionHistoryTest, ARetrievalOfAnIdNotAllowedFindsNothing) {
  HistoryQuery q;
  q.entities = {query::EntitySelector{{}, {"urn:ngsi-ld:ChildcareApplication:2"}, {}}};
  q.retrieval = true;
  q.limit = 1;
  EXPECT_EQ(ids(q), Strings{"urn:ngsi-ld:ChildcareApplication:2"});
  q.restrictions = {kSomeApplications};
  EXPECT_EQ(ids(q), Strings{});
  q.entities = {query::EntitySelector{{}, {"urn:ngsi-ld:ChildcareApplication:4"}, {}}};
  EXPECT_EQ(ids(q), Strings{"urn:ngsi-ld:ChildcareApplication:4"});
  q.entities = {query::EntitySelector{{}, {"urn:ngsi-ld:Shelter:1"}, {}}};
  EXPECT_EQ(ids(q), Strings{"urn:ngsi-ld:Shelter:1"});
}

}  // namespace
}  // namespace tsunagu::store
