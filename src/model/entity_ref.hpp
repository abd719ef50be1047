#pragma once
// An entity borrowed rather than owned: its names and values point into a model::Entity or into
// a stored document parsed for one read, and its lists live in an arena of the caller's. A read
// is rendered from one of these without copying a value into a model first; the renderers take
// nothing else. An EntityRef lives no longer than its source and its arena.

#include <boost/json/value.hpp>
#include <memory_resource>
#include <optional>
#include <span>
#include <string_view>

#include "model/entity.hpp"

namespace tsunagu::model {

struct AttributeRef;

struct AttributeEntryRef {
  std::string_view name;  // expanded IRI
  std::span<const AttributeRef> instances;
};

struct AttributeRef {
  AttributeKind kind = AttributeKind::Property;
  const boost::json::value* value = nullptr;  // never null once built
  std::optional<std::string_view> dataset_id;
  std::optional<Timestamp> observed_at;
  std::optional<std::string_view> unit_code;
  std::optional<std::string_view> object_type;
  Timestamp created_at{};
  Timestamp modified_at{};
  std::span<const AttributeEntryRef> sub_attributes;
};

struct EntityRef {
  std::string_view id;
  std::span<const std::string_view> types;
  const boost::json::value* scope = nullptr;  // null: no scope
  Timestamp created_at{};
  Timestamp modified_at{};
  std::span<const AttributeEntryRef> attributes;
};

// Views of an owned entity or attribute; their lists are allocated in `arena`.
EntityRef borrow(const Entity& entity, std::pmr::memory_resource* arena);
AttributeRef borrow(const Attribute& attribute, std::pmr::memory_resource* arena);

// Owned copies, for a caller that keeps the entity beyond its source.
Entity own(const EntityRef& entity);
Attribute own(const AttributeRef& attribute);

bool has_type(const EntityRef& entity, std::string_view type);
const AttributeEntryRef* find_entry(std::span<const AttributeEntryRef> list, std::string_view name);

// An array of `n` default-constructed T in `arena`, never freed on its own: the arena's end
// frees it. T must be trivially destructible so that nothing is owed at that end.
template <class T>
std::span<T> arena_array(std::pmr::memory_resource* arena, std::size_t n) {
  static_assert(std::is_trivially_destructible_v<T>);
  if (n == 0) return {};
  auto* p = static_cast<T*>(arena->allocate(n * sizeof(T), alignof(T)));
  for (std::size_t i = 0; i < n; ++i) new (p + i) T();
  return {p, n};
}

}  // namespace tsunagu::model
