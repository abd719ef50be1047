#pragma once
// Subscriptions of every tenant (docs/design/subscriptions.md): their CRUD as store write jobs,
// the in-memory index that matches changes, the notifications owed for each committed change,
// throttling and periodic notification, and the accounting of what was delivered. Rendering and
// sending belong to the Deliverer, so this service knows neither JSON-LD compaction nor HTTP.
//
// Threads. Matching and owing run on the store's writer thread, inside the write's transaction;
// everything after the commit runs on the service's own thread (handing notifications to the
// Deliverer, which renders them there: never on the writer), and its timers (throttling windows,
// periodic ticks, writing the counters, retrying what was deferred) too. A periodic
// notification's query runs on a third thread, so that a large one delays no timer.

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/system_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "broker/delivery.hpp"
#include "broker/entity_change.hpp"
#include "broker/entity_service.hpp"
#include "broker/subscription_matcher.hpp"
#include "broker/throttle_window.hpp"
#include "model/subscription.hpp"
#include "store/store.hpp"

namespace tsunagu::broker {

struct SubscriptionServiceOptions {
  // How often counters and settlements are written (one write job per tenant).
  std::chrono::milliseconds flush_interval{500};
  // After a notification was deferred (its endpoint's queue full, its @context unavailable),
  // when what its subscription owes is handed out again.
  std::chrono::milliseconds retry_deferred_after{5000};
  // A periodic notification carries at most this many entities; more go in further ones.
  std::size_t periodic_page = 1000;
  // Entities sent per period and subscription at most (a subscription selecting more is told
  // of the first ones, in creation order, and a warning is logged).
  std::size_t periodic_max_entities = 100000;
};

class SubscriptionService final : public ChangeObserver {
 public:
  SubscriptionService(store::Store& store, const model::Clock& clock, Deliverer& deliverer,
                      SubscriptionServiceOptions options = {});
  ~SubscriptionService() override;  // stop()

  // Loads the subscriptions of every tenant and hands what is still owed to the deliverer.
  Status start();
  // Stops handing out notifications and the timers, then writes the counters and settlements
  // reported so far. Idempotent.
  void stop();
  // Writes counters and settlements reported since the last write: after stop(), for the
  // reports of deliveries that were in flight (call it once the deliverer has stopped).
  void flush();

  void create(const std::string& tenant, model::Subscription subscription, Callback<void> done);
  // The subscription with its current counters.
  Result<std::shared_ptr<const model::Subscription>> get(const std::string& tenant,
                                                         const std::string& id);
  // All of the tenant's subscriptions with their counters, ordered by id.
  Result<std::vector<std::shared_ptr<const model::Subscription>>> list(const std::string& tenant);
  // Applies `change` to the stored subscription (PATCH), atomically.
  void update(const std::string& tenant, const std::string& id,
              std::function<Status(model::Subscription&)> change, Callback<void> done);
  void remove(const std::string& tenant, const std::string& id, Callback<void> done);

  // ChangeObserver
  bool watches(const std::string& tenant) const override;
  Result<AfterCommit> on_changes(const std::string& tenant, store::WriteTxn& txn,
                                 const std::vector<EntityChange>& changes) override;

 private:
  // What the notifier counts (clause 5.2.14), kept beside the immutable subscription so that a
  // report changes four numbers instead of replacing the subscription in the index.
  struct Counters {
    std::uint64_t times_sent = 0;
    std::uint64_t times_failed = 0;
    std::optional<model::Timestamp> last_notification, last_success, last_failure;
    bool dirty = false;  // changed since last written
  };
  // A subscription's state beyond its stored definition. Guarded by mu_.
  struct Live {
    Counters counters;
    // A notification was deferred: what the subscription owes waits for the retry, which
    // hands it out in order.
    bool backlogged = false;
  };
  struct Tenant {
    SubscriptionIndex index;
    std::unordered_map<std::string, Live> live;  // by subscription id
    // Owed notifications (by seq) handed to the service's thread and not finally reported.
    std::unordered_set<std::int64_t> in_flight;
    std::vector<std::int64_t> settled;  // delivered or given up, not yet written
    bool retry_armed = false;
  };
  // The service thread's own state of one subscription: its timer and throttling window.
  struct Timed {
    std::unique_ptr<boost::asio::system_timer> timer;
    std::uint64_t generation = 0;  // bumped on every re-arm: a stale expiry is ignored
    std::optional<ThrottleWindow> throttle;
    bool periodic_busy = false;  // a periodic notification is still undelivered
  };
  using TimedKey = std::pair<std::string, std::string>;  // tenant, subscription id

  Tenant* tenant_state(const std::string& tenant, bool create);  // with mu_ held
  std::shared_ptr<const model::Subscription> with_counters(
      const Tenant& t, std::shared_ptr<const model::Subscription> s) const;

  // On the service thread.
  void route(const std::string& tenant, store::OwedNotification owed);
  void release_throttled(const TimedKey& key, std::uint64_t generation);
  void reschedule(const TimedKey& key);
  void periodic_tick(const TimedKey& key, std::uint64_t generation);
  void retry_deferred(const std::string& tenant);
  void arm(Timed& timed, model::Timestamp at, std::function<void(std::uint64_t)> fire);
  void arm_flush();

  // On the periodic thread.
  void send_periodic(const std::string& tenant, std::shared_ptr<const model::Subscription> s);

  void hand_out(Delivery delivery, bool periodic_last = false);
  void report(const std::string& tenant, const std::string& id,
              const std::vector<std::int64_t>& settles, bool periodic, bool periodic_last,
              DeliveryOutcome outcome, model::Timestamp at);

  store::Store& store_;
  const model::Clock& clock_;
  Deliverer& deliverer_;
  const SubscriptionServiceOptions options_;

  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Tenant>> tenants_;  // guarded by mu_; never erased
  bool stopping_ = false;                                   // guarded by mu_
  std::atomic<bool> any_subscription_{false};

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> io_work_;
  std::map<TimedKey, Timed> timed_;  // the service thread's only
  std::unique_ptr<boost::asio::system_timer> flush_timer_;
  std::thread io_thread_;
  boost::asio::thread_pool periodic_pool_{1};
};

}  // namespace tsunagu::broker
