#include "store/postgres/connection_pool.hpp"

namespace tsunagu::store::postgres {

Result<ConnectionPool::Handle> ConnectionPool::acquire() {
  std::unique_lock lock(mu_);
  available_.wait(lock, [&] { return !idle_.empty() || open_ < max_; });
  if (!idle_.empty()) {
    auto c = std::move(idle_.back());
    idle_.pop_back();
    return Handle(c.release(), [self = shared_from_this()](Connection* p) { self->release(p); });
  }
  ++open_;
  lock.unlock();
  auto conn = Connection::open(url_);
  if (!conn) {
    std::lock_guard relock(mu_);
    --open_;
    available_.notify_one();
    return std::unexpected(conn.error());
  }
  return Handle(conn->release(), [self = shared_from_this()](Connection* p) { self->release(p); });
}

void ConnectionPool::release(Connection* c) {
  std::unique_ptr<Connection> owned(c);
  std::lock_guard lock(mu_);
  // A connection left inside a transaction (a reader that failed mid-way) or cut off by the
  // server is closed rather than handed to the next reader.
  if (owned->broken() || owned->in_transaction()) {
    --open_;
  } else {
    idle_.push_back(std::move(owned));
  }
  available_.notify_one();
}

}  // namespace tsunagu::store::postgres
