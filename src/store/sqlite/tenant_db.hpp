#pragma once
// One tenant's SQLite database: a single writer thread that commits queued write jobs in groups
// (one fsync per group, however many concurrent requests it carries), and a pool of reader
// connections. See store/store.hpp for the contract.
//
// Thread safety: submit() and the reads (get(), query(), the summaries) may be called from any
// thread. The writer connection and the term cache belong to the writer thread alone (the
// WriteQueue's); the reader pool has its own lock.

#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "store/sqlite/connection.hpp"
#include "store/sqlite/entity_tables.hpp"
#include "store/sqlite/query_compiler.hpp"
#include "store/store.hpp"
#include "store/write_queue.hpp"

namespace tsunagu::store::sqlite {

struct TenantDbOptions {
  std::size_t max_readers = 8;
  std::size_t max_group = 512;     // jobs committed together at most
  std::size_t max_queued = 50000;  // jobs waiting beyond this are refused with Busy (503)
  // A query condition with fewer index rows drives the search (query_compiler.hpp).
  std::size_t selective_rows = kDefaultSelectiveRows;
};

class ReaderPool {
 public:
  ReaderPool(std::filesystem::path file, std::size_t max) : file_(std::move(file)), max_(max) {}

  // A connection that returns to the pool when the handle is dropped.
  using Handle = std::unique_ptr<Connection, std::function<void(Connection*)>>;
  Result<Handle> acquire();

 private:
  void release(Connection* c);

  const std::filesystem::path file_;
  const std::size_t max_;
  std::mutex mu_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
  std::size_t open_ = 0;                           // guarded by mu_
};

class TenantDb final : public TenantStore {
 public:
  static Result<std::shared_ptr<TenantDb>> open(const std::filesystem::path& file,
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

  // Commits what is queued, stops the writer and refuses later jobs (InternalError).
  void close();

 private:
  TenantDb(std::unique_ptr<Connection> writer, std::filesystem::path file, TenantDbOptions options);
  void commit_group(std::vector<WriteJob>& jobs);

  const TenantDbOptions options_;
  std::unique_ptr<Connection> writer_db_;  // writer thread only (after construction)
  TermCache terms_;                        // writer thread only
  ReaderPool readers_;
  WriteQueue writes_;  // last: its writer thread uses the members above
};

}  // namespace tsunagu::store::sqlite
