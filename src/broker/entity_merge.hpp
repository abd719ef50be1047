#pragma once
// The merge rules of the NGSI-LD entity operations (ETSI GS CIM 009 clause 5.6), as pure
// functions of an entity, a parsed payload and the time of the change. The service runs them
// inside a store write job; tests run them directly.
//
// Payload attributes come from the API parser with every member they were given and with kind
// inferred when the client left "type" out (concise form). Timestamps of incoming attributes
// are ignored: these functions set createdAt/modifiedAt.

#include <string>
#include <vector>

#include "model/entity.hpp"
#include "model/error.hpp"

namespace tsunagu::broker {

// The value with which NGSI-LD v1.8 asks to delete an attribute in update and merge operations.
inline constexpr std::string_view kNullValue = "urn:ngsi-ld:null";
bool is_delete_marker(const model::Attribute& a);
bool is_delete_marker(const boost::json::value& v);

struct NotUpdated {
  std::string attribute;  // expanded name
  std::string reason;
};

struct UpdateOutcome {
  std::vector<std::string> updated;  // expanded names, each once, in payload order
  std::vector<NotUpdated> not_updated;
  bool changed() const { return !updated.empty(); }
};

// POST /entities/{id}/attrs: adds attributes; an existing instance (same datasetId) is
// replaced, or skipped when no_overwrite.
UpdateOutcome append_attributes(model::Entity& entity, model::AttributeList incoming,
                                bool no_overwrite, model::Timestamp now);

// PATCH /entities/{id}/attrs and batch update: replaces existing instances only.
UpdateOutcome update_attributes(model::Entity& entity, model::AttributeList incoming,
                                model::Timestamp now);

// PATCH /entities/{id}: merges attribute members into existing instances, adds new ones,
// deletes those set to urn:ngsi-ld:null; adds the payload's types. BadRequestData when a
// fragment would change an attribute's kind.
Status merge_entity(model::Entity& entity, const model::Entity& patch, model::Timestamp now);

// PUT /entities/{id}: the payload's attributes (and types, when given) replace all of them.
void replace_entity(model::Entity& entity, model::Entity replacement, model::Timestamp now);

// PATCH /entities/{id}/attrs/{attrId}: merges the fragment's members into the instance with
// the fragment's datasetId. ResourceNotFound when there is no such instance; BadRequestData when
// the fragment's type contradicts the instance's.
Status patch_attribute(model::Entity& entity, const std::string& name,
                       const model::Attribute& fragment, model::Timestamp now);

// PUT /entities/{id}/attrs/{attrId}: replaces the instance. ResourceNotFound when absent.
Status replace_attribute(model::Entity& entity, const std::string& name, model::Attribute attr,
                         model::Timestamp now);

// DELETE /entities/{id}/attrs/{attrId}: ResourceNotFound when nothing matched.
Status delete_attribute(model::Entity& entity, const std::string& name,
                        const std::optional<std::string>& dataset_id, bool delete_all,
                        model::Timestamp now);

}  // namespace tsunagu::broker
