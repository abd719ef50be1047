#include "store/sqlite/sqlite_store.hpp"

#include <algorithm>
#include <system_error>

#include "model/tenant.hpp"

namespace tsunagu::store::sqlite {
namespace {

constexpr std::string_view kDefaultFile = "_default";
constexpr std::string_view kSuffix = ".sqlite";

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::filesystem::path& data_dir,
                                                       TenantDbOptions options) {
  std::error_code ec;
  const auto dir = data_dir / "tenants";
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return fail(ErrorKind::InternalError,
                "cannot create data directory " + dir.string() + ": " + ec.message());
  }
  return std::unique_ptr<SqliteStore>(new SqliteStore(dir, options));
}

SqliteStore::~SqliteStore() {
  close();
}

std::filesystem::path SqliteStore::file_of(std::string_view tenant) const {
  std::string name(tenant.empty() ? kDefaultFile : tenant);
  return dir_ / (name + std::string(kSuffix));
}

Result<std::shared_ptr<TenantStore>> SqliteStore::tenant(std::string_view name, bool create) {
  if (!name.empty()) {
    if (auto st = model::validate_tenant_name(name); !st) return std::unexpected(st.error());
  }
  std::shared_ptr<Slot> slot;
  {
    std::lock_guard lock(mu_);
    if (closed_) return fail(ErrorKind::Busy, "the server is shutting down");
    auto it = slots_.find(name);
    if (it != slots_.end()) {
      slot = it->second;
    } else {
      if (!create && !std::filesystem::exists(file_of(name))) {
        return fail(ErrorKind::NonexistentTenant,
                    "tenant '" + std::string(name) + "' does not exist");
      }
      slot = std::make_shared<Slot>();
      slots_.emplace(std::string(name), slot);
    }
  }
  std::call_once(slot->opened, [&] { slot->db = TenantDb::open(file_of(name), options_); });
  if (!slot->db) return std::unexpected(slot->db.error());
  return std::shared_ptr<TenantStore>(*slot->db);
}

std::vector<std::string> SqliteStore::tenant_names() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& file : std::filesystem::directory_iterator(dir_, ec)) {
    if (file.path().extension() != kSuffix) continue;
    auto stem = file.path().stem().string();
    names.push_back(stem == kDefaultFile ? std::string() : stem);
  }
  std::sort(names.begin(), names.end());
  return names;
}

void SqliteStore::close() {
  std::map<std::string, std::shared_ptr<Slot>, std::less<>> slots;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    slots.swap(slots_);
  }
  for (auto& [name, slot] : slots) {
    if (slot->db) (*slot->db)->close();
  }
}

}  // namespace tsunagu::store::sqlite
