#include "broker/entity_merge.hpp"

#include <algorithm>

namespace tsunagu::broker {
namespace {
using model::Attribute;
using model::AttributeList;
using model::Timestamp;

void note_updated(UpdateOutcome& out, const std::string& name) {
  if (std::find(out.updated.begin(), out.updated.end(), name) == out.updated.end()) {
    out.updated.push_back(name);
  }
}

std::string instance_label(const Attribute& a) {
  return a.dataset_id ? " (datasetId " + *a.dataset_id + ")" : std::string();
}

// The new state of an instance that replaces `old` (or is new when old is null): it keeps the
// old creation time, as the attribute itself was not created by this change.
Attribute replacing(const Attribute* old, Attribute incoming, Timestamp now) {
  model::stamp_new(incoming.sub_attributes, now);
  incoming.created_at = old ? old->created_at : now;
  incoming.modified_at = now;
  return incoming;
}

Status merge_members(Attribute& target, const Attribute& fragment, Timestamp now);

Status merge_sub_attributes(AttributeList& target, const AttributeList& fragment, Timestamp now) {
  for (const auto& entry : fragment) {
    for (const auto& sub : entry.instances) {
      if (is_delete_marker(sub)) {
        model::remove_instances(target, entry.name, sub.dataset_id, false);
        continue;
      }
      Attribute* existing = model::find_instance(target, entry.name, sub.dataset_id);
      if (!existing) {
        model::put_instance(target, entry.name, replacing(nullptr, sub, now));
      } else if (auto st = merge_members(*existing, sub, now); !st) {
        return fail(st.error().kind, "attribute '" + entry.name + "': " + st.error().message);
      }
    }
  }
  return ok();
}

// A merge changes members of an attribute, never its kind: that takes a replace (PUT).
Status merge_members(Attribute& target, const Attribute& fragment, Timestamp now) {
  if (!fragment.value.is_null()) {
    if (fragment.kind != target.kind) {
      return fail(ErrorKind::BadRequestData,
                  "a merge cannot change a " + std::string(model::kind_name(target.kind)) +
                      " into a " + std::string(model::kind_name(fragment.kind)) +
                      "; replace the attribute instead");
    }
    target.value = fragment.value;
  }
  if (fragment.observed_at) target.observed_at = fragment.observed_at;
  if (fragment.unit_code) target.unit_code = fragment.unit_code;
  if (fragment.object_type) target.object_type = fragment.object_type;
  if (auto st = merge_sub_attributes(target.sub_attributes, fragment.sub_attributes, now); !st) {
    return st;
  }
  target.modified_at = now;
  return ok();
}

void touch(model::Entity& entity, Timestamp now) {
  entity.modified_at = now;
}

}  // namespace

bool is_delete_marker(const boost::json::value& v) {
  if (v.is_string()) return v.get_string() == kNullValue;
  // A LanguageProperty's null is {"@none": "urn:ngsi-ld:null"}, a list's ["urn:ngsi-ld:null"].
  if (v.is_object()) {
    const auto& o = v.get_object();
    return o.size() == 1 && o.contains("@none") && is_delete_marker(o.at("@none"));
  }
  if (v.is_array()) return v.get_array().size() == 1 && is_delete_marker(v.get_array()[0]);
  return false;
}

bool is_delete_marker(const Attribute& a) {
  return is_delete_marker(a.value);
}

UpdateOutcome append_attributes(model::Entity& entity, AttributeList incoming, bool no_overwrite,
                                Timestamp now) {
  UpdateOutcome out;
  for (auto& entry : incoming) {
    for (auto& inst : entry.instances) {
      const Attribute* old = model::find_instance(entity.attributes, entry.name, inst.dataset_id);
      if (old && no_overwrite) {
        out.not_updated.push_back(
            {entry.name, "attribute" + instance_label(inst) + " exists and options=noOverwrite"});
        continue;
      }
      if (is_delete_marker(inst)) {
        if (old) model::remove_instances(entity.attributes, entry.name, inst.dataset_id, false);
        note_updated(out, entry.name);
        continue;
      }
      model::put_instance(entity.attributes, entry.name, replacing(old, std::move(inst), now));
      note_updated(out, entry.name);
    }
  }
  if (out.changed()) touch(entity, now);
  return out;
}

UpdateOutcome update_attributes(model::Entity& entity, AttributeList incoming, Timestamp now) {
  UpdateOutcome out;
  for (auto& entry : incoming) {
    for (auto& inst : entry.instances) {
      const Attribute* old = model::find_instance(entity.attributes, entry.name, inst.dataset_id);
      if (!old) {
        out.not_updated.push_back(
            {entry.name, "attribute" + instance_label(inst) + " does not exist"});
        continue;
      }
      if (is_delete_marker(inst)) {
        model::remove_instances(entity.attributes, entry.name, inst.dataset_id, false);
      } else {
        model::put_instance(entity.attributes, entry.name, replacing(old, std::move(inst), now));
      }
      note_updated(out, entry.name);
    }
  }
  if (out.changed()) touch(entity, now);
  return out;
}

Status merge_entity(model::Entity& entity, const model::Entity& patch, Timestamp now) {
  for (const auto& type : patch.types) {
    if (!model::has_type(entity, type)) entity.types.push_back(type);
  }
  if (patch.scope) entity.scope = patch.scope;
  if (auto st = merge_sub_attributes(entity.attributes, patch.attributes, now); !st) return st;
  touch(entity, now);
  return ok();
}

void replace_entity(model::Entity& entity, model::Entity replacement, Timestamp now) {
  if (!replacement.types.empty()) entity.types = std::move(replacement.types);
  entity.scope = std::move(replacement.scope);
  entity.attributes = std::move(replacement.attributes);
  model::stamp_new(entity.attributes, now);
  touch(entity, now);
}

Status patch_attribute(model::Entity& entity, const std::string& name, const Attribute& fragment,
                       Timestamp now) {
  Attribute* target = model::find_instance(entity.attributes, name, fragment.dataset_id);
  if (!target) {
    return fail(ErrorKind::ResourceNotFound, "entity '" + entity.id + "' has no attribute '" +
                                                 name + "'" + instance_label(fragment));
  }
  if (is_delete_marker(fragment)) {
    model::remove_instances(entity.attributes, name, fragment.dataset_id, false);
  } else if (auto st = merge_members(*target, fragment, now); !st) {
    return st;
  }
  touch(entity, now);
  return ok();
}

Status replace_attribute(model::Entity& entity, const std::string& name, Attribute attr,
                         Timestamp now) {
  const Attribute* old = model::find_instance(entity.attributes, name, attr.dataset_id);
  if (!old) {
    return fail(ErrorKind::ResourceNotFound, "entity '" + entity.id + "' has no attribute '" +
                                                 name + "'" + instance_label(attr));
  }
  model::put_instance(entity.attributes, name, replacing(old, std::move(attr), now));
  touch(entity, now);
  return ok();
}

Status delete_attribute(model::Entity& entity, const std::string& name,
                        const std::optional<std::string>& dataset_id, bool delete_all,
                        Timestamp now) {
  if (model::remove_instances(entity.attributes, name, dataset_id, delete_all) == 0) {
    std::string which = dataset_id ? " with datasetId '" + *dataset_id + "'" : std::string();
    return fail(ErrorKind::ResourceNotFound,
                "entity '" + entity.id + "' has no attribute '" + name + "'" + which);
  }
  touch(entity, now);
  return ok();
}

}  // namespace tsunagu::broker
