#pragma once
// Between the subscription service and whoever renders and sends notifications: one
// notification on its way out, and what becomes of it.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/subscription.hpp"
#include "model/time.hpp"
#include "store/subscription_store.hpp"

namespace tsunagu::broker {

// One notification: the entities it carries and the owed notifications it discharges.
struct Delivery {
  std::string tenant;
  std::shared_ptr<const model::Subscription> subscription;
  // The entities notified, one per entity, in the order of their changes. A change-driven
  // notification carries one; a throttled one what its period held; a periodic one a page of the
  // entities the subscription selects (then with seq 0: nothing is owed for them).
  std::vector<store::OwedNotification> items;
  // The owed notifications (by seq) this one discharges once delivered: its items', and those a
  // throttling window coalesced into them.
  std::vector<std::int64_t> settles;
  // triggerReason: the trigger every item shares; none for a periodic notification, or when
  // the items of a throttled one differ.
  std::optional<model::NotificationTrigger> trigger;
};

enum class DeliveryOutcome {
  Delivered,      // final: received by the endpoint
  AttemptFailed,  // one attempt failed; it will be tried again
  GaveUp,         // final: will never be delivered (a permanent failure)
  Deferred,       // final for now: not attempted (queue full, @context unavailable, stopping)
  Withheld,       // final: nothing in it the subscriber may receive (consent), so not sent
};

// Renders and sends notifications; reports each attempt and the final outcome.
class Deliverer {
 public:
  virtual ~Deliverer() = default;
  using Report = std::function<void(DeliveryOutcome outcome, model::Timestamp at)>;
  virtual void deliver(Delivery delivery, Report report) = 0;
};

// The trigger shared by every item, if any.
std::optional<model::NotificationTrigger> common_trigger(
    const std::vector<store::OwedNotification>& items);

}  // namespace tsunagu::broker
