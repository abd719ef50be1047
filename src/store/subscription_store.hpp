#pragma once
// The storage contract of subscriptions and of the notifications owed for them
// (docs/design/subscriptions.md). Part of store.hpp's contract: reached inside a write job
// through WriteTxn::subscriptions(), so that a notification owed for a change commits with it.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/entity.hpp"
#include "model/error.hpp"
#include "model/subscription.hpp"
#include "model/time.hpp"

namespace tsunagu::store {

// A notification owed for a committed change, kept until it is delivered: neither a crash nor
// a restart loses it. Rendered when it is sent, so a retry sends the same content.
struct OwedNotification {
  std::int64_t seq = 0;  // assigned by the store; increasing, never reused
  std::string subscription_id;
  model::NotificationTrigger trigger = model::NotificationTrigger::EntityUpdated;
  model::Timestamp at{};                  // when the change was made
  model::Entity entity;                   // after the change; before it, for a deletion
  std::optional<model::Entity> previous;  // before the change, kept for showChanges
};

struct SubscriptionSet {
  std::int64_t version = 0;
  std::vector<model::Subscription> subscriptions;  // ordered by id
};

// Inside a write job.
class SubscriptionTxn {
 public:
  virtual ~SubscriptionTxn() = default;
  virtual Result<std::optional<model::Subscription>> get(std::string_view id) = 0;
  // Inserts, or replaces the subscription with that id.
  virtual Status put(const model::Subscription& subscription) = 0;
  // Writes only the subscription's counters (timesSent ... lastFailure) over the stored ones:
  // unlike put, no change of the subscriptions for version(). Nothing when there is none.
  virtual Status put_counters(const model::Subscription& subscription) = 0;
  // Removes it and the notifications still owed for it; false when there was none.
  virtual Result<bool> remove(std::string_view id) = 0;
  // Records an owed notification; returns its seq.
  virtual Result<std::int64_t> owe(const OwedNotification& notification) = 0;
  // The version of the tenant's subscriptions when the transaction began: it grows with every
  // committed put or remove, on any node (TenantStore::subscription_set). Always 0 on a store
  // no other node shares: its node knows every change it made.
  virtual std::int64_t version() = 0;
  // Forgets owed notifications that were delivered (or given up). Unknown seqs are ignored.
  virtual Status settle(std::span<const std::int64_t> seqs) = 0;
  // Tells every node sharing the store (store/node_coordination.hpp) once this transaction has
  // committed; nothing when it fails. Receivers take a message as a hint to read the store
  // again, so one announced by a job that failed within a committed group does no harm.
  // Identical messages of one transaction are sent once. A store no other node shares drops it.
  virtual void announce(std::string message) = 0;
};

}  // namespace tsunagu::store
