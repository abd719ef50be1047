#pragma once
// What the platform database (platform/platform_db.hpp) needs of a SQL database, so that its
// logic is written once for every backend: statements with numbered parameters (`?1`, `?2`, …;
// a backend that numbers them otherwise rewrites them), values that are integers, text or NULL,
// rows read by column, and transactions. The SQL itself is the common subset of SQLite and
// PostgreSQL (INSERT … ON CONFLICT, RETURNING, partial indexes); each backend keeps its own DDL.

#include <cstdint>
#include <functional>
#include <string_view>

#include "model/error.hpp"
#include "store/stored_time.hpp"

namespace tsunagu::store {

// A statement being run: its parameters are bound before, its row is read after.
class SqlStatement {
 public:
  virtual ~SqlStatement() = default;
  virtual void bind(int index, std::int64_t value) = 0;
  virtual void bind(int index, std::string_view value) = 0;
  virtual void bind_null(int index) = 0;
  virtual std::string_view column_text(int column) = 0;
  virtual std::int64_t column_int(int column) = 0;
  virtual bool column_null(int column) = 0;
};

using SqlBind = std::function<void(SqlStatement&)>;
using SqlRowReader = std::function<void(SqlStatement&)>;

// One connection. Not thread-safe: the platform database calls it under its own lock.
class SqlSession {
 public:
  virtual ~SqlSession() = default;
  // Runs a statement that returns no rows; the number of rows it changed. A unique or primary
  // key violation is AlreadyExists; `what` names the operation in other errors.
  virtual Result<int> run(std::string_view sql, const SqlBind& bind, std::string_view what) = 0;
  // Runs a query and hands each row to `row`, in order.
  virtual Status query(std::string_view sql, const SqlBind& bind, const SqlRowReader& row,
                       std::string_view what) = 0;
  // Runs `work` in a transaction that writers of the same database (other processes or nodes
  // included) run one at a time; rolled back when it fails.
  virtual Status in_transaction(const std::function<Status()>& work) = 0;
  // Tells every node sharing the database (store/node_coordination.hpp: an announcement with no
  // tenant) once what was just written is committed: inside a transaction, at its commit. A
  // database no other node uses has nobody to tell.
  virtual Status announce(std::string_view message) = 0;
};

}  // namespace tsunagu::store
