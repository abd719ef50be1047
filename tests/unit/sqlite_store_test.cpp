// The Store contract (store/store.hpp) checked against the SQLite backend, with real files in
// a temporary directory.

#include "store/sqlite/sqlite_store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <future>
#include <random>
#include <thread>

#include "query/scope_query.hpp"
#include "sqlite_downgrade.hpp"

namespace tsunagu::store {
namespace {

namespace fs = std::filesystem;
using model::Entity;

fs::path fresh_dir() {
  static std::mt19937_64 rng{std::random_device{}()};
  auto dir = fs::temp_directory_path() / ("tsunagu-store-test-" + std::to_string(rng()));
  fs::create_directories(dir);
  return dir;
}

Entity entity(std::string id, std::string type, std::vector<std::string> attrs = {}) {
  Entity e;
  e.id = std::move(id);
  e.types = {std::move(type)};
  e.created_at = e.modified_at = model::Timestamp(std::chrono::milliseconds(1'700'000'000'000));
  for (auto& a : attrs) {
    model::Attribute attr;
    attr.value = 1;
    model::put_instance(e.attributes, a, attr);
  }
  return e;
}

// Submits a job and waits for its durable completion.
Status run(TenantStore& db, std::function<Status(WriteTxn&)> apply) {
  std::promise<Status> done;
  auto f = done.get_future();
  db.submit({std::move(apply), [&done](Status st) { done.set_value(std::move(st)); }});
  return f.get();
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fresh_dir();
    open();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  void open() {
    auto s = sqlite::SqliteStore::open(dir_);
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
    auto t = store_->tenant("", true);
    ASSERT_TRUE(t) << t.error().message;
    db_ = *t;
  }
  Status insert(const Entity& e) {
    return run(*db_, [e](WriteTxn& txn) { return txn.insert(e); });
  }
  std::vector<std::string> ids(const EntityQuery& q) {
    auto page = db_->query(q);
    EXPECT_TRUE(page) << page.error().message;
    std::vector<std::string> out;
    for (const auto& e : page->entities) out.push_back(e.id);
    return out;
  }

  fs::path dir_;
  std::unique_ptr<sqlite::SqliteStore> store_;
  std::shared_ptr<TenantStore> db_;
};

TEST_F(SqliteStoreTest, InsertThenGetReturnsTheSameEntity) {
  auto e = entity("urn:a:1", "https://t/Shelter", {"https://t/capacity"});
  e.attributes[0].instances[0].value = 120;
  e.attributes[0].instances[0].unit_code = "C62";
  ASSERT_TRUE(insert(e));
  auto got = db_->get("urn:a:1");
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->types, std::vector<std::string>{"https://t/Shelter"});
  ASSERT_EQ((*got)->attributes.size(), 1u);
  EXPECT_EQ((*got)->attributes[0].instances[0].value, boost::json::value(120));
  EXPECT_EQ((*got)->attributes[0].instances[0].unit_code, "C62");
  EXPECT_EQ((*got)->created_at, e.created_at);
}

TEST_F(SqliteStoreTest, InsertOfAnExistingIdFailsWithAlreadyExists) {
  ASSERT_TRUE(insert(entity("urn:a:1", "T")));
  auto st = insert(entity("urn:a:1", "T"));
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, ErrorKind::AlreadyExists);
}

TEST_F(SqliteStoreTest, GetOfAMissingEntityIsEmpty) {
  auto got = db_->get("urn:none");
  ASSERT_TRUE(got);
  EXPECT_FALSE(got->has_value());
}

TEST_F(SqliteStoreTest, UpdateReplacesDocumentAndIndex) {
  ASSERT_TRUE(insert(entity("urn:a:1", "T", {"x"})));
  ASSERT_TRUE(run(*db_, [](WriteTxn& txn) { return txn.update(entity("urn:a:1", "U", {"y"})); }));
  EntityQuery by_t{.entities = {query::of_types({"T"})}};
  EntityQuery by_u{.entities = {query::of_types({"U"})}};
  EntityQuery by_y{.attrs = {"y"}};
  EntityQuery by_x{.attrs = {"x"}};
  EXPECT_TRUE(ids(by_t).empty());
  EXPECT_EQ(ids(by_u), std::vector<std::string>{"urn:a:1"});
  EXPECT_EQ(ids(by_y), std::vector<std::string>{"urn:a:1"});
  EXPECT_TRUE(ids(by_x).empty());
}

TEST_F(SqliteStoreTest, UpdateOfAMissingEntityIsResourceNotFound) {
  auto st = run(*db_, [](WriteTxn& txn) { return txn.update(entity("urn:none", "T")); });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, ErrorKind::ResourceNotFound);
}

TEST_F(SqliteStoreTest, RemoveDeletesEntityAndIndexRows) {
  ASSERT_TRUE(insert(entity("urn:a:1", "T", {"x"})));
  bool removed = false;
  ASSERT_TRUE(run(*db_, [&](WriteTxn& txn) -> Status {
    auto r = txn.remove("urn:a:1");
    if (!r) return std::unexpected(r.error());
    removed = *r;
    return ok();
  }));
  EXPECT_TRUE(removed);
  EXPECT_FALSE(db_->get("urn:a:1")->has_value());
  EXPECT_TRUE(ids(EntityQuery{.entities = {query::of_types({"T"})}}).empty());
}

TEST_F(SqliteStoreTest, AFailedJobLeavesNoTraceAndOthersCommit) {
  auto failing = run(*db_, [](WriteTxn& txn) -> Status {
    if (auto st = txn.insert(entity("urn:a:half", "NewType")); !st) return st;
    return fail(ErrorKind::BadRequestData, "second half failed");
  });
  ASSERT_FALSE(failing);
  EXPECT_EQ(failing.error().message, "second half failed");
  EXPECT_FALSE(db_->get("urn:a:half")->has_value());
  // The term interned by the rolled-back job must not be reused as if it existed.
  ASSERT_TRUE(insert(entity("urn:a:2", "NewType")));
  EXPECT_EQ(ids(EntityQuery{.entities = {query::of_types({"NewType"})}}),
            std::vector<std::string>{"urn:a:2"});
}

TEST_F(SqliteStoreTest, NestedStepRollsBackOnlyItself) {
  ASSERT_TRUE(run(*db_, [](WriteTxn& txn) -> Status {
    (void)txn.nested([](WriteTxn& t) -> Status {
      (void)t.insert(entity("urn:a:inner", "T"));
      return fail(ErrorKind::BadRequestData, "inner fails");
    });
    return txn.insert(entity("urn:a:outer", "T"));
  }));
  EXPECT_FALSE(db_->get("urn:a:inner")->has_value());
  EXPECT_TRUE(db_->get("urn:a:outer")->has_value());
}

TEST_F(SqliteStoreTest, AThrowingJobBecomesAnInternalError) {
  auto st = run(*db_, [](WriteTxn&) -> Status { throw std::runtime_error("boom"); });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, ErrorKind::InternalError);
  EXPECT_TRUE(insert(entity("urn:a:after", "T")));
}

TEST_F(SqliteStoreTest, ConcurrentWritesAreAllCommitted) {
  constexpr int kThreads = 8, kPerThread = 50;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        if (!insert(entity("urn:c:" + std::to_string(t) + ":" + std::to_string(i), "C")))
          ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto page =
      db_->query(EntityQuery{.entities = {query::of_types({"C"})}, .limit = 0, .count = true});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, kThreads * kPerThread);
}

TEST_F(SqliteStoreTest, QueryFiltersCombineAndPaginateInCreationOrder) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        insert(entity("urn:q:" + std::to_string(i), i % 2 ? "Odd" : "Even",
                      i < 3 ? std::vector<std::string>{"low"} : std::vector<std::string>{})));
  }
  EXPECT_EQ(ids(EntityQuery{.entities = {query::of_types({"Even"})}}),
            (std::vector<std::string>{"urn:q:0", "urn:q:2", "urn:q:4"}));
  EXPECT_EQ(ids(EntityQuery{.entities = {query::of_types({"Even"})}, .attrs = {"low"}}),
            (std::vector<std::string>{"urn:q:0", "urn:q:2"}));
  EXPECT_EQ(ids(EntityQuery{.entities = {{.ids = {"urn:q:1", "urn:q:4", "urn:none"}}}}),
            (std::vector<std::string>{"urn:q:1", "urn:q:4"}));
  EXPECT_EQ(ids(EntityQuery{.entities = {{.id_pattern = "q:[34]$"}}}),
            (std::vector<std::string>{"urn:q:3", "urn:q:4"}));
  EXPECT_EQ(
      ids(EntityQuery{.entities = {query::of_types({"Even", "Odd"})}, .limit = 2, .offset = 1}),
      (std::vector<std::string>{"urn:q:1", "urn:q:2"}));
  auto counted =
      db_->query(EntityQuery{.entities = {query::of_types({"Odd"})}, .limit = 1, .count = true});
  ASSERT_TRUE(counted);
  EXPECT_EQ(counted->entities.size(), 1u);
  EXPECT_EQ(counted->total, 2u);
}

TEST_F(SqliteStoreTest, DataSurvivesReopen) {
  ASSERT_TRUE(insert(entity("urn:p:1", "T", {"x"})));
  db_.reset();
  store_.reset();
  open();
  EXPECT_TRUE(db_->get("urn:p:1")->has_value());
  EXPECT_EQ(ids(EntityQuery{.attrs = {"x"}}), std::vector<std::string>{"urn:p:1"});
}

TEST_F(SqliteStoreTest, TenantsAreSeparateAndReadingAnUnknownOneFails) {
  auto missing = store_->tenant("cityA", false);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::NonexistentTenant);
  auto a = store_->tenant("cityA", true);
  ASSERT_TRUE(a);
  ASSERT_TRUE(run(**a, [](WriteTxn& txn) { return txn.insert(entity("urn:t:1", "T")); }));
  EXPECT_TRUE((*a)->get("urn:t:1")->has_value());
  EXPECT_FALSE(db_->get("urn:t:1")->has_value());
  EXPECT_TRUE(store_->tenant("cityA", false));
  EXPECT_EQ(store_->tenant_names(), (std::vector<std::string>{"", "cityA"}));
}

TEST_F(SqliteStoreTest, InvalidTenantNamesAreRefused) {
  for (const std::string& name :
       std::vector<std::string>{"../etc", "a b", "_x", std::string(65, 'a'), "x/y"}) {
    auto t = store_->tenant(name, true);
    ASSERT_FALSE(t) << name;
    EXPECT_EQ(t.error().kind, ErrorKind::BadRequestData) << name;
  }
}

}  // namespace
}  // namespace tsunagu::store

namespace tsunagu::store {
namespace {

// Migration 4 indexes the scopes of entities stored before scopes were indexed: their rows are
// taken away (as a database of that release lacks them), then the store reopens.
TEST_F(SqliteStoreTest, MigrationFourIndexesTheScopesOfAnOlderDatabase) {
  Entity scoped = entity("urn:s:1", "T");
  scoped.scope = boost::json::array{"/Osaka/Kita", "/Sakai"};
  ASSERT_TRUE(insert(scoped));
  ASSERT_TRUE(insert(entity("urn:s:2", "T")));
  const auto file = store_->file_of("");
  db_.reset();
  store_.reset();

  ASSERT_TRUE(downgrade(file, 3,
                        "DELETE FROM attr_values WHERE term = (SELECT id FROM terms WHERE "
                        "iri = 'https://uri.etsi.org/ngsi-ld/scope');"));

  open();
  auto scope = query::parse_scope_query("/Osaka/#");
  ASSERT_TRUE(scope);
  EXPECT_EQ(ids(EntityQuery{.scope = std::make_shared<const query::TermExpr>(*scope)}),
            std::vector<std::string>{"urn:s:1"});
  auto sakai = query::parse_scope_query("/Sakai");
  ASSERT_TRUE(sakai);
  EXPECT_EQ(ids(EntityQuery{.entities = {query::of_types({"T"})},
                            .scope = std::make_shared<const query::TermExpr>(*sakai)}),
            std::vector<std::string>{"urn:s:1"});
}

}  // namespace
}  // namespace tsunagu::store
