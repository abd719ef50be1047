// Entity-type grants: the TypeGrant rules on their own, then a restricted EntityService over the
// real SQLite store, where they must hold for every read and write a route can make.

#include "broker/type_grant.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <future>
#include <random>

#include "broker/entity_service.hpp"
#include "query/type_query.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace tsunagu::broker {
namespace {

namespace fs = std::filesystem;

const std::string kShelter = "https://example.org/Shelter";
const std::string kPark = "https://example.org/Park";
const std::string kResident = "https://example.org/Resident";
const std::string kOccupancy = "https://example.org/occupancy";

TypeGrant shelters_and_parks() {
  return TypeGrant{{kShelter, kPark}};
}

query::EntitySelector selector(std::string_view type_text) {
  auto parsed = query::parse_type_query(type_text);
  EXPECT_TRUE(parsed) << type_text;
  query::EntitySelector s;
  s.type = std::make_shared<const query::TermExpr>(std::move(*parsed));
  return s;
}

ErrorKind kind_of(const Status& st) {
  return st ? ErrorKind::InternalError : st.error().kind;
}

TEST(TypeGrantRules, SeesAnEntityWhenOneOfItsTypesIsGranted) {
  const auto grant = shelters_and_parks();
  EXPECT_TRUE(grant.sees({kShelter}));
  EXPECT_TRUE(grant.sees({kResident, kPark}));
  EXPECT_FALSE(grant.sees({kResident}));
  EXPECT_FALSE(grant.sees({}));
}

TEST(TypeGrantRules, WritesNeedEveryTypeGranted) {
  const auto grant = shelters_and_parks();
  EXPECT_TRUE(grant.check_all({kShelter, kPark}));
  const auto st = grant.check_all({kShelter, kResident});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, ErrorKind::Forbidden);
  EXPECT_EQ(st.error().message, "entity type '" + kResident + "' is not granted");
}

TEST(TypeGrantRules, NoSelectorBecomesTheGrantedTypes) {
  auto narrowed = shelters_and_parks().narrow({});
  ASSERT_TRUE(narrowed);
  ASSERT_EQ(narrowed->size(), 1u);
  ASSERT_TRUE((*narrowed)[0].type);
  EXPECT_EQ(query::as_any_of(*(*narrowed)[0].type), (std::vector<std::string>{kShelter, kPark}));
}

TEST(TypeGrantRules, ASelectorOfIdsOnlyGetsTheGrantedTypes) {
  query::EntitySelector by_id;
  by_id.ids = {"urn:ngsi-ld:Shelter:1"};
  auto narrowed = shelters_and_parks().narrow({by_id});
  ASSERT_TRUE(narrowed);
  ASSERT_EQ(narrowed->size(), 1u);
  EXPECT_EQ((*narrowed)[0].ids, by_id.ids);
  ASSERT_TRUE((*narrowed)[0].type);
  EXPECT_EQ(query::as_any_of(*(*narrowed)[0].type), (std::vector<std::string>{kShelter, kPark}));
}

TEST(TypeGrantRules, ASelectorOfGrantedTypesIsKeptAsItIs) {
  auto narrowed = shelters_and_parks().narrow({selector(kShelter + ";" + kPark)});
  ASSERT_TRUE(narrowed);
  EXPECT_EQ(query::to_string(*(*narrowed)[0].type), kShelter + ";" + kPark);
}

TEST(TypeGrantRules, NamingATypeNotGrantedIsForbiddenEvenInsideAnOr) {
  auto narrowed = shelters_and_parks().narrow({selector(kShelter + "|" + kResident)});
  ASSERT_FALSE(narrowed);
  EXPECT_EQ(narrowed.error().kind, ErrorKind::Forbidden);
  EXPECT_EQ(narrowed.error().message, "entity type '" + kResident + "' is not granted");
}

TEST(TypeGrantRules, AnEmptyGrantAllowsNoQuery) {
  auto narrowed = TypeGrant{}.narrow({});
  ASSERT_FALSE(narrowed);
  EXPECT_EQ(narrowed.error().kind, ErrorKind::Forbidden);
}

TEST(TypeGrantRules, ASubscriptionMustNameGrantedTypesInEverySelector) {
  const auto grant = shelters_and_parks();
  model::Subscription s;
  EXPECT_EQ(kind_of(grant.check_subscription(s)), ErrorKind::Forbidden);  // watches everything

  s.entities = {selector(kShelter)};
  EXPECT_TRUE(grant.check_subscription(s));

  query::EntitySelector by_id;
  by_id.ids = {"urn:ngsi-ld:Shelter:1"};
  s.entities.push_back(by_id);  // an id alone might be of any type
  EXPECT_EQ(kind_of(grant.check_subscription(s)), ErrorKind::Forbidden);

  s.entities = {selector(kPark), selector(kResident)};
  EXPECT_EQ(kind_of(grant.check_subscription(s)), ErrorKind::Forbidden);
}

model::Entity entity(const std::string& id, std::vector<std::string> types, int occupancy = 1) {
  model::Entity e;
  e.id = id;
  e.types = std::move(types);
  model::Attribute a;
  a.value = occupancy;
  model::put_instance(e.attributes, kOccupancy, a);
  return e;
}

class RestrictedEntityServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("tsunagu-grant-" + std::to_string(std::random_device{}()));
    auto s = store::sqlite::SqliteStore::open(dir_);
    ASSERT_TRUE(s);
    store_ = std::move(*s);
    all_ = std::make_unique<EntityService>(*store_, clock_);
    // Stored with every type visible: a shelter, a park, a resident, and an entity that is a
    // shelter and a resident at once.
    ASSERT_TRUE(create(*all_, entity("urn:shelter:1", {kShelter})));
    ASSERT_TRUE(create(*all_, entity("urn:park:1", {kPark})));
    ASSERT_TRUE(create(*all_, entity("urn:resident:1", {kResident})));
    ASSERT_TRUE(create(*all_, entity("urn:mixed:1", {kShelter, kResident})));
    limited_ = std::make_unique<EntityService>(all_->restricted(shelters_and_parks()));
  }
  void TearDown() override {
    limited_.reset();
    all_.reset();
    if (store_) store_->close();
    store_.reset();
    fs::remove_all(dir_);
  }

  template <typename T, typename Op>
  Result<T> wait(Op op) {
    std::promise<Result<T>> p;
    auto f = p.get_future();
    op([&p](Result<T> r) { p.set_value(std::move(r)); });
    return f.get();
  }
  Status create(EntityService& svc, model::Entity e) {
    return wait<void>([&](Callback<void> done) { svc.create("", std::move(e), done); });
  }
  std::vector<std::string> ids_of(const Result<store::QueryPage>& page) {
    std::vector<std::string> ids;
    if (!page) return ids;
    for (const auto& e : page->entities) ids.push_back(e.id);
    return ids;
  }
  int stored_occupancy(const std::string& id) {
    auto e = all_->get("", id);
    EXPECT_TRUE(e) << id;
    if (!e) return -1;
    auto* a = model::find_instance(e->attributes, kOccupancy, std::nullopt);
    return a ? static_cast<int>(a->value.to_number<std::int64_t>()) : -1;
  }

  fs::path dir_;
  model::ManualClock clock_{model::Timestamp{std::chrono::milliseconds(1'700'000'000'000)}};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<EntityService> all_;
  std::unique_ptr<EntityService> limited_;
};

TEST_F(RestrictedEntityServiceTest, GetFindsOnlyEntitiesOfAGrantedType) {
  EXPECT_TRUE(limited_->get("", "urn:shelter:1"));
  EXPECT_TRUE(limited_->get("", "urn:mixed:1"));  // one of its types is granted
  auto hidden = limited_->get("", "urn:resident:1");
  ASSERT_FALSE(hidden);
  // The same answer as for an id that is not there: no hint that it exists.
  EXPECT_EQ(hidden.error().kind, ErrorKind::ResourceNotFound);
  EXPECT_EQ(hidden.error().kind, limited_->get("", "urn:nothing:1").error().kind);
}

TEST_F(RestrictedEntityServiceTest, AQueryWithoutTypesReturnsOnlyGrantedOnes) {
  store::EntityQuery q;
  q.limit = 100;
  EXPECT_EQ(ids_of(limited_->query("", q)),
            (std::vector<std::string>{"urn:shelter:1", "urn:park:1", "urn:mixed:1"}));
  query::EntitySelector by_id;
  by_id.ids = {"urn:resident:1", "urn:park:1"};
  q.entities = {by_id};
  EXPECT_EQ(ids_of(limited_->query("", q)), (std::vector<std::string>{"urn:park:1"}));
}

TEST_F(RestrictedEntityServiceTest, AQueryNamingAnotherTypeIsForbidden) {
  store::EntityQuery q;
  q.entities = {selector(kResident)};
  auto page = limited_->query("", q);
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().kind, ErrorKind::Forbidden);
}

TEST_F(RestrictedEntityServiceTest, SummariesShowOnlyGrantedTypes) {
  auto types = limited_->type_summaries("", std::nullopt);
  ASSERT_TRUE(types);
  std::vector<std::string> names;
  for (const auto& t : *types) names.push_back(t.type);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{kPark, kShelter}));

  auto only = limited_->type_summaries("", kResident);
  ASSERT_TRUE(only);
  EXPECT_TRUE(only->empty());

  auto attrs = limited_->attribute_summaries("", std::nullopt);
  ASSERT_TRUE(attrs);
  ASSERT_EQ(attrs->size(), 1u);
  auto attr_types = (*attrs)[0].types;
  std::sort(attr_types.begin(), attr_types.end());
  EXPECT_EQ(attr_types, (std::vector<std::string>{kPark, kShelter}));
}

TEST_F(RestrictedEntityServiceTest, CreatingAnEntityOfAnotherTypeIsForbiddenAndStoresNothing) {
  auto st = create(*limited_, entity("urn:resident:2", {kResident}));
  EXPECT_EQ(kind_of(st), ErrorKind::Forbidden);
  st = create(*limited_, entity("urn:mixed:2", {kShelter, kResident}));
  EXPECT_EQ(kind_of(st), ErrorKind::Forbidden);
  EXPECT_FALSE(all_->get("", "urn:resident:2"));
  EXPECT_FALSE(all_->get("", "urn:mixed:2"));
  EXPECT_TRUE(create(*limited_, entity("urn:shelter:2", {kShelter})));
  EXPECT_TRUE(all_->get("", "urn:shelter:2"));
}

TEST_F(RestrictedEntityServiceTest, AnIdTakenByAnInvisibleEntityStaysTaken) {
  auto st = create(*limited_, entity("urn:resident:1", {kShelter}));
  EXPECT_EQ(kind_of(st), ErrorKind::AlreadyExists);
  EXPECT_EQ(all_->get("", "urn:resident:1")->types, (std::vector<std::string>{kResident}));
}

TEST_F(RestrictedEntityServiceTest, UpdatingOrDeletingAnInvisibleEntityIsNotFound) {
  model::AttributeList attrs;
  model::Attribute a;
  a.value = 99;
  model::put_instance(attrs, kOccupancy, a);
  auto updated = wait<UpdateOutcome>([&](Callback<UpdateOutcome> done) {
    limited_->update_attributes("", "urn:resident:1", attrs, done);
  });
  ASSERT_FALSE(updated);
  EXPECT_EQ(updated.error().kind, ErrorKind::ResourceNotFound);

  auto removed = wait<void>(
      [&](Callback<void> done) { limited_->remove("", "urn:resident:1", std::move(done)); });
  EXPECT_EQ(kind_of(removed), ErrorKind::ResourceNotFound);
  EXPECT_EQ(stored_occupancy("urn:resident:1"), 1);
}

TEST_F(RestrictedEntityServiceTest, AVisibleEntityWithAnotherTypeIsReadOnly) {
  // urn:mixed:1 is visible through Shelter but is also a Resident: writing it would write a
  // Resident.
  model::AttributeList attrs;
  model::Attribute a;
  a.value = 99;
  model::put_instance(attrs, kOccupancy, a);
  auto updated = wait<UpdateOutcome>([&](Callback<UpdateOutcome> done) {
    limited_->update_attributes("", "urn:mixed:1", attrs, done);
  });
  ASSERT_FALSE(updated);
  EXPECT_EQ(updated.error().kind, ErrorKind::Forbidden);
  EXPECT_EQ(stored_occupancy("urn:mixed:1"), 1);

  updated = wait<UpdateOutcome>([&](Callback<UpdateOutcome> done) {
    limited_->update_attributes("", "urn:shelter:1", attrs, done);
  });
  ASSERT_TRUE(updated);
  EXPECT_EQ(stored_occupancy("urn:shelter:1"), 99);
}

TEST_F(RestrictedEntityServiceTest, AMergeCannotAddATypeThatIsNotGranted) {
  auto patch = entity("urn:shelter:1", {kShelter, kResident}, 5);
  auto st = wait<void>([&](Callback<void> done) { limited_->merge("", patch, done); });
  EXPECT_EQ(kind_of(st), ErrorKind::Forbidden);
  EXPECT_EQ(all_->get("", "urn:shelter:1")->types, (std::vector<std::string>{kShelter}));
  EXPECT_EQ(stored_occupancy("urn:shelter:1"), 1);
}

TEST_F(RestrictedEntityServiceTest, ABatchFailsOnlyItsEntitiesOfOtherTypes) {
  std::vector<model::Entity> batch = {entity("urn:shelter:3", {kShelter}),
                                      entity("urn:resident:3", {kResident}),
                                      entity("urn:park:3", {kPark})};
  auto outcome = wait<BatchOutcome>([&](Callback<BatchOutcome> done) {
    limited_->batch_upsert("", std::move(batch), UpsertMode::Replace, done);
  });
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->success, (std::vector<std::string>{"urn:shelter:3", "urn:park:3"}));
  ASSERT_EQ(outcome->errors.size(), 1u);
  EXPECT_EQ(outcome->errors[0].entity_id, "urn:resident:3");
  EXPECT_EQ(outcome->errors[0].error.kind, ErrorKind::Forbidden);
  EXPECT_FALSE(all_->get("", "urn:resident:3"));

  auto deleted = wait<BatchOutcome>([&](Callback<BatchOutcome> done) {
    limited_->batch_delete("", {"urn:park:3", "urn:resident:1"}, done);
  });
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->success, (std::vector<std::string>{"urn:park:3"}));
  ASSERT_EQ(deleted->errors.size(), 1u);
  EXPECT_EQ(deleted->errors[0].error.kind, ErrorKind::ResourceNotFound);
  EXPECT_TRUE(all_->get("", "urn:resident:1"));
}

TEST_F(RestrictedEntityServiceTest, TheUnrestrictedServiceIsUnchanged) {
  store::EntityQuery q;
  q.limit = 100;
  EXPECT_EQ(ids_of(all_->query("", q)).size(), 4u);
  EXPECT_TRUE(all_->get("", "urn:resident:1"));
}

}  // namespace
}  // namespace tsunagu::broker
