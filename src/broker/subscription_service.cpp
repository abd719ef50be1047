#include "broker/subscription_service.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

namespace tsunagu::broker {
namespace {

constexpr auto kFlushInterval = std::chrono::milliseconds(500);
constexpr std::size_t kOwedPage = 1000;

Error not_found(const std::string& id) {
  return Error{ErrorKind::ResourceNotFound, "subscription '" + id + "' does not exist", {}};
}

// Counters the notifier keeps, copied onto another version of the same subscription.
void copy_counters(const model::Subscription& from, model::Subscription& to) {
  to.times_sent = from.times_sent;
  to.times_failed = from.times_failed;
  to.last_notification = from.last_notification;
  to.last_success = from.last_success;
  to.last_failure = from.last_failure;
}

}  // namespace

SubscriptionService::SubscriptionService(store::Store& store, const model::Clock& clock,
                                         Deliverer& deliverer)
    : store_(store), clock_(clock), deliverer_(deliverer) {}

SubscriptionService::~SubscriptionService() {
  stop();
}

SubscriptionService::Tenant* SubscriptionService::tenant_state(const std::string& tenant,
                                                               bool create) {
  std::lock_guard lock(tenants_mu_);
  auto it = tenants_.find(tenant);
  if (it != tenants_.end()) return it->second.get();
  if (!create) return nullptr;
  return tenants_.emplace(tenant, std::make_unique<Tenant>()).first->second.get();
}

Status SubscriptionService::start() {
  for (const auto& name : store_.tenant_names()) {
    auto db = store_.tenant(name, false);
    if (!db) return std::unexpected(db.error());
    auto subs = (*db)->subscriptions();
    if (!subs) return std::unexpected(subs.error());
    if (subs->empty()) continue;
    Tenant* t = tenant_state(name, true);
    for (auto& s : *subs) t->index.put(std::make_shared<const model::Subscription>(std::move(s)));
    any_subscription_ = true;
    // What was owed when the server stopped goes out again, in the order it was owed.
    std::int64_t after = 0;
    std::vector<std::int64_t> orphans;
    for (;;) {
      auto owed = (*db)->owed_notifications(after, kOwedPage);
      if (!owed) return std::unexpected(owed.error());
      for (auto& n : *owed) {
        after = n.seq;
        auto sub = t->index.find(n.subscription_id);
        if (!sub) {
          orphans.push_back(n.seq);
          continue;
        }
        send({name, std::move(sub), std::move(n)});
      }
      if (owed->size() < kOwedPage) break;
    }
    if (!orphans.empty()) {
      std::lock_guard lock(pending_mu_);
      auto& p = pending_[name].settled;
      p.insert(p.end(), orphans.begin(), orphans.end());
    }
  }
  flusher_ = std::thread([this] { flush_loop(); });
  return ok();
}

void SubscriptionService::stop() {
  {
    std::lock_guard lock(pending_mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  flush_wake_.notify_all();
  if (flusher_.joinable()) flusher_.join();
  flush();
}

bool SubscriptionService::watches(const std::string& tenant) const {
  if (!any_subscription_) return false;
  std::lock_guard lock(tenants_mu_);
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
  auto apply = [shared](store::WriteTxn& txn) -> Status {
    auto existing = txn.subscriptions().get(shared->id);
    if (!existing) return std::unexpected(existing.error());
    if (*existing) {
      return fail(ErrorKind::AlreadyExists, "subscription '" + shared->id + "' already exists");
    }
    return txn.subscriptions().put(*shared);
  };
  (*db)->submit({std::move(apply), [this, tenant, shared, done = std::move(done)](Status st) {
                   if (st) {
                     std::lock_guard lock(pending_mu_);
                     tenant_state(tenant, true)->index.put(shared);
                     any_subscription_ = true;
                   }
                   done(std::move(st));
                 }});
}

Result<std::shared_ptr<const model::Subscription>> SubscriptionService::get(
    const std::string& tenant, const std::string& id) {
  Tenant* t = tenant_state(tenant, false);
  auto s = t ? t->index.find(id) : nullptr;
  if (!s) {
    if (!tenant.empty() && !store_.tenant(tenant, false)) {
      return fail(ErrorKind::NonexistentTenant, "tenant '" + tenant + "' does not exist");
    }
    return std::unexpected(not_found(id));
  }
  return s;
}

Result<std::vector<std::shared_ptr<const model::Subscription>>> SubscriptionService::list(
    const std::string& tenant) {
  Tenant* t = tenant_state(tenant, false);
  if (!t) {
    if (!tenant.empty()) {
      if (auto db = store_.tenant(tenant, false); !db) return std::unexpected(db.error());
    }
    return std::vector<std::shared_ptr<const model::Subscription>>{};
  }
  return t->index.all();
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
    // The counters in memory may be ahead of the stored ones. (A report between this and the
    // index update below is counted in the store by the next flush, but not shown until then.)
    if (Tenant* t = tenant_state(tenant, false)) {
      if (auto live = t->index.find(id)) copy_counters(*live, s);
    }
    if (auto st = change(s); !st) return st;
    s.id = id;
    s.modified_at = clock_.now();
    if (auto st = txn.subscriptions().put(s); !st) return st;
    *result = std::make_shared<const model::Subscription>(std::move(s));
    return ok();
  };
  (*db)->submit({std::move(apply), [this, tenant, result, done = std::move(done)](Status st) {
                   if (st) {
                     std::lock_guard lock(pending_mu_);
                     tenant_state(tenant, true)->index.put(*result);
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
    return ok();
  };
  (*db)->submit({std::move(apply), [this, tenant, id, done = std::move(done)](Status st) {
                   if (st) {
                     std::lock_guard lock(pending_mu_);
                     if (Tenant* t = tenant_state(tenant, false)) t->index.remove(id);
                   }
                   done(std::move(st));
                 }});
}

Result<ChangeObserver::AfterCommit> SubscriptionService::on_changes(
    const std::string& tenant, store::WriteTxn& txn, std::vector<EntityChange> changes) {
  Tenant* t = tenant_state(tenant, false);
  if (!t) return AfterCommit();
  const auto now = clock_.now();
  auto deliveries = std::make_shared<std::vector<Delivery>>();
  for (auto& change : changes) {
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
      deliveries->push_back({tenant, std::move(m.subscription), std::move(n)});
    }
  }
  if (deliveries->empty()) return AfterCommit();
  return AfterCommit([this, deliveries](bool committed) {
    if (!committed) return;
    for (auto& d : *deliveries) send(std::move(d));
  });
}

void SubscriptionService::send(Delivery delivery) {
  const std::string tenant = delivery.tenant;
  const std::string id = delivery.subscription->id;
  const std::int64_t seq = delivery.owed.seq;
  deliverer_.deliver(std::move(delivery),
                     [this, tenant, id, seq](DeliveryOutcome outcome, model::Timestamp at) {
                       report(tenant, id, seq, outcome, at);
                     });
}

void SubscriptionService::report(const std::string& tenant, const std::string& id, std::int64_t seq,
                                 DeliveryOutcome outcome, model::Timestamp at) {
  if (outcome == DeliveryOutcome::Deferred) return;  // still owed: sent again at next start
  Tenant* t = tenant_state(tenant, false);
  // Under pending_mu_, like every change of the index: a report never puts back a version of
  // the subscription that a PATCH or DELETE has just replaced.
  std::lock_guard lock(pending_mu_);
  auto live = t ? t->index.find(id) : nullptr;
  auto& p = pending_[tenant];
  if (outcome == DeliveryOutcome::Delivered || outcome == DeliveryOutcome::GaveUp) {
    p.settled.push_back(seq);
  }
  if (!live || outcome == DeliveryOutcome::GaveUp) return;
  model::Subscription updated = *live;
  updated.last_notification = at;
  ++updated.times_sent;
  if (outcome == DeliveryOutcome::Delivered) {
    updated.last_success = at;
  } else {
    ++updated.times_failed;
    updated.last_failure = at;
  }
  t->index.put(std::make_shared<const model::Subscription>(updated));
  p.counters.insert_or_assign(id, std::move(updated));
}

void SubscriptionService::flush_loop() {
  std::unique_lock lock(pending_mu_);
  while (!stopping_) {
    flush_wake_.wait_for(lock, kFlushInterval, [this] { return stopping_; });
    lock.unlock();
    flush();
    lock.lock();
  }
}

// Settlements and counters go to the store in one write job per tenant: a notification
// delivered but not settled when the server dies is sent again (at-least-once).
void SubscriptionService::flush() {
  std::map<std::string, Pending> batch;
  {
    std::lock_guard lock(pending_mu_);
    batch.swap(pending_);
  }
  for (auto& [tenant, p] : batch) {
    auto db = store_.tenant(tenant, false);
    if (!db) continue;
    auto shared = std::make_shared<Pending>(std::move(p));
    (*db)->submit({[shared](store::WriteTxn& txn) -> Status {
                     if (auto st = txn.subscriptions().settle(shared->settled); !st) return st;
                     for (const auto& [id, counted] : shared->counters) {
                       auto stored = txn.subscriptions().get(id);
                       if (!stored) return std::unexpected(stored.error());
                       if (!*stored) continue;  // deleted meanwhile
                       copy_counters(counted, **stored);
                       if (auto st = txn.subscriptions().put(**stored); !st) return st;
                     }
                     return ok();
                   },
                   [tenant](Status st) {
                     if (!st) {
                       spdlog::warn("writing notification counters of tenant '{}' failed: {}",
                                    tenant, st.error().message);
                     }
                   }});
  }
}

}  // namespace tsunagu::broker
