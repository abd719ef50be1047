#pragma once
// store/sql_session.hpp on a PostgreSQL connection: `?n` parameters become `$n`, values are
// sent as text (PostgreSQL infers their types from the statement), a unique violation is
// AlreadyExists, and every transaction first takes one advisory lock, so that the platform's
// writers on all nodes run one at a time, as SQLite's BEGIN IMMEDIATE makes them on one file.
// A connection the server cut is replaced before the next statement outside a transaction.

#include <map>
#include <memory>
#include <string>

#include "store/postgres/connection.hpp"
#include "store/sql_session.hpp"

namespace tsunagu::store::postgres {

class PgSession final : public SqlSession {
 public:
  // `setup` runs on every new connection (the platform's search_path).
  static Result<std::unique_ptr<PgSession>> open(std::string url, std::string setup);

  Result<int> run(std::string_view sql, const SqlBind& bind, std::string_view what) override;
  Status query(std::string_view sql, const SqlBind& bind, const SqlRowReader& row,
               std::string_view what) override;
  Status in_transaction(const std::function<Status()>& work) override;
  // A NOTIFY on the announcement channel (announcements.hpp), from no node in particular.
  Status announce(std::string_view message) override;

 private:
  PgSession(std::string url, std::string setup, std::unique_ptr<Connection> db)
      : url_(std::move(url)), setup_(std::move(setup)), db_(std::move(db)) {}
  // The statement with $n for ?n (cached per text).
  const std::string& numbered(std::string_view sql);
  Result<Rows> execute(std::string_view sql, const SqlBind& bind, std::string_view what);
  Status reconnect_if_cut();

  const std::string url_, setup_;
  std::unique_ptr<Connection> db_;
  bool in_transaction_ = false;
  std::map<std::string, std::string, std::less<>> numbered_;
};

}  // namespace tsunagu::store::postgres
