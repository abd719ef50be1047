#pragma once
// One tenant's data on PostgreSQL, as seen from one node: a writer thread with its own
// connection that commits queued write jobs in groups, and reads on the node's shared pool.
// See store/store.hpp for the contract.
//
// Across nodes, each group's transaction first takes the tenant's advisory lock, so the jobs of
// every node run one group at a time: a job's read-modify-write has the tenant to itself, as the
// contract promises, and owed notifications' seqs commit in increasing order.
//
// Thread safety: submit() and the reads may be called from any thread. The writer connection
// and the partition cache belong to the writer thread alone (the WriteQueue's).

#include <memory>
#include <string>

#include "store/postgres/connection.hpp"
#include "store/postgres/connection_pool.hpp"
#include "store/postgres/partition_cache.hpp"
#include "store/postgres/schema.hpp"
#include "store/store.hpp"
#include "store/write_queue.hpp"

namespace tsunagu::store::postgres {

using TenantDbOptions = WriteQueueOptions;

class TenantDb final : public TenantStore {
 public:
  // `node` names this node (pg_store.hpp, PgStoreOptions::node).
  static Result<std::shared_ptr<TenantDb>> open(const std::string& url, TenantSchema schema,
                                                std::string node,
                                                std::shared_ptr<ConnectionPool> readers,
                                                TenantDbOptions options);
  ~TenantDb() override;

  Result<std::optional<model::Entity>> get(std::string_view id) override;
  Result<bool> read_document(std::string_view id, std::string& doc) override;
  Result<QueryPage> query(const EntityQuery& query) override;
  Result<std::vector<TypeSummary>> type_summaries(std::optional<std::string_view> only) override;
  Result<std::vector<AttributeSummary>> attribute_summaries(
      std::optional<std::string_view> only) override;
  void submit(WriteJob job) override;
  Result<std::vector<model::Subscription>> subscriptions() override;
  Result<SubscriptionSet> subscription_set() override;
  Result<std::optional<model::Subscription>> subscription(std::string_view id) override;
  Result<std::vector<OwedNotification>> owed_notifications(std::int64_t after,
                                                           std::size_t limit) override;
  Result<std::vector<OwedNotification>> owed_notifications_of(std::string_view subscription,
                                                              std::int64_t after,
                                                              std::size_t limit) override;
  Result<HistoryPage> history(const HistoryQuery& query) override;
  Result<AggregatedPage> aggregate(const HistoryQuery& query,
                                   const AggregationRequest& request) override;

  // Commits what is queued, stops the writer and refuses later jobs.
  void close();

 private:
  TenantDb(std::string url, TenantSchema schema, std::string node,
           std::unique_ptr<Connection> writer, std::shared_ptr<ConnectionPool> readers,
           TenantDbOptions options);
  void commit_group(std::vector<WriteJob>& jobs);

  const std::string url_;
  const TenantSchema schema_;
  const std::string node_;
  const TenantDbOptions options_;
  std::unique_ptr<Connection> writer_db_;  // writer thread only (after construction)
  PartitionCache partitions_;              // writer thread only
  std::shared_ptr<ConnectionPool> readers_;
  WriteQueue writes_;  // last: its writer thread uses the members above
};

}  // namespace tsunagu::store::postgres
