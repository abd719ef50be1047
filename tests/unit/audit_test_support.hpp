#pragma once
// A platform database in a fresh temporary directory for the audit log's tests, with a raw
// sqlite3 handle to tamper with the file as another tool would.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <random>
#include <string>

#include "store/sqlite/platform_schema.hpp"

namespace tsunagu::store::sqlite {

class AuditDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::mt19937_64 rng{std::random_device{}()};
    dir_ = std::filesystem::temp_directory_path() / ("tsunagu-audit-test-" + std::to_string(rng()));
    reopen();
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  void reopen() {
    db_.reset();
    auto db = sqlite::open_platform_db(dir_);
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
  }

  static AuditRecord access(std::string subject, int n) {
    AuditRecord r;
    r.at = model::Timestamp(std::chrono::milliseconds(1'767'225'600'000LL + n * 1000LL));
    r.client_id = "clinic";
    r.subject = std::move(subject);
    r.data = "_default/Person/urn:ngsi-ld:Person:" + std::to_string(n) + "/name";
    r.purpose = "care";
    r.grant_id = "grant-" + std::to_string(n);
    return r;
  }

  AuditRecord append(std::string subject, int n) {
    auto r = db_->append(access(std::move(subject), n));
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : AuditRecord{};
  }

  // Runs `sql` on the file through its own connection; SQLite's message, empty when it worked.
  std::string raw_sql(const std::string& sql) {
    sqlite3* raw = nullptr;
    EXPECT_EQ(sqlite3_open((dir_ / "platform.sqlite").c_str(), &raw), SQLITE_OK);
    char* message = nullptr;
    const int rc = sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, &message);
    std::string out = rc == SQLITE_OK ? "" : (message ? message : "failed");
    sqlite3_free(message);
    sqlite3_close(raw);
    return out;
  }

  // Edits the file as a tool that ignores the triggers would.
  void tamper(const std::string& sql) {
    ASSERT_EQ(raw_sql("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; " + sql),
              "");
  }

  std::filesystem::path dir_;
  std::unique_ptr<PlatformDb> db_;
};

}  // namespace tsunagu::store::sqlite
