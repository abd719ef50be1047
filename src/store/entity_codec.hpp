#pragma once
// The document form in which every backend stores an entity: the NGSI-LD normalized form with
// expanded IRIs as member names, types always an array, and system timestamps as integer
// milliseconds since the epoch (cheaper to decode than ISO strings on every read, and still
// readable by an operator looking at the database). Backends keep this document plus index
// rows derived from it; the document alone is the source of truth.

#include <boost/json/object.hpp>
#include <string>

#include "model/entity.hpp"
#include "model/error.hpp"

namespace tsunagu::store {

boost::json::object encode_entity(const model::Entity& entity);
std::string encode_entity_text(const model::Entity& entity);

// Decoding trusts that the document was written by encode_entity; a document that is not
// (corruption, a bug) gives InternalError naming the entity, never a crash.
Result<model::Entity> decode_entity(const boost::json::object& doc);
Result<model::Entity> decode_entity_text(std::string_view text);

// One attribute instance in the same form (history keeps instances apart from entities). The
// history's documents lack the members its columns hold, the kind among them: the caller gives
// the kind and fills in the others.
boost::json::object encode_attribute(const model::Attribute& attribute);
Result<model::Attribute> decode_attribute_text(std::string_view text, model::AttributeKind kind,
                                               std::string_view entity_id);

}  // namespace tsunagu::store
