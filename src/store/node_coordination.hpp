#pragma once
// How the nodes sharing one store share the work of subscriptions (docs/design/postgres.md,
// "Notifications across nodes"). Every node matches the changes it writes against every
// subscription and records what they owe in the change's transaction; each subscription has one
// owner, the only node that delivers what it owes, runs its timers and writes its counters.
//
// The contract every store's coordination fulfils:
// - A subscription is owned by the node that created it until that node stops or dies; then
//   its ownership moves to a live node, which is told by on_claimed.
// - A node that could not renew its ownership in time is told by on_lost_all before another
//   node may claim what it owned, and must deliver nothing from then until it is told of claims
//   again: a subscription is never delivered by two nodes at once.
// - What a transaction announces (SubscriptionTxn::announce) reaches every node listening,
//   this one included, after the transaction committed, in commit order. A message can be lost
//   only with the connection that listens; on_missed then says so.
//
// A store that only one node uses (SQLite) is not shared: that node owns every subscription
// and nothing is announced.

#include <string>
#include <vector>

#include "model/error.hpp"

namespace tsunagu::store {

// Called on the coordination's own thread, one call at a time; each must return quickly.
class CoordinationListener {
 public:
  virtual ~CoordinationListener() = default;
  // A committed transaction announced `message` in `tenant`; `own`: it was this node's.
  virtual void on_announced(const std::string& tenant, const std::string& message, bool own) = 0;
  // This node now owns these subscriptions of the tenant (a node left or died, or this node
  // restarted): what they owe is now this node's to deliver.
  virtual void on_claimed(const std::string& tenant, std::vector<std::string> subscriptions) = 0;
  // This node owns no subscription any more: it could not renew its lease in time.
  virtual void on_lost_all() = 0;
  // Announcements may have been lost (the listening connection was cut and is back): whatever
  // they would have said must be read again from the store.
  virtual void on_missed() = 0;
};

class NodeCoordination {
 public:
  virtual ~NodeCoordination() = default;
  // Whether other nodes may share the store. When false, this node owns every subscription and
  // the listener is never called.
  virtual bool shared() const = 0;
  // Whether this node's lease is valid now: a subscription it creates is its own only then
  // (otherwise it is its own once the lease is renewed and on_claimed says so).
  virtual bool holds_lease() const = 0;
  // Registers this node as live, claims what it owns (after a restart: what it owned before,
  // unless another node took it meanwhile) and then its share of what no live node owns, and
  // from now on calls `listener`.
  virtual Status start(CoordinationListener& listener) = 0;
  // Also tells `watcher` of announcements and of missed ones (not of claims), on the same
  // thread; call before start(). For what nodes cache besides subscriptions (the platform's).
  virtual void watch(CoordinationListener& watcher) = 0;
  // Stops calling the listener and renewing. Ownership is given up by Store::close(), once the
  // last writes (counters, settlements) are durable; a node that dies gives it up when its
  // lease expires.
  virtual void stop() = 0;
};

// The coordination of a store no other node shares.
class SoleNode final : public NodeCoordination {
 public:
  bool shared() const override { return false; }
  bool holds_lease() const override { return true; }
  Status start(CoordinationListener&) override { return ok(); }
  void watch(CoordinationListener&) override {}
  void stop() override {}
};

}  // namespace tsunagu::store
