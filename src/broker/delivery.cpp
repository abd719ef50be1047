#include "broker/delivery.hpp"

namespace tsunagu::broker {

std::optional<model::NotificationTrigger> common_trigger(
    const std::vector<store::OwedNotification>& items) {
  if (items.empty()) return std::nullopt;
  const auto first = items.front().trigger;
  for (const auto& item : items) {
    if (item.trigger != first) return std::nullopt;
  }
  return first;
}

}  // namespace tsunagu::broker
