#pragma once
// GeoJSON geometries (RFC 7946) as the values of NGSI-LD GeoProperties (location,
// observationSpace, operationSpace and any user GeoProperty).
//
// What is accepted, and why:
//   - The six geometry types Point, MultiPoint, LineString, MultiLineString, Polygon and
//     MultiPolygon. GeometryCollection is rejected: NGSI-LD does not list it among the geometries
//     a GeoProperty may hold (the geometry enumeration of the NGSI-LD OpenAPI has the same six),
//     and geo-queries over collections have no defined meaning.
//   - Positions of 2 or 3 numbers, longitude and latitude in WGS 84 degrees, then an optional
//     altitude. RFC 7946 asks producers not to send more, and an index cannot use more.
//   - LineStrings of at least 2 positions; Polygon rings of at least 4 positions, closed.
//   - Empty coordinate arrays are rejected: RFC 7946 lets a reader treat them as "no geometry",
//     but a GeoProperty without a place cannot be indexed or queried.
//   - Ring orientation is not checked: RFC 7946 section 3.1.6 tells parsers not to reject
//     rings that wind the "wrong" way (geometry.hpp normalises them).
//   - Other members ("bbox", foreign members) are kept by the caller and ignored here, except
//     that a "bbox" must be an array of 4 or 6 numbers.
//
// Errors name the JSON path of the problem, e.g. "coordinates[0][3]: latitude 95 is out of
// range [-90, 90]"; `field` (e.g. "location") prefixes them when given.

#include <boost/json/value.hpp>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "model/error.hpp"

namespace tsunagu::model {

struct Position {
  double lon = 0;
  double lat = 0;
  std::optional<double> alt;

  friend bool operator==(const Position&, const Position&) = default;
};

struct Point {
  Position position;
};
struct MultiPoint {
  std::vector<Position> points;
};
struct LineString {
  std::vector<Position> positions;  // at least 2
};
struct MultiLineString {
  std::vector<LineString> lines;
};
struct Polygon {
  std::vector<std::vector<Position>> rings;  // rings[0] is the exterior, the rest are holes
};
struct MultiPolygon {
  std::vector<Polygon> polygons;
};

// A validated geometry, typed by its GeoJSON "type".
using Geometry =
    std::variant<Point, MultiPoint, LineString, MultiLineString, Polygon, MultiPolygon>;

// The GeoJSON "type" of a geometry, e.g. "Polygon".
std::string_view geometry_type_name(const Geometry& geometry);

// Validates a GeoJSON geometry object and returns its typed form.
Result<Geometry> parse_geometry(const boost::json::value& json, std::string_view field = {});

// Validates a GeoJSON geometry object.
Status validate_geometry(const boost::json::value& json, std::string_view field = {});

// Degrees; min_lon > max_lon never happens: geometries that cross the antimeridian (which
// RFC 7946 section 3.1.9 asks producers to split) get the box spanning the long way round.
struct BoundingBox {
  double min_lon = 0;
  double min_lat = 0;
  double max_lon = 0;
  double max_lat = 0;

  friend bool operator==(const BoundingBox&, const BoundingBox&) = default;
};

BoundingBox bounding_box(const Geometry& geometry);
Result<BoundingBox> bounding_box(const boost::json::value& json, std::string_view field = {});

}  // namespace tsunagu::model
