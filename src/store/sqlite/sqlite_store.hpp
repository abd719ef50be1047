#pragma once
// The embedded store: one SQLite database file per tenant under <data-dir>/tenants/.
//
// Thread safety: tenant() may be called from any thread. Opening a tenant (creating its file
// and running migrations) happens outside the map lock, under a per-tenant once-flag, so a new
// tenant never blocks requests to the others.

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>

#include "store/sqlite/tenant_db.hpp"
#include "store/store.hpp"

namespace tsunagu::store::sqlite {

class SqliteStore final : public Store {
 public:
  static Result<std::unique_ptr<SqliteStore>> open(const std::filesystem::path& data_dir,
                                                   TenantDbOptions options = {});
  ~SqliteStore() override;

  Result<std::shared_ptr<TenantStore>> tenant(std::string_view name, bool create) override;
  std::vector<std::string> tenant_names() override;
  NodeCoordination& coordination() override { return sole_node_; }
  void close() override;

  // <dir>/_default.sqlite for the default tenant, <dir>/<name>.sqlite for the others.
  std::filesystem::path file_of(std::string_view tenant) const;

 private:
  struct Slot {
    std::once_flag opened;
    Result<std::shared_ptr<TenantDb>> db = fail(ErrorKind::InternalError, "not opened");
  };
  SqliteStore(std::filesystem::path dir, TenantDbOptions options)
      : dir_(std::move(dir)), options_(options) {}

  const std::filesystem::path dir_;
  const TenantDbOptions options_;
  SoleNode sole_node_;  // a file has one node
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Slot>, std::less<>> slots_;  // guarded by mu_
  bool closed_ = false;                                              // guarded by mu_
};

}  // namespace tsunagu::store::sqlite
