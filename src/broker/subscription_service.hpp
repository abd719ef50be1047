#pragma once
// Subscriptions of every tenant (docs/design/subscriptions.md): their CRUD as store write jobs,
// the in-memory index that matches changes, the notifications owed for each committed change,
// throttling and periodic notification, and the accounting of what was delivered. Rendering and
// sending belong to the Deliverer, so this service knows neither JSON-LD compaction nor HTTP.
//
// Several nodes (store/node_coordination.hpp): every node matches its writes against every
// subscription of the store and records what they owe; only a subscription's owner hands out
// what it owes (routed at once when the owner wrote the change, else read when another node
// announces "owed"), runs its timers and writes its counters. What a node learns from the others
// (subscriptions changed, notifications owed, ownership claimed or lost) is handled on the
// service's thread, in subscription_service_nodes.cpp.
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
#include "store/node_coordination.hpp"
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

class SubscriptionService final : public ChangeObserver, private store::CoordinationListener {
 public:
  SubscriptionService(store::Store& store, const model::Clock& clock, Deliverer& deliverer,
                      SubscriptionServiceOptions options = {});
  ~SubscriptionService() override;  // stop()

  // Loads the subscriptions of every tenant and hands what is still owed to the deliverer (on a
  // shared store: what it owes of the subscriptions this node claims).
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
    // This node delivers the subscription's notifications, runs its timers and writes its
    // counters. Always, on a store no other node shares.
    bool owned = false;
    // A notification was deferred: what the subscription owes waits for the retry, which
    // hands it out in order.
    bool backlogged = false;
  };
  struct Tenant {
    SubscriptionIndex index;
    std::unordered_map<std::string, Live> live;  // by subscription id
    // Owed notifications (by seq) handed to the service's thread and not yet settled for good:
    // a seq leaves it when its delivery was deferred, or on the service's thread once its
    // settlement is durable, so that no read of owed rows on that thread hands it out twice.
    std::unordered_set<std::int64_t> in_flight;
    std::vector<std::int64_t> settled;  // delivered or given up, not yet written
    bool retry_armed = false;
    // The version of the subscriptions the index holds (store::SubscriptionTxn::version); -1
    // before the first read. On a shared store only.
    std::int64_t version = -1;
  };
  // The service thread's own state of one subscription: its timer and throttling window.
  struct Timed {
    std::unique_ptr<boost::asio::system_timer> timer;
    std::uint64_t generation = 0;  // bumped on every re-arm: a stale expiry is ignored
    std::optional<ThrottleWindow> throttle;
    bool periodic_busy = false;  // a periodic notification is still undelivered
  };
  using TimedKey = std::pair<std::string, std::string>;  // tenant, subscription id
  static constexpr std::size_t kOwedPage = 1000;         // owed rows read at a time

  Tenant* tenant_state(const std::string& tenant, bool create);  // with mu_ held
  std::shared_ptr<const model::Subscription> with_counters(
      const Tenant& t, std::shared_ptr<const model::Subscription> s) const;
  // With mu_ held: whether `owed` is this node's to hand out now (its subscription owned, the
  // seq not on its way already); if so, it is then in flight.
  bool take_for_routing(Tenant& t, const store::OwedNotification& owed);
  // What the announcements between nodes say: the tenant's subscriptions changed; notifications
  // were owed for subscriptions that the writing node does not own.
  static constexpr std::string_view kSubscriptionsChanged = "subscriptions";
  static constexpr std::string_view kOwed = "owed";
  // Reads the tenant's subscriptions from the store into the index, unless the index is as new
  // already (by version). Any thread, without mu_.
  Status refresh(const std::string& tenant);

  // store::CoordinationListener, on the coordination's thread: each posts to the service's.
  void on_announced(const std::string& tenant, const std::string& message, bool own) override;
  void on_claimed(const std::string& tenant, std::vector<std::string> subscriptions) override;
  void on_lost_all() override;
  void on_missed() override;

  // On the service thread (subscription_service_nodes.cpp).
  void refresh_or_retry(const std::string& tenant);
  void read_owed(const std::string& tenant);  // past the tenant's cursor
  using OwedPageReader =
      std::function<Result<std::vector<store::OwedNotification>>(std::int64_t after)>;
  // Hands out, oldest first, what `next_page` reads past `after` (advanced as it goes) that this
  // node may hand out now. Any thread that reads owed rows: the service's.
  Status route_owed(const std::string& tenant, std::int64_t& after,
                    const OwedPageReader& next_page);
  // What this node's own job owed for subscriptions it owns (seqs first..last, consecutive):
  // handed out at once when nothing another node owed can come before it, else read in order.
  void route_own(const std::string& tenant, const std::vector<store::OwedNotification>& owed,
                 std::int64_t first, std::int64_t last);
  void take_over(const std::string& tenant, const std::vector<std::string>& ids);
  void drop_unowned_timers();
  // After `delay`, on the service thread.
  void later(std::chrono::milliseconds delay, std::function<void()> work);

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
  store::NodeCoordination& coordination_;
  const bool shared_;  // coordination_.shared()
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
  // Per tenant, the last owed seq read after another node's "owed" (service thread only). Seqs
  // of a tenant commit in order on every node (the tenant's writes are serialized), so nothing
  // below it can still appear.
  std::map<std::string, std::int64_t> owed_cursor_;
  std::unique_ptr<boost::asio::system_timer> flush_timer_;
  std::thread io_thread_;
  boost::asio::thread_pool periodic_pool_{1};
};

}  // namespace tsunagu::broker
