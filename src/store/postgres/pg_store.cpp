#include "store/postgres/pg_store.hpp"

#include <random>

#include "model/tenant.hpp"
#include "store/postgres/schema.hpp"

namespace tsunagu::store::postgres {
namespace {

// For a store opened without a node name (tools, tests): one that no other process has.
std::string process_node_name() {
  static constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device random;
  std::string name = "p-";
  for (int i = 0; i < 20; ++i) name += kAlphabet[random() % kAlphabet.size()];
  return name;
}

}  // namespace

Result<std::unique_ptr<PgStore>> PgStore::open(const std::string& url, PgStoreOptions options) {
  auto db = Connection::open(url);
  if (!db) return std::unexpected(db.error());
  if (auto st = bootstrap(**db); !st) return std::unexpected(st.error());
  if (options.node.empty()) options.node = process_node_name();
  return std::unique_ptr<PgStore>(new PgStore(url, options));
}

PgStore::PgStore(std::string url, PgStoreOptions options)
    : url_(std::move(url)),
      options_(options),
      leases_(url_, options_.node, options_.leases),
      readers_(std::make_shared<ConnectionPool>(url_, options.max_readers)) {}

PgStore::~PgStore() {
  close();
}

Result<std::shared_ptr<TenantStore>> PgStore::tenant(std::string_view name, bool create) {
  if (!name.empty()) {
    if (auto st = model::validate_tenant_name(name); !st) return std::unexpected(st.error());
  }
  std::shared_ptr<Slot> slot;
  {
    std::lock_guard lock(mu_);
    if (closed_) return fail(ErrorKind::Busy, "the server is shutting down");
    auto it = slots_.find(name);
    if (it == slots_.end()) it = slots_.emplace(std::string(name), std::make_shared<Slot>()).first;
    slot = it->second;
  }
  // Only this tenant's callers wait while it is opened; a failure (the database was away, the
  // tenant does not exist yet) is not remembered, so the next call tries again.
  std::lock_guard opening(slot->opening);
  if (slot->db) return std::shared_ptr<TenantStore>(slot->db);
  auto conn = readers_->acquire();
  if (!conn) return std::unexpected(conn.error());
  auto schema = open_tenant_schema(**conn, name, create);
  if (!schema) return std::unexpected(schema.error());
  auto db = TenantDb::open(url_, std::move(*schema), options_.node, readers_, options_.tenant);
  if (!db) return std::unexpected(db.error());
  {
    std::lock_guard lock(mu_);
    if (closed_) {
      (*db)->close();
      return fail(ErrorKind::Busy, "the server is shutting down");
    }
  }
  slot->db = *db;
  return std::shared_ptr<TenantStore>(slot->db);
}

std::vector<std::string> PgStore::tenant_names() {
  auto conn = readers_->acquire();
  if (!conn) return {};
  auto names = registered_tenants(**conn);
  return names ? *names : std::vector<std::string>{};
}

void PgStore::close() {
  std::map<std::string, std::shared_ptr<Slot>, std::less<>> slots;
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    closed_ = true;
    slots.swap(slots_);
  }
  for (auto& [name, slot] : slots) {
    std::lock_guard opening(slot->opening);
    if (slot->db) slot->db->close();
  }
  // Only now: the counters and settlements queued last are durable, and the next owner starts
  // from them.
  leases_.stop();
  leases_.release();
}

}  // namespace tsunagu::store::postgres
