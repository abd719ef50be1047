#include "store/postgres/write_group.hpp"

#include <memory>
#include <string>
#include <utility>

#include "store/postgres/announcements.hpp"
#include "store/postgres/entity_tables.hpp"
#include "store/postgres/history_tables.hpp"
#include "store/postgres/subscription_tables.hpp"
#include "store/postgres/summary_tables.hpp"
#include "store/write_attempt.hpp"

namespace tsunagu::store::postgres {
namespace {

// The WriteTxn of one attempt at a group (store/write_attempt.hpp).
class PgTxn final : public AttemptTxn {
 public:
  PgTxn(Connection& db, const TenantSchema& tenant, const std::string& node,
        PartitionCache& partitions, SummaryDelta& summaries, std::vector<std::string>& announced,
        std::int64_t subscription_version)
      : db_(db),
        summaries_(summaries),
        writer_(db, tenant.schema, summaries),
        subscriptions_(db, tenant, node, announced, subscription_version),
        history_(db, tenant.schema, partitions),
        schema_(tenant.schema) {}

  SubscriptionTxn& subscriptions() override { return subscriptions_; }
  HistoryTxn& history() override { return history_; }
  std::int64_t changes() override { return db_.changes(); }
  // A failed statement aborts the whole transaction: only a rollback helps then.
  bool broken() override { return db_.transaction_failed(); }

 protected:
  Result<std::optional<model::Entity>> do_get(std::string_view id) override {
    return load_entity(db_, schema_, id);
  }
  Status do_insert(const model::Entity& e) override { return writer_.insert(e); }
  Status do_update(const model::Entity& e) override { return writer_.update(e); }
  Result<bool> do_remove(std::string_view id) override { return writer_.remove(id); }
  Status savepoint(const std::string& name) override { return db_.exec("SAVEPOINT " + name); }
  Status release(const std::string& name) override { return db_.exec("RELEASE " + name); }
  Status rollback_to(const std::string& name) override { return db_.exec("ROLLBACK TO " + name); }
  void enter_nested() override { outer_.push_back(std::exchange(summaries_, SummaryDelta{})); }
  void leave_nested(bool kept) override {
    SummaryDelta outer = std::move(outer_.back());
    outer_.pop_back();
    if (kept) outer.add(summaries_);
    summaries_ = std::move(outer);
  }

 private:
  Connection& db_;
  SummaryDelta& summaries_;
  std::vector<SummaryDelta> outer_;  // of the enclosing nested steps
  EntityWriter writer_;
  PgSubscriptionTxn subscriptions_;
  PgHistoryTxn history_;
  const std::string& schema_;
};

// The group's transactions on the writer connection.
class PgGroup final : public GroupTransaction {
 public:
  PgGroup(Connection& db, const TenantSchema& tenant, const std::string& node,
          PartitionCache& partitions)
      : db_(db), tenant_(tenant), node_(node), partitions_(partitions) {}

  Status begin() override {
    summaries_ = SummaryDelta{};
    announced_.clear();
    // One round trip: the simple protocol runs the three statements of the text. The version
    // is read under the lock, so every other node's change of the subscriptions is in it.
    auto version = db_.exec_rows(in_schema(
        "BEGIN; SELECT pg_advisory_xact_lock(" + std::to_string(kLockSpace) + ", " +
            std::to_string(tenant_.lock_key) + "); SELECT v FROM {s}.subscription_version",
        tenant_.schema));
    if (!version) return std::unexpected(version.error());
    txn_ = std::make_unique<PgTxn>(db_, tenant_, node_, partitions_, summaries_, announced_,
                                   version->integer(0, 0));
    return ok();
  }
  AttemptTxn& txn() override { return *txn_; }
  Status commit() override {
    Status st = summaries_.apply(db_, tenant_.schema);
    if (st) st = announce();
    if (st) st = db_.exec("COMMIT");
    if (!st) roll_back();
    return st;
  }
  // NOTIFY in the transaction: PostgreSQL sends it when (and only if) the commit succeeds.
  Status announce() {
    if (announced_.empty()) return ok();
    std::vector<std::string> payloads;
    payloads.reserve(announced_.size());
    for (const auto& m : announced_) {
      payloads.push_back(announcement_payload(node_, tenant_.name, m));
    }
    const Param p[] = {param(std::string(kAnnouncementChannel)), text_array(payloads)};
    auto rows = db_.run("SELECT pg_notify($1, m) FROM unnest($2::text[]) AS m", p);
    return rows ? ok() : Status(std::unexpected(rows.error()));
  }

  // Partitions created by the attempt are gone with it.
  void roll_back() override {
    if (db_.in_transaction()) (void)db_.exec("ROLLBACK");
    partitions_.clear();
  }

 private:
  Connection& db_;
  const TenantSchema& tenant_;
  const std::string& node_;
  PartitionCache& partitions_;
  SummaryDelta summaries_;
  std::vector<std::string> announced_;  // by this attempt's jobs
  std::unique_ptr<PgTxn> txn_;
};

}  // namespace

std::vector<Status> apply_group(Connection& db, const TenantSchema& tenant, const std::string& node,
                                PartitionCache& partitions, std::vector<WriteJob>& jobs) {
  PgGroup group(db, tenant, node, partitions);
  return store::apply_group(group, jobs);
}

}  // namespace tsunagu::store::postgres
