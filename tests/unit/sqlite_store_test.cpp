// What only the SQLite backend does: its migrations of older database files. The contract
// every backend keeps is checked in store_contract_test.cpp.

#include "store/sqlite/sqlite_store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <future>
#include <random>
#include <thread>

#include "query/scope_query.hpp"
#include "sqlite_downgrade.hpp"
#include "store_backends.hpp"

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

using testing::run_job;

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
    return run_job(*db_, [e](WriteTxn& txn) { return txn.insert(e); });
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
