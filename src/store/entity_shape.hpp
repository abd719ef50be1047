#pragma once
// What an entity contributes to the discovery summaries (store.hpp, TypeSummary and
// AttributeSummary): its types, and per attribute the kinds of its instances and how many
// instances it has. Values do not matter, so most updates leave the shape unchanged and a backend
// can skip the summaries for them. Pure, shared by every backend.

#include <cstdint>
#include <string>
#include <vector>

#include "model/entity.hpp"

namespace tsunagu::store {

// A set of attribute kinds as bits. Backends persist it, so a kind's bit never changes: new
// kinds take new bits, whatever the order of model::AttributeKind.
using KindSet = std::uint32_t;

KindSet kind_bit(model::AttributeKind kind);
// The kinds in the set, in AttributeKind order; bits no kind has are ignored.
std::vector<model::AttributeKind> kinds_of(KindSet set);

struct AttributeShape {
  std::string name;  // expanded
  KindSet kinds = 0;
  std::int64_t instances = 0;

  bool operator==(const AttributeShape&) const = default;
};

struct EntityShape {
  std::vector<std::string> types;          // sorted, distinct
  std::vector<AttributeShape> attributes;  // sorted by name

  bool operator==(const EntityShape&) const = default;
};

EntityShape shape_of(const model::Entity& entity);

}  // namespace tsunagu::store
