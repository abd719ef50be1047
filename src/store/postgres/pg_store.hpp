#pragma once
// The scale-out store: every tenant's data in its own schema of one PostgreSQL database shared
// by any number of Tsunagu nodes (docs/design/postgres.md). Selected with
// `--store postgresql://...`.
//
// Thread safety: tenant() may be called from any thread. Opening a tenant (creating or
// migrating its schema) happens outside the map lock, under a per-tenant once-flag, and the
// schema work under an advisory lock in the database, so a new tenant blocks no other tenant,
// on this node or another.

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "store/postgres/connection_pool.hpp"
#include "store/postgres/node_leases.hpp"
#include "store/postgres/tenant_db.hpp"
#include "store/store.hpp"

namespace tsunagu::store::postgres {

struct PgStoreOptions {
  std::size_t max_readers = 8;  // reader connections of this node, shared by its tenants
  TenantDbOptions tenant{};
  // This node's name among the nodes sharing the database, stable across its restarts, so that
  // a node that restarts within its lease gets its subscriptions back (node_leases.hpp). Empty:
  // a name of its own for this process.
  std::string node;
  NodeLeaseOptions leases{};
};

class PgStore final : public Store {
 public:
  // Connects, creates the shared schema when missing and checks PostGIS.
  static Result<std::unique_ptr<PgStore>> open(const std::string& url, PgStoreOptions options = {});
  ~PgStore() override;

  Result<std::shared_ptr<TenantStore>> tenant(std::string_view name, bool create) override;
  std::vector<std::string> tenant_names() override;
  NodeCoordination& coordination() override { return leases_; }
  void close() override;

 private:
  struct Slot {
    std::mutex opening;  // held while the tenant is opened; a failed open is retried
    std::shared_ptr<TenantDb> db;
  };
  PgStore(std::string url, PgStoreOptions options);

  const std::string url_;
  const PgStoreOptions options_;
  NodeLeases leases_;
  std::shared_ptr<ConnectionPool> readers_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Slot>, std::less<>> slots_;  // guarded by mu_
  bool closed_ = false;                                              // guarded by mu_
};

}  // namespace tsunagu::store::postgres
