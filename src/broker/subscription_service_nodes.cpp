// SubscriptionService: what a node learns from the other nodes sharing its store
// (store/node_coordination.hpp). Everything here runs on the service's thread, the one that
// routes, so a subscription's ownership, its timers and the owed rows read never race.
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/system_timer.hpp>

#include "broker/subscription_service.hpp"

namespace tsunagu::broker {
namespace asio = boost::asio;

void SubscriptionService::on_announced(const std::string& tenant, const std::string& message,
                                       bool own) {
  if (message == kOwed) {
    // Also this node's own: it may have claimed the subscription after matching the change.
    asio::post(io_, [this, tenant] { read_owed(tenant); });
  } else if (message == kSubscriptionsChanged && !own) {
    // For the timers of those this node owns; its writer would refresh before matching anyway.
    asio::post(io_, [this, tenant] { refresh_or_retry(tenant); });
  }
}

void SubscriptionService::on_claimed(const std::string& tenant,
                                     std::vector<std::string> subscriptions) {
  asio::post(io_, [this, tenant, ids = std::move(subscriptions)] { take_over(tenant, ids); });
}

// At once, not on the service thread: the writer must stop routing what it matches itself.
void SubscriptionService::on_lost_all() {
  {
    std::lock_guard lock(mu_);
    for (auto& [name, t] : tenants_) {
      for (auto& [id, live] : t->live) live.owned = false;
    }
  }
  spdlog::warn("this node owns no subscription until it claims again");
  asio::post(io_, [this] { drop_unowned_timers(); });
}

void SubscriptionService::on_missed() {
  asio::post(io_, [this] {
    for (const auto& name : store_.tenant_names()) {
      refresh_or_retry(name);
      read_owed(name);
    }
  });
}

void SubscriptionService::later(std::chrono::milliseconds delay, std::function<void()> work) {
  auto timer = std::make_shared<asio::system_timer>(io_, delay);
  timer->async_wait([timer, work = std::move(work)](const boost::system::error_code& ec) {
    if (!ec) work();
  });
}

Status SubscriptionService::refresh(const std::string& tenant) {
  auto db = store_.tenant(tenant, false);
  if (!db) return std::unexpected(db.error());
  auto set = (*db)->subscription_set();
  if (!set) return std::unexpected(set.error());
  std::vector<TimedKey> keys;
  {
    std::lock_guard lock(mu_);
    Tenant* t = tenant_state(tenant, true);
    if (set->version <= t->version) return ok();  // a newer read came first
    t->version = set->version;
    std::unordered_set<std::string> present;
    for (auto& s : set->subscriptions) {
      present.insert(s.id);
      Live& live = t->live[s.id];
      if (!live.owned) {  // its owner keeps the counters: as it last wrote them
        live.counters = Counters{s.times_sent, s.times_failed, s.last_notification, s.last_success,
                                 s.last_failure};
      }
      keys.emplace_back(tenant, s.id);
      t->index.put(std::make_shared<const model::Subscription>(std::move(s)));
    }
    for (const auto& s : t->index.all()) {
      if (present.contains(s->id)) continue;
      t->index.remove(s->id);
      // What this node owns keeps its counters: it may have created it after this read.
      if (auto live = t->live.find(s->id); live != t->live.end() && !live->second.owned) {
        t->live.erase(live);
      }
      keys.emplace_back(tenant, s->id);
    }
    if (!present.empty()) any_subscription_ = true;
  }
  // Timers follow, on the service thread.
  asio::post(io_, [this, keys = std::move(keys)] {
    for (const auto& key : keys) reschedule(key);
  });
  return ok();
}

void SubscriptionService::refresh_or_retry(const std::string& tenant) {
  if (auto st = refresh(tenant); !st) {
    spdlog::warn("subscriptions of tenant '{}' not reloaded: {}", tenant, st.error().message);
    later(options_.retry_deferred_after, [this, tenant] { refresh_or_retry(tenant); });
  }
}

// Another node owed notifications in the tenant: those of subscriptions this node owns go out.
void SubscriptionService::read_owed(const std::string& tenant) {
  auto db = store_.tenant(tenant, false);
  if (!db) return;
  auto st = route_owed(tenant, owed_cursor_[tenant], [&](std::int64_t after) {
    return (*db)->owed_notifications(after, kOwedPage);
  });
  if (!st) {
    spdlog::warn("notifications owed in tenant '{}' not read: {}", tenant, st.error().message);
    later(options_.retry_deferred_after, [this, tenant] { read_owed(tenant); });
  }
}

void SubscriptionService::route_own(const std::string& tenant,
                                    const std::vector<store::OwedNotification>& owed,
                                    std::int64_t first, std::int64_t last) {
  std::int64_t& cursor = owed_cursor_[tenant];
  if (first != cursor + 1) {
    // Rows of other nodes' writes (or of a rolled-back attempt) may lie between: read in order.
    read_owed(tenant);
    return;
  }
  cursor = last;
  for (const auto& n : owed) {
    {
      std::lock_guard lock(mu_);
      if (!take_for_routing(*tenant_state(tenant, false), n)) continue;
    }
    route(tenant, n);
  }
}

// This node now owns them: their definitions and counters as the last owner left them, their
// timers here, and everything they still owe, oldest first.
void SubscriptionService::take_over(const std::string& tenant,
                                    const std::vector<std::string>& ids) {
  auto retry = [this, tenant](std::vector<std::string> left, const Error& error) {
    spdlog::warn("taking over {} subscription(s) of tenant '{}' failed, retrying: {}", left.size(),
                 tenant, error.message);
    later(options_.retry_deferred_after,
          [this, tenant, left = std::move(left)] { take_over(tenant, left); });
  };
  auto db = store_.tenant(tenant, false);
  if (!db) return retry(ids, db.error());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::string& id = ids[i];
    auto stored = (*db)->subscription(id);
    if (!stored)
      return retry({ids.begin() + static_cast<std::ptrdiff_t>(i), ids.end()}, stored.error());
    {
      std::lock_guard lock(mu_);
      Tenant* t = tenant_state(tenant, true);
      if (!*stored) {  // removed meanwhile
        t->index.remove(id);
        t->live.erase(id);
        continue;
      }
      Live& live = t->live[id];
      if (!live.owned) {
        live.counters =
            Counters{(*stored)->times_sent, (*stored)->times_failed, (*stored)->last_notification,
                     (*stored)->last_success, (*stored)->last_failure};
        live.owned = true;
        live.backlogged = false;
      }
      t->index.put(std::make_shared<const model::Subscription>(std::move(**stored)));
      any_subscription_ = true;
    }
    reschedule({tenant, id});
    std::int64_t after = 0;
    auto st = route_owed(tenant, after, [&](std::int64_t from) {
      return (*db)->owed_notifications_of(id, from, kOwedPage);
    });
    if (!st) return retry({ids.begin() + static_cast<std::ptrdiff_t>(i), ids.end()}, st.error());
  }
}

void SubscriptionService::drop_unowned_timers() {
  std::vector<TimedKey> keys;
  for (const auto& [key, timed] : timed_) keys.push_back(key);
  for (const auto& key : keys) reschedule(key);
}

}  // namespace tsunagu::broker
