#pragma once
// The values of an entity that a store indexes so that q and geoQ queries find candidates
// without reading every document. Pure, shared by every backend.
//
// The index only narrows the search: a store fetches the entities whose index rows satisfy the
// indexable part of a query, then the exact evaluator (query/q_eval, query/geo_query) decides.
// So every value the evaluator may match must be indexed: each scalar of a Property value
// (array elements one by one, "@value" of a typed value), relationship targets, vocab IRIs and
// every string of a languageMap. Sub-attributes, metadata and JSON paths are not indexed; a
// query on them relies on its other conditions or on a scan.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/entity.hpp"
#include "model/geojson.hpp"

namespace tsunagu::store {

// The entity's scopes (clause 4.18) are indexed as text values of this pseudo-attribute: the
// core context's IRI of "scope", which no attribute can have.
inline constexpr std::string_view kScopeIndexName = "https://uri.etsi.org/ngsi-ld/scope";

struct IndexedValue {
  std::string attr;  // expanded attribute name
  std::optional<double> number;
  std::optional<std::string> text;
};

struct IndexedGeometry {
  std::string attr;
  model::BoundingBox box;
};

std::vector<IndexedValue> indexed_values(const model::Entity& entity);
std::vector<IndexedGeometry> indexed_geometries(const model::Entity& entity);

}  // namespace tsunagu::store
