#include "broker/throttle_window.hpp"

#include <algorithm>
#include <string>
#include <unordered_map>

namespace tsunagu::broker {

NotificationBatch ThrottleWindow::take() {
  NotificationBatch batch;
  // The index in batch.items of each entity's notification.
  std::unordered_map<std::string, std::size_t> slot;
  for (auto& owed : held_) {
    batch.settles.push_back(owed.seq);
    auto [it, first] = slot.try_emplace(owed.entity.id, batch.items.size());
    if (first) {
      batch.items.push_back(std::move(owed));
      continue;
    }
    auto& kept = batch.items[it->second];
    // showChanges compares with the state before the window's first change; when the latest
    // change has nothing to compare with (a creation, a deletion) neither has the coalesced one,
    // nor when the window began with the entity's creation.
    auto previous = std::move(kept.previous);
    kept = std::move(owed);
    if (kept.previous) kept.previous = std::move(previous);
  }
  held_.clear();
  std::ranges::sort(batch.items, {}, &store::OwedNotification::seq);
  return batch;
}

}  // namespace tsunagu::broker
