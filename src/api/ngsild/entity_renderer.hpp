#pragma once
// Model entities to response JSON: the normalized, concise and simplified representations
// (clause 4.5) and GeoJSON (clause 4.5.16), with names compacted by the reader's @context.

#include <boost/json/object.hpp>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "api/ngsild/language.hpp"
#include "jsonld/context.hpp"
#include "model/entity.hpp"
#include "model/entity_ref.hpp"

namespace tsunagu::api::ngsild {

enum class Format { Normalized, Concise, Simplified };

struct RenderOptions {
  Format format = Format::Normalized;
  bool sys_attrs = false;
  // Expanded names of the attributes to include; all when unset.
  std::optional<std::set<std::string>> attrs;
  // pick= and omit= (clause 4.21): the entity members to keep, or to drop: "id", "type",
  // "scope", "createdAt", "modifiedAt" or expanded attribute names.
  std::optional<std::set<std::string>> pick;
  std::set<std::string> omit;
  // lang=: LanguageProperties are shown as a Property in the preferred language.
  std::optional<LanguagePreference> lang;

  bool shows(const std::string& member) const {
    return (!pick || pick->contains(member)) && !omit.contains(member);
  }
};

// `sp` is where the result is allocated (a request's arena, say); the default heap when unset.
boost::json::object render_entity(const model::Entity& entity, const jsonld::Context& context,
                                  const RenderOptions& options, boost::json::storage_ptr sp = {});
boost::json::object render_entity(const model::EntityRef& entity, const jsonld::Context& context,
                                  const RenderOptions& options, boost::json::storage_ptr sp = {});

// The same entity as render_entity gives, written as JSON text at the end of `out` (no tree
// is built: names and values go from the entity's view to the text). `context_url`, when not
// empty, leads the object as its "@context", as a JSON-LD answer has it.
void write_entity(std::string& out, const model::EntityRef& entity, const jsonld::Context& context,
                  const RenderOptions& options, std::string_view context_url = {});

// A GeoJSON Feature whose geometry is the first instance of `geometry_property` (expanded),
// or null when the entity has no such GeoProperty.
boost::json::object render_feature(const model::Entity& entity, const jsonld::Context& context,
                                   const RenderOptions& options,
                                   const std::string& geometry_property,
                                   boost::json::storage_ptr sp = {});
void write_feature(std::string& out, const model::EntityRef& entity, const jsonld::Context& context,
                   const RenderOptions& options, std::string_view geometry_property);

// One attribute instance as an object in the normalized form, whatever options.format says (the
// temporal representation lists instances).
boost::json::object render_instance(const model::Attribute& instance,
                                    const jsonld::Context& context, const RenderOptions& options);

// An instance's value as the simplified form shows it (lang= applied, vocab values compacted),
// and the kind it is shown as (a LanguageProperty under lang= is shown as a Property).
std::pair<model::AttributeKind, boost::json::value> render_value(const model::Attribute& instance,
                                                                 const jsonld::Context& context,
                                                                 const RenderOptions& options);

// Renders the names of an UpdateResult-like list compactly: expanded -> reader's term.
std::string compact_name(const std::string& iri, const jsonld::Context& context);

}  // namespace tsunagu::api::ngsild
