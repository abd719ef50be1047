#pragma once
// The platform database on SQLite: <data-dir>/platform.sqlite, created owner-only with its
// schema when missing (versioned migrations, PRAGMA user_version), WAL and synchronous=FULL so
// that each write is durable when it returns.

#include <filesystem>
#include <memory>

#include "store/platform/platform_db.hpp"

namespace tsunagu::store::sqlite {

Result<std::unique_ptr<PlatformDb>> open_platform_db(const std::filesystem::path& data_dir);

}  // namespace tsunagu::store::sqlite
