#include "store/postgres/sql_session.hpp"

#include <vector>

#include "store/postgres/announcements.hpp"
#include "store/postgres/connection.hpp"
#include "store/postgres/schema.hpp"

namespace tsunagu::store::postgres {
namespace {

// Binds into text parameters; reads one row of a result.
class PgStatement final : public SqlStatement {
 public:
  void bind(int index, std::int64_t value) override { at(index) = param(value); }
  void bind(int index, std::string_view value) override { at(index) = param(value); }
  void bind_null(int index) override { at(index) = Param(); }
  std::string_view column_text(int column) override { return rows_->text(row_, column); }
  std::int64_t column_int(int column) override { return rows_->integer(row_, column); }
  bool column_null(int column) override { return rows_->null(row_, column); }

  std::vector<Param> params;
  void read(const Rows& rows, int row) {
    rows_ = &rows;
    row_ = row;
  }

 private:
  Param& at(int index) {
    if (params.size() < static_cast<std::size_t>(index)) params.resize(index);
    return params[static_cast<std::size_t>(index - 1)];
  }
  const Rows* rows_ = nullptr;
  int row_ = 0;
};

}  // namespace

Result<std::unique_ptr<PgSession>> PgSession::open(std::string url, std::string setup) {
  auto db = Connection::open(url);
  if (!db) return std::unexpected(db.error());
  if (auto st = (*db)->exec(setup); !st) return std::unexpected(st.error());
  return std::unique_ptr<PgSession>(
      new PgSession(std::move(url), std::move(setup), std::move(*db)));
}

const std::string& PgSession::numbered(std::string_view sql) {
  auto it = numbered_.find(sql);
  if (it != numbered_.end()) return it->second;
  std::string out;
  out.reserve(sql.size());
  bool quoted = false;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'') quoted = !quoted;
    const bool placeholder =
        !quoted && c == '?' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9';
    out += placeholder ? '$' : c;
  }
  return numbered_.emplace(std::string(sql), std::move(out)).first->second;
}

Status PgSession::reconnect_if_cut() {
  if (!db_->broken() || in_transaction_) return ok();
  auto fresh = Connection::open(url_);
  if (!fresh) return std::unexpected(fresh.error());
  if (auto st = (*fresh)->exec(setup_); !st) return st;
  db_ = std::move(*fresh);
  return ok();
}

Result<Rows> PgSession::execute(std::string_view sql, const SqlBind& bind, std::string_view what) {
  if (auto st = reconnect_if_cut(); !st) return std::unexpected(st.error());
  PgStatement statement;
  bind(statement);
  auto rows = db_->run(numbered(sql), statement.params);
  if (rows) return rows;
  if (db_->last_state() == kUniqueViolation) {
    return fail(ErrorKind::AlreadyExists, std::string(what) + ": the row exists");
  }
  return fail(rows.error().kind, std::string(what) + ": " + rows.error().message);
}

Result<int> PgSession::run(std::string_view sql, const SqlBind& bind, std::string_view what) {
  auto rows = execute(sql, bind, what);
  if (!rows) return std::unexpected(rows.error());
  return static_cast<int>(rows->affected());
}

Status PgSession::query(std::string_view sql, const SqlBind& bind, const SqlRowReader& row,
                        std::string_view what) {
  auto rows = execute(sql, bind, what);
  if (!rows) return std::unexpected(rows.error());
  PgStatement reader;
  for (int i = 0; i < rows->size(); ++i) {
    reader.read(*rows, i);
    row(reader);
  }
  return ok();
}

Status PgSession::announce(std::string_view message) {
  if (auto st = reconnect_if_cut(); !st) return st;
  const Param p[] = {param(kAnnouncementChannel), param(announcement_payload("", "", message))};
  auto rows = db_->run("SELECT pg_notify($1, $2)", p);
  return rows ? ok() : Status(std::unexpected(rows.error()));
}

Status PgSession::in_transaction(const std::function<Status()>& work) {
  if (auto st = reconnect_if_cut(); !st) return st;
  if (auto st =
          db_->exec("BEGIN; SELECT pg_advisory_xact_lock(" + std::to_string(kLockSpace) + ", -2)");
      !st) {
    if (db_->in_transaction()) (void)db_->exec("ROLLBACK");
    return st;
  }
  in_transaction_ = true;
  Status st = work();
  if (st) st = db_->exec("COMMIT");
  if (!st && !db_->broken() && db_->in_transaction()) (void)db_->exec("ROLLBACK");
  in_transaction_ = false;
  return st;
}

}  // namespace tsunagu::store::postgres
