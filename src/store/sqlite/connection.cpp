#include "store/sqlite/connection.hpp"

#include <re2/re2.h>

namespace tsunagu::store::sqlite {
namespace {

// REGEXP for idPattern, with RE2 so that no pattern can take exponential time. The compiled
// pattern is cached as auxiliary data of the statement argument, so a query compiles it once.
void regexp_function(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto* re = static_cast<RE2*>(sqlite3_get_auxdata(ctx, 0));
  if (re == nullptr) {
    const auto* pattern = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    if (pattern == nullptr) return sqlite3_result_null(ctx);
    RE2::Options options;
    options.set_log_errors(false);
    re = new RE2(pattern, options);
    if (!re->ok()) {
      sqlite3_result_error(ctx, "invalid regular expression", -1);
      delete re;
      return;
    }
    sqlite3_set_auxdata(ctx, 0, re, [](void* p) { delete static_cast<RE2*>(p); });
  }
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
  if (text == nullptr) return sqlite3_result_int(ctx, 0);
  sqlite3_result_int(ctx, RE2::PartialMatch(text, *re) ? 1 : 0);
}

}  // namespace

Result<std::unique_ptr<Connection>> Connection::open(const std::filesystem::path& file, Mode mode) {
  sqlite3* db = nullptr;
  const int flags =
      (mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
      SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(file.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return fail(ErrorKind::InternalError,
                "cannot open database " + file.filename().string() + ": " + msg);
  }
  sqlite3_extended_result_codes(db, 1);
  // Readers wait for a checkpoint or the schema lock instead of failing at once.
  sqlite3_busy_timeout(db, 5000);
  sqlite3_create_function(db, "regexp", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                          regexp_function, nullptr, nullptr);
  return std::unique_ptr<Connection>(new Connection(db));
}

Connection::~Connection() {
  cache_.clear();  // statements must be finalized before the connection closes
  sqlite3_close(db_);
}

Status Connection::exec(std::string_view sql) {
  char* msg = nullptr;
  if (sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
    std::string text = msg ? msg : "unknown error";
    sqlite3_free(msg);
    return fail(ErrorKind::InternalError, "database error: " + text);
  }
  return ok();
}

Status Connection::exec_cached(std::string_view sql) {
  auto stmt = cached(sql);
  if (!stmt) return std::unexpected(stmt.error());
  StatementUse s(**stmt);
  if (s->step() != SQLITE_DONE) return error(sql);
  return ok();
}

Result<std::unique_ptr<Statement>> Connection::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &stmt, nullptr) != SQLITE_OK) {
    return error("prepare");
  }
  return std::make_unique<Statement>(stmt);
}

Result<Statement*> Connection::cached(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it != cache_.end()) return it->second.get();
  auto stmt = prepare(sql);
  if (!stmt) return std::unexpected(stmt.error());
  auto* raw = stmt->get();
  cache_.emplace(std::string(sql), std::move(*stmt));
  return raw;
}

std::unexpected<Error> Connection::error(std::string_view what) const {
  return fail(ErrorKind::InternalError,
              "database error (" + std::string(what) + "): " + sqlite3_errmsg(db_));
}

}  // namespace tsunagu::store::sqlite
