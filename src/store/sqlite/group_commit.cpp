#include "store/sqlite/group_commit.hpp"

#include <spdlog/spdlog.h>

#include <optional>
#include <string>
#include <utility>

#include "store/sqlite/history_tables.hpp"
#include "store/sqlite/subscription_tables.hpp"
#include "store/sqlite/summary_tables.hpp"

namespace tsunagu::store::sqlite {
namespace {

// How a job runs in the group's next attempt.
enum class Plan {
  Optimistic,  // no savepoints
  Savepoints,  // a savepoint around each nested step: one of its steps failed after writing
  Skip,        // not at all: it failed after writing, and that failure is its result
};

std::int64_t changes(Connection& db) {
  return sqlite3_total_changes64(db.handle());
}

Status run_guarded(const std::function<Status(WriteTxn&)>& step, WriteTxn& txn) {
  try {
    return step(txn);
  } catch (const std::exception& ex) {
    // A defect in a job must not take the writer (and every tenant write) down with it.
    return fail(ErrorKind::InternalError, std::string("write failed: ") + ex.what());
  }
}

// The WriteTxn of one attempt at a group. A nested step runs without a savepoint unless the job
// runs with Plan::Savepoints; one that fails after writing dooms the attempt (the group starts
// over), and every later call of the job fails at once, since its work would be thrown away.
class SqliteTxn final : public WriteTxn {
 public:
  SqliteTxn(Connection& db, TermCache& terms, SummaryDelta& summaries)
      : db_(db),
        terms_(terms),
        summaries_(summaries),
        writer_(db, terms, summaries),
        subscriptions_(db),
        history_(db, terms) {}

  void begin_job(Plan plan) {
    savepoints_ = plan == Plan::Savepoints;
    doomed_ = false;
  }
  bool doomed() const { return doomed_; }

  Result<std::optional<model::Entity>> get(std::string_view id) override {
    if (doomed_) return rerun();
    return load_entity(db_, id);
  }
  Status insert(const model::Entity& e) override { return doomed_ ? rerun() : writer_.insert(e); }
  Status update(const model::Entity& e) override { return doomed_ ? rerun() : writer_.update(e); }
  Result<bool> remove(std::string_view id) override {
    if (doomed_) return rerun();
    return writer_.remove(id);
  }
  SubscriptionTxn& subscriptions() override { return subscriptions_; }
  HistoryTxn& history() override { return history_; }

  Status nested(const std::function<Status(WriteTxn&)>& step) override {
    if (doomed_) return rerun();
    if (savepoints_) return nested_in_savepoint(step);
    const auto before = changes(db_);
    Status result = run_guarded(step, *this);
    if (!result && changes(db_) != before) doomed_ = true;
    return result;
  }

 private:
  static std::unexpected<Error> rerun() {
    return fail(ErrorKind::InternalError, "the write is being run again");
  }

  Status nested_in_savepoint(const std::function<Status(WriteTxn&)>& step) {
    // Savepoint statements go through the statement cache: a batch runs thousands of them.
    const std::string name = "s" + std::to_string(depth_++);
    SummaryDelta outer = std::exchange(summaries_, SummaryDelta{});
    Status result = db_.exec_cached("SAVEPOINT " + name);
    if (result) result = run_guarded(step, *this);
    --depth_;
    if (result) {
      outer.add(summaries_);
      summaries_ = std::move(outer);
      return db_.exec_cached("RELEASE " + name);
    }
    summaries_ = std::move(outer);
    // Term ids created inside the rolled-back savepoint no longer exist.
    terms_.invalidate();
    if (auto st = db_.exec_cached("ROLLBACK TO " + name); !st) return st;
    if (auto st = db_.exec_cached("RELEASE " + name); !st) return st;
    return result;
  }

  Connection& db_;
  TermCache& terms_;
  SummaryDelta& summaries_;
  EntityWriter writer_;
  SqliteSubscriptionTxn subscriptions_;
  SqliteHistoryTxn history_;
  bool savepoints_ = false;
  bool doomed_ = false;
  int depth_ = 0;
};

// A job that an attempt must settle before the group runs again.
struct Rerun {
  std::size_t job;
  Plan plan;
};

// Runs the jobs not skipped; stops at the first that needs the group to start over.
std::optional<Rerun> run_jobs(Connection& db, SqliteTxn& txn, std::vector<WriteJob>& jobs,
                              const std::vector<Plan>& plans, std::vector<Status>& results) {
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (plans[i] == Plan::Skip) continue;
    txn.begin_job(plans[i]);
    const auto before = changes(db);
    results[i] = run_guarded(jobs[i].apply, txn);
    if (txn.doomed()) return Rerun{i, Plan::Savepoints};
    if (!results[i] && changes(db) != before) return Rerun{i, Plan::Skip};
  }
  return std::nullopt;
}

bool in_transaction(Connection& db) {
  return sqlite3_get_autocommit(db.handle()) == 0;
}

void roll_back(Connection& db, TermCache& terms) {
  if (in_transaction(db)) (void)db.exec("ROLLBACK");
  terms.invalidate();
}

// The summaries, then the commit; on failure nothing of the attempt remains.
Status finish(Connection& db, TermCache& terms, const SummaryDelta& summaries) {
  Status st = summaries.apply(db);
  if (st) st = db.exec("COMMIT");
  if (!st) roll_back(db, terms);
  return st;
}

}  // namespace

std::vector<Status> apply_group(Connection& db, TermCache& terms, std::vector<WriteJob>& jobs) {
  std::vector<Plan> plans(jobs.size(), Plan::Optimistic);
  std::vector<Status> results(jobs.size());
  for (;;) {
    SummaryDelta summaries;
    SqliteTxn txn(db, terms, summaries);
    Status st = db.exec("BEGIN IMMEDIATE");
    std::optional<Rerun> rerun;
    if (st) rerun = run_jobs(db, txn, jobs, plans, results);
    // SQLite itself rolls the transaction back on an I/O error, a full disk or lack of memory.
    if (st && !in_transaction(db)) st = db.error("the transaction was rolled back");
    if (st && rerun) {
      roll_back(db, terms);
      plans[rerun->job] = rerun->plan;
      continue;
    }
    if (st) st = finish(db, terms, summaries);
    if (st) return results;
    spdlog::error("commit of {} writes failed: {}", jobs.size(), st.error().message);
    roll_back(db, terms);
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      if (plans[i] != Plan::Skip) results[i] = st;
    }
    return results;
  }
}

}  // namespace tsunagu::store::sqlite
