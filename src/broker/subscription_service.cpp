#include "broker/subscription_service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>

namespace tsunagu::broker {
namespace asio = boost::asio;
namespace {

Error not_found(const std::string& id) {
  return Error{ErrorKind::ResourceNotFound, "subscription '" + id + "' does not exist", {}};
}

}  // namespace

SubscriptionService::SubscriptionService(store::Store& store, const model::Clock& clock,
                                         Deliverer& deliverer, SubscriptionServiceOptions options)
    : store_(store),
      coordination_(store.coordination()),
      shared_(coordination_.shared()),
      clock_(clock),
      deliverer_(deliverer),
      options_(options),
      io_work_(asio::make_work_guard(io_)) {}

SubscriptionService::~SubscriptionService() {
  stop();
}

SubscriptionService::Tenant* SubscriptionService::tenant_state(const std::string& tenant,
                                                               bool create) {
  auto it = tenants_.find(tenant);
  if (it != tenants_.end()) return it->second.get();
  if (!create) return nullptr;
  return tenants_.emplace(tenant, std::make_unique<Tenant>()).first->second.get();
}

std::shared_ptr<const model::Subscription> SubscriptionService::with_counters(
    const Tenant& t, std::shared_ptr<const model::Subscription> s) const {
  auto it = t.live.find(s->id);
  if (it == t.live.end() || !it->second.owned) return s;  // its owner's, as stored
  const Counters& c = it->second.counters;
  auto copy = std::make_shared<model::Subscription>(*s);
  copy->times_sent = c.times_sent;
  copy->times_failed = c.times_failed;
  copy->last_notification = c.last_notification;
  copy->last_success = c.last_success;
  copy->last_failure = c.last_failure;
  return copy;
}

bool SubscriptionService::take_for_routing(Tenant& t, const store::OwedNotification& owed) {
  auto live = t.live.find(owed.subscription_id);
  if (live == t.live.end() || !live->second.owned) return false;
  return t.in_flight.insert(owed.seq).second;
}

Status SubscriptionService::start() {
  for (const auto& name : store_.tenant_names()) {
    auto db = store_.tenant(name, false);
    if (!db) return std::unexpected(db.error());
    auto set = (*db)->subscription_set();
    if (!set) return std::unexpected(set.error());
    auto& subs = set->subscriptions;
    if (subs.empty()) continue;
    Tenant* t = nullptr;
    {
      std::lock_guard lock(mu_);
      t = tenant_state(name, true);
      t->version = set->version;
      for (auto& s : subs) {
        Live& live = t->live[s.id];
        live.owned = !shared_;  // on a shared store: once claimed
        Counters& c = live.counters;
        c.times_sent = s.times_sent;
        c.times_failed = s.times_failed;
        c.last_notification = s.last_notification;
        c.last_success = s.last_success;
        c.last_failure = s.last_failure;
        const bool periodic = model::is_periodic(s) && live.owned;
        const TimedKey key{name, s.id};
        t->index.put(std::make_shared<const model::Subscription>(std::move(s)));
        if (periodic) asio::post(io_, [this, key] { reschedule(key); });
      }
    }
    any_subscription_ = true;
    if (shared_) continue;  // what is owed goes out once claimed (take_over)
    // What was owed when the server stopped goes out again, in the order it was owed.
    std::int64_t after = 0;
    for (;;) {
      auto owed = (*db)->owed_notifications(after, kOwedPage);
      if (!owed) return std::unexpected(owed.error());
      for (auto& n : *owed) {
        after = n.seq;
        std::lock_guard lock(mu_);
        if (!t->index.find(n.subscription_id)) {
          t->settled.push_back(n.seq);  // of a subscription that no longer exists
          continue;
        }
        if (!take_for_routing(*t, n)) continue;
        asio::post(io_, [this, name, n = std::move(n)]() mutable { route(name, std::move(n)); });
      }
      if (owed->size() < kOwedPage) break;
    }
  }
  arm_flush();
  io_thread_ = std::thread([this] { io_.run(); });
  if (shared_) return coordination_.start(*this);
  return ok();
}

void SubscriptionService::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  coordination_.stop();
  io_work_.reset();
  io_.stop();
  if (io_thread_.joinable()) io_thread_.join();
  periodic_pool_.stop();
  periodic_pool_.join();
  timed_.clear();
  flush();
}

bool SubscriptionService::watches(const std::string& tenant) const {
  if (shared_) return true;  // another node may have just created one
  if (!any_subscription_) return false;
  std::lock_guard lock(mu_);
  auto it = tenants_.find(tenant);
  return it != tenants_.end() && it->second->index.size() > 0;
}

void SubscriptionService::create(const std::string& tenant, model::Subscription subscription,
                                 Callback<void> done) {
  auto db = store_.tenant(tenant, true);
  if (!db) return done(std::unexpected(db.error()));
  const auto now = clock_.now();
  subscription.created_at = subscription.modified_at = now;
  auto shared = std::make_shared<const model::Subscription>(std::move(subscription));
  auto apply = [this, tenant, shared](store::WriteTxn& txn) -> Status {
    auto existing = txn.subscriptions().get(shared->id);
    if (!existing) return std::unexpected(existing.error());
    if (*existing) {
      return fail(ErrorKind::AlreadyExists, "subscription '" + shared->id + "' already exists");
    }
    // Its creator owns it (a node whose lease lapsed: once it claims again), from before the
    // commit: another node's change may owe it something right after, and this node must take
    // that for its own when it reads it.
    {
      std::lock_guard lock(mu_);
      Live& live = tenant_state(tenant, true)->live[shared->id] = Live{};
      live.owned = coordination_.holds_lease();
    }
    txn.subscriptions().announce(std::string(kSubscriptionsChanged));
    return txn.subscriptions().put(*shared);
  };
  (*db)->submit(
      {std::move(apply), [this, tenant, shared, done = std::move(done)](Status st) {
         if (st) {
           {
             std::lock_guard lock(mu_);
             tenant_state(tenant, true)->index.put(shared);
             any_subscription_ = true;
           }
           asio::post(io_, [this, key = TimedKey{tenant, shared->id}] { reschedule(key); });
         }
         done(std::move(st));
       }});
}

Result<std::shared_ptr<const model::Subscription>> SubscriptionService::get(
    const std::string& tenant, const std::string& id) {
  if (shared_) {
    // Another node may have just created, changed or removed it, and its owner keeps its
    // counters: the store has the definition, this node's memory only its own counters.
    auto db = store_.tenant(tenant, false);
    if (!db) return std::unexpected(db.error());
    auto stored = (*db)->subscription(id);
    if (!stored) return std::unexpected(stored.error());
    if (!*stored) return std::unexpected(not_found(id));
    auto s = std::make_shared<const model::Subscription>(std::move(**stored));
    std::lock_guard lock(mu_);
    Tenant* t = tenant_state(tenant, false);
    return t ? with_counters(*t, std::move(s)) : s;
  }
  {
    std::lock_guard lock(mu_);
    if (Tenant* t = tenant_state(tenant, false)) {
      if (auto s = t->index.find(id)) return with_counters(*t, std::move(s));
    }
  }
  if (!tenant.empty() && !store_.tenant(tenant, false)) {
    return fail(ErrorKind::NonexistentTenant, "tenant '" + tenant + "' does not exist");
  }
  return std::unexpected(not_found(id));
}

Result<std::vector<std::shared_ptr<const model::Subscription>>> SubscriptionService::list(
    const std::string& tenant) {
  if (shared_) {
    auto db = store_.tenant(tenant, false);
    if (!db) {
      if (tenant.empty() && db.error().kind == ErrorKind::NonexistentTenant) {
        return std::vector<std::shared_ptr<const model::Subscription>>{};
      }
      return std::unexpected(db.error());
    }
    auto stored = (*db)->subscriptions();
    if (!stored) return std::unexpected(stored.error());
    std::vector<std::shared_ptr<const model::Subscription>> all;
    all.reserve(stored->size());
    std::lock_guard lock(mu_);
    Tenant* t = tenant_state(tenant, false);
    for (auto& s : *stored) {
      auto shared = std::make_shared<const model::Subscription>(std::move(s));
      all.push_back(t ? with_counters(*t, std::move(shared)) : std::move(shared));
    }
    return all;
  }
  {
    std::lock_guard lock(mu_);
    if (Tenant* t = tenant_state(tenant, false)) {
      auto all = t->index.all();
      for (auto& s : all) s = with_counters(*t, std::move(s));
      return all;
    }
  }
  if (!tenant.empty()) {
    if (auto db = store_.tenant(tenant, false); !db) return std::unexpected(db.error());
  }
  return std::vector<std::shared_ptr<const model::Subscription>>{};
}

void SubscriptionService::update(const std::string& tenant, const std::string& id,
                                 std::function<Status(model::Subscription&)> change,
                                 Callback<void> done) {
  auto db = store_.tenant(tenant, false);
  if (!db) return done(std::unexpected(db.error()));
  auto result = std::make_shared<std::shared_ptr<const model::Subscription>>();
  auto apply = [this, tenant, id, change = std::move(change),
                result](store::WriteTxn& txn) -> Status {
    auto stored = txn.subscriptions().get(id);
    if (!stored) return std::unexpected(stored.error());
    if (!*stored) return std::unexpected(not_found(id));
    model::Subscription s = std::move(**stored);
    if (auto st = change(s); !st) return st;
    s.id = id;
    s.modified_at = clock_.now();
    // The counters live in the owner's memory (and may be ahead of the stored ones); its next
    // flush writes them over whatever this puts.
    txn.subscriptions().announce(std::string(kSubscriptionsChanged));
    if (auto st = txn.subscriptions().put(s); !st) return st;
    *result = std::make_shared<const model::Subscription>(std::move(s));
    return ok();
  };
  (*db)->submit({std::move(apply), [this, tenant, id, result, done = std::move(done)](Status st) {
                   if (st) {
                     {
                       std::lock_guard lock(mu_);
                       Tenant* t = tenant_state(tenant, true);
                       t->index.put(*result);
                       Live& live = t->live[id];
                       live.counters.dirty = live.owned;
                     }
                     asio::post(io_, [this, key = TimedKey{tenant, id}] { reschedule(key); });
                   }
                   done(std::move(st));
                 }});
}

void SubscriptionService::remove(const std::string& tenant, const std::string& id,
                                 Callback<void> done) {
  auto db = store_.tenant(tenant, false);
  if (!db) return done(std::unexpected(db.error()));
  auto apply = [id](store::WriteTxn& txn) -> Status {
    auto removed = txn.subscriptions().remove(id);
    if (!removed) return std::unexpected(removed.error());
    if (!*removed) return std::unexpected(not_found(id));
    txn.subscriptions().announce(std::string(kSubscriptionsChanged));
    return ok();
  };
  (*db)->submit({std::move(apply), [this, tenant, id, done = std::move(done)](Status st) {
                   if (st) {
                     {
                       std::lock_guard lock(mu_);
                       if (Tenant* t = tenant_state(tenant, false)) {
                         t->index.remove(id);
                         t->live.erase(id);
                       }
                     }
                     asio::post(io_, [this, key = TimedKey{tenant, id}] { reschedule(key); });
                   }
                   done(std::move(st));
                 }});
}

Result<ChangeObserver::AfterCommit> SubscriptionService::on_changes(
    const std::string& tenant, store::WriteTxn& txn, const std::vector<EntityChange>& changes) {
  Tenant* t = nullptr;
  bool stale = false;
  {
    std::lock_guard lock(mu_);
    t = tenant_state(tenant, shared_);
    stale = t && shared_ && txn.subscriptions().version() > t->version;
  }
  // Another node changed the tenant's subscriptions since this node last read them: what it
  // created must notify this change already.
  if (stale) {
    if (auto st = refresh(tenant); !st) return std::unexpected(st.error());
  }
  if (!t) return AfterCommit();
  const auto now = clock_.now();
  auto owed = std::make_shared<std::vector<store::OwedNotification>>();
  for (const auto& change : changes) {
    for (auto& m : t->index.match(change, now)) {
      store::OwedNotification n;
      n.subscription_id = m.subscription->id;
      n.trigger = m.trigger;
      n.at = now;
      n.entity = change.after ? *change.after : *change.before;
      if (m.subscription->notification.show_changes && change.before && change.after) {
        n.previous = *change.before;
      }
      auto seq = txn.subscriptions().owe(n);
      if (!seq) return std::unexpected(seq.error());
      n.seq = *seq;
      owed->push_back(std::move(n));
    }
  }
  if (owed->empty()) return AfterCommit();
  // The job's seqs are consecutive: its transaction holds the tenant's lock.
  const std::int64_t first = owed->front().seq, last = owed->back().seq;
  // What this node owns it hands out itself; the owners of the rest read it when told.
  {
    std::lock_guard lock(mu_);
    auto others = std::stable_partition(owed->begin(), owed->end(), [t](const auto& n) {
      auto live = t->live.find(n.subscription_id);
      return live != t->live.end() && live->second.owned;
    });
    if (others != owed->end()) {
      txn.subscriptions().announce(std::string(kOwed));
      owed->erase(others, owed->end());
    }
  }
  if (owed->empty()) return AfterCommit();
  if (shared_) {
    return AfterCommit([this, tenant, owed, first, last](bool committed) {
      if (!committed) return;
      asio::post(io_, [this, tenant, owed, first, last] { route_own(tenant, *owed, first, last); });
    });
  }
  // On the writer thread, once durable: only note what is in flight and hand it over.
  return AfterCommit([this, tenant, t, owed](bool committed) {
    if (!committed) return;
    {
      std::lock_guard lock(mu_);
      for (const auto& n : *owed) t->in_flight.insert(n.seq);
    }
    asio::post(io_, [this, tenant, owed] {
      for (auto& n : *owed) route(tenant, std::move(n));
    });
  });
}

void SubscriptionService::route(const std::string& tenant, store::OwedNotification owed) {
  std::shared_ptr<const model::Subscription> sub;
  std::optional<model::Timestamp> last_notification;
  {
    std::lock_guard lock(mu_);
    Tenant* t = tenant_state(tenant, false);
    sub = t ? t->index.find(owed.subscription_id) : nullptr;
    auto live = sub ? t->live.find(sub->id) : decltype(t->live.end()){};
    // Removed meanwhile (its owed notifications went with it), owned by another node now, or
    // waiting for the retry of a deferred one, which hands this one out again after it.
    if (!sub || live == t->live.end() || !live->second.owned || live->second.backlogged) {
      if (t) t->in_flight.erase(owed.seq);
      return;
    }
    last_notification = live->second.counters.last_notification;
  }
  const auto trigger = owed.trigger;
  if (!sub->throttling) {
    const std::int64_t seq = owed.seq;
    hand_out({tenant, sub, {std::move(owed)}, {seq}, trigger});
    return;
  }
  const TimedKey key{tenant, sub->id};
  Timed& timed = timed_[key];
  const auto period = model::seconds_to_duration(*sub->throttling);
  if (!timed.throttle) timed.throttle.emplace(period, last_notification);
  const auto now = clock_.now();
  if (!timed.throttle->holding() && timed.throttle->open_at(now)) {
    timed.throttle->sent_at(now);
    const std::int64_t seq = owed.seq;
    hand_out({tenant, sub, {std::move(owed)}, {seq}, trigger});
    return;
  }
  const bool was_holding = timed.throttle->holding();
  timed.throttle->hold(std::move(owed));
  if (!was_holding) {
    arm(timed, timed.throttle->opens_at(),
        [this, key](std::uint64_t generation) { release_throttled(key, generation); });
  }
}

void SubscriptionService::release_throttled(const TimedKey& key, std::uint64_t generation) {
  auto it = timed_.find(key);
  if (it == timed_.end() || it->second.generation != generation) return;
  Timed& timed = it->second;
  if (!timed.throttle || !timed.throttle->holding()) return;
  auto batch = timed.throttle->take();
  timed.throttle->sent_at(clock_.now());
  std::shared_ptr<const model::Subscription> sub;
  {
    std::lock_guard lock(mu_);
    Tenant* t = tenant_state(key.first, false);
    sub = t ? t->index.find(key.second) : nullptr;
    auto live = sub ? t->live.find(key.second) : decltype(t->live.end()){};
    if (!sub || live == t->live.end() || !live->second.owned || live->second.backlogged) {
      // Still owed (unless removed): the retry, or the new owner, hands it out again.
      if (t) {
        for (auto seq : batch.settles) t->in_flight.erase(seq);
      }
      return;
    }
  }
  auto trigger = common_trigger(batch.items);
  hand_out({key.first, sub, std::move(batch.items), std::move(batch.settles), trigger});
}

// A subscription was created, changed or removed (or loaded at start): its timers follow.
void SubscriptionService::reschedule(const TimedKey& key) {
  std::shared_ptr<const model::Subscription> sub;
  std::optional<model::Timestamp> last_notification;
  {
    std::lock_guard lock(mu_);
    Tenant* t = tenant_state(key.first, false);
    sub = t ? t->index.find(key.second) : nullptr;
    if (sub) {
      auto live = t->live.find(key.second);
      if (live == t->live.end() || !live->second.owned) {
        sub = nullptr;  // its timers run on its owner
      } else {
        last_notification = live->second.counters.last_notification;
      }
    }
  }
  if (!sub) {
    // What a throttling window held was owed by the removed subscription, and went with it (or
    // is now its new owner's to hand out).
    if (auto it = timed_.find(key); it != timed_.end()) {
      if (it->second.throttle && it->second.throttle->holding()) {
        const auto held = it->second.throttle->take();
        std::lock_guard lock(mu_);
        if (Tenant* t = tenant_state(key.first, false)) {
          for (auto seq : held.settles) t->in_flight.erase(seq);
        }
      }
      timed_.erase(it);
    }
    return;
  }
  Timed& timed = timed_[key];
  if (model::is_periodic(*sub)) {
    arm(timed, model::next_period_after(*sub, clock_.now()),
        [this, key](std::uint64_t generation) { periodic_tick(key, generation); });
    return;
  }
  if (sub->throttling) {
    const auto period = model::seconds_to_duration(*sub->throttling);
    if (timed.throttle) {
      timed.throttle->set_period(period);
    } else {
      timed.throttle.emplace(period, last_notification);
    }
    if (timed.throttle->holding()) {
      arm(timed, timed.throttle->opens_at(),
          [this, key](std::uint64_t generation) { release_throttled(key, generation); });
    } else {
      ++timed.generation;
    }
    return;
  }
  // Neither periodic nor throttled (any more): what a window held goes out now.
  if (timed.throttle && timed.throttle->holding()) release_throttled(key, timed.generation);
  timed_.erase(key);
}

void SubscriptionService::arm(Timed& timed, model::Timestamp at,
                              std::function<void(std::uint64_t)> fire) {
  const std::uint64_t generation = ++timed.generation;
  auto timer = std::make_shared<asio::system_timer>(io_);
  // The wait is measured on the service's clock, which tests may hold still.
  const auto wait = std::max(at - clock_.now(), model::Timestamp::duration::zero());
  timer->expires_after(wait);
  timer->async_wait(
      [timer, generation, fire = std::move(fire)](const boost::system::error_code& ec) {
        if (!ec) fire(generation);
      });
}

void SubscriptionService::arm_flush() {
  auto timer = std::make_shared<asio::system_timer>(io_, options_.flush_interval);
  timer->async_wait([this, timer](const boost::system::error_code& ec) {
    if (ec) return;
    flush();
    arm_flush();
  });
}

void SubscriptionService::periodic_tick(const TimedKey& key, std::uint64_t generation) {
  auto it = timed_.find(key);
  if (it == timed_.end() || it->second.generation != generation) return;
  Timed& timed = it->second;
  std::shared_ptr<const model::Subscription> sub;
  {
    std::lock_guard lock(mu_);
    Tenant* t = tenant_state(key.first, false);
    sub = t ? t->index.find(key.second) : nullptr;
    auto live = sub ? t->live.find(key.second) : decltype(t->live.end()){};
    if (sub && (live == t->live.end() || !live->second.owned)) sub = nullptr;
  }
  if (!sub || !model::is_periodic(*sub)) {
    timed_.erase(it);
    return;
  }
  const auto now = clock_.now();
  arm(timed, model::next_period_after(*sub, now),
      [this, key](std::uint64_t next) { periodic_tick(key, next); });
  // A period whose notification is still undelivered (its endpoint slow or down) is skipped:
  // the next one carries newer data anyway.
  if (!model::is_active_at(*sub, now) || timed.periodic_busy) return;
  timed.periodic_busy = true;
  asio::post(periodic_pool_, [this, tenant = key.first, sub] { send_periodic(tenant, sub); });
}

void SubscriptionService::send_periodic(const std::string& tenant,
                                        std::shared_ptr<const model::Subscription> sub) {
  auto not_busy = [this, key = TimedKey{tenant, sub->id}] {
    asio::post(io_, [this, key] {
      if (auto it = timed_.find(key); it != timed_.end()) it->second.periodic_busy = false;
    });
  };
  auto db = store_.tenant(tenant, false);
  if (!db) return not_busy();
  store::EntityQuery query;
  query.entities = sub->entities;
  if (sub->q) query.q = sub->q->expr;
  if (sub->geo) query.geo = sub->geo->query;
  if (sub->scope) query.scope = sub->scope->expr;
  query.limit = options_.periodic_page;
  const auto now = clock_.now();
  std::vector<Delivery> pages;
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
    }
    if (query.offset >= options_.periodic_max_entities) {
      spdlog::warn("periodic subscription '{}' selects more than {} entities: only those are sent",
                   sub->id, options_.periodic_max_entities);
      break;
    }
    auto page = (*db)->query(query);
    if (!page) {
      spdlog::warn("periodic notification of subscription '{}' not sent: {}", sub->id,
                   page.error().message);
      break;
    }
    const std::size_t n = page->entities.size();
    if (n == 0) break;
    Delivery d{tenant, sub, {}, {}, std::nullopt};
    d.items.reserve(n);
    for (auto& e : page->entities) {
      store::OwedNotification item;
      item.subscription_id = sub->id;
      item.trigger = model::NotificationTrigger::AttributeUpdated;  // not shown: no reason
      item.at = now;
      item.entity = std::move(e);
      d.items.push_back(std::move(item));
    }
    pages.push_back(std::move(d));
    if (n < query.limit) break;
    query.offset += n;
  }
  if (pages.empty()) return not_busy();  // nothing selected: nothing to say
  for (std::size_t i = 0; i < pages.size(); ++i) {
    hand_out(std::move(pages[i]), i + 1 == pages.size());
  }
}

void SubscriptionService::hand_out(Delivery delivery, bool periodic_last) {
  const bool periodic = delivery.settles.empty();
  auto on_report = [this, tenant = delivery.tenant, id = delivery.subscription->id,
                    settles = delivery.settles, periodic,
                    periodic_last](DeliveryOutcome outcome, model::Timestamp at) {
    report(tenant, id, settles, periodic, periodic_last, outcome, at);
  };
  deliverer_.deliver(std::move(delivery), std::move(on_report));
}

void SubscriptionService::report(const std::string& tenant, const std::string& id,
                                 const std::vector<std::int64_t>& settles, bool periodic,
                                 bool periodic_last, DeliveryOutcome outcome, model::Timestamp at) {
  const bool final = outcome != DeliveryOutcome::AttemptFailed;
  bool arm_retry = false;
  {
    std::lock_guard lock(mu_);
    Tenant* t = tenant_state(tenant, false);
    if (!t) return;
    if (outcome == DeliveryOutcome::Delivered || outcome == DeliveryOutcome::GaveUp ||
        outcome == DeliveryOutcome::Withheld) {
      // In flight until the settlement is durable (flush).
      t->settled.insert(t->settled.end(), settles.begin(), settles.end());
    } else if (final) {
      for (auto seq : settles) t->in_flight.erase(seq);
    }
    auto live = t->live.find(id);
    if (live != t->live.end()) {
      Counters& c = live->second.counters;
      if (outcome == DeliveryOutcome::Delivered || outcome == DeliveryOutcome::AttemptFailed) {
        ++c.times_sent;
        c.last_notification = at;
        c.dirty = true;
      }
      if (outcome == DeliveryOutcome::Delivered) c.last_success = at;
      if (outcome == DeliveryOutcome::AttemptFailed) {
        ++c.times_failed;
        c.last_failure = at;
      }
      if (outcome == DeliveryOutcome::Deferred && !periodic && !stopping_) {
        live->second.backlogged = true;
        arm_retry = !t->retry_armed;
        t->retry_armed = true;
      }
    }
  }
  if (periodic && periodic_last && final) {
    asio::post(io_, [this, key = TimedKey{tenant, id}] {
      if (auto it = timed_.find(key); it != timed_.end()) it->second.periodic_busy = false;
    });
  }
  if (arm_retry) {
    auto timer = std::make_shared<asio::system_timer>(io_, options_.retry_deferred_after);
    timer->async_wait([this, timer, tenant](const boost::system::error_code& ec) {
      if (!ec) retry_deferred(tenant);
    });
  }
}

// What deferred notifications left owed goes out again, oldest first, and the subscriptions
// they held back route new notifications again.
void SubscriptionService::retry_deferred(const std::string& tenant) {
  {
    std::lock_guard lock(mu_);
    Tenant* t = tenant_state(tenant, false);
    if (!t) return;
    t->retry_armed = false;
    for (auto& [id, live] : t->live) live.backlogged = false;
  }
  auto db = store_.tenant(tenant, false);
  if (!db) return;
  std::int64_t after = 0;
  auto st = route_owed(
      tenant, after, [&](std::int64_t from) { return (*db)->owed_notifications(from, kOwedPage); });
  if (!st) {
    spdlog::warn("retrying deferred notifications of tenant '{}' failed: {}", tenant,
                 st.error().message);
  }
}

Status SubscriptionService::route_owed(const std::string& tenant, std::int64_t& after,
                                       const OwedPageReader& next_page) {
  for (;;) {
    auto owed = next_page(after);
    if (!owed) return std::unexpected(owed.error());
    for (auto& n : *owed) {
      after = n.seq;
      {
        std::lock_guard lock(mu_);
        Tenant* t = tenant_state(tenant, false);
        // On its way already, or another node's to hand out.
        if (!t || !take_for_routing(*t, n)) continue;
      }
      route(tenant, std::move(n));
    }
    if (owed->size() < kOwedPage) return ok();
  }
}

// Settlements and counters go to the store in one write job per tenant: a notification
// delivered but not settled when the server dies is sent again (at-least-once).
void SubscriptionService::flush() {
  struct Batch {
    std::vector<std::int64_t> settled;
    std::map<std::string, Counters> counters;
  };
  std::map<std::string, Batch> batches;
  {
    std::lock_guard lock(mu_);
    for (auto& [name, t] : tenants_) {
      Batch b;
      b.settled.swap(t->settled);
      for (auto& [id, live] : t->live) {
        if (!live.counters.dirty || !live.owned) continue;
        live.counters.dirty = false;
        b.counters.emplace(id, live.counters);
      }
      if (!b.settled.empty() || !b.counters.empty()) batches.emplace(name, std::move(b));
    }
  }
  for (auto& [tenant, b] : batches) {
    auto db = store_.tenant(tenant, false);
    if (!db) continue;
    auto shared = std::make_shared<Batch>(std::move(b));
    (*db)->submit({[shared](store::WriteTxn& txn) -> Status {
                     if (auto st = txn.subscriptions().settle(shared->settled); !st) return st;
                     for (const auto& [id, c] : shared->counters) {
                       model::Subscription s;
                       s.id = id;
                       s.times_sent = c.times_sent;
                       s.times_failed = c.times_failed;
                       s.last_notification = c.last_notification;
                       s.last_success = c.last_success;
                       s.last_failure = c.last_failure;
                       if (auto st = txn.subscriptions().put_counters(s); !st) return st;
                     }
                     return ok();
                   },
                   [this, tenant, shared](Status st) {
                     if (!st) {
                       spdlog::warn("writing notification counters of tenant '{}' failed: {}",
                                    tenant, st.error().message);
                       std::lock_guard lock(mu_);
                       Tenant* t = tenant_state(tenant, false);
                       t->settled.insert(t->settled.end(), shared->settled.begin(),
                                         shared->settled.end());
                       return;
                     }
                     // Settled for good: a read of owed rows can no longer find them. On the
                     // service thread, which reads them, so that no read started before the
                     // commit sees them after this.
                     asio::post(io_, [this, tenant, shared] {
                       std::lock_guard lock(mu_);
                       Tenant* t = tenant_state(tenant, false);
                       for (auto seq : shared->settled) t->in_flight.erase(seq);
                     });
                   }});
  }
}

}  // namespace tsunagu::broker
