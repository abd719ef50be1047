#include "model/subscription.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

namespace tsunagu::model {
namespace {

constexpr std::array<std::pair<NotificationTrigger, std::string_view>, 6> kTriggers{{
    {NotificationTrigger::EntityCreated, "entityCreated"},
    {NotificationTrigger::EntityUpdated, "entityUpdated"},
    {NotificationTrigger::EntityDeleted, "entityDeleted"},
    {NotificationTrigger::AttributeCreated, "attributeCreated"},
    {NotificationTrigger::AttributeUpdated, "attributeUpdated"},
    {NotificationTrigger::AttributeDeleted, "attributeDeleted"},
}};

constexpr std::array<std::pair<NotificationMedia, std::string_view>, 3> kMedia{{
    {NotificationMedia::Json, "application/json"},
    {NotificationMedia::JsonLd, "application/ld+json"},
    {NotificationMedia::GeoJson, "application/geo+json"},
}};

template <typename E, std::size_t N>
std::string_view name_in(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return {};
}

template <typename E, std::size_t N>
std::optional<E> value_in(const std::array<std::pair<E, std::string_view>, N>& table,
                          std::string_view name) {
  for (const auto& [v, n] : table) {
    if (n == name) return v;
  }
  return std::nullopt;
}

}  // namespace

std::string_view trigger_name(NotificationTrigger trigger) {
  return name_in(kTriggers, trigger);
}

std::optional<NotificationTrigger> trigger_from_name(std::string_view name) {
  return value_in(kTriggers, name);
}

TriggerSet default_triggers() {
  return {NotificationTrigger::AttributeCreated, NotificationTrigger::AttributeUpdated};
}

std::string_view format_name(NotificationFormat format) {
  switch (format) {
    case NotificationFormat::Normalized:
      return "normalized";
    case NotificationFormat::Concise:
      return "concise";
    case NotificationFormat::KeyValues:
      return "keyValues";
  }
  return {};
}

std::optional<NotificationFormat> format_from_name(std::string_view name) {
  if (name == "normalized") return NotificationFormat::Normalized;
  if (name == "concise") return NotificationFormat::Concise;
  if (name == "keyValues" || name == "simplified") return NotificationFormat::KeyValues;
  return std::nullopt;
}

std::string_view media_name(NotificationMedia media) {
  return name_in(kMedia, media);
}

std::optional<NotificationMedia> media_from_name(std::string_view name) {
  return value_in(kMedia, name);
}

std::string_view status_of(const Subscription& subscription, Timestamp now) {
  if (subscription.expires_at && *subscription.expires_at <= now) return "expired";
  return subscription.is_active ? "active" : "paused";
}

bool is_active_at(const Subscription& subscription, Timestamp now) {
  return status_of(subscription, now) == "active";
}

std::optional<std::string_view> delivery_status_of(const Subscription& subscription) {
  const auto& failure = subscription.last_failure;
  const auto& success = subscription.last_success;
  if (failure && (!success || *failure >= *success)) return "failed";
  if (success) return "ok";
  return std::nullopt;
}

void copy_counters(const Subscription& from, Subscription& to) {
  to.times_sent = from.times_sent;
  to.times_failed = from.times_failed;
  to.last_notification = from.last_notification;
  to.last_success = from.last_success;
  to.last_failure = from.last_failure;
}

bool is_periodic(const Subscription& subscription) {
  return subscription.time_interval.has_value();
}

std::chrono::milliseconds seconds_to_duration(double seconds) {
  const double ms = std::ceil(seconds * 1000.0);
  // A year bounds what the parser's positive number can turn into, far beyond any use.
  constexpr double kMax = 366.0 * 24 * 3600 * 1000;
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::clamp(ms, 1.0, kMax)));
}

Timestamp next_period_after(const Subscription& subscription, Timestamp now) {
  const auto interval = seconds_to_duration(subscription.time_interval.value_or(1.0));
  const auto anchor = subscription.modified_at;
  if (now < anchor) return anchor + interval;
  const auto periods = (now - anchor) / interval + 1;
  return anchor + periods * interval;
}

TriggerSet effective_triggers(const Subscription& subscription) {
  TriggerSet out = subscription.notification_trigger;
  if (out.erase(NotificationTrigger::EntityUpdated) > 0) {
    out.insert({NotificationTrigger::AttributeCreated, NotificationTrigger::AttributeUpdated,
                NotificationTrigger::AttributeDeleted});
  }
  return out;
}

}  // namespace tsunagu::model
