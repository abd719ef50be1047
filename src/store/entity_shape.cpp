#include "store/entity_shape.hpp"

#include <algorithm>
#include <array>

namespace tsunagu::store {
namespace {

using model::AttributeKind;

constexpr std::array<AttributeKind, 8> kAllKinds{
    AttributeKind::Property,         AttributeKind::Relationship,     AttributeKind::GeoProperty,
    AttributeKind::LanguageProperty, AttributeKind::VocabProperty,    AttributeKind::JsonProperty,
    AttributeKind::ListProperty,     AttributeKind::ListRelationship,
};

}  // namespace

KindSet kind_bit(AttributeKind kind) {
  // Persisted: never renumber.
  switch (kind) {
    case AttributeKind::Property:
      return 1u << 0;
    case AttributeKind::Relationship:
      return 1u << 1;
    case AttributeKind::GeoProperty:
      return 1u << 2;
    case AttributeKind::LanguageProperty:
      return 1u << 3;
    case AttributeKind::VocabProperty:
      return 1u << 4;
    case AttributeKind::JsonProperty:
      return 1u << 5;
    case AttributeKind::ListProperty:
      return 1u << 6;
    case AttributeKind::ListRelationship:
      return 1u << 7;
  }
  return 0;
}

std::vector<AttributeKind> kinds_of(KindSet set) {
  std::vector<AttributeKind> out;
  for (auto kind : kAllKinds) {
    if (set & kind_bit(kind)) out.push_back(kind);
  }
  return out;
}

EntityShape shape_of(const model::Entity& entity) {
  EntityShape shape;
  shape.types = entity.types;
  std::sort(shape.types.begin(), shape.types.end());
  shape.types.erase(std::unique(shape.types.begin(), shape.types.end()), shape.types.end());
  for (const auto& entry : entity.attributes) {
    AttributeShape a{entry.name, 0, static_cast<std::int64_t>(entry.instances.size())};
    for (const auto& instance : entry.instances) a.kinds |= kind_bit(instance.kind);
    shape.attributes.push_back(std::move(a));
  }
  std::sort(shape.attributes.begin(), shape.attributes.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  return shape;
}

}  // namespace tsunagu::store
