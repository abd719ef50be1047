#pragma once
// The document form in which every backend stores an entity: the NGSI-LD normalized form with
// expanded IRIs as member names, types always an array, and system timestamps as integer
// milliseconds since the epoch (cheaper to decode than ISO strings on every read, and still
// readable by an operator looking at the database). Backends keep this document plus index
// rows derived from it; the document alone is the source of truth.

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <memory_resource>
#include <optional>
#include <string>

#include "model/entity.hpp"
#include "model/entity_ref.hpp"
#include "model/error.hpp"

namespace tsunagu::store {

boost::json::object encode_entity(const model::Entity& entity);
std::string encode_entity_text(const model::Entity& entity);

// Decoding trusts that the document was written by encode_entity; a document that is not
// (corruption, a bug) gives InternalError naming the entity, never a crash.
Result<model::Entity> decode_entity(const boost::json::value& doc);
Result<model::Entity> decode_entity_text(std::string_view text);

// A stored document parsed into `sp` (an arena, as a rule), and the entity it holds as a view
// into that tree whose lists are allocated in `arena`: a read rendered from the view copies no
// name and no value.
Result<boost::json::value> parse_entity_text(std::string_view text, boost::json::storage_ptr sp);
Result<model::EntityRef> view_entity(const boost::json::value& doc,
                                     std::pmr::memory_resource* arena);

// What one read of an entity borrows from: the stored text, the tree parsed from it and the
// lists of its view, in arenas on the reader's stack (a larger entity goes on in heap blocks).
// Or, when the read had to build the model, that entity. Not movable: views point into it.
class EntityReadBuffer {
 public:
  EntityReadBuffer();
  EntityReadBuffer(const EntityReadBuffer&) = delete;
  EntityReadBuffer& operator=(const EntityReadBuffer&) = delete;

  std::string text;  // the stored document, filled by TenantStore::read_document

  // The entity of `text`, parsed and viewed.
  Result<model::EntityRef> view();
  // Keeps `entity` and views it.
  model::EntityRef borrow(model::Entity entity);

 private:
  unsigned char json_buffer_[8192];
  boost::json::monotonic_resource json_arena_;
  std::byte lists_buffer_[2048];
  std::pmr::monotonic_buffer_resource lists_arena_;
  std::optional<boost::json::value> doc_;  // moved in, so it stays in json_arena_
  std::optional<model::Entity> owned_;
};

// One attribute instance in the same form (history keeps instances apart from entities). The
// history's documents lack the members its columns hold, the kind among them: the caller gives
// the kind and fills in the others.
boost::json::object encode_attribute(const model::Attribute& attribute);
Result<model::Attribute> decode_attribute_text(std::string_view text, model::AttributeKind kind,
                                               std::string_view entity_id);

}  // namespace tsunagu::store
