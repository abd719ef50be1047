#include "model/geometry.hpp"

#include <boost/geometry/algorithms/correct.hpp>

namespace tsunagu::model {
namespace {

template <typename Target>
Target to_points(const std::vector<Position>& positions) {
  Target target;
  target.reserve(positions.size());
  for (const auto& position : positions) target.push_back(to_geo_point(position));
  return target;
}

GeoPolygon to_geo_polygon(const Polygon& polygon) {
  GeoPolygon result;
  if (polygon.rings.empty()) return result;
  result.outer() = to_points<GeoPolygon::ring_type>(polygon.rings.front());
  for (std::size_t i = 1; i < polygon.rings.size(); ++i) {
    result.inners().push_back(to_points<GeoPolygon::ring_type>(polygon.rings[i]));
  }
  boost::geometry::correct(result);
  return result;
}

GeoShape convert(const Point& g) {
  return to_geo_point(g.position);
}
GeoShape convert(const MultiPoint& g) {
  return to_points<GeoMultiPoint>(g.points);
}
GeoShape convert(const LineString& g) {
  return to_points<GeoLineString>(g.positions);
}
GeoShape convert(const Polygon& g) {
  return to_geo_polygon(g);
}

GeoShape convert(const MultiLineString& g) {
  GeoMultiLineString lines;
  lines.reserve(g.lines.size());
  for (const auto& line : g.lines) lines.push_back(to_points<GeoLineString>(line.positions));
  return lines;
}

GeoShape convert(const MultiPolygon& g) {
  GeoMultiPolygon polygons;
  polygons.reserve(g.polygons.size());
  for (const auto& polygon : g.polygons) polygons.push_back(to_geo_polygon(polygon));
  return polygons;
}

}  // namespace

GeoPoint to_geo_point(const Position& position) {
  return GeoPoint(position.lon, position.lat);
}

GeoShape to_geo_shape(const Geometry& geometry) {
  return std::visit([](const auto& g) { return convert(g); }, geometry);
}

}  // namespace tsunagu::model
