#pragma once
// The NGSI-LD information model as the broker stores it: entities whose types and attribute
// names are full IRIs (JSON-LD expansion happened at the API boundary), attributes of every
// kind the spec defines, multi-attributes by datasetId and nested sub-attributes.
// Pure data plus small helpers: no I/O, no JSON-LD contexts, no HTTP.

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/time.hpp"

namespace tsunagu::model {

// ETSI GS CIM 009 v1.8 clause 4.5: the member that carries the value differs per kind.
enum class AttributeKind {
  Property,          // value
  Relationship,      // object (a URI, or an array of URIs)
  GeoProperty,       // value (a GeoJSON geometry)
  LanguageProperty,  // languageMap
  VocabProperty,     // vocab (expanded IRIs)
  JsonProperty,      // json (any JSON, never interpreted)
  ListProperty,      // valueList
  ListRelationship,  // objectList
};

std::string_view kind_name(AttributeKind kind);  // "Property", ...
std::optional<AttributeKind> kind_from_name(std::string_view name);
std::string_view value_member(AttributeKind kind);  // "value", "object", "languageMap", ...

struct Attribute;

// One named attribute with all its instances (a multi-attribute has several, each with a
// distinct datasetId; at most one has none: the default instance). Kept in insertion order,
// which is the order a client sees them in.
struct AttributeEntry {
  std::string name;  // expanded IRI
  std::vector<Attribute> instances;
};

using AttributeList = std::vector<AttributeEntry>;

struct Attribute {
  AttributeKind kind = AttributeKind::Property;
  boost::json::value value;  // the kind's value member, see value_member()
  std::optional<std::string> dataset_id;
  std::optional<Timestamp> observed_at;
  std::optional<std::string> unit_code;
  std::optional<std::string> object_type;  // Relationship/ListRelationship: expanded type IRI
  Timestamp created_at{};
  Timestamp modified_at{};
  AttributeList sub_attributes;
};

struct Entity {
  std::string id;
  std::vector<std::string> types;  // expanded IRIs, at least one, no duplicates
  std::optional<boost::json::value> scope;
  Timestamp created_at{};
  Timestamp modified_at{};
  AttributeList attributes;
};

// Lookup helpers shared by the broker's merge rules and the renderers.
AttributeEntry* find_entry(AttributeList& list, std::string_view name);
const AttributeEntry* find_entry(const AttributeList& list, std::string_view name);
Attribute* find_instance(AttributeEntry& entry, const std::optional<std::string>& dataset_id);
const Attribute* find_instance(const AttributeEntry& entry,
                               const std::optional<std::string>& dataset_id);

// The instance of attribute `name` with that datasetId, or nullptr.
Attribute* find_instance(AttributeList& list, std::string_view name,
                         const std::optional<std::string>& dataset_id);

// Adds the instance, replacing one with the same datasetId. Returns true when one was replaced.
bool put_instance(AttributeList& list, std::string_view name, Attribute instance);

// Removes instances: the one with dataset_id, or every instance when all is true.
// Returns how many were removed; an entry left without instances is removed too.
std::size_t remove_instances(AttributeList& list, std::string_view name,
                             const std::optional<std::string>& dataset_id, bool all);

bool has_type(const Entity& entity, std::string_view type);

// Sets created_at/modified_at on an attribute tree that is new at `now`.
void stamp_new(AttributeList& list, Timestamp now);

}  // namespace tsunagu::model
