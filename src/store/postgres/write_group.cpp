#include "store/postgres/write_group.hpp"

#include <spdlog/spdlog.h>

#include <optional>
#include <string>
#include <utility>

#include "store/postgres/entity_tables.hpp"
#include "store/postgres/history_tables.hpp"
#include "store/postgres/subscription_tables.hpp"
#include "store/postgres/summary_tables.hpp"

namespace tsunagu::store::postgres {
namespace {

// How a job runs in the group's next attempt.
enum class Plan {
  Optimistic,  // no savepoints
  Savepoints,  // a savepoint around each nested step: one of its steps failed after writing
  Skip,        // not at all: it failed after writing, and that failure is its result
};

Status run_guarded(const std::function<Status(WriteTxn&)>& step, WriteTxn& txn) {
  try {
    return step(txn);
  } catch (const std::exception& ex) {
    // A defect in a job must not take the writer (and every tenant write) down with it.
    return fail(ErrorKind::InternalError, std::string("write failed: ") + ex.what());
  }
}

// Whether the failure of work that started at `before` must be undone by a rerun.
bool left_traces(Connection& db, std::int64_t before) {
  return db.changes() != before || db.transaction_failed();
}

// The WriteTxn of one attempt at a group; see write_group.hpp.
class PgTxn final : public WriteTxn {
 public:
  PgTxn(Connection& db, const TenantSchema& tenant, PartitionCache& partitions,
        SummaryDelta& summaries)
      : db_(db),
        summaries_(summaries),
        writer_(db, tenant.schema, summaries),
        subscriptions_(db, tenant.schema),
        history_(db, tenant.schema, partitions),
        schema_(tenant.schema) {}

  void begin_job(Plan plan) {
    savepoints_ = plan == Plan::Savepoints;
    doomed_ = false;
  }
  bool doomed() const { return doomed_; }

  Result<std::optional<model::Entity>> get(std::string_view id) override {
    if (doomed_) return rerun();
    return load_entity(db_, schema_, id);
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
    const auto before = db_.changes();
    Status result = run_guarded(step, *this);
    if (!result && left_traces(db_, before)) doomed_ = true;
    return result;
  }

 private:
  static std::unexpected<Error> rerun() {
    return fail(ErrorKind::InternalError, "the write is being run again");
  }

  Status nested_in_savepoint(const std::function<Status(WriteTxn&)>& step) {
    const std::string name = "s" + std::to_string(depth_++);
    SummaryDelta outer = std::exchange(summaries_, SummaryDelta{});
    Status result = db_.exec("SAVEPOINT " + name);
    if (result) result = run_guarded(step, *this);
    --depth_;
    if (result) {
      outer.add(summaries_);
      summaries_ = std::move(outer);
      return db_.exec("RELEASE " + name);
    }
    summaries_ = std::move(outer);
    if (auto st = db_.exec("ROLLBACK TO " + name); !st) return st;
    if (auto st = db_.exec("RELEASE " + name); !st) return st;
    return result;
  }

  Connection& db_;
  SummaryDelta& summaries_;
  EntityWriter writer_;
  PgSubscriptionTxn subscriptions_;
  PgHistoryTxn history_;
  const std::string& schema_;
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
std::optional<Rerun> run_jobs(Connection& db, PgTxn& txn, std::vector<WriteJob>& jobs,
                              const std::vector<Plan>& plans, std::vector<Status>& results) {
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (plans[i] == Plan::Skip) continue;
    txn.begin_job(plans[i]);
    const auto before = db.changes();
    results[i] = run_guarded(jobs[i].apply, txn);
    if (txn.doomed()) return Rerun{i, Plan::Savepoints};
    if (!results[i] && left_traces(db, before)) return Rerun{i, Plan::Skip};
    // A job that succeeded although one of its statements failed (it ignored the error) cannot
    // commit: the transaction is aborted. Its result is that failure.
    if (results[i] && db.transaction_failed()) {
      results[i] = fail(ErrorKind::InternalError, "a statement of the write failed");
      return Rerun{i, Plan::Skip};
    }
  }
  return std::nullopt;
}

// Partitions created by the attempt are gone with it.
void roll_back(Connection& db, PartitionCache& partitions) {
  if (db.in_transaction()) (void)db.exec("ROLLBACK");
  partitions.clear();
}

Status begin(Connection& db, const TenantSchema& tenant) {
  if (auto st = db.exec("BEGIN"); !st) return st;
  const Param p[] = {param(std::int64_t{kLockSpace}), param(std::int64_t{tenant.lock_key})};
  auto locked = db.run("SELECT pg_advisory_xact_lock($1::integer, $2::integer)", p);
  return locked ? ok() : Status(std::unexpected(locked.error()));
}

// The summaries, then the commit; on failure nothing of the attempt remains.
Status finish(Connection& db, const TenantSchema& tenant, PartitionCache& partitions,
              const SummaryDelta& summaries) {
  Status st = summaries.apply(db, tenant.schema);
  if (st) st = db.exec("COMMIT");
  if (!st) roll_back(db, partitions);
  return st;
}

}  // namespace

std::vector<Status> apply_group(Connection& db, const TenantSchema& tenant,
                                PartitionCache& partitions, std::vector<WriteJob>& jobs) {
  std::vector<Plan> plans(jobs.size(), Plan::Optimistic);
  std::vector<Status> results(jobs.size());
  for (;;) {
    SummaryDelta summaries;
    PgTxn txn(db, tenant, partitions, summaries);
    Status st = begin(db, tenant);
    std::optional<Rerun> rerun;
    if (st) rerun = run_jobs(db, txn, jobs, plans, results);
    if (st && rerun) {
      roll_back(db, partitions);
      plans[rerun->job] = rerun->plan;
      continue;
    }
    if (st) st = finish(db, tenant, partitions, summaries);
    if (st) return results;
    spdlog::error("commit of {} writes failed: {}", jobs.size(), st.error().message);
    roll_back(db, partitions);
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      if (plans[i] != Plan::Skip) results[i] = st;
    }
    return results;
  }
}

}  // namespace tsunagu::store::postgres
