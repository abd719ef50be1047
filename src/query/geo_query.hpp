#pragma once
// NGSI-LD geo-queries (ETSI GS CIM 009 v1.8, clause 4.10: the georel, geometry, coordinates and
// geoproperty parameters) as a bound value, an in-memory predicate over an entity, and the box an
// R*Tree must search for candidates. Pure: no I/O, no @context (the geoproperty arrives expanded).
//
// Decisions a consumer may rely on (docs and tests rely on these):
//   - georel is one of near, within, contains, intersects, equals, disjoint, overlaps, exactly as
//     spelt. near takes exactly one modifier, ";maxDistance==N" or ";minDistance==N", N a finite
//     non-negative JSON number of metres; the other relations take none. near needs a Point.
//   - geometry is one of the six GeoJSON types geojson.hpp accepts, exactly as spelt, and
//     coordinates is the JSON array text of that type's "coordinates" member. Both are
//     validated as the GeoJSON object {"type": geometry, "coordinates": coordinates} would be,
//     so error messages name JSON paths ("coordinates[0][1]: latitude 95 is out of range ...").
//   - The relation reads "the entity's geometry <georel> the query's geometry": within means
//     the entity lies within the query's geometry, contains that it contains it. near measures
//     the geodesic distance (metres, WGS 84) from any part of the entity's geometry to the point:
//     maxDistance keeps distance <= N, minDistance keeps distance >= N.
//   - Boundaries follow OGC simple features as Boost.Geometry implements them: a point on the
//     border of a polygon is not within it (nor does the polygon contain it) but intersects it,
//     and is not disjoint from it.
//   - Edges are geodesics on the ellipsoid, not straight lines in degrees: an east-west edge
//     bulges poleward of its vertices' parallel (about 1 mm for 270 m at 35N), so a point on
//     that parallel between the vertices is not on the edge.
//   - Relations that OGC defines as false between geometries of different dimensions are false
//     here without asking Boost.Geometry: equals and overlaps need the same dimension (points
//     and multipoints are both 0-dimensional), within needs the entity's dimension not to exceed
//     the query's, contains the reverse.
//   - An entity matches when any instance (any datasetId) of the geoproperty that is a
//     GeoProperty with a valid geometry satisfies the relation. An entity without such an
//     instance matches no geo-query, disjoint and minDistance included: a place that is not
//     given is not far from anything.

#include <optional>
#include <string>
#include <string_view>

#include "model/entity.hpp"
#include "model/error.hpp"
#include "model/geojson.hpp"
#include "model/geometry.hpp"

namespace tsunagu::query {

// The core location property, the geoproperty when the request names none.
inline constexpr std::string_view kDefaultGeoProperty = "https://uri.etsi.org/ngsi-ld/location";

enum class GeoRel { Near, Within, Contains, Intersects, Equals, Disjoint, Overlaps };

std::string_view georel_name(GeoRel rel);  // "near", "within", ...

struct GeoQuery {
  GeoRel rel = GeoRel::Intersects;
  // Near only, exactly one of them set; metres.
  std::optional<double> max_distance;
  std::optional<double> min_distance;
  model::Geometry geometry;
  model::GeoShape shape;    // geometry as Boost.Geometry converts it, computed once
  std::string geoproperty;  // expanded IRI
};

// Parses the four parameters (already percent-decoded). Errors are BadRequestData with a message
// that starts with the parameter's name, e.g. "georel: 'near' needs maxDistance or minDistance".
Result<GeoQuery> parse_geo_query(std::string_view georel, std::string_view geometry,
                                 std::string_view coordinates,
                                 std::optional<std::string_view> geoproperty_expanded_iri);

// Whether the entity satisfies the query (see the decisions above).
bool matches(const GeoQuery& query, const model::Entity& entity);

// Whether one geometry satisfies the query's relation.
bool satisfies(const GeoQuery& query, const model::GeoShape& entity_shape);

// A box in degrees that the bounding box of every matching geometry intersects, for an R*Tree
// search of candidates (matches() still decides):
//   - near;maxDistance: the point's box expanded by the distance, using lower bounds of the
//     length of a degree on WGS 84 (latitude-corrected for longitude), so it errs on the large
//     side; it spans every longitude when it reaches a pole or the antimeridian.
//   - near;minDistance and disjoint: the whole world.
//   - the others: the query geometry's box (every longitude when it spans more than 180 degrees,
//     which is how geojson.hpp boxes a geometry that crosses the antimeridian).
model::BoundingBox search_box(const GeoQuery& query);

}  // namespace tsunagu::query
