#include "broker/history_diff.hpp"

#include <algorithm>

#include "store/history_values.hpp"

namespace tsunagu::broker {
namespace {
using model::Attribute;
using model::AttributeList;
using model::Timestamp;
using store::HistoryInstance;

bool same_content(const AttributeList& a, const AttributeList& b);

// Equal in everything a reader sees but the system timestamps.
bool same_content(const Attribute& a, const Attribute& b) {
  return a.kind == b.kind && a.value == b.value && a.dataset_id == b.dataset_id &&
         a.observed_at == b.observed_at && a.unit_code == b.unit_code &&
         a.object_type == b.object_type && same_content(a.sub_attributes, b.sub_attributes);
}

bool same_content(const AttributeList& a, const AttributeList& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].instances.size() != b[i].instances.size()) return false;
    for (std::size_t j = 0; j < a[i].instances.size(); ++j) {
      if (!same_content(a[i].instances[j], b[i].instances[j])) return false;
    }
  }
  return true;
}

// An instance set to exactly what it was (value, observedAt, metadata) is the same observation
// sent again, a retry or an idempotent PUT: recording it would count it twice. A new reading
// differs in its observedAt at least.
bool written(const Attribute* before, const Attribute& after) {
  return before == nullptr || !same_content(*before, after);
}

HistoryInstance recorded(const std::string& name, Attribute value, Timestamp at) {
  value.created_at = at;
  value.modified_at = at;
  return HistoryInstance{0, name, std::move(value), std::nullopt};
}

HistoryInstance tombstone(const std::string& name, const Attribute& old, Timestamp at) {
  Attribute value;
  value.kind = old.kind;
  value.value = store::tombstone_value(old.kind);
  value.dataset_id = old.dataset_id;
  value.created_at = at;
  value.modified_at = at;
  return HistoryInstance{0, name, std::move(value), at};
}

HistoryInstance scope_instance(const std::optional<boost::json::value>& scope, Timestamp at) {
  Attribute value;
  value.kind = model::AttributeKind::Property;
  value.created_at = at;
  value.modified_at = at;
  if (!scope) {
    value.value = boost::json::array();
    return HistoryInstance{0, std::string(store::kScopeAttribute), std::move(value), at};
  }
  value.value = *scope;
  value.observed_at = at;  // clause 4.5.6: a scope's observedAt copies its modifiedAt
  return HistoryInstance{0, std::string(store::kScopeAttribute), std::move(value), std::nullopt};
}

const Attribute* instance_in(const model::Entity* entity, const std::string& name,
                             const std::optional<std::string>& dataset_id) {
  if (!entity) return nullptr;
  const auto* entry = model::find_entry(entity->attributes, name);
  return entry ? model::find_instance(*entry, dataset_id) : nullptr;
}

void add_written(const model::Entity& after, const model::Entity* before, Timestamp at,
                 std::vector<HistoryInstance>& out) {
  for (const auto& entry : after.attributes) {
    for (const auto& instance : entry.instances) {
      const Attribute* old = instance_in(before, entry.name, instance.dataset_id);
      if (written(old, instance)) out.push_back(recorded(entry.name, instance, at));
    }
  }
}

void add_removed(const model::Entity& before, const model::Entity* after, Timestamp at,
                 std::vector<HistoryInstance>& out) {
  for (const auto& entry : before.attributes) {
    for (const auto& instance : entry.instances) {
      if (instance_in(after, entry.name, instance.dataset_id)) continue;
      out.push_back(tombstone(entry.name, instance, at));
    }
  }
}

}  // namespace

std::optional<store::HistoryAppend> history_of(const EntityChange& change, Timestamp at) {
  const model::Entity* before = change.before ? &*change.before : nullptr;
  const model::Entity* after = change.after ? &*change.after : nullptr;
  if (!before && !after) return std::nullopt;
  store::HistoryAppend append;
  append.entity_id = after ? after->id : before->id;
  append.types = after ? after->types : before->types;
  append.at = after ? after->modified_at : at;
  if (after) add_written(*after, before, append.at, append.instances);
  if (before) add_removed(*before, after, append.at, append.instances);
  const auto* scope_before = before ? &before->scope : nullptr;
  const auto* scope_after = after ? &after->scope : nullptr;
  const bool had = scope_before && *scope_before;
  const bool has = scope_after && *scope_after;
  if ((had || has) && (!had || !has || **scope_before != **scope_after)) {
    append.instances.push_back(scope_instance(has ? *scope_after : std::nullopt, append.at));
  }
  const bool new_types =
      after &&
      (!before || std::any_of(after->types.begin(), after->types.end(),
                              [&](const auto& t) { return !model::has_type(*before, t); }));
  if (append.instances.empty() && !new_types) return std::nullopt;
  return append;
}

}  // namespace tsunagu::broker
