#pragma once
// Subscriptions of every tenant (docs/design/subscriptions.md): their CRUD as store write jobs,
// the in-memory index that matches changes, the notifications owed for each committed change,
// and the accounting of what was delivered. Rendering and sending belong to the Deliverer, so
// this service knows neither JSON-LD compaction nor HTTP.

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "broker/entity_change.hpp"
#include "broker/entity_service.hpp"
#include "broker/subscription_matcher.hpp"
#include "model/subscription.hpp"
#include "store/store.hpp"

namespace tsunagu::broker {

// One owed notification on its way out.
struct Delivery {
  std::string tenant;
  std::shared_ptr<const model::Subscription> subscription;
  store::OwedNotification owed;
};

enum class DeliveryOutcome {
  Delivered,      // final: received by the endpoint
  AttemptFailed,  // one attempt failed; it will be tried again
  GaveUp,         // final: will never be delivered (a permanent failure)
  Deferred,       // final for now: not attempted (queue full, shutting down); still owed
};

// Renders and sends notifications; reports each attempt and the final outcome.
class Deliverer {
 public:
  virtual ~Deliverer() = default;
  using Report = std::function<void(DeliveryOutcome outcome, model::Timestamp at)>;
  virtual void deliver(Delivery delivery, Report report) = 0;
};

class SubscriptionService final : public ChangeObserver {
 public:
  SubscriptionService(store::Store& store, const model::Clock& clock, Deliverer& deliverer);
  ~SubscriptionService() override;  // stop()

  // Loads the subscriptions of every tenant and hands what is still owed to the deliverer.
  Status start();
  // Writes the counters and settlements still pending; no call may follow.
  void stop();

  void create(const std::string& tenant, model::Subscription subscription, Callback<void> done);
  Result<std::shared_ptr<const model::Subscription>> get(const std::string& tenant,
                                                         const std::string& id);
  // All of the tenant's subscriptions, ordered by id.
  Result<std::vector<std::shared_ptr<const model::Subscription>>> list(const std::string& tenant);
  // Applies `change` to the stored subscription (PATCH), atomically.
  void update(const std::string& tenant, const std::string& id,
              std::function<Status(model::Subscription&)> change, Callback<void> done);
  void remove(const std::string& tenant, const std::string& id, Callback<void> done);

  // ChangeObserver
  bool watches(const std::string& tenant) const override;
  Result<AfterCommit> on_changes(const std::string& tenant, store::WriteTxn& txn,
                                 std::vector<EntityChange> changes) override;

 private:
  struct Tenant {
    SubscriptionIndex index;
  };
  // Delivered notifications to settle and counters to write, per tenant, flushed together.
  struct Pending {
    std::vector<std::int64_t> settled;
    std::map<std::string, model::Subscription> counters;  // by id: the updated copy
  };

  Tenant* tenant_state(const std::string& tenant, bool create);
  void send(Delivery delivery);
  void report(const std::string& tenant, const std::string& id, std::int64_t seq,
              DeliveryOutcome outcome, model::Timestamp at);
  void flush_loop();
  void flush();

  store::Store& store_;
  const model::Clock& clock_;
  Deliverer& deliverer_;

  mutable std::mutex tenants_mu_;
  std::map<std::string, std::unique_ptr<Tenant>> tenants_;  // guarded by tenants_mu_
  std::atomic<bool> any_subscription_{false};

  std::mutex pending_mu_;
  std::map<std::string, Pending> pending_;  // guarded by pending_mu_
  std::condition_variable flush_wake_;
  bool stopping_ = false;  // guarded by pending_mu_
  std::thread flusher_;
};

}  // namespace tsunagu::broker
