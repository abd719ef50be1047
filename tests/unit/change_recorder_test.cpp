// The changes a write job hands to a ChangeObserver: recorded through the real SQLite store and
// the real EntityService, so nested steps of batches roll back exactly as the store does.

#include "broker/change_recorder.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <random>

#include "broker/entity_service.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace tsunagu::broker {
namespace {

namespace fs = std::filesystem;

model::Entity entity(const std::string& id, int value) {
  model::Entity e;
  e.id = id;
  e.types = {"https://example.org/T"};
  model::Attribute a;
  a.value = value;
  model::put_instance(e.attributes, "https://example.org/n", a);
  return e;
}

int value_of(const model::Entity& e) {
  return static_cast<int>(e.attributes.front().instances.front().value.as_int64());
}

// Records what it is told; can be told to fail.
class Observer final : public ChangeObserver {
 public:
  bool watches(const std::string&) const override { return watching; }
  Result<AfterCommit> on_changes(const std::string& tenant, store::WriteTxn&,
                                 const std::vector<EntityChange>& changes) override {
    if (fail) return fail_with(ErrorKind::InternalError, "observer refused");
    calls.push_back({tenant, changes});
    return AfterCommit([this](bool committed) { commits.push_back(committed); });
  }
  static std::unexpected<Error> fail_with(ErrorKind kind, std::string message) {
    return std::unexpected(Error{kind, std::move(message), {}});
  }

  bool watching = true;
  bool fail = false;
  std::vector<std::pair<std::string, std::vector<EntityChange>>> calls;
  std::vector<bool> commits;
};

class ChangeRecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() / ("tsunagu-changes-" + std::to_string(std::random_device{}()));
    auto s = store::sqlite::SqliteStore::open(dir_);
    ASSERT_TRUE(s);
    store_ = std::move(*s);
    service_ = std::make_unique<EntityService>(*store_, clock_);
    service_->add_observer(&observer_);
  }
  void TearDown() override {
    service_.reset();
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
  Status create(model::Entity e) {
    return wait<void>([&](Callback<void> done) { service_->create("", std::move(e), done); });
  }

  fs::path dir_;
  model::ManualClock clock_{model::Timestamp(std::chrono::milliseconds(1'700'000'000'000))};
  Observer observer_;
  std::unique_ptr<store::sqlite::SqliteStore> store_;
  std::unique_ptr<EntityService> service_;
};

TEST_F(ChangeRecorderTest, CreateHasNoBefore) {
  ASSERT_TRUE(create(entity("urn:x:1", 1)));
  ASSERT_EQ(observer_.calls.size(), 1u);
  const auto& changes = observer_.calls[0].second;
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_FALSE(changes[0].before);
  ASSERT_TRUE(changes[0].after);
  EXPECT_EQ(changes[0].after->id, "urn:x:1");
  EXPECT_EQ(observer_.commits, std::vector<bool>{true});
}

TEST_F(ChangeRecorderTest, UpdateHasBothStates) {
  ASSERT_TRUE(create(entity("urn:x:1", 1)));
  ASSERT_TRUE(
      wait<void>([&](Callback<void> done) { service_->replace("", entity("urn:x:1", 2), done); }));
  ASSERT_EQ(observer_.calls.size(), 2u);
  const auto& c = observer_.calls[1].second.at(0);
  EXPECT_EQ(value_of(*c.before), 1);
  EXPECT_EQ(value_of(*c.after), 2);
}

TEST_F(ChangeRecorderTest, DeleteHasNoAfter) {
  ASSERT_TRUE(create(entity("urn:x:1", 1)));
  ASSERT_TRUE(wait<void>([&](Callback<void> done) { service_->remove("", "urn:x:1", done); }));
  const auto& c = observer_.calls.at(1).second.at(0);
  EXPECT_EQ(value_of(*c.before), 1);
  EXPECT_FALSE(c.after);
}

TEST_F(ChangeRecorderTest, AFailedWriteTellsNothing) {
  ASSERT_TRUE(create(entity("urn:x:1", 1)));
  EXPECT_FALSE(create(entity("urn:x:1", 5)));  // AlreadyExists
  EXPECT_FALSE(wait<void>([&](Callback<void> done) { service_->remove("", "urn:none", done); }));
  EXPECT_EQ(observer_.calls.size(), 1u);
}

TEST_F(ChangeRecorderTest, BatchReportsOnlyTheElementsThatSucceeded) {
  ASSERT_TRUE(create(entity("urn:x:1", 1)));
  auto outcome = wait<BatchOutcome>([&](Callback<BatchOutcome> done) {
    service_->batch_create("", {entity("urn:x:2", 2), entity("urn:x:1", 9), entity("urn:x:3", 3)},
                           done);
  });
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->errors.size(), 1u);
  const auto& changes = observer_.calls.at(1).second;
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].after->id, "urn:x:2");
  EXPECT_EQ(changes[1].after->id, "urn:x:3");
  EXPECT_FALSE(changes[0].before);
}

TEST_F(ChangeRecorderTest, AnEntityWrittenTwiceInABatchIsOneChangeFromFirstToLast) {
  ASSERT_TRUE(create(entity("urn:x:1", 1)));
  auto outcome = wait<BatchOutcome>([&](Callback<BatchOutcome> done) {
    service_->batch_upsert("", {entity("urn:x:1", 2), entity("urn:x:1", 3)}, UpsertMode::Replace,
                           done);
  });
  ASSERT_TRUE(outcome);
  const auto& changes = observer_.calls.at(1).second;
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(value_of(*changes[0].before), 1);
  EXPECT_EQ(value_of(*changes[0].after), 3);
}

TEST_F(ChangeRecorderTest, CreatedAndDeletedInOneBatchIsNoChange) {
  ASSERT_TRUE(wait<BatchOutcome>([&](Callback<BatchOutcome> done) {
    service_->batch_upsert("", {entity("urn:x:7", 1)}, UpsertMode::Replace, done);
  }));
  ASSERT_TRUE(wait<BatchOutcome>([&](Callback<BatchOutcome> done) {
    service_->batch_delete("", {"urn:x:7", "urn:x:7"}, done);
  }));
  const auto& changes = observer_.calls.at(1).second;
  ASSERT_EQ(changes.size(), 1u);  // deleted once; the second delete failed and left no trace
  EXPECT_FALSE(changes[0].after);
}

TEST_F(ChangeRecorderTest, AnObserverFailureFailsTheWriteAndLeavesNothing) {
  observer_.fail = true;
  EXPECT_FALSE(create(entity("urn:x:1", 1)));
  observer_.fail = false;
  auto got = service_->get("", "urn:x:1");
  EXPECT_FALSE(got);
}

TEST_F(ChangeRecorderTest, UnwatchedTenantsRecordNothing) {
  observer_.watching = false;
  ASSERT_TRUE(create(entity("urn:x:1", 1)));
  EXPECT_TRUE(observer_.calls.empty());
}

}  // namespace
}  // namespace tsunagu::broker
