#include "broker/subscription_matcher.hpp"

#include <algorithm>
#include <mutex>

#include "query/geo_query.hpp"
#include "query/q_eval.hpp"
#include "query/scope_query.hpp"

namespace tsunagu::broker {
namespace {

using model::NotificationTrigger;

bool same_attributes(const model::AttributeList& a, const model::AttributeList& b);

bool same_instance(const model::Attribute& a, const model::Attribute& b) {
  return a.kind == b.kind && a.modified_at == b.modified_at && a.dataset_id == b.dataset_id &&
         a.observed_at == b.observed_at && a.unit_code == b.unit_code &&
         a.object_type == b.object_type && a.value == b.value &&
         same_attributes(a.sub_attributes, b.sub_attributes);
}

bool same_entry(const model::AttributeEntry& a, const model::AttributeEntry& b) {
  if (a.instances.size() != b.instances.size()) return false;
  for (const auto& x : a.instances) {
    const auto* y = model::find_instance(b, x.dataset_id);
    if (!y || !same_instance(x, *y)) return false;
  }
  return true;
}

bool same_attributes(const model::AttributeList& a, const model::AttributeList& b) {
  if (a.size() != b.size()) return false;
  for (const auto& entry : a) {
    const auto* other = model::find_entry(b, entry.name);
    if (!other || !same_entry(entry, *other)) return false;
  }
  return true;
}

bool watched(const model::Subscription& s, const std::string& attr) {
  const auto& w = s.watched_attributes;
  return w.empty() || std::find(w.begin(), w.end(), attr) != w.end();
}

// The first trigger of `triggers` that the update of one entity fired for a watched attribute,
// trying created, updated, deleted in that order.
std::optional<NotificationTrigger> update_trigger(const model::Subscription& s,
                                                  const model::TriggerSet& triggers,
                                                  const model::Entity& before,
                                                  const model::Entity& after) {
  bool created = false, updated = false, deleted = false;
  for (const auto& entry : after.attributes) {
    if (!watched(s, entry.name)) continue;
    const auto* old = model::find_entry(before.attributes, entry.name);
    if (!old) {
      created = true;
    } else if (!same_entry(*old, entry)) {
      updated = true;
    }
  }
  for (const auto& entry : before.attributes) {
    if (watched(s, entry.name) && !model::find_entry(after.attributes, entry.name)) deleted = true;
  }
  if (created && triggers.contains(NotificationTrigger::AttributeCreated)) {
    return NotificationTrigger::AttributeCreated;
  }
  if (updated && triggers.contains(NotificationTrigger::AttributeUpdated)) {
    return NotificationTrigger::AttributeUpdated;
  }
  if (deleted && triggers.contains(NotificationTrigger::AttributeDeleted)) {
    return NotificationTrigger::AttributeDeleted;
  }
  return std::nullopt;
}

bool any_watched(const model::Subscription& s, const model::Entity& e) {
  return std::any_of(e.attributes.begin(), e.attributes.end(),
                     [&](const auto& entry) { return watched(s, entry.name); });
}

std::optional<NotificationTrigger> trigger_of(const model::Subscription& s,
                                              const EntityChange& change) {
  const auto triggers = model::effective_triggers(s);
  if (!change.before) {
    if (triggers.contains(NotificationTrigger::EntityCreated)) {
      return NotificationTrigger::EntityCreated;
    }
    if (triggers.contains(NotificationTrigger::AttributeCreated) && any_watched(s, *change.after)) {
      return NotificationTrigger::AttributeCreated;
    }
    return std::nullopt;
  }
  if (!change.after) {
    if (triggers.contains(NotificationTrigger::EntityDeleted)) {
      return NotificationTrigger::EntityDeleted;
    }
    return std::nullopt;
  }
  return update_trigger(s, triggers, *change.before, *change.after);
}

}  // namespace

std::optional<NotificationTrigger> notification_for(const model::Subscription& s,
                                                    const EntityChange& change,
                                                    model::Timestamp now) {
  if (!change.before && !change.after) return std::nullopt;
  if (model::is_periodic(s) || !model::is_active_at(s, now)) return std::nullopt;
  const model::Entity& entity = change.after ? *change.after : *change.before;
  if (!s.entities.empty() &&
      std::none_of(s.entities.begin(), s.entities.end(),
                   [&](const auto& selector) { return query::matches(selector, entity); })) {
    return std::nullopt;
  }
  auto trigger = trigger_of(s, change);
  if (!trigger) return std::nullopt;
  if (s.q && !query::matches(*s.q->expr, entity)) return std::nullopt;
  if (s.geo && !query::matches(*s.geo->query, entity)) return std::nullopt;
  if (s.scope && !query::matches_scope(*s.scope->expr, entity)) return std::nullopt;
  return trigger;
}

SubscriptionIndex::Keys SubscriptionIndex::keys_of(const model::Subscription& s) {
  Keys keys;
  const bool all_typed = !s.entities.empty() &&
                         std::all_of(s.entities.begin(), s.entities.end(),
                                     [](const auto& selector) { return selector.type != nullptr; });
  if (all_typed) {
    // Every atom of every type expression: a superset of the types an entity it names has.
    for (const auto& selector : s.entities) {
      auto expr = *selector.type;
      query::for_each_atom(expr, [&](std::string& atom) { keys.types.push_back(atom); });
    }
  } else {
    keys.attrs = s.watched_attributes;
  }
  return keys;
}

void SubscriptionIndex::unindex(const model::Subscription& s) {
  const auto keys = keys_of(s);
  for (const auto& t : keys.types) {
    if (auto it = by_type_.find(t); it != by_type_.end()) {
      it->second.erase(s.id);
      if (it->second.empty()) by_type_.erase(it);
    }
  }
  for (const auto& a : keys.attrs) {
    if (auto it = by_attr_.find(a); it != by_attr_.end()) {
      it->second.erase(s.id);
      if (it->second.empty()) by_attr_.erase(it);
    }
  }
  unkeyed_.erase(s.id);
}

void SubscriptionIndex::put(std::shared_ptr<const model::Subscription> subscription) {
  std::unique_lock lock(mu_);
  if (auto it = by_id_.find(subscription->id); it != by_id_.end()) unindex(*it->second);
  const auto keys = keys_of(*subscription);
  for (const auto& t : keys.types) by_type_[t].insert(subscription->id);
  for (const auto& a : keys.attrs) by_attr_[a].insert(subscription->id);
  if (keys.types.empty() && keys.attrs.empty()) unkeyed_.insert(subscription->id);
  by_id_.insert_or_assign(subscription->id, std::move(subscription));
}

void SubscriptionIndex::remove(const std::string& id) {
  std::unique_lock lock(mu_);
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return;
  unindex(*it->second);
  by_id_.erase(it);
}

std::shared_ptr<const model::Subscription> SubscriptionIndex::find(const std::string& id) const {
  std::shared_lock lock(mu_);
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<const model::Subscription>> SubscriptionIndex::all() const {
  std::shared_lock lock(mu_);
  std::vector<std::shared_ptr<const model::Subscription>> out;
  out.reserve(by_id_.size());
  for (const auto& [id, s] : by_id_) out.push_back(s);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a->id < b->id; });
  return out;
}

std::size_t SubscriptionIndex::size() const {
  std::shared_lock lock(mu_);
  return by_id_.size();
}

std::vector<SubscriptionMatch> SubscriptionIndex::match(const EntityChange& change,
                                                        model::Timestamp now) const {
  std::unordered_set<std::string> candidates;
  {
    std::shared_lock lock(mu_);
    if (by_id_.empty()) return {};
    auto add_all = [&](const std::unordered_set<std::string>& ids) {
      candidates.insert(ids.begin(), ids.end());
    };
    for (const auto* e :
         {change.before ? &*change.before : nullptr, change.after ? &*change.after : nullptr}) {
      if (!e) continue;
      for (const auto& t : e->types) {
        if (auto it = by_type_.find(t); it != by_type_.end()) add_all(it->second);
      }
      for (const auto& entry : e->attributes) {
        if (auto it = by_attr_.find(entry.name); it != by_attr_.end()) add_all(it->second);
      }
    }
    add_all(unkeyed_);
  }
  std::vector<SubscriptionMatch> out;
  for (const auto& id : candidates) {
    auto s = find(id);
    if (!s) continue;
    if (auto trigger = notification_for(*s, change, now)) out.push_back({s, *trigger});
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.subscription->id < b.subscription->id; });
  return out;
}

}  // namespace tsunagu::broker
