#pragma once
// The entity types a caller may touch (docs/design/identity.md, "Scopes and grants"): a client
// registered with types sees an entity when one of its types is granted, and writes only
// entities all of whose types are granted. The services apply it themselves (restricted()), so
// that no route can forget it.

#include <memory>
#include <string>
#include <vector>

#include "model/entity.hpp"
#include "model/error.hpp"
#include "model/subscription.hpp"
#include "query/entity_selector.hpp"

namespace tsunagu::broker {

struct TypeGrant {
  std::vector<std::string> types;  // expanded IRIs

  bool granted(std::string_view type) const;
  // One of the types is granted: the entity is visible.
  bool sees(const std::vector<std::string>& entity_types) const;
  // Forbidden naming the first type that is not granted.
  Status check_all(const std::vector<std::string>& entity_types) const;
  // The selectors narrowed to the granted types: one that names no type gets them all; one
  // that names types keeps them when every one is granted (Forbidden otherwise). No selector
  // at all becomes one of the granted types.
  Result<std::vector<query::EntitySelector>> narrow(
      std::vector<query::EntitySelector> selectors) const;
  // A subscription names its entity types in every selector, and only granted ones: it would
  // otherwise notify what the caller may not read (Forbidden).
  Status check_subscription(const model::Subscription& subscription) const;
};

using SharedGrant = std::shared_ptr<const TypeGrant>;  // null: every type

}  // namespace tsunagu::broker
