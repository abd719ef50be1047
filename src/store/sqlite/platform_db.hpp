#pragma once
// The platform database, <data-dir>/platform.sqlite: what belongs to no tenant (oneID's keys,
// clients and revoked tokens; store/identity_store.hpp). Writes are rare and small (a client
// registered, a key rotated, a token revoked), so one connection serves reads and writes under
// a mutex; WAL and synchronous=FULL make each write durable when it returns. Another process
// (`tsunagu keys rotate`, `tsunagu clients add`) may write the same file meanwhile: SQLite locks
// it, and the server reloads what it caches on the next start.
//
// Thread safety: every method may be called from any thread; db_ is guarded by mu_.

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>

#include "store/identity_store.hpp"
#include "store/sqlite/connection.hpp"

namespace tsunagu::store::sqlite {

class PlatformDb final : public IdentityStore {
 public:
  // Creates the file and its schema when missing.
  static Result<std::unique_ptr<PlatformDb>> open(const std::filesystem::path& data_dir);

  Result<std::vector<StoredKey>> keys() override;
  Status add_signing_key(const StoredKey& key) override;
  Status forget_keys_retired_before(model::Timestamp before) override;
  Result<std::vector<ClientRecord>> clients() override;
  Result<std::optional<ClientRecord>> client(std::string_view id) override;
  Status put_client(const ClientRecord& client) override;
  Result<bool> remove_client(std::string_view id) override;
  Status revoke(const RevokedToken& token, model::Timestamp now) override;
  Result<std::vector<RevokedToken>> revoked(model::Timestamp now) override;

 private:
  explicit PlatformDb(std::unique_ptr<Connection> db) : db_(std::move(db)) {}
  Status in_transaction(const std::function<Status()>& work);

  std::mutex mu_;
  std::unique_ptr<Connection> db_;  // guarded by mu_
};

}  // namespace tsunagu::store::sqlite
