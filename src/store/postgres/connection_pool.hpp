#pragma once
// A pool of connections to one database, opened on demand up to a bound. A connection whose
// server went away is dropped when it comes back, so the pool heals after a database restart.
//
// Thread safety: acquire() and the handles' release may run on any thread; `idle_` and `open_`
// are guarded by `mu_`.

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/postgres/connection.hpp"

namespace tsunagu::store::postgres {

class ConnectionPool : public std::enable_shared_from_this<ConnectionPool> {
 public:
  ConnectionPool(std::string url, std::size_t max) : url_(std::move(url)), max_(max) {}

  // A connection that returns to the pool when the handle is dropped (the pool must outlive it).
  using Handle = std::unique_ptr<Connection, std::function<void(Connection*)>>;
  Result<Handle> acquire();

 private:
  void release(Connection* c);

  const std::string url_;
  const std::size_t max_;
  std::mutex mu_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
  std::size_t open_ = 0;                           // guarded by mu_
};

}  // namespace tsunagu::store::postgres
