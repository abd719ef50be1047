#include "store/write_attempt.hpp"

#include <spdlog/spdlog.h>

#include <optional>

namespace tsunagu::store {
namespace {

Status run_guarded(const std::function<Status(WriteTxn&)>& step, WriteTxn& txn) {
  try {
    return step(txn);
  } catch (const std::exception& ex) {
    // A defect in a job must not take the writer (and every tenant write) down with it.
    return fail(ErrorKind::InternalError, std::string("write failed: ") + ex.what());
  }
}

std::unexpected<Error> rerun() {
  return fail(ErrorKind::InternalError, "the write is being run again");
}

// Whether the failure of work that started at `mark` must be undone by a rerun.
bool left_traces(AttemptTxn& txn, std::int64_t mark) {
  return txn.changes() != mark || txn.broken();
}

// A job that an attempt must settle before the group runs again.
struct Rerun {
  std::size_t job;
  JobPlan plan;
};

// Runs the jobs not skipped; stops at the first that needs the group to start over.
std::optional<Rerun> run_jobs(AttemptTxn& txn, std::vector<WriteJob>& jobs,
                              const std::vector<JobPlan>& plans, std::vector<Status>& results) {
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (plans[i] == JobPlan::Skip) continue;
    txn.begin_job(plans[i]);
    const auto mark = txn.changes();
    results[i] = run_guarded(jobs[i].apply, txn);
    if (txn.doomed()) return Rerun{i, JobPlan::Savepoints};
    if (!results[i] && left_traces(txn, mark)) return Rerun{i, JobPlan::Skip};
    // A job that succeeded although a statement of it failed (it ignored the error) cannot
    // commit: the transaction is aborted. Its result is that failure.
    if (results[i] && txn.broken()) {
      results[i] = fail(ErrorKind::InternalError, "a statement of the write failed");
      return Rerun{i, JobPlan::Skip};
    }
  }
  return std::nullopt;
}

}  // namespace

void AttemptTxn::begin_job(JobPlan plan) {
  savepoints_ = plan == JobPlan::Savepoints;
  doomed_ = false;
}

Result<std::optional<model::Entity>> AttemptTxn::get(std::string_view id) {
  if (doomed_) return rerun();
  return do_get(id);
}

Status AttemptTxn::insert(const model::Entity& entity) {
  return doomed_ ? rerun() : do_insert(entity);
}

Status AttemptTxn::update(const model::Entity& entity) {
  return doomed_ ? rerun() : do_update(entity);
}

Result<bool> AttemptTxn::remove(std::string_view id) {
  if (doomed_) return rerun();
  return do_remove(id);
}

Status AttemptTxn::nested(const std::function<Status(WriteTxn&)>& step) {
  if (doomed_) return rerun();
  if (savepoints_) return nested_in_savepoint(step);
  const auto mark = changes();
  Status result = run_guarded(step, *this);
  if (!result && left_traces(*this, mark)) doomed_ = true;
  return result;
}

Status AttemptTxn::nested_in_savepoint(const std::function<Status(WriteTxn&)>& step) {
  const std::string name = "s" + std::to_string(depth_++);
  enter_nested();
  Status result = savepoint(name);
  if (result) result = run_guarded(step, *this);
  --depth_;
  if (result) {
    leave_nested(true);
    return release(name);
  }
  leave_nested(false);
  if (auto st = rollback_to(name); !st) return st;
  if (auto st = release(name); !st) return st;
  return result;
}

std::vector<Status> apply_group(GroupTransaction& transaction, std::vector<WriteJob>& jobs) {
  std::vector<JobPlan> plans(jobs.size(), JobPlan::Optimistic);
  std::vector<Status> results(jobs.size());
  for (;;) {
    Status st = transaction.begin();
    std::optional<Rerun> rerun;
    if (st) rerun = run_jobs(transaction.txn(), jobs, plans, results);
    // SQLite itself rolls the transaction back on an I/O error, a full disk or lack of memory.
    if (st && !rerun && transaction.txn().broken()) {
      st = fail(ErrorKind::InternalError, "the transaction was rolled back by the database");
    }
    if (st && rerun) {
      transaction.roll_back();
      plans[rerun->job] = rerun->plan;
      continue;
    }
    if (st) st = transaction.commit();
    if (st) return results;
    spdlog::error("commit of {} writes failed: {}", jobs.size(), st.error().message);
    transaction.roll_back();
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      if (plans[i] != JobPlan::Skip) results[i] = st;
    }
    return results;
  }
}

}  // namespace tsunagu::store
