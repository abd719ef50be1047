#pragma once
// How a backend's writer applies a group of write jobs in one transaction, shared by every
// backend: jobs and nested steps run without savepoints, optimistically, because most failures
// happen before anything is written (an id that exists, an entity that does not) and need no
// undo, while savepoints cost (SQLite copies every page a write touches to a statement journal;
// each PostgreSQL savepoint that writes is a subtransaction, and beyond 64 of them every reader
// of the database slows down). A job or nested step that fails after writing, or leaves the
// transaction unable to commit (a failed PostgreSQL statement aborts it), makes the group roll
// back and run again from its first job: without the failed job (its failure is its result), or,
// when a nested step failed, with a savepoint around each nested step of that job, which undoes
// such a step alone. Every rerun settles one job for good, so a group of n jobs runs at most
// 2n + 1 times; in practice once. This is why WriteJob::apply must be repeatable (store.hpp).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace tsunagu::store {

// How a job runs in the group's next attempt.
enum class JobPlan {
  Optimistic,  // no savepoints
  Savepoints,  // a savepoint around each nested step: one of its steps failed after writing
  Skip,        // not at all: it failed after writing, and that failure is its result
};

// The WriteTxn of one attempt. A backend implements the writes (do_*) and its savepoints; this
// class decides when a failure dooms the attempt. Once doomed, every later call of the job fails
// at once, since its work would be thrown away.
class AttemptTxn : public WriteTxn {
 public:
  void begin_job(JobPlan plan);
  bool doomed() const { return doomed_; }

  Result<std::optional<model::Entity>> get(std::string_view id) final;
  Status insert(const model::Entity& entity) final;
  Status update(const model::Entity& entity) final;
  Result<bool> remove(std::string_view id) final;
  Status nested(const std::function<Status(WriteTxn&)>& step) final;

  // A count that grows with every row the transaction writes.
  virtual std::int64_t changes() = 0;
  // The transaction can no longer commit.
  virtual bool broken() = 0;

 protected:
  virtual Result<std::optional<model::Entity>> do_get(std::string_view id) = 0;
  virtual Status do_insert(const model::Entity& entity) = 0;
  virtual Status do_update(const model::Entity& entity) = 0;
  virtual Result<bool> do_remove(std::string_view id) = 0;
  // Around a nested step run in a savepoint. leave_nested(true) keeps what the step did (its
  // summary changes join the enclosing ones), leave_nested(false) forgets it (rolled back).
  virtual Status savepoint(const std::string& name) = 0;
  virtual Status release(const std::string& name) = 0;
  virtual Status rollback_to(const std::string& name) = 0;
  virtual void enter_nested() = 0;
  virtual void leave_nested(bool kept) = 0;

 private:
  Status nested_in_savepoint(const std::function<Status(WriteTxn&)>& step);

  bool savepoints_ = false;
  bool doomed_ = false;
  int depth_ = 0;
};

// One backend's transactions for a group.
class GroupTransaction {
 public:
  virtual ~GroupTransaction() = default;
  // Begins an attempt: a transaction and a fresh AttemptTxn.
  virtual Status begin() = 0;
  virtual AttemptTxn& txn() = 0;
  // Writes what the attempt gathered (the discovery summaries) and commits; on failure nothing
  // of the attempt remains.
  virtual Status commit() = 0;
  // Undoes the attempt, whatever state it is in.
  virtual void roll_back() = 0;
};

// Runs every job's apply in one transaction and commits it. Returns each job's result, in order;
// a failed commit fails them all. Writer thread only.
std::vector<Status> apply_group(GroupTransaction& transaction, std::vector<WriteJob>& jobs);

}  // namespace tsunagu::store
