#pragma once
// throttling (clause 5.2.12): at least `period` between two notifications of one subscription.
// Peers drop what changes within the period; here nothing is dropped: what is owed meanwhile is
// held and goes out as one notification when the period has passed, with the latest state of
// each entity that changed (and, for showChanges, the values it had before the first of those
// changes). The owed notifications coalesced away are discharged by that one notification.
//
// Pure bookkeeping: the caller tells the time and arms the timer.

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "model/time.hpp"
#include "store/subscription_store.hpp"

namespace tsunagu::broker {

// What one notification carries, and which owed notifications it discharges.
struct NotificationBatch {
  std::vector<store::OwedNotification> items;  // one per entity, ordered by their latest change
  std::vector<std::int64_t> settles;           // the seq of every owed notification in it
};

class ThrottleWindow {
 public:
  ThrottleWindow(std::chrono::milliseconds period, std::optional<model::Timestamp> last_sent)
      : period_(period), last_sent_(last_sent) {}

  // Whether a notification may be sent at `now`; when it may not, opens_at() says from when.
  bool open_at(model::Timestamp now) const { return !last_sent_ || now >= opens_at(); }
  model::Timestamp opens_at() const { return last_sent_.value_or(model::Timestamp{}) + period_; }
  void sent_at(model::Timestamp now) { last_sent_ = now; }
  void set_period(std::chrono::milliseconds period) { period_ = period; }

  void hold(store::OwedNotification owed) { held_.push_back(std::move(owed)); }
  bool holding() const { return !held_.empty(); }
  // Empties the window into one batch.
  NotificationBatch take();

 private:
  std::chrono::milliseconds period_;
  std::optional<model::Timestamp> last_sent_;
  std::vector<store::OwedNotification> held_;  // in seq order
};

}  // namespace tsunagu::broker
