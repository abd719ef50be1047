#pragma once
// Which subscriptions a committed change notifies (docs/design/subscriptions.md, rule 2): an
// in-memory index by entity type and watched attribute finds the candidates, and
// notification_for() decides each one exactly, with the evaluators of query/. A write with
// ten thousand subscriptions present costs work in proportion to those that name its type or
// its changed attributes, not to all of them.

#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "broker/entity_change.hpp"
#include "model/subscription.hpp"

namespace tsunagu::broker {

// Whether `subscription` is notified of `change` at `now`, and why (the trigger reason):
// it must be active and change-driven (not periodic), name the entity (or watch attributes of
// any entity), be triggered by what happened to the entity or to a watched attribute, and its
// q, geoQ and scopeQ must hold for the entity after the change (before it, for a deletion).
//
// What happened: a creation is entityCreated, and attributeCreated for its attributes; a
// deletion is entityDeleted; an update is attributeCreated, attributeUpdated (an instance
// written, even with the same value: its modifiedAt changed) or attributeDeleted per attribute,
// and entityUpdated stands for those three (clause 5.2.12).
std::optional<model::NotificationTrigger> notification_for(const model::Subscription& subscription,
                                                           const EntityChange& change,
                                                           model::Timestamp now);

struct SubscriptionMatch {
  std::shared_ptr<const model::Subscription> subscription;
  model::NotificationTrigger trigger;
};

// The subscriptions of one tenant. Thread-safe: matched on the store's writer thread while the
// API reads and changes subscriptions.
class SubscriptionIndex {
 public:
  // Adds the subscription, or replaces the one with its id.
  void put(std::shared_ptr<const model::Subscription> subscription);
  void remove(const std::string& id);
  std::shared_ptr<const model::Subscription> find(const std::string& id) const;
  std::vector<std::shared_ptr<const model::Subscription>> all() const;  // ordered by id
  std::size_t size() const;

  // The subscriptions notified of the change, in order of id.
  std::vector<SubscriptionMatch> match(const EntityChange& change, model::Timestamp now) const;

 private:
  void unindex(const model::Subscription& subscription);
  // The keys a subscription is indexed under: its type atoms, else its watched attributes, else
  // none (then it is a candidate for every change).
  struct Keys {
    std::vector<std::string> types, attrs;
  };
  static Keys keys_of(const model::Subscription& subscription);

  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const model::Subscription>> by_id_;
  std::unordered_map<std::string, std::unordered_set<std::string>> by_type_;
  std::unordered_map<std::string, std::unordered_set<std::string>> by_attr_;
  std::unordered_set<std::string> unkeyed_;
};

}  // namespace tsunagu::broker
