#pragma once
// For migration tests: turns a tenant database written by this Tsunagu into one as an older
// release wrote it, so that reopening it runs the migrations after `version` on real data.

#include <gtest/gtest.h>

#include <filesystem>
#include <string_view>

namespace tsunagu::store {

// Runs `older_sql` (what else the older schema lacked, e.g. rows an index migration backfills),
// drops the tables of every migration after `version`, and sets user_version to `version`.
::testing::AssertionResult downgrade(const std::filesystem::path& file, int version,
                                     std::string_view older_sql = {});

}  // namespace tsunagu::store
