#include "query/geo_query.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <boost/geometry/algorithms/disjoint.hpp>
#include <boost/geometry/algorithms/distance.hpp>
#include <boost/geometry/algorithms/equals.hpp>
#include <boost/geometry/algorithms/intersects.hpp>
#include <boost/geometry/algorithms/overlaps.hpp>
#include <boost/geometry/algorithms/within.hpp>
#include <boost/geometry/core/exception.hpp>
#include <boost/geometry/core/topological_dimension.hpp>
#include <boost/json/parse.hpp>
#include <charconv>
#include <cmath>
#include <exception>
#include <numbers>
#include <string>
#include <system_error>
#include <utility>

namespace tsunagu::query {
namespace {

namespace bg = boost::geometry;

struct RelName {
  GeoRel rel;
  std::string_view name;
};

constexpr std::array<RelName, 7> kRelNames = {{{GeoRel::Near, "near"},
                                               {GeoRel::Within, "within"},
                                               {GeoRel::Contains, "contains"},
                                               {GeoRel::Intersects, "intersects"},
                                               {GeoRel::Equals, "equals"},
                                               {GeoRel::Disjoint, "disjoint"},
                                               {GeoRel::Overlaps, "overlaps"}}};

constexpr std::array<std::string_view, 6> kGeometryNames = {
    "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"};

// Lower bounds of the length of one degree on WGS 84: of latitude (a meridian degree is
// shortest at the equator, 110574.27 m) and of longitude at latitude phi (a * cos(phi) * pi/180
// with a the equatorial radius; the ellipsoid's parallels are never shorter).
constexpr double kMinMetresPerDegreeLat = 110574.0;
constexpr double kEquatorMetresPerDegreeLon = 6378137.0 * std::numbers::pi / 180.0;
// Slack against rounding, relative and in degrees.
constexpr double kRelativeSlack = 1e-6;
constexpr double kDegreeSlack = 1e-9;

constexpr model::BoundingBox kWorld{-180, -90, 180, 90};

std::unexpected<Error> bad(std::string message) {
  return fail(ErrorKind::BadRequestData, std::move(message));
}

// A finite, non-negative number in JSON syntax (from_chars accepts a little more, e.g. "1.",
// which is harmless).
std::optional<double> parse_metres(std::string_view text) {
  if (text.empty() || text.front() == '+' || text.front() == '-') return std::nullopt;
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  if (!std::isfinite(value) || value < 0) return std::nullopt;
  return value;
}

Status parse_georel(std::string_view text, GeoQuery& query) {
  const auto semicolon = text.find(';');
  const std::string_view name = text.substr(0, semicolon);
  const auto found = std::ranges::find(kRelNames, name, &RelName::name);
  if (found == kRelNames.end()) {
    return bad(fmt::format(
        "georel: unknown relation '{}'; expected near, within, contains, intersects, equals, "
        "disjoint or overlaps",
        name));
  }
  query.rel = found->rel;
  const std::string_view modifiers =
      semicolon == std::string_view::npos ? std::string_view{} : text.substr(semicolon + 1);
  if (query.rel != GeoRel::Near) {
    if (semicolon != std::string_view::npos) {
      return bad(fmt::format("georel: '{}' takes no modifiers", name));
    }
    return ok();
  }
  if (semicolon == std::string_view::npos || modifiers.empty()) {
    return bad("georel: 'near' needs maxDistance or minDistance");
  }
  if (modifiers.find(';') != std::string_view::npos) {
    return bad("georel: 'near' takes one distance, maxDistance or minDistance, not several");
  }
  const auto equals = modifiers.find("==");
  const std::string_view modifier = modifiers.substr(0, equals);
  if (modifier != "maxDistance" && modifier != "minDistance") {
    return bad(fmt::format(
        "georel: unknown modifier '{}'; expected maxDistance==<metres> or minDistance==<metres>",
        modifier));
  }
  if (equals == std::string_view::npos) {
    return bad(fmt::format("georel: {} needs '==' and a number of metres", modifier));
  }
  const std::string_view number = modifiers.substr(equals + 2);
  const auto metres = parse_metres(number);
  if (!metres) {
    return bad(fmt::format("georel: {} must be a non-negative number of metres, not '{}'", modifier,
                           number));
  }
  (modifier == "maxDistance" ? query.max_distance : query.min_distance) = *metres;
  return ok();
}

Status parse_geometry_parameters(std::string_view type, std::string_view coordinates,
                                 GeoQuery& query) {
  if (std::ranges::find(kGeometryNames, type) == kGeometryNames.end()) {
    return bad(fmt::format(
        "geometry: unknown type '{}'; expected Point, MultiPoint, LineString, MultiLineString, "
        "Polygon or MultiPolygon",
        type));
  }
  boost::system::error_code ec;
  boost::json::value array = boost::json::parse(coordinates, ec);
  if (ec) return bad(fmt::format("coordinates: not valid JSON ({})", ec.message()));
  if (!array.is_array()) return bad("coordinates: must be a JSON array");
  boost::json::object object;
  object["type"] = boost::json::string(type);
  object["coordinates"] = std::move(array);
  auto geometry = model::parse_geometry(boost::json::value(std::move(object)));
  if (!geometry) return std::unexpected(std::move(geometry.error()));
  query.geometry = std::move(*geometry);
  query.shape = model::to_geo_shape(query.geometry);
  return ok();
}

template <typename G>
constexpr int kDimension = bg::topological_dimension<G>::value;

// entity <rel> query, for one pair of Boost.Geometry types. Pairs OGC defines as false, and
// which Boost.Geometry does not implement, never reach Boost.Geometry.
template <typename E, typename Q>
bool relate(GeoRel rel, const E& entity, const Q& query) {
  switch (rel) {
    case GeoRel::Within:
      if constexpr (kDimension<E> <= kDimension<Q>) return bg::within(entity, query);
      return false;
    case GeoRel::Contains:
      if constexpr (kDimension<Q> <= kDimension<E>) return bg::within(query, entity);
      return false;
    case GeoRel::Intersects:
      return bg::intersects(entity, query);
    case GeoRel::Disjoint:
      return bg::disjoint(entity, query);
    case GeoRel::Equals:
      if constexpr (kDimension<E> == kDimension<Q>) return bg::equals(entity, query);
      return false;
    case GeoRel::Overlaps:
      if constexpr (kDimension<E> == kDimension<Q>) return bg::overlaps(entity, query);
      return false;
    case GeoRel::Near:
      break;  // handled by the caller
  }
  return false;
}

bool near(const GeoQuery& query, const model::GeoShape& entity_shape) {
  const auto* point = std::get_if<model::GeoPoint>(&query.shape);
  if (point == nullptr) return false;  // parse_geo_query never builds this
  const double distance =
      std::visit([point](const auto& g) { return bg::distance(g, *point); }, entity_shape);
  if (query.max_distance) return distance <= *query.max_distance;
  if (query.min_distance) return distance >= *query.min_distance;
  return false;
}

}  // namespace

std::string_view georel_name(GeoRel rel) {
  return std::ranges::find(kRelNames, rel, &RelName::rel)->name;
}

Result<GeoQuery> parse_geo_query(std::string_view georel, std::string_view geometry,
                                 std::string_view coordinates,
                                 std::optional<std::string_view> geoproperty_expanded_iri) {
  GeoQuery query;
  if (auto status = parse_georel(georel, query); !status) {
    return std::unexpected(std::move(status.error()));
  }
  if (auto status = parse_geometry_parameters(geometry, coordinates, query); !status) {
    return std::unexpected(std::move(status.error()));
  }
  if (query.rel == GeoRel::Near && !std::holds_alternative<model::Point>(query.geometry)) {
    return bad(fmt::format("geometry: 'near' needs a Point, not a {}", geometry));
  }
  if (geoproperty_expanded_iri && geoproperty_expanded_iri->empty()) {
    return bad("geoproperty: must not be empty");
  }
  query.geoproperty = std::string(geoproperty_expanded_iri.value_or(kDefaultGeoProperty));
  return query;
}

bool satisfies(const GeoQuery& query, const model::GeoShape& entity_shape) {
  try {
    if (query.rel == GeoRel::Near) return near(query, entity_shape);
    return std::visit([rel = query.rel](const auto& e, const auto& q) { return relate(rel, e, q); },
                      entity_shape, query.shape);
  } catch (const bg::exception&) {
    // Invalid input for an overlay (a self-intersecting polygon, say): no answer, so no match.
    return false;
  }
}

bool matches(const GeoQuery& query, const model::Entity& entity) {
  const auto* entry = model::find_entry(entity.attributes, query.geoproperty);
  if (entry == nullptr) return false;
  for (const auto& instance : entry->instances) {
    if (instance.kind != model::AttributeKind::GeoProperty) continue;
    const auto geometry = model::parse_geometry(instance.value);
    if (!geometry) continue;
    if (satisfies(query, model::to_geo_shape(*geometry))) return true;
  }
  return false;
}

model::BoundingBox search_box(const GeoQuery& query) {
  if (query.rel == GeoRel::Disjoint || query.min_distance) return kWorld;
  if (query.rel == GeoRel::Near) {
    const auto* point = std::get_if<model::Point>(&query.geometry);
    if (point == nullptr || !query.max_distance) return kWorld;
    const double lon = point->position.lon;
    const double lat = point->position.lat;
    const double metres = *query.max_distance * (1 + kRelativeSlack);
    const double dlat = metres / kMinMetresPerDegreeLat + kDegreeSlack;
    const double min_lat = lat - dlat;
    const double max_lat = lat + dlat;
    if (min_lat <= -90 || max_lat >= 90) {
      return {-180, std::max(min_lat, -90.0), 180, std::min(max_lat, 90.0)};
    }
    const double widest = std::max(std::abs(min_lat), std::abs(max_lat));
    const double dlon =
        metres / (kEquatorMetresPerDegreeLon * std::cos(widest * std::numbers::pi / 180.0)) +
        kDegreeSlack;
    if (lon - dlon <= -180 || lon + dlon >= 180) return {-180, min_lat, 180, max_lat};
    return {lon - dlon, min_lat, lon + dlon, max_lat};
  }
  auto box = model::bounding_box(query.geometry);
  if (box.max_lon - box.min_lon > 180) {
    box.min_lon = -180;
    box.max_lon = 180;
  }
  return box;
}

}  // namespace tsunagu::query
