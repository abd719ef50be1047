#pragma once
// The broker's Deliverer for NGSI-LD: renders each owed notification (notification_renderer.hpp)
// and hands it to the notify Dispatcher, translating what the dispatcher reports into the
// outcomes the subscription service counts.

#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

#include "api/ngsild/api.hpp"
#include "broker/delivery.hpp"
#include "jsonld/resolver.hpp"
#include "model/time.hpp"
#include "notify/dispatcher.hpp"

namespace tsunagu::api::ngsild {

// Thread-safety: deliver() is called by the subscription service's threads; the fetches run on
// the blocking runner's threads. waiting_ is guarded by mu_; the rest is constant after
// construction.
class NotificationDeliverer final : public broker::Deliverer {
 public:
  // `run_blocking` runs the fetch of an @context that is not cached, so that the subscription
  // service's thread, which hands over deliveries, never waits for a network.
  NotificationDeliverer(notify::Dispatcher& dispatcher, jsonld::ContextResolver& contexts,
                        const model::Clock& clock, BlockingRunner run_blocking)
      : dispatcher_(dispatcher),
        contexts_(contexts),
        clock_(clock),
        run_blocking_(std::move(run_blocking)) {}

  void deliver(broker::Delivery delivery, Report report) override;

  // Notifications carry personal data only as the subscription's owner may read it now: each is
  // decided when handed to the dispatcher (withdrawal stops the next one) and audited. Set once
  // before the first delivery; both must outlive this.
  void guard_personal_data(const consent::AccessPolicy& policy, consent::AuditTrail& audit) {
    policy_ = &policy;
    audit_ = &audit;
  }

 private:
  struct Waiting {
    broker::Delivery delivery;
    Report report;
  };
  // Deliveries to one endpoint behind a fetch, in the order they were handed over: the
  // dispatcher keeps an endpoint's order only among what it has been given, so a delivery whose
  // @context is cached must not overtake one whose @context is still being fetched.
  using Line = std::deque<Waiting>;

  void drain(const std::string& endpoint);
  // The head of the line could not be rendered: it and every delivery of the same subscription
  // behind it stay owed (the subscription service hands them out again, in order).
  void defer_subscription(const std::string& endpoint, const std::string& subscription_id,
                          const Error& why);
  void render_and_submit(broker::Delivery delivery, const jsonld::Context& context, Report report);
  // Removes from the delivery what its owner may not receive and audits the rest; false when
  // the audit could not be written (then nothing may be sent).
  bool admit(broker::Delivery& delivery) const;

  notify::Dispatcher& dispatcher_;
  jsonld::ContextResolver& contexts_;
  const model::Clock& clock_;
  BlockingRunner run_blocking_;
  const consent::AccessPolicy* policy_ = nullptr;  // set before the first delivery
  consent::AuditTrail* audit_ = nullptr;

  std::mutex mu_;
  std::unordered_map<std::string, Line> waiting_;  // by endpoint URI; guarded by mu_
};

}  // namespace tsunagu::api::ngsild
