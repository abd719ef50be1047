#pragma once
// Validated GeoJSON geometries (geojson.hpp) as Boost.Geometry types, for the NGSI-LD
// geo-query predicates (near, within, contains, intersects, equals, disjoint, overlaps)
// evaluated in memory, e.g. by the subscription matcher.
//
// The coordinate system is geographic, in degrees, on the WGS 84 ellipsoid that RFC 7946
// prescribes: distances come out in metres along the Earth's surface, which is what
// "near;maxDistance==2000" means. Altitudes are dropped; NGSI-LD geo-queries are 2D.

#include <boost/geometry/core/cs.hpp>
#include <boost/geometry/geometries/linestring.hpp>
#include <boost/geometry/geometries/multi_linestring.hpp>
#include <boost/geometry/geometries/multi_point.hpp>
#include <boost/geometry/geometries/multi_polygon.hpp>
#include <boost/geometry/geometries/point.hpp>
#include <boost/geometry/geometries/polygon.hpp>
#include <variant>

#include "model/geojson.hpp"

namespace tsunagu::model {

using GeoCoordinateSystem = boost::geometry::cs::geographic<boost::geometry::degree>;
using GeoPoint = boost::geometry::model::point<double, 2, GeoCoordinateSystem>;
using GeoMultiPoint = boost::geometry::model::multi_point<GeoPoint>;
using GeoLineString = boost::geometry::model::linestring<GeoPoint>;
using GeoMultiLineString = boost::geometry::model::multi_linestring<GeoLineString>;
// Counter-clockwise exteriors and closed rings, as RFC 7946 writes them.
using GeoPolygon = boost::geometry::model::polygon<GeoPoint, /*ClockWise=*/false, /*Closed=*/true>;
using GeoMultiPolygon = boost::geometry::model::multi_polygon<GeoPolygon>;

// One alternative per GeoJSON type, in the order of Geometry.
using GeoShape = std::variant<GeoPoint, GeoMultiPoint, GeoLineString, GeoMultiLineString,
                              GeoPolygon, GeoMultiPolygon>;

GeoPoint to_geo_point(const Position& position);

// Converts a geometry that parse_geometry accepted. Rings that wind the other way (RFC 7946
// tells parsers to accept them) are reoriented, so that areas and containment come out right.
GeoShape to_geo_shape(const Geometry& geometry);

}  // namespace tsunagu::model
