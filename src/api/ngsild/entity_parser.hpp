#pragma once
// Request payloads to model values: the parse-and-bind step of every write. It accepts the
// normalized and the concise representations (clause 4.5), expands entity types and attribute
// names with the request's @context, and validates what the model requires (URIs, GeoJSON,
// DateTimes, the members each attribute kind must have). Error messages name the attribute and
// the member at fault, with the names the client used.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <utility>
#include <vector>

#include "jsonld/context.hpp"
#include "model/entity.hpp"
#include "model/error.hpp"

namespace tsunagu::api::ngsild {

enum class EntityShape {
  Complete,  // create, upsert, replace: "id" and "type" required
  Fragment,  // merge patch and batch update: "type" optional; "id" required unless `id` given
};

// Parses an entity. When `id` is given (the id in the URL), the body's "id", if any, must match.
Result<model::Entity> parse_entity(const boost::json::value& body, const jsonld::Context& context,
                                   EntityShape shape, const std::string* id = nullptr);

// Parses the attributes of an entity fragment (append and update attributes); "id" and "type",
// if present, are ignored as the spec asks.
Result<model::AttributeList> parse_attributes(const boost::json::value& body,
                                              const jsonld::Context& context);

// Parses a single attribute's body for PATCH and PUT .../attrs/{attrId}. For PATCH
// (`partial`), members may be left out, and the kind may be omitted.
Result<model::Attribute> parse_attribute_body(const boost::json::value& body, std::string_view name,
                                              const jsonld::Context& context, bool partial);

// An EntityTemporal (clause 5.2.20): id, type, and per attribute one instance or an array of
// instances, several of which may share a datasetId (they are points in its history). With `id`
// (POST .../temporal/entities/{id}/attrs) the body is a fragment: "id" optional (it must match),
// "type" optional. System members of instances (instanceId, createdAt, ...) are ignored.
struct TemporalBody {
  std::string id;
  std::vector<std::string> types;                                   // expanded
  std::vector<std::pair<std::string, model::Attribute>> instances;  // expanded name, instance
};
Result<TemporalBody> parse_temporal_entity(const boost::json::value& body,
                                           const jsonld::Context& context,
                                           const std::string* id = nullptr);

// Expands a term from a URL or query parameter (attribute name, entity type). BadRequestData
// for a name that is not a valid attribute name.
Result<std::string> expand_name(std::string_view term, const jsonld::Context& context,
                                std::string_view what);

}  // namespace tsunagu::api::ngsild
