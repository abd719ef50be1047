#include "api/ngsild/notification_deliverer.hpp"

#include <spdlog/spdlog.h>

#include "api/ngsild/notification_renderer.hpp"

namespace tsunagu::api::ngsild {

void NotificationDeliverer::deliver(broker::Delivery delivery, Report report) {
  const auto context = notification_context(*delivery.subscription);
  if (auto cached = contexts_.cached(context)) {
    return render_and_submit(std::move(delivery), *cached, std::move(report));
  }
  auto task = [this, context, d = std::make_shared<broker::Delivery>(std::move(delivery)),
               report]() mutable {
    auto resolved = contexts_.resolve(context);
    if (!resolved) {
      // Still owed: the subscription service hands it out again later.
      spdlog::warn("notification for subscription '{}' deferred: {}", d->subscription->id,
                   resolved.error().message);
      report(broker::DeliveryOutcome::AttemptFailed, clock_.now());
      report(broker::DeliveryOutcome::Deferred, clock_.now());
      return;
    }
    render_and_submit(std::move(*d), **resolved, std::move(report));
  };
  if (run_blocking_) {
    run_blocking_(std::move(task));
  } else {
    task();
  }
}

void NotificationDeliverer::render_and_submit(broker::Delivery delivery,
                                              const jsonld::Context& context, Report report) {
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
