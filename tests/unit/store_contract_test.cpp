// The Store contract (store/store.hpp) checked against every backend: SQLite with real files in
// a temporary directory, PostgreSQL in a database of a real throwaway cluster.

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "query/q_ast.hpp"
#include "query/scope_query.hpp"
#include "store/store.hpp"
#include "store_backends.hpp"

namespace tsunagu::store {
namespace {

using model::Entity;
using testing::Backend;

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

class StoreContractTest : public ::testing::TestWithParam<Backend>,
                          protected testing::StoreUnderTest {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(open_fresh(GetParam())); }
  void open() { reopen(); }
  Status insert(const Entity& e) {
    return run_job(*db_, [e](WriteTxn& txn) { return txn.insert(e); });
  }
  std::vector<std::string> ids(const EntityQuery& q) {
    auto page = db_->query(q);
    EXPECT_TRUE(page) << page.error().message;
    std::vector<std::string> out;
    if (!page) return out;
    for (const auto& e : page->entities) out.push_back(e.id);
    return out;
  }
};

TEST_P(StoreContractTest, InsertThenGetReturnsTheSameEntity) {
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

TEST_P(StoreContractTest, InsertOfAnExistingIdFailsWithAlreadyExists) {
  ASSERT_TRUE(insert(entity("urn:a:1", "T")));
  auto st = insert(entity("urn:a:1", "T"));
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, ErrorKind::AlreadyExists);
}

TEST_P(StoreContractTest, GetOfAMissingEntityIsEmpty) {
  auto got = db_->get("urn:none");
  ASSERT_TRUE(got);
  EXPECT_FALSE(got->has_value());
}

TEST_P(StoreContractTest, UpdateReplacesDocumentAndIndex) {
  ASSERT_TRUE(insert(entity("urn:a:1", "T", {"x"})));
  ASSERT_TRUE(
      run_job(*db_, [](WriteTxn& txn) { return txn.update(entity("urn:a:1", "U", {"y"})); }));
  EntityQuery by_t{.entities = {query::of_types({"T"})}};
  EntityQuery by_u{.entities = {query::of_types({"U"})}};
  EntityQuery by_y{.attrs = {"y"}};
  EntityQuery by_x{.attrs = {"x"}};
  EXPECT_TRUE(ids(by_t).empty());
  EXPECT_EQ(ids(by_u), std::vector<std::string>{"urn:a:1"});
  EXPECT_EQ(ids(by_y), std::vector<std::string>{"urn:a:1"});
  EXPECT_TRUE(ids(by_x).empty());
}

TEST_P(StoreContractTest, UpdateOfAMissingEntityIsResourceNotFound) {
  auto st = run_job(*db_, [](WriteTxn& txn) { return txn.update(entity("urn:none", "T")); });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, ErrorKind::ResourceNotFound);
}

TEST_P(StoreContractTest, RemoveDeletesEntityAndIndexRows) {
  ASSERT_TRUE(insert(entity("urn:a:1", "T", {"x"})));
  bool removed = false;
  ASSERT_TRUE(run_job(*db_, [&](WriteTxn& txn) -> Status {
    auto r = txn.remove("urn:a:1");
    if (!r) return std::unexpected(r.error());
    removed = *r;
    return ok();
  }));
  EXPECT_TRUE(removed);
  EXPECT_FALSE(db_->get("urn:a:1")->has_value());
  EXPECT_TRUE(ids(EntityQuery{.entities = {query::of_types({"T"})}}).empty());
}

TEST_P(StoreContractTest, AFailedJobLeavesNoTraceAndOthersCommit) {
  auto failing = run_job(*db_, [](WriteTxn& txn) -> Status {
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

TEST_P(StoreContractTest, NestedStepRollsBackOnlyItself) {
  ASSERT_TRUE(run_job(*db_, [](WriteTxn& txn) -> Status {
    (void)txn.nested([](WriteTxn& t) -> Status {
      (void)t.insert(entity("urn:a:inner", "T"));
      return fail(ErrorKind::BadRequestData, "inner fails");
    });
    return txn.insert(entity("urn:a:outer", "T"));
  }));
  EXPECT_FALSE(db_->get("urn:a:inner")->has_value());
  EXPECT_TRUE(db_->get("urn:a:outer")->has_value());
}

TEST_P(StoreContractTest, AThrowingJobBecomesAnInternalError) {
  auto st = run_job(*db_, [](WriteTxn&) -> Status { throw std::runtime_error("boom"); });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, ErrorKind::InternalError);
  EXPECT_TRUE(insert(entity("urn:a:after", "T")));
}

TEST_P(StoreContractTest, ConcurrentWritesAreAllCommitted) {
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

TEST_P(StoreContractTest, QueryFiltersCombineAndPaginateInCreationOrder) {
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

TEST_P(StoreContractTest, DataSurvivesReopen) {
  ASSERT_TRUE(insert(entity("urn:p:1", "T", {"x"})));
  db_.reset();
  store_.reset();
  open();
  EXPECT_TRUE(db_->get("urn:p:1")->has_value());
  EXPECT_EQ(ids(EntityQuery{.attrs = {"x"}}), std::vector<std::string>{"urn:p:1"});
}

TEST_P(StoreContractTest, TenantsAreSeparateAndReadingAnUnknownOneFails) {
  auto missing = store_->tenant("cityA", false);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::NonexistentTenant);
  auto a = store_->tenant("cityA", true);
  ASSERT_TRUE(a);
  ASSERT_TRUE(run_job(**a, [](WriteTxn& txn) { return txn.insert(entity("urn:t:1", "T")); }));
  EXPECT_TRUE((*a)->get("urn:t:1")->has_value());
  EXPECT_FALSE(db_->get("urn:t:1")->has_value());
  EXPECT_TRUE(store_->tenant("cityA", false));
  EXPECT_EQ(store_->tenant_names(), (std::vector<std::string>{"", "cityA"}));
}

TEST_P(StoreContractTest, InvalidTenantNamesAreRefused) {
  for (const std::string& name :
       std::vector<std::string>{"../etc", "a b", "_x", std::string(65, 'a'), "x/y"}) {
    auto t = store_->tenant(name, true);
    ASSERT_FALSE(t) << name;
    EXPECT_EQ(t.error().kind, ErrorKind::BadRequestData) << name;
  }
}

// Texts an index cannot hold whole: long ones (PostgreSQL indexes a prefix) and ones with a NUL
// (which PostgreSQL text cannot hold). They are stored exactly and found by q, including by an
// order comparison whose bound differs from them only after the indexed prefix.
TEST_P(StoreContractTest, LongTextsAndTextsWithANulAreStoredAndFound) {
  const std::string base(700, 'x');
  const std::string japanese = "\xE6\x9D\xB1";  // one 3-byte character
  const std::vector<std::string> texts = {base + "a", base + "b", base.substr(0, 510) + japanese,
                                          std::string("nul\0after", 9),
                                          std::string("nul\0other", 9)};
  for (std::size_t i = 0; i < texts.size(); ++i) {
    Entity e = entity("urn:l:" + std::to_string(i), "T");
    model::Attribute a;
    a.value = boost::json::string(texts[i]);
    model::put_instance(e.attributes, "https://t/name", a);
    ASSERT_TRUE(insert(e)) << i;
  }
  auto got = db_->get("urn:l:3");
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->attributes.at(0).instances.at(0).value.as_string(), texts[3]);
  auto q_ids = [&](query::Op op, const std::string& value) {
    query::Comparison c;
    c.path.attr = "https://t/name";
    c.op = op;
    c.values = {query::Text{value, {}}};
    query::Expr expr;
    expr.kind = query::Expr::Kind::Leaf;
    expr.leaf = c;
    return ids(EntityQuery{.q = std::make_shared<const query::Expr>(expr), .limit = 100});
  };
  EXPECT_EQ(q_ids(query::Op::Eq, texts[1]), std::vector<std::string>{"urn:l:1"});
  EXPECT_EQ(q_ids(query::Op::Gt, texts[0]), (std::vector<std::string>{"urn:l:1", "urn:l:2"}));
  EXPECT_EQ(q_ids(query::Op::Lt, texts[1]),
            (std::vector<std::string>{"urn:l:0", "urn:l:3", "urn:l:4"}));
  // The 3-byte character begins at byte 510: it sorts above "x", and an index that cut it off
  // would miss it.
  EXPECT_EQ(q_ids(query::Op::Ge, base.substr(0, 511)),
            (std::vector<std::string>{"urn:l:0", "urn:l:1", "urn:l:2"}));
  EXPECT_EQ(q_ids(query::Op::Eq, texts[4]), std::vector<std::string>{"urn:l:4"});
  EXPECT_EQ(q_ids(query::Op::Gt, texts[3]),
            (std::vector<std::string>{"urn:l:0", "urn:l:1", "urn:l:2", "urn:l:4"}));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContractTest, testing::all_backends(),
                         testing::backend_name);

}  // namespace
}  // namespace tsunagu::store
