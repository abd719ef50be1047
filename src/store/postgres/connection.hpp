#pragma once
// Thin RAII wrappers over libpq: a connection, its result sets, and statements prepared once per
// connection (keyed by their SQL text) so that hot paths never re-plan. Parameters and results
// travel in text form: every value we store has an exact text form (integers, shortest
// round-trip doubles, JSON), and libpq's text protocol needs no type OIDs from us.
//
// A Connection belongs to one thread at a time (libpq connections are not shared).

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/error.hpp"
#include "model/time.hpp"
#include "store/stored_time.hpp"

namespace tsunagu::store::postgres {

using store::from_ms;  // store/stored_time.hpp
using store::to_ms;

// One parameter in text form; nullopt is SQL NULL.
using Param = std::optional<std::string>;

Param param(std::string_view text);
Param param(std::int64_t value);
Param param(double value);
// Array literals ({"a","b"}, {1,NULL}) for unnest() and ANY(): many rows in one statement,
// one round trip. Texts are quoted so that any character survives; nullopt is NULL.
Param text_array(std::span<const std::string> values);
Param text_array(std::span<const std::optional<std::string>> values);
Param number_array(std::span<const std::optional<double>> values);
Param integer_array(std::span<const std::int64_t> values);

// The rows of one statement. Column access is by index; values come back as text.
class Rows {
 public:
  explicit Rows(PGresult* result) : result_(result, &PQclear) {}
  int size() const { return PQntuples(result_.get()); }
  bool null(int row, int col) const { return PQgetisnull(result_.get(), row, col) != 0; }
  std::string_view text(int row, int col) const {
    return {PQgetvalue(result_.get(), row, col),
            static_cast<std::size_t>(PQgetlength(result_.get(), row, col))};
  }
  std::int64_t integer(int row, int col) const;
  double real(int row, int col) const;
  bool boolean(int row, int col) const { return text(row, col) == "t"; }
  // The number of rows an INSERT, UPDATE or DELETE touched.
  std::int64_t affected() const;

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> result_;
};

// SQLSTATE classes the stores act on.
inline constexpr std::string_view kUniqueViolation = "23505";
inline constexpr std::string_view kSerializationFailure = "40001";
inline constexpr std::string_view kDeadlockDetected = "40P01";

class Connection {
 public:
  // `url` is a libpq connection string or postgresql:// URI.
  static Result<std::unique_ptr<Connection>> open(const std::string& url);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs one or more statements without parameters (the simple protocol): DDL, BEGIN, COMMIT.
  Status exec(std::string_view sql);
  // The same, returning the rows of the last statement of `sql`.
  Result<Rows> exec_rows(std::string_view sql);
  // Runs one statement, prepared on first use and kept for the connection's life.
  Result<Rows> run(std::string_view sql, std::span<const Param> params = {});
  // Runs SQL that varies (compiled queries): not kept.
  Result<Rows> run_once(std::string_view sql, std::span<const Param> params = {});

  // How many rows this connection's statements have written, and schema objects made or dropped:
  // a job that failed after changing this has left work to undo.
  std::int64_t changes() const { return changes_; }
  // Counts a write the statement tag does not show: a SELECT whose CTEs insert, update or delete.
  void wrote() { ++changes_; }
  // The SQLSTATE of the last failed statement ("" when it succeeded).
  const std::string& last_state() const { return last_state_; }
  // Inside a transaction that a failed statement aborted: only ROLLBACK helps now.
  bool transaction_failed() const;
  bool in_transaction() const;
  // The server went away: the connection is useless and must be replaced.
  bool broken() const { return PQstatus(conn_) != CONNECTION_OK; }
  PGconn* handle() { return conn_; }

 private:
  explicit Connection(PGconn* conn) : conn_(conn) {}
  Result<Rows> check(PGresult* result, std::string_view sql);

  PGconn* conn_;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text -> statement name
  std::string last_state_;
  std::int64_t changes_ = 0;
};

// A connection string with secrets removed, for logs and errors.
std::string redacted(std::string_view url);

}  // namespace tsunagu::store::postgres
