#include "store/sqlite/sql_session.hpp"

namespace tsunagu::store::sqlite {
namespace {

// A SQLite statement seen through the neutral interface.
class Adapted final : public SqlStatement {
 public:
  explicit Adapted(Statement& s) : s_(s) {}
  void bind(int index, std::int64_t value) override { s_.bind(index, value); }
  void bind(int index, std::string_view value) override { s_.bind(index, value); }
  void bind_null(int index) override { s_.bind_null(index); }
  std::string_view column_text(int column) override { return s_.column_text(column); }
  std::int64_t column_int(int column) override { return s_.column_int(column); }
  bool column_null(int column) override { return s_.column_null(column); }

 private:
  Statement& s_;
};

}  // namespace

Result<int> SqliteSession::run(std::string_view sql, const SqlBind& bind, std::string_view what) {
  auto stmt = db_->cached(sql);
  if (!stmt) return std::unexpected(stmt.error());
  StatementUse s(**stmt);
  Adapted adapted(*s);
  bind(adapted);
  const int rc = s->step();
  // Extended codes (SQLITE_CONSTRAINT_UNIQUE, _PRIMARYKEY) included.
  if ((rc & 0xff) == SQLITE_CONSTRAINT) {
    return fail(ErrorKind::AlreadyExists, std::string(what) + ": the row exists");
  }
  if (rc != SQLITE_DONE) return db_->error(what);
  return sqlite3_changes(db_->handle());
}

Status SqliteSession::query(std::string_view sql, const SqlBind& bind, const SqlRowReader& row,
                            std::string_view what) {
  auto stmt = db_->cached(sql);
  if (!stmt) return std::unexpected(stmt.error());
  StatementUse s(**stmt);
  Adapted adapted(*s);
  bind(adapted);
  int rc;
  while ((rc = s->step()) == SQLITE_ROW) row(adapted);
  if (rc != SQLITE_DONE) return db_->error(what);
  return ok();
}

Status SqliteSession::in_transaction(const std::function<Status()>& work) {
  if (auto st = db_->exec("BEGIN IMMEDIATE"); !st) return st;
  Status st = work();
  if (st) st = db_->exec("COMMIT");
  if (!st) (void)db_->exec("ROLLBACK");
  return st;
}

}  // namespace tsunagu::store::sqlite
