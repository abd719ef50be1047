#include "api/ngsild/notification_deliverer.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "api/ngsild/notification_renderer.hpp"

namespace tsunagu::api::ngsild {

void NotificationDeliverer::deliver(broker::Delivery delivery, Report report) {
  const std::string endpoint = delivery.subscription->notification.endpoint.uri;
  {
    std::lock_guard lock(mu_);
    if (auto line = waiting_.find(endpoint); line != waiting_.end()) {
      line->second.push_back({std::move(delivery), std::move(report)});
      return;  // the thread draining the line sends it in turn
    }
    // No line: everything handed over earlier for this endpoint is with the dispatcher already.
    // Submitted under the lock, since deliver() is called from more than one thread.
    if (auto cached = contexts_.cached(notification_context(*delivery.subscription))) {
      return render_and_submit(std::move(delivery), *cached, std::move(report));
    }
    waiting_[endpoint].push_back({std::move(delivery), std::move(report)});
  }
  if (run_blocking_) {
    run_blocking_([this, endpoint] { drain(endpoint); });
  } else {
    drain(endpoint);
  }
}

void NotificationDeliverer::drain(const std::string& endpoint) {
  for (;;) {
    Waiting head;
    {
      std::lock_guard lock(mu_);
      auto line = waiting_.find(endpoint);
      if (line == waiting_.end()) return;
      if (line->second.empty()) {
        waiting_.erase(line);
        return;
      }
      head = std::move(line->second.front());
      line->second.pop_front();
    }
    auto resolved = contexts_.resolve(notification_context(*head.delivery.subscription));
    if (!resolved) {
      const std::string id = head.delivery.subscription->id;
      spdlog::warn("notification for subscription '{}' deferred: {}", id, resolved.error().message);
      head.report(broker::DeliveryOutcome::AttemptFailed, clock_.now());
      head.report(broker::DeliveryOutcome::Deferred, clock_.now());
      defer_subscription(endpoint, id, resolved.error());
      continue;
    }
    // Submitted while the line still exists: a delivery handed over meanwhile queues behind it.
    render_and_submit(std::move(head.delivery), **resolved, std::move(head.report));
  }
}

void NotificationDeliverer::defer_subscription(const std::string& endpoint,
                                               const std::string& subscription_id,
                                               const Error& why) {
  std::vector<Report> deferred;
  {
    std::lock_guard lock(mu_);
    auto line = waiting_.find(endpoint);
    if (line == waiting_.end()) return;
    auto& queue = line->second;
    for (auto it = queue.begin(); it != queue.end();) {
      if (it->delivery.subscription->id != subscription_id) {
        ++it;
        continue;
      }
      deferred.push_back(std::move(it->report));
      it = queue.erase(it);
    }
  }
  if (!deferred.empty()) {
    spdlog::warn("{} more notifications for subscription '{}' deferred: {}", deferred.size(),
                 subscription_id, why.message);
  }
  for (auto& report : deferred) report(broker::DeliveryOutcome::Deferred, clock_.now());
}

bool NotificationDeliverer::admit(broker::Delivery& delivery) const {
  if (!policy_ || !audit_ || !policy_->active()) return true;
  const auto& sub = *delivery.subscription;
  const auto viewer = sub.owner_client_id.empty() ? consent::Viewer::anonymous()
                      : sub.owner_is_operator
                          ? consent::Viewer::operator_client(sub.owner_client_id)
                          : consent::Viewer::client(sub.owner_client_id);
  const consent::ReadGuard guard(*policy_, *audit_, viewer);
  // A change that matched through a personal attribute the owner may not see (in q, geoQ or
  // watchedAttributes) is not notified: stripping the attribute would still tell the residents
  // apart by it, which queries prevent with AccessPolicy::restrictions.
  store::EntityQuery filters;
  filters.attrs = sub.watched_attributes;
  if (sub.q) filters.q = sub.q->expr;
  if (sub.geo) filters.geo = sub.geo->query;
  if (const auto used = consent::attributes_used(filters);
      !used.empty() && guard.applies(delivery.tenant)) {
    std::erase_if(delivery.items, [&](const store::OwedNotification& item) {
      const auto hidden = guard.decide(delivery.tenant, item.entity).hidden;
      return std::any_of(hidden.begin(), hidden.end(),
                         [&](const std::string& a) { return used.contains(a); });
    });
  }
  auto st = guard.admit_each(
      delivery.tenant, delivery.items,
      [](const store::OwedNotification& item) -> const model::Entity& { return item.entity; },
      [](store::OwedNotification& item, const std::vector<std::string>& hidden) {
        consent::strip(item.entity, hidden);
        if (item.previous) consent::strip(*item.previous, hidden);
      });
  if (!st) {
    spdlog::warn("notification for subscription '{}' deferred: the audit cannot be written: {}",
                 sub.id, st.error().message);
  }
  return st.has_value();
}

void NotificationDeliverer::render_and_submit(broker::Delivery delivery,
                                              const jsonld::Context& context, Report report) {
  if (!admit(delivery)) return report(broker::DeliveryOutcome::Deferred, clock_.now());
  if (delivery.items.empty()) return report(broker::DeliveryOutcome::Withheld, clock_.now());
  auto notification = render_notification(*delivery.subscription, delivery.items, delivery.trigger,
                                          context, delivery.tenant, clock_.now());
  auto done = [this, report](const notify::DeliveryResult& r) {
    using Outcome = notify::DeliveryResult::Outcome;
    if (r.outcome == Outcome::Delivered)
      return report(broker::DeliveryOutcome::Delivered, clock_.now());
    if (r.outcome == Outcome::PermanentFailure) {
      return report(broker::DeliveryOutcome::GaveUp, clock_.now());
    }
    report(broker::DeliveryOutcome::Deferred, clock_.now());
  };
  auto attempted = [this, report](const notify::DeliveryResult& r) {
    if (!r.ok()) report(broker::DeliveryOutcome::AttemptFailed, clock_.now());
  };
  dispatcher_.submit(std::move(notification), std::move(done), std::move(attempted));
}

}  // namespace tsunagu::api::ngsild
