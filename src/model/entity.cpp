#include "model/entity.hpp"

#include <algorithm>
#include <array>

namespace tsunagu::model {
namespace {

struct KindInfo {
  AttributeKind kind;
  std::string_view name;
  std::string_view member;
};

constexpr std::array<KindInfo, 8> kKinds{{
    {AttributeKind::Property, "Property", "value"},
    {AttributeKind::Relationship, "Relationship", "object"},
    {AttributeKind::GeoProperty, "GeoProperty", "value"},
    {AttributeKind::LanguageProperty, "LanguageProperty", "languageMap"},
    {AttributeKind::VocabProperty, "VocabProperty", "vocab"},
    {AttributeKind::JsonProperty, "JsonProperty", "json"},
    {AttributeKind::ListProperty, "ListProperty", "valueList"},
    {AttributeKind::ListRelationship, "ListRelationship", "objectList"},
}};

const KindInfo& info(AttributeKind kind) {
  return kKinds[static_cast<std::size_t>(kind)];
}

}  // namespace

std::string_view kind_name(AttributeKind kind) {
  return info(kind).name;
}
std::string_view value_member(AttributeKind kind) {
  return info(kind).member;
}

std::optional<AttributeKind> kind_from_name(std::string_view name) {
  for (const auto& k : kKinds) {
    if (k.name == name) return k.kind;
  }
  return std::nullopt;
}

AttributeEntry* find_entry(AttributeList& list, std::string_view name) {
  auto it = std::find_if(list.begin(), list.end(), [&](const auto& e) { return e.name == name; });
  return it == list.end() ? nullptr : &*it;
}

const AttributeEntry* find_entry(const AttributeList& list, std::string_view name) {
  auto it = std::find_if(list.begin(), list.end(), [&](const auto& e) { return e.name == name; });
  return it == list.end() ? nullptr : &*it;
}

Attribute* find_instance(AttributeEntry& entry, const std::optional<std::string>& dataset_id) {
  auto it = std::find_if(entry.instances.begin(), entry.instances.end(),
                         [&](const Attribute& a) { return a.dataset_id == dataset_id; });
  return it == entry.instances.end() ? nullptr : &*it;
}

const Attribute* find_instance(const AttributeEntry& entry,
                               const std::optional<std::string>& dataset_id) {
  auto it = std::find_if(entry.instances.begin(), entry.instances.end(),
                         [&](const Attribute& a) { return a.dataset_id == dataset_id; });
  return it == entry.instances.end() ? nullptr : &*it;
}

Attribute* find_instance(AttributeList& list, std::string_view name,
                         const std::optional<std::string>& dataset_id) {
  AttributeEntry* entry = find_entry(list, name);
  return entry ? find_instance(*entry, dataset_id) : nullptr;
}

bool put_instance(AttributeList& list, std::string_view name, Attribute instance) {
  AttributeEntry* entry = find_entry(list, name);
  if (entry == nullptr) {
    list.push_back(AttributeEntry{std::string(name), {}});
    entry = &list.back();
  }
  if (Attribute* existing = find_instance(*entry, instance.dataset_id)) {
    *existing = std::move(instance);
    return true;
  }
  entry->instances.push_back(std::move(instance));
  return false;
}

std::size_t remove_instances(AttributeList& list, std::string_view name,
                             const std::optional<std::string>& dataset_id, bool all) {
  AttributeEntry* entry = find_entry(list, name);
  if (entry == nullptr) return 0;
  auto& inst = entry->instances;
  const auto before = inst.size();
  if (all) {
    inst.clear();
  } else {
    std::erase_if(inst, [&](const Attribute& a) { return a.dataset_id == dataset_id; });
  }
  const auto removed = before - inst.size();
  if (inst.empty()) {
    std::erase_if(list, [&](const AttributeEntry& e) { return e.name == name; });
  }
  return removed;
}

bool has_type(const Entity& entity, std::string_view type) {
  return std::find(entity.types.begin(), entity.types.end(), type) != entity.types.end();
}

void stamp_new(AttributeList& list, Timestamp now) {
  for (auto& entry : list) {
    for (auto& attr : entry.instances) {
      attr.created_at = now;
      attr.modified_at = now;
      stamp_new(attr.sub_attributes, now);
    }
  }
}

}  // namespace tsunagu::model
