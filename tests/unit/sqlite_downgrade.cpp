#include "sqlite_downgrade.hpp"

#include <sqlite3.h>

#include <array>
#include <string>

namespace tsunagu::store {
namespace {

// The tables each migration created (schema.cpp), by the version it leads to.
constexpr std::array<std::pair<int, std::string_view>, 2> kTablesOf{{
    {5, "DROP TABLE subscriptions; DROP TABLE owed_notifications;"},
    {6,
     "DROP TABLE history; DROP TABLE history_attrs; DROP TABLE history_types;"
     "DROP TABLE history_entities;"},
}};

}  // namespace

::testing::AssertionResult downgrade(const std::filesystem::path& file, int version,
                                     std::string_view older_sql) {
  std::string sql(older_sql);
  for (const auto& [migration, drop] : kTablesOf) {
    if (migration > version) sql += drop;
  }
  sql += "PRAGMA user_version = " + std::to_string(version) + ";";
  sqlite3* raw = nullptr;
  if (sqlite3_open(file.c_str(), &raw) != SQLITE_OK) {
    sqlite3_close(raw);
    return ::testing::AssertionFailure() << "cannot open " << file;
  }
  char* error = nullptr;
  const int rc = sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, &error);
  const std::string message = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(raw);
  if (rc != SQLITE_OK) return ::testing::AssertionFailure() << message;
  return ::testing::AssertionSuccess();
}

}  // namespace tsunagu::store
