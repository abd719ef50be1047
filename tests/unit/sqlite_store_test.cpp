// What only the SQLite backend does: its migrations of older database files. The contract
// every backend keeps is checked in store_contract_test.cpp.

#include "store/sqlite/sqlite_store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
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

// The attr_values rows of entity `id`, as "rowid term num txt" lines sorted by rowid, read from
// the file.
std::vector<std::string> value_rows(const fs::path& file, const std::string& id) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db,
                               "SELECT rowid || ' ' || term || ' ' || coalesce(num, '-') || ' ' || "
                               "coalesce(txt, '-') FROM attr_values WHERE entity = "
                               "(SELECT rid FROM entities WHERE id = ?1) ORDER BY rowid",
                               -1, &s, nullptr),
            SQLITE_OK);
  sqlite3_bind_text(s, 1, id.c_str(), -1, SQLITE_TRANSIENT);
  std::vector<std::string> rows;
  while (sqlite3_step(s) == SQLITE_ROW) {
    rows.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return rows;
}

// An update that keeps the entity's shape rewrites the value rows that changed and no other:
// the unchanged rows keep their rowids, the changed value's row is replaced, and a value that
// holds several rows (an array) gains and loses rows one by one. Queries by value see the new
// values only.
TEST_F(SqliteStoreTest, AnUpdateRewritesOnlyTheValueRowsThatChanged) {
  const std::string kLevel = "https://example.org/level", kTags = "https://example.org/tags",
                    kName = "https://example.org/name";
  Entity e = entity("urn:v:1", "T");
  model::Attribute level, tags, name;
  level.value = 5;
  tags.value = boost::json::array{"a", "b", "c"};
  name.value = "Hall";
  model::put_instance(e.attributes, kLevel, level);
  model::put_instance(e.attributes, kTags, tags);
  model::put_instance(e.attributes, kName, name);
  ASSERT_TRUE(insert(e));
  // Rows written after the entity's: SQLite gives a new row the highest rowid plus one, so a
  // rewritten row of urn:v:1 cannot get its old rowid back.
  ASSERT_TRUE(insert(entity("urn:v:2", "T", {kLevel})));
  const auto file = store_->file_of("");
  const auto before = value_rows(file, "urn:v:1");
  ASSERT_EQ(before.size(), 5U);  // level, three tags, name

  model::find_instance(e.attributes, kLevel, std::nullopt)->value = 6;
  model::find_instance(e.attributes, kTags, std::nullopt)->value =
      boost::json::array{"a", "c", "c", "d"};
  ASSERT_TRUE(run_job(*db_, [e](WriteTxn& txn) { return txn.update(e); }));
  const auto after = value_rows(file, "urn:v:1");

  // What stayed: the rows of "a", "c" and "Hall", with their rowids.
  std::vector<std::string> kept;
  for (const auto& row : after) {
    if (std::find(before.begin(), before.end(), row) != before.end()) kept.push_back(row);
  }
  ASSERT_EQ(kept.size(), 3U) << ::testing::PrintToString(after);
  for (const auto& row : kept) {
    EXPECT_TRUE(row.ends_with(" - a") || row.ends_with(" - c") || row.ends_with(" - Hall")) << row;
  }
  // What is new: 6, the second "c" and "d"; "b" and 5 are gone.
  ASSERT_EQ(after.size(), 6U) << ::testing::PrintToString(after);
  std::vector<std::string> values;
  for (const auto& row : after) values.push_back(row.substr(row.find(' ', row.find(' ') + 1) + 1));
  std::sort(values.begin(), values.end());
  EXPECT_EQ(values, (std::vector<std::string>{"- Hall", "- a", "- c", "- c", "- d", "6.0 -"}));

  const auto equal_to = [&](const std::string& attr, query::Value v) {
    query::Comparison c;
    c.path.attr = attr;
    c.op = query::Op::Eq;
    c.values = {std::move(v)};
    query::Expr expr;
    expr.kind = query::Expr::Kind::Leaf;
    expr.leaf = c;
    return ids(EntityQuery{.q = std::make_shared<const query::Expr>(expr), .limit = 100});
  };
  const std::vector<std::string> found{"urn:v:1"}, none;
  EXPECT_EQ(equal_to(kLevel, 6.0), found);
  EXPECT_EQ(equal_to(kLevel, 5.0), none);
  EXPECT_EQ(equal_to(kTags, query::Text{"d", {}}), found);
  EXPECT_EQ(equal_to(kTags, query::Text{"b", {}}), none);
}

}  // namespace
}  // namespace tsunagu::store
