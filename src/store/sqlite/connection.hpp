#pragma once
// Thin RAII wrappers over the SQLite C API: a connection, and prepared statements that are
// reset (not finalized) between uses so that hot paths never re-parse SQL.

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "model/error.hpp"
#include "model/time.hpp"
#include "store/stored_time.hpp"

namespace tsunagu::store::sqlite {

using store::from_ms;  // store/stored_time.hpp
using store::to_ms;

class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }

  // Binding is 1-based, as in SQLite.
  void bind(int index, std::int64_t v) { sqlite3_bind_int64(stmt_, index, v); }
  void bind(int index, double v) { sqlite3_bind_double(stmt_, index, v); }
  // Text, always: an empty view without storage (std::string_view()) would otherwise reach
  // SQLite as a null pointer, which it stores as NULL. bind_null says NULL.
  void bind(int index, std::string_view v) {
    sqlite3_bind_text(stmt_, index, v.data() ? v.data() : "", static_cast<int>(v.size()),
                      SQLITE_TRANSIENT);
  }
  void bind_null(int index) { sqlite3_bind_null(stmt_, index); }

  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return sqlite3_step(stmt_); }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  std::int64_t column_int(int i) const { return sqlite3_column_int64(stmt_, i); }
  double column_double(int i) const { return sqlite3_column_double(stmt_, i); }
  bool column_null(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }
  std::string_view column_text(int i) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
    return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i)))
             : std::string_view();
  }

 private:
  sqlite3_stmt* stmt_;
};

// Resets a cached statement when the scope that used it ends, whatever the path out.
class StatementUse {
 public:
  explicit StatementUse(Statement& s) : s_(s) {}
  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;
  ~StatementUse() { s_.reset(); }
  Statement* operator->() { return &s_; }
  Statement& operator*() { return s_; }

 private:
  Statement& s_;
};

class Connection {
 public:
  enum class Mode { ReadWrite, ReadOnly };

  static Result<std::unique_ptr<Connection>> open(const std::filesystem::path& file, Mode mode);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  Status exec(std::string_view sql);
  // Runs one statement that returns no rows through the statement cache: for the short
  // statements a transaction repeats many times (SAVEPOINT, RELEASE, ROLLBACK TO).
  Status exec_cached(std::string_view sql);
  // A statement prepared once per connection and kept for its lifetime, keyed by its SQL text.
  Result<Statement*> cached(std::string_view sql);
  // A statement for SQL that varies (compiled queries); finalized when the result is dropped.
  Result<std::unique_ptr<Statement>> prepare(std::string_view sql);

  // An InternalError naming what failed and SQLite's message for this connection.
  std::unexpected<Error> error(std::string_view what) const;
  sqlite3* handle() { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
};

}  // namespace tsunagu::store::sqlite
