#pragma once
// A platform database of each backend for the audit log's tests (SQLite in a fresh temporary
// directory, PostgreSQL in a fresh database), with a connection of its own to tamper with the
// log as another tool would.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <random>
#include <string>

#include "store/postgres/connection.hpp"
#include "store_backends.hpp"

namespace tsunagu::store::sqlite {

class AuditDbTest : public ::testing::TestWithParam<testing::Backend> {
 protected:
  void SetUp() override {
    location_ = testing::fresh_location(GetParam());
    reopen();
  }
  void TearDown() override {
    db_.reset();
    testing::remove_location(location_);
  }

  void reopen() {
    db_.reset();
    auto db = testing::open_platform(location_);
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

  // Runs `sql` through a connection of its own; the database's message, empty when it worked.
  std::string raw_sql(const std::string& sql) {
    if (GetParam() == testing::Backend::Postgres) {
      auto db = postgres::Connection::open(location_.url);
      if (!db) return db.error().message;
      auto st = (*db)->exec("SET search_path TO tsunagu_platform; " + sql);
      return st ? "" : st.error().message;
    }
    sqlite3* raw = nullptr;
    EXPECT_EQ(sqlite3_open((location_.dir / "platform.sqlite").c_str(), &raw), SQLITE_OK);
    char* message = nullptr;
    const int rc = sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, &message);
    std::string out = rc == SQLITE_OK ? "" : (message ? message : "failed");
    sqlite3_free(message);
    sqlite3_close(raw);
    return out;
  }

  // Edits the log as a tool that ignores the triggers would.
  void tamper(const std::string& sql) {
    const std::string drop =
        GetParam() == testing::Backend::Postgres
            ? "DROP TRIGGER audit_log_no_change ON audit_log; "
            : "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; ";
    ASSERT_EQ(raw_sql(drop + sql), "");
  }

  // Makes every append fail (of `subject` only, when given), as a full disk would, until
  // allow_appends(name).
  void refuse_appends(const std::string& name, const std::string& subject = {}) {
    const bool pg = GetParam() == testing::Backend::Postgres;
    std::string when;
    if (!subject.empty()) {
      when =
          pg ? " WHEN (NEW.subject = '" + subject + "')" : " WHEN NEW.subject = '" + subject + "'";
    }
    const std::string sql = pg ? "CREATE FUNCTION " + name +
                                     "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE " +
                                     "EXCEPTION 'refused'; END $$; CREATE TRIGGER " + name +
                                     " BEFORE INSERT ON audit_log FOR EACH ROW" + when +
                                     " EXECUTE FUNCTION " + name + "();"
                               : "CREATE TRIGGER " + name + " BEFORE INSERT ON audit_log" + when +
                                     " BEGIN SELECT RAISE(ABORT, 'refused'); END;";
    ASSERT_EQ(raw_sql(sql), "");
  }
  void allow_appends(const std::string& name) {
    ASSERT_EQ(raw_sql(GetParam() == testing::Backend::Postgres
                          ? "DROP TRIGGER " + name + " ON audit_log; DROP FUNCTION " + name + "();"
                          : "DROP TRIGGER " + name),
              "");
  }

  testing::StoreLocation location_;
  std::unique_ptr<PlatformDb> db_;
};

}  // namespace tsunagu::store::sqlite
