#pragma once
// Where the platform database (oneID, accounts, consent, audit, usage) lives: beside the
// tenants' data, in PostgreSQL when `store` names a database (shared by every node), else in
// <data-dir>/platform.sqlite.

#include <memory>

#include "app/config.hpp"
#include "store/platform/platform_db.hpp"

namespace tsunagu::app {

Result<std::unique_ptr<store::PlatformDb>> open_platform_store(const Config& config);

}  // namespace tsunagu::app
