#pragma once
// The broker's Deliverer for NGSI-LD: renders each owed notification (notification_renderer.hpp)
// and hands it to the notify Dispatcher, translating what the dispatcher reports into the
// outcomes the subscription service counts.

#include "api/ngsild/api.hpp"
#include "broker/delivery.hpp"
#include "jsonld/resolver.hpp"
#include "model/time.hpp"
#include "notify/dispatcher.hpp"

namespace tsunagu::api::ngsild {

class NotificationDeliverer final : public broker::Deliverer {
 public:
  // `run_blocking` runs the rare delivery whose @context is not cached (a fetch may block), so
  // that the subscription service's thread, which hands over deliveries, never waits for a
  // network.
  NotificationDeliverer(notify::Dispatcher& dispatcher, jsonld::ContextResolver& contexts,
                        const model::Clock& clock, BlockingRunner run_blocking)
      : dispatcher_(dispatcher),
        contexts_(contexts),
        clock_(clock),
        run_blocking_(std::move(run_blocking)) {}

  void deliver(broker::Delivery delivery, Report report) override;

 private:
  void render_and_submit(broker::Delivery delivery, const jsonld::Context& context, Report report);

  notify::Dispatcher& dispatcher_;
  jsonld::ContextResolver& contexts_;
  const model::Clock& clock_;
  BlockingRunner run_blocking_;
};

}  // namespace tsunagu::api::ngsild
