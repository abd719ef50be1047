#pragma once
// The coordination of the nodes sharing one PostgreSQL database (store/node_coordination.hpp;
// docs/design/postgres.md, "Notifications across nodes").
//
//   tsunagu.nodes(name, expires_at)        each node's lease: live while it has not expired
//   tsunagu.subscription_owners(tenant, subscription, node)
//                                          who delivers each subscription's notifications
//
// A node renews its lease every third of its length. Owner rows are not renewed one by one: a
// subscription is orphaned when its owner's lease has expired (or the owner gave it up at
// close, which ends the lease at once), and live nodes claim orphans, each its share: enough to
// bring it to the average, at least its part of the orphans, and every orphan orphaned for
// longer than one renewal period, so that all are taken within a lease and two periods.
//
// Every change of leases and owners runs under one advisory lock (kLockSpace, -1) and reads the
// clock after taking it (clock_timestamp()), so that a renewal and a claim never interleave: a
// renewal that succeeds was made before its lease expired, and a claim after an expiry sees it.
// A node counts its lease as ending a fifth before the database does (from when it sent the
// renewal), and tells its listener it lost everything then, before any node may claim.
//
// The same connection LISTENs: to announcements (announcements.hpp) and to nodes giving up
// their subscriptions, which makes the others claim at once instead of at their next renewal.

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/node_coordination.hpp"
#include "store/postgres/connection.hpp"

namespace tsunagu::store::postgres {

struct NodeLeaseOptions {
  // A node that has not renewed its lease for this long is taken for dead.
  std::chrono::milliseconds lease{15000};
};

class NodeLeases final : public NodeCoordination {
 public:
  NodeLeases(std::string url, std::string node, NodeLeaseOptions options);
  ~NodeLeases() override;  // stop()

  bool shared() const override { return true; }
  bool holds_lease() const override { return holding_; }
  // Registers the node and makes its first claims before returning (the listener is called on
  // this thread then), then listens and renews on a thread of its own.
  Status start(CoordinationListener& listener) override;
  void stop() override;
  void watch(CoordinationListener& watcher) override { watchers_.push_back(&watcher); }
  // Ends this node's lease at once and tells the other nodes, which claim what it owned. After
  // stop(); nothing when it never started.
  void release();

 private:
  using Clock = std::chrono::steady_clock;

  void run();
  // Renews (or registers) and claims; false when the database could not be reached.
  bool tick(Connection& db);
  bool register_and_claim_own(Connection& db);
  bool claim_orphans(Connection& db);
  void lose_all();
  // Hands received notifications to the listener; true when a node gave its subscriptions up.
  bool drain(Connection& db);
  // Waits for the connection's socket, the wake pipe or `until`.
  void wait(Connection* db, Clock::time_point until);

  const std::string url_;
  const std::string node_;
  const NodeLeaseOptions options_;
  CoordinationListener* listener_ = nullptr;
  std::vector<CoordinationListener*> watchers_;  // set before start()
  std::atomic<bool> holding_{false};
  Clock::time_point valid_until_{};  // run() thread only (and start() before it)
  std::unique_ptr<Connection> db_;   // likewise
  std::atomic<bool> stopping_{false};
  bool started_ = false;
  int wake_[2] = {-1, -1};  // a pipe: stop() writes to end the wait at once
  std::thread thread_;
};

}  // namespace tsunagu::store::postgres
