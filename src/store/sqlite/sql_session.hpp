#pragma once
// store/sql_session.hpp on a SQLite connection: prepared statements cached per SQL text,
// BEGIN IMMEDIATE transactions (SQLite then serializes the writers of the file, other
// processes included).

#include <memory>

#include "store/sql_session.hpp"
#include "store/sqlite/connection.hpp"

namespace tsunagu::store::sqlite {

class SqliteSession final : public SqlSession {
 public:
  explicit SqliteSession(std::unique_ptr<Connection> db) : db_(std::move(db)) {}

  Result<int> run(std::string_view sql, const SqlBind& bind, std::string_view what) override;
  Status query(std::string_view sql, const SqlBind& bind, const SqlRowReader& row,
               std::string_view what) override;
  Status in_transaction(const std::function<Status()>& work) override;
  Status announce(std::string_view) override { return ok(); }  // one node per file

 private:
  std::unique_ptr<Connection> db_;
};

}  // namespace tsunagu::store::sqlite
