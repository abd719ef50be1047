#include "store/sqlite/group_commit.hpp"

#include <memory>
#include <string>
#include <utility>

#include "store/sqlite/history_tables.hpp"
#include "store/sqlite/subscription_tables.hpp"
#include "store/sqlite/summary_tables.hpp"
#include "store/write_attempt.hpp"

namespace tsunagu::store::sqlite {
namespace {

bool in_transaction(Connection& db) {
  return sqlite3_get_autocommit(db.handle()) == 0;
}

// The WriteTxn of one attempt at a group (store/write_attempt.hpp).
class SqliteTxn final : public AttemptTxn {
 public:
  SqliteTxn(Connection& db, TermCache& terms, SummaryDelta& summaries)
      : db_(db),
        terms_(terms),
        summaries_(summaries),
        writer_(db, terms, summaries),
        subscriptions_(db),
        history_(db, terms) {}

  SubscriptionTxn& subscriptions() override { return subscriptions_; }
  HistoryTxn& history() override { return history_; }
  std::int64_t changes() override { return sqlite3_total_changes64(db_.handle()); }
  // SQLite itself rolls the transaction back on an I/O error, a full disk or lack of memory.
  bool broken() override { return !in_transaction(db_); }

 protected:
  Result<std::optional<model::Entity>> do_get(std::string_view id) override {
    return load_entity(db_, id);
  }
  Status do_insert(const model::Entity& e) override { return writer_.insert(e); }
  Status do_update(const model::Entity& e) override { return writer_.update(e); }
  Result<bool> do_remove(std::string_view id) override { return writer_.remove(id); }
  // Savepoint statements go through the statement cache: a batch runs thousands of them.
  Status savepoint(const std::string& name) override {
    return db_.exec_cached("SAVEPOINT " + name);
  }
  Status release(const std::string& name) override { return db_.exec_cached("RELEASE " + name); }
  Status rollback_to(const std::string& name) override {
    // Term ids created inside the rolled-back savepoint no longer exist.
    terms_.invalidate();
    return db_.exec_cached("ROLLBACK TO " + name);
  }
  void enter_nested() override { outer_.push_back(std::exchange(summaries_, SummaryDelta{})); }
  void leave_nested(bool kept) override {
    SummaryDelta outer = std::move(outer_.back());
    outer_.pop_back();
    if (kept) outer.add(summaries_);
    summaries_ = std::move(outer);
  }

 private:
  Connection& db_;
  TermCache& terms_;
  SummaryDelta& summaries_;
  std::vector<SummaryDelta> outer_;  // of the enclosing nested steps
  EntityWriter writer_;
  SqliteSubscriptionTxn subscriptions_;
  SqliteHistoryTxn history_;
};

// The group's transactions on the writer connection.
class SqliteGroup final : public GroupTransaction {
 public:
  SqliteGroup(Connection& db, TermCache& terms) : db_(db), terms_(terms) {}

  Status begin() override {
    summaries_ = SummaryDelta{};
    txn_ = std::make_unique<SqliteTxn>(db_, terms_, summaries_);
    return db_.exec("BEGIN IMMEDIATE");
  }
  AttemptTxn& txn() override { return *txn_; }
  Status commit() override {
    Status st = summaries_.apply(db_);
    if (st) st = db_.exec("COMMIT");
    if (!st) roll_back();
    return st;
  }
  void roll_back() override {
    if (in_transaction(db_)) (void)db_.exec("ROLLBACK");
    terms_.invalidate();
  }

 private:
  Connection& db_;
  TermCache& terms_;
  SummaryDelta summaries_;
  std::unique_ptr<SqliteTxn> txn_;
};

}  // namespace

std::vector<Status> apply_group(Connection& db, TermCache& terms, std::vector<WriteJob>& jobs) {
  SqliteGroup group(db, terms);
  return store::apply_group(group, jobs);
}

}  // namespace tsunagu::store::sqlite
