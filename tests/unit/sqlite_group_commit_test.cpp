// apply_group (store/sqlite/group_commit.hpp): jobs of one group run without savepoints, and a
// job or nested step that fails after writing makes the group run again without it. What the
// Store contract promises must hold whichever way a group went: each job's result is its own,
// a failed job or step leaves no row behind, and the discovery summaries count what committed.

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "store/sqlite/group_commit.hpp"
#include "store/sqlite/schema.hpp"

namespace tsunagu::store::sqlite {
namespace {

namespace fs = std::filesystem;

model::Entity entity(std::string id, std::string type) {
  model::Entity e;
  e.id = std::move(id);
  e.types = {std::move(type)};
  e.created_at = e.modified_at = model::Timestamp(std::chrono::milliseconds(1'700'000'000'000));
  model::Attribute attr;
  attr.value = 1;
  model::put_instance(e.attributes, "https://example.org/a", attr);
  return e;
}

class GroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::mt19937_64 rng{std::random_device{}()};
    dir_ = fs::temp_directory_path() / ("tsunagu-group-test-" + std::to_string(rng()));
    fs::create_directories(dir_);
    auto db = Connection::open(dir_ / "t.db", Connection::Mode::ReadWrite);
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
    ASSERT_TRUE(prepare_writer(*db_));
  }
  void TearDown() override {
    db_.reset();
    fs::remove_all(dir_);
  }

  // A job that counts how often its apply ran.
  WriteJob job(std::function<Status(WriteTxn&)> apply, int& runs) {
    return WriteJob{[apply = std::move(apply), &runs](WriteTxn& txn) {
                      ++runs;
                      return apply(txn);
                    },
                    [](Status) {}};
  }

  std::vector<Status> run(std::vector<WriteJob> jobs) { return apply_group(*db_, terms_, jobs); }

  std::int64_t scalar(const std::string& sql) {
    auto stmt = db_->prepare(sql);
    EXPECT_TRUE(stmt);
    if (!stmt || (*stmt)->step() != SQLITE_ROW) return -1;
    return (*stmt)->column_int(0);
  }
  std::int64_t entities() { return scalar("SELECT count(*) FROM entities"); }
  bool stored(const std::string& id) {
    return scalar("SELECT count(*) FROM entities WHERE id = '" + id + "'") == 1;
  }
  // The discovery summary of a type: how many entities have it.
  std::int64_t counted(const std::string& type) {
    return scalar(
        "SELECT coalesce(sum(s.entities), 0) FROM type_summary s JOIN terms t ON t.id = s.type "
        "WHERE t.iri = '" +
        type + "'");
  }

  static Status insert(WriteTxn& txn, const std::string& id, const std::string& type = "T") {
    return txn.insert(entity(id, type));
  }

  fs::path dir_;
  std::unique_ptr<Connection> db_;
  TermCache terms_;
};

TEST_F(GroupCommitTest, AGroupThatSucceedsRunsEachJobOnce) {
  int a = 0, b = 0;
  auto results = run({job([](WriteTxn& t) { return insert(t, "urn:a"); }, a),
                      job([](WriteTxn& t) { return insert(t, "urn:b"); }, b)});
  ASSERT_EQ(results.size(), 2U);
  EXPECT_TRUE(results[0]);
  EXPECT_TRUE(results[1]);
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 1);
  EXPECT_EQ(entities(), 2);
  EXPECT_EQ(counted("T"), 2);
}

TEST_F(GroupCommitTest, AJobThatFailsBeforeWritingNeedsNoRerun) {
  int a = 0, b = 0, c = 0;
  auto results =
      run({job([](WriteTxn& t) { return insert(t, "urn:a"); }, a),
           job([](WriteTxn&) -> Status { return fail(ErrorKind::BadRequestData, "no"); }, b),
           job([](WriteTxn& t) { return insert(t, "urn:c"); }, c)});
  EXPECT_TRUE(results[0]);
  ASSERT_FALSE(results[1]);
  EXPECT_EQ(results[1].error().message, "no");
  EXPECT_TRUE(results[2]);
  EXPECT_EQ(a + b + c, 3);
  EXPECT_EQ(entities(), 2);
}

TEST_F(GroupCommitTest, AJobThatFailsAfterWritingLeavesNothingAndTheOthersCommit) {
  int a = 0, b = 0, c = 0;
  auto results = run({job([](WriteTxn& t) { return insert(t, "urn:a"); }, a),
                      job(
                          [](WriteTxn& t) -> Status {
                            if (auto st = insert(t, "urn:half", "Half"); !st) return st;
                            return fail(ErrorKind::BadRequestData, "second half failed");
                          },
                          b),
                      job([](WriteTxn& t) { return insert(t, "urn:c"); }, c)});
  EXPECT_TRUE(results[0]);
  ASSERT_FALSE(results[1]);
  EXPECT_EQ(results[1].error().message, "second half failed");
  EXPECT_TRUE(results[2]);
  // The failing job ran once; the group ran again without it, so job a ran twice.
  EXPECT_EQ(a, 2);
  EXPECT_EQ(b, 1);
  EXPECT_EQ(c, 1);
  EXPECT_TRUE(stored("urn:a"));
  EXPECT_FALSE(stored("urn:half"));
  EXPECT_TRUE(stored("urn:c"));
  EXPECT_EQ(counted("T"), 2);
  EXPECT_EQ(counted("Half"), 0);
}

TEST_F(GroupCommitTest, ANestedStepThatFailsAfterWritingIsUndoneAloneInItsJob) {
  int a = 0, batch = 0;
  std::vector<Status> steps;
  auto results =
      run({job([](WriteTxn& t) { return insert(t, "urn:a"); }, a),
           job(
               [&steps](WriteTxn& t) -> Status {
                 steps.clear();  // apply is repeatable: only the last run counts
                 steps.push_back(t.nested([](WriteTxn& n) { return insert(n, "urn:s1"); }));
                 steps.push_back(t.nested([](WriteTxn& n) -> Status {
                   if (auto st = insert(n, "urn:s2", "Half"); !st) return st;
                   return fail(ErrorKind::BadRequestData, "step 2 failed");
                 }));
                 steps.push_back(t.nested([](WriteTxn& n) { return insert(n, "urn:s3"); }));
                 return ok();
               },
               batch)});
  EXPECT_TRUE(results[0]);
  EXPECT_TRUE(results[1]);
  ASSERT_EQ(steps.size(), 3U);
  EXPECT_TRUE(steps[0]);
  ASSERT_FALSE(steps[1]);
  EXPECT_EQ(steps[1].error().message, "step 2 failed");
  EXPECT_TRUE(steps[2]);
  EXPECT_EQ(batch, 2);  // once optimistic, once with a savepoint per step
  EXPECT_TRUE(stored("urn:a"));
  EXPECT_TRUE(stored("urn:s1"));
  EXPECT_FALSE(stored("urn:s2"));
  EXPECT_TRUE(stored("urn:s3"));
  EXPECT_EQ(counted("T"), 3);
  EXPECT_EQ(counted("Half"), 0);
}

TEST_F(GroupCommitTest, AThrowingJobIsAnInternalErrorAndTheOthersCommit) {
  int a = 0, b = 0;
  auto results = run({job(
                          [](WriteTxn& t) -> Status {
                            (void)insert(t, "urn:thrown");
                            throw std::runtime_error("boom");
                          },
                          a),
                      job([](WriteTxn& t) { return insert(t, "urn:b"); }, b)});
  ASSERT_FALSE(results[0]);
  EXPECT_EQ(results[0].error().kind, ErrorKind::InternalError);
  EXPECT_TRUE(results[1]);
  EXPECT_FALSE(stored("urn:thrown"));
  EXPECT_TRUE(stored("urn:b"));
}

TEST_F(GroupCommitTest, EveryJobFailingAfterWritingEndsWithNothingWritten) {
  std::vector<WriteJob> jobs;
  std::vector<int> runs(5, 0);
  for (int i = 0; i < 5; ++i) {
    jobs.push_back(job(
        [i](WriteTxn& t) -> Status {
          if (auto st = insert(t, "urn:f" + std::to_string(i)); !st) return st;
          return fail(ErrorKind::BadRequestData, "job " + std::to_string(i));
        },
        runs[static_cast<std::size_t>(i)]));
  }
  auto results = run(std::move(jobs));
  for (int i = 0; i < 5; ++i) {
    ASSERT_FALSE(results[static_cast<std::size_t>(i)]);
    EXPECT_EQ(results[static_cast<std::size_t>(i)].error().message, "job " + std::to_string(i));
    // An attempt stops at the job that fails, so no job runs before its turn: once each.
    EXPECT_EQ(runs[static_cast<std::size_t>(i)], 1);
  }
  EXPECT_EQ(entities(), 0);
  EXPECT_EQ(counted("T"), 0);
}

}  // namespace
}  // namespace tsunagu::store::sqlite
