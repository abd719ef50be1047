#include "model/entity_ref.hpp"

#include <algorithm>

namespace tsunagu::model {

namespace {

std::optional<std::string_view> view(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  return std::string_view(*s);
}

std::optional<std::string> owned(const std::optional<std::string_view>& s) {
  if (!s) return std::nullopt;
  return std::string(*s);
}

std::span<const AttributeEntryRef> borrow_list(const AttributeList& list,
                                               std::pmr::memory_resource* arena) {
  auto entries = arena_array<AttributeEntryRef>(arena, list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto& entry = list[i];
    auto instances = arena_array<AttributeRef>(arena, entry.instances.size());
    for (std::size_t j = 0; j < entry.instances.size(); ++j) {
      instances[j] = borrow(entry.instances[j], arena);
    }
    entries[i] = {entry.name, instances};
  }
  return entries;
}

AttributeList own_list(std::span<const AttributeEntryRef> list) {
  AttributeList out;
  out.reserve(list.size());
  for (const auto& entry : list) {
    AttributeEntry owned_entry{std::string(entry.name), {}};
    owned_entry.instances.reserve(entry.instances.size());
    for (const auto& a : entry.instances) owned_entry.instances.push_back(own(a));
    out.push_back(std::move(owned_entry));
  }
  return out;
}

}  // namespace

AttributeRef borrow(const Attribute& a, std::pmr::memory_resource* arena) {
  AttributeRef r;
  r.kind = a.kind;
  r.value = &a.value;
  r.dataset_id = view(a.dataset_id);
  r.observed_at = a.observed_at;
  r.unit_code = view(a.unit_code);
  r.object_type = view(a.object_type);
  r.created_at = a.created_at;
  r.modified_at = a.modified_at;
  r.sub_attributes = borrow_list(a.sub_attributes, arena);
  return r;
}

EntityRef borrow(const Entity& e, std::pmr::memory_resource* arena) {
  EntityRef r;
  r.id = e.id;
  auto types = arena_array<std::string_view>(arena, e.types.size());
  std::copy(e.types.begin(), e.types.end(), types.begin());
  r.types = types;
  r.scope = e.scope ? &*e.scope : nullptr;
  r.created_at = e.created_at;
  r.modified_at = e.modified_at;
  r.attributes = borrow_list(e.attributes, arena);
  return r;
}

Attribute own(const AttributeRef& r) {
  Attribute a;
  a.kind = r.kind;
  // Into the default storage: the source may live in a short-lived arena.
  a.value = boost::json::value(*r.value, boost::json::storage_ptr());
  a.dataset_id = owned(r.dataset_id);
  a.observed_at = r.observed_at;
  a.unit_code = owned(r.unit_code);
  a.object_type = owned(r.object_type);
  a.created_at = r.created_at;
  a.modified_at = r.modified_at;
  a.sub_attributes = own_list(r.sub_attributes);
  return a;
}

Entity own(const EntityRef& r) {
  Entity e;
  e.id = std::string(r.id);
  e.types.assign(r.types.begin(), r.types.end());
  if (r.scope) e.scope = boost::json::value(*r.scope, boost::json::storage_ptr());
  e.created_at = r.created_at;
  e.modified_at = r.modified_at;
  e.attributes = own_list(r.attributes);
  return e;
}

bool has_type(const EntityRef& entity, std::string_view type) {
  return std::find(entity.types.begin(), entity.types.end(), type) != entity.types.end();
}

const AttributeEntryRef* find_entry(std::span<const AttributeEntryRef> list,
                                    std::string_view name) {
  for (const auto& entry : list) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

}  // namespace tsunagu::model
