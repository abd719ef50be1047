#pragma once
// The platform database on PostgreSQL (store/platform/platform_db.hpp): its tables in the
// schema `tsunagu_platform` of the tenants' database, shared by every node, created and
// migrated under the registry's advisory lock, like the tenants' schemas (schema.hpp). The
// same tables as on SQLite (sqlite/platform_schema.cpp), names in the "C" collation so that
// lists come in the same byte order.

#include <memory>
#include <string>

#include "store/platform/platform_db.hpp"

namespace tsunagu::store::postgres {

Result<std::unique_ptr<PlatformDb>> open_platform_db(const std::string& url);

}  // namespace tsunagu::store::postgres
