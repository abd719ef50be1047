#pragma once
// The PostgreSQL schemas (docs/design/postgres.md):
//
// - `tsunagu`, shared by every node: the registry of tenants (name -> schema, and the key of the
//   advisory lock that serializes each tenant's writes across nodes).
// - one schema per tenant, "t_<name>" ("t__default" for the default tenant; a long name is cut
//   and given a hash, since identifiers have 63 bytes), holding that tenant's entities, index
//   rows, summaries, subscriptions and history. Its migrations are numbered like SQLite's and
//   its version is kept in the registry.
//
// Creating a schema or migrating it runs under a transaction-scoped advisory lock, so nodes
// starting together, or two requests creating one new tenant, never race; other tenants are not
// blocked (their rows are not locked).

#include <cstdint>
#include <string>
#include <string_view>

#include "model/error.hpp"
#include "store/postgres/connection.hpp"

namespace tsunagu::store::postgres {

// The advisory lock space of Tsunagu (the first key of the two-key form): "ts".
inline constexpr int kLockSpace = 0x7473;

// What the registry says of a tenant.
struct TenantSchema {
  std::string name;    // "" for the default tenant
  std::string schema;  // quoted identifier, ready to put in SQL
  std::int32_t lock_key = 0;
};

// Creates the shared schema when it is missing; checks PostGIS is there.
Status bootstrap(Connection& db);

// The tenant's schema, created and migrated when `create` (else NonexistentTenant when the
// tenant was never written).
Result<TenantSchema> open_tenant_schema(Connection& db, std::string_view name, bool create);

// Every tenant name in the registry ("" for the default tenant), sorted.
Result<std::vector<std::string>> registered_tenants(Connection& db);

int tenant_schema_version();

// The schema identifier of a tenant name (unquoted).
std::string schema_name_of(std::string_view tenant);

// `sql` with every "{s}" replaced by the quoted schema.
std::string in_schema(std::string_view sql, std::string_view schema);

}  // namespace tsunagu::store::postgres
