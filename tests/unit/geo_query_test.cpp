#include "query/geo_query.hpp"

#include <gtest/gtest.h>

#include <boost/geometry/algorithms/distance.hpp>
#include <boost/json/parse.hpp>
#include <cmath>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace tsunagu::query {
namespace {

// Around Osaka Station: a square of about 915 m by 1110 m with a hole in its middle, and a square
// around Namba, about 4 km to the south.
constexpr std::string_view kUmedaSquare =
    "[[135.49,34.70],[135.50,34.70],[135.50,34.71],[135.49,34.71],[135.49,34.70]]";
constexpr std::string_view kUmedaHole =
    "[[135.493,34.703],[135.493,34.706],[135.496,34.706],[135.496,34.703],[135.493,34.703]]";
constexpr std::string_view kNambaSquare =
    "[[135.495,34.66],[135.505,34.66],[135.505,34.67],[135.495,34.67],[135.495,34.66]]";

constexpr std::string_view kOsakaStation = "[135.4959,34.7025]";
constexpr std::string_view kInTheHole = "[135.4945,34.7045]";
constexpr std::string_view kNamba = "[135.5013,34.6664]";

const std::string kUmedaWithHole =
    "[" + std::string(kUmedaSquare) + "," + std::string(kUmedaHole) + "]";
const std::string kUmeda = "[" + std::string(kUmedaSquare) + "]";

GeoQuery query(std::string_view georel, std::string_view geometry, std::string_view coordinates,
               std::optional<std::string_view> geoproperty = std::nullopt) {
  auto parsed = parse_geo_query(georel, geometry, coordinates, geoproperty);
  EXPECT_TRUE(parsed.has_value()) << parsed.error().message;
  return parsed ? std::move(*parsed) : GeoQuery{};
}

model::Attribute geo_attribute(std::string_view type, std::string_view coordinates) {
  model::Attribute attribute;
  attribute.kind = model::AttributeKind::GeoProperty;
  attribute.value = boost::json::parse(R"({"type":")" + std::string(type) + R"(","coordinates":)" +
                                       std::string(coordinates) + "}");
  return attribute;
}

model::Entity entity_at(std::string_view type, std::string_view coordinates,
                        std::string_view property = kDefaultGeoProperty) {
  model::Entity entity;
  entity.id = "urn:ngsi-ld:Place:1";
  entity.types = {"https://example.org/Place"};
  entity.attributes.push_back({std::string(property), {geo_attribute(type, coordinates)}});
  return entity;
}

model::Entity point_at(std::string_view coordinates) {
  return entity_at("Point", coordinates);
}

// ---- Parsing ----------------------------------------------------------------------------------

TEST(ParseGeoQuery, NearWithMaxDistance) {
  const auto q = query("near;maxDistance==2000", "Point", "[135.5,34.7]");
  EXPECT_EQ(q.rel, GeoRel::Near);
  EXPECT_EQ(q.max_distance, 2000.0);
  EXPECT_FALSE(q.min_distance.has_value());
  EXPECT_EQ(q.geoproperty, "https://uri.etsi.org/ngsi-ld/location");
  const auto& point = std::get<model::Point>(q.geometry);
  EXPECT_EQ(point.position.lon, 135.5);
  EXPECT_EQ(point.position.lat, 34.7);
  EXPECT_TRUE(std::holds_alternative<model::GeoPoint>(q.shape));
}

TEST(ParseGeoQuery, NearWithMinDistanceInJsonNumberSyntax) {
  const auto q = query("near;minDistance==1.5e3", "Point", "[135.5,34.7]");
  EXPECT_EQ(q.rel, GeoRel::Near);
  EXPECT_EQ(q.min_distance, 1500.0);
  EXPECT_FALSE(q.max_distance.has_value());
  EXPECT_EQ(query("near;maxDistance==0", "Point", "[135.5,34.7]").max_distance, 0.0);
}

TEST(ParseGeoQuery, EveryRelationAndGeometryType) {
  const std::vector<std::pair<std::string_view, GeoRel>> rels = {
      {"within", GeoRel::Within},         {"contains", GeoRel::Contains},
      {"intersects", GeoRel::Intersects}, {"equals", GeoRel::Equals},
      {"disjoint", GeoRel::Disjoint},     {"overlaps", GeoRel::Overlaps}};
  for (const auto& [text, rel] : rels) {
    const auto q = query(text, "Polygon", kUmeda);
    EXPECT_EQ(q.rel, rel) << text;
    EXPECT_EQ(georel_name(q.rel), text);
  }
  EXPECT_EQ(georel_name(GeoRel::Near), "near");
  const std::vector<std::pair<std::string_view, std::string>> geometries = {
      {"Point", "[135.5,34.7]"},
      {"MultiPoint", "[[135.5,34.7],[135.6,34.8,10]]"},
      {"LineString", "[[135.5,34.7],[135.6,34.8]]"},
      {"MultiLineString", "[[[135.5,34.7],[135.6,34.8]]]"},
      {"Polygon", kUmedaWithHole},
      {"MultiPolygon", "[" + kUmeda + ",[" + std::string(kNambaSquare) + "]]"}};
  for (std::size_t i = 0; i < geometries.size(); ++i) {
    const auto q = query("intersects", geometries[i].first, geometries[i].second);
    EXPECT_EQ(q.geometry.index(), i) << geometries[i].first;
    EXPECT_EQ(q.shape.index(), i) << geometries[i].first;
  }
}

TEST(ParseGeoQuery, GeoPropertyDefaultsToLocation) {
  EXPECT_EQ(query("within", "Polygon", kUmeda).geoproperty, kDefaultGeoProperty);
  EXPECT_EQ(query("within", "Polygon", kUmeda, "https://example.org/area").geoproperty,
            "https://example.org/area");
}

struct Invalid {
  std::string_view georel;
  std::string_view geometry;
  std::string_view coordinates;
  std::optional<std::string_view> geoproperty;
  std::string_view message;  // a fragment of the error message
};

TEST(ParseGeoQuery, RejectsInvalidParametersNamingThem) {
  const std::vector<Invalid> cases = {
      {"nearby", "Point", "[1,2]", {}, "georel: unknown relation 'nearby'"},
      {"NEAR;maxDistance==5", "Point", "[1,2]", {}, "georel: unknown relation 'NEAR'"},
      {"", "Point", "[1,2]", {}, "georel: unknown relation ''"},
      {"near", "Point", "[1,2]", {}, "georel: 'near' needs maxDistance or minDistance"},
      {"near;", "Point", "[1,2]", {}, "georel: 'near' needs maxDistance or minDistance"},
      {"near;distance==5", "Point", "[1,2]", {}, "georel: unknown modifier 'distance'"},
      {"near;maxDistance=5", "Point", "[1,2]", {}, "georel: unknown modifier 'maxDistance=5'"},
      {"near;maxDistance", "Point", "[1,2]", {}, "georel: maxDistance needs '=='"},
      {"near;maxDistance==-5",
       "Point",
       "[1,2]",
       {},
       "georel: maxDistance must be a non-negative number of metres, not '-5'"},
      {"near;minDistance==abc", "Point", "[1,2]", {}, "not 'abc'"},
      {"near;maxDistance==", "Point", "[1,2]", {}, "not ''"},
      {"near;maxDistance==inf", "Point", "[1,2]", {}, "not 'inf'"},
      {"near;maxDistance==5m", "Point", "[1,2]", {}, "not '5m'"},
      {"near;maxDistance==5;minDistance==1", "Point", "[1,2]", {}, "not several"},
      {"within;maxDistance==5", "Polygon", kUmeda, {}, "georel: 'within' takes no modifiers"},
      {"within;", "Polygon", kUmeda, {}, "georel: 'within' takes no modifiers"},
      {"near;maxDistance==5",
       "Polygon",
       kUmeda,
       {},
       "geometry: 'near' needs a Point, not a Polygon"},
      {"within", "Circle", "[1,2]", {}, "geometry: unknown type 'Circle'"},
      {"within", "point", "[1,2]", {}, "geometry: unknown type 'point'"},
      {"within", "GeometryCollection", "[]", {}, "geometry: unknown type 'GeometryCollection'"},
      {"within", "Point", "[135.5,", {}, "coordinates: not valid JSON"},
      {"within", "Point", "", {}, "coordinates: not valid JSON"},
      {"within", "Point", R"({"a":1})", {}, "coordinates: must be a JSON array"},
      {"within", "Point", "[200,34]", {}, "coordinates: longitude 200 is out of range"},
      {"within", "Point", "[135,95]", {}, "coordinates: latitude 95 is out of range"},
      {"within", "Polygon", "[[[1,2],[3,4]]]", {}, "coordinates"},
      {"within", "Point", "[[1,2]]", {}, "coordinates"},
      {"within", "Polygon", kUmeda, std::string_view{}, "geoproperty: must not be empty"},
  };
  for (const auto& c : cases) {
    const auto parsed = parse_geo_query(c.georel, c.geometry, c.coordinates, c.geoproperty);
    ASSERT_FALSE(parsed.has_value()) << c.georel << " " << c.geometry << " " << c.coordinates;
    EXPECT_EQ(parsed.error().kind, ErrorKind::BadRequestData);
    EXPECT_NE(parsed.error().message.find(c.message), std::string::npos)
        << "got: " << parsed.error().message << "\nwanted: " << c.message;
  }
}

// ---- near -------------------------------------------------------------------------------------

TEST(GeoMatches, NearMaxDistanceAroundOsaka) {
  // Osaka Station to Namba is about 4 km.
  const auto namba = point_at(kNamba);
  EXPECT_TRUE(matches(query("near;maxDistance==4500", "Point", kOsakaStation), namba));
  EXPECT_FALSE(matches(query("near;maxDistance==3500", "Point", kOsakaStation), namba));
  EXPECT_TRUE(matches(query("near;maxDistance==0", "Point", kNamba), namba));
}

TEST(GeoMatches, NearMinDistanceAroundOsaka) {
  const auto namba = point_at(kNamba);
  EXPECT_TRUE(matches(query("near;minDistance==3500", "Point", kOsakaStation), namba));
  EXPECT_FALSE(matches(query("near;minDistance==4500", "Point", kOsakaStation), namba));
  EXPECT_TRUE(matches(query("near;minDistance==0", "Point", kOsakaStation), namba));
}

TEST(GeoMatches, NearMeasuresToTheNearestPartOfAShape) {
  // The Namba square's northern edge (34.67N) is about 3.6 km from Osaka Station (34.7025N).
  const auto square = entity_at("Polygon", "[" + std::string(kNambaSquare) + "]");
  EXPECT_TRUE(matches(query("near;maxDistance==3700", "Point", kOsakaStation), square));
  EXPECT_FALSE(matches(query("near;maxDistance==3500", "Point", kOsakaStation), square));
  // A point inside a polygon is at distance 0 from it.
  const auto umeda = entity_at("Polygon", kUmeda);
  EXPECT_TRUE(matches(query("near;maxDistance==0", "Point", kOsakaStation), umeda));
  EXPECT_FALSE(matches(query("near;minDistance==1", "Point", kOsakaStation), umeda));
}

// ---- within and the boundary -----------------------------------------------------------------

TEST(GeoMatches, WithinAPolygonWithAHole) {
  const auto q = query("within", "Polygon", kUmedaWithHole);
  EXPECT_TRUE(matches(q, point_at(kOsakaStation)));
  EXPECT_FALSE(matches(q, point_at(kInTheHole)));
  EXPECT_FALSE(matches(q, point_at(kNamba)));
  // A line across the hole leaves the polygon.
  EXPECT_FALSE(matches(q, entity_at("LineString", "[[135.491,34.7045],[135.499,34.7045]]")));
  EXPECT_TRUE(matches(q, entity_at("LineString", "[[135.491,34.701],[135.499,34.701]]")));
}

TEST(GeoMatches, PointsOnTheBorderAreNotWithinButIntersect) {
  // Decision (OGC, as Boost.Geometry implements it): the boundary is not the interior. The
  // points lie on a meridian edge of the exterior, on a vertex, and on a meridian edge of the hole.
  for (const std::string_view border : {"[135.49,34.705]", "[135.49,34.70]", "[135.493,34.704]"}) {
    const auto e = point_at(border);
    EXPECT_FALSE(matches(query("within", "Polygon", kUmedaWithHole), e)) << border;
    EXPECT_TRUE(matches(query("intersects", "Polygon", kUmedaWithHole), e)) << border;
    EXPECT_FALSE(matches(query("disjoint", "Polygon", kUmedaWithHole), e)) << border;
  }
  // Nor does a polygon contain a point on its border.
  EXPECT_FALSE(
      matches(query("contains", "Point", "[135.49,34.705]"), entity_at("Polygon", kUmeda)));
}

TEST(GeoMatches, EdgesAreGeodesicsNotParallels) {
  // The hole's southern edge runs from 135.493E to 135.496E at 34.703N; as a geodesic it bulges
  // slightly north of that parallel, so a point on the parallel between the vertices lies just
  // outside the hole, that is inside the polygon. Clients that draw boxes along parallels see
  // this only within millimetres of an edge.
  const auto e = point_at("[135.4945,34.703]");
  EXPECT_TRUE(matches(query("within", "Polygon", kUmedaWithHole), e));
  EXPECT_TRUE(matches(query("near;maxDistance==0.1", "Point", "[135.4945,34.703]"),
                      entity_at("LineString", "[[135.493,34.703],[135.496,34.703]]")));
}

// ---- Each relation ----------------------------------------------------------------------------

TEST(GeoMatches, Contains) {
  const auto umeda = entity_at("Polygon", kUmedaWithHole);
  EXPECT_TRUE(matches(query("contains", "Point", kOsakaStation), umeda));
  EXPECT_FALSE(matches(query("contains", "Point", kInTheHole), umeda));
  EXPECT_FALSE(matches(query("contains", "Point", kNamba), umeda));
  EXPECT_TRUE(
      matches(query("contains", "LineString", "[[135.491,34.701],[135.499,34.701]]"), umeda));
  // A point contains nothing bigger than itself.
  EXPECT_FALSE(matches(query("contains", "Polygon", kUmeda), point_at(kOsakaStation)));
  // And within is the other way round.
  EXPECT_FALSE(matches(query("within", "Point", kOsakaStation), umeda));
}

TEST(GeoMatches, Intersects) {
  const auto route =
      entity_at("LineString", "[" + std::string(kOsakaStation) + "," + std::string(kNamba) + "]");
  EXPECT_TRUE(matches(query("intersects", "Polygon", kUmeda), route));
  EXPECT_TRUE(
      matches(query("intersects", "Polygon", "[" + std::string(kNambaSquare) + "]"), route));
  EXPECT_FALSE(
      matches(query("intersects", "LineString", "[[139.76,35.68],[139.70,35.69]]"), route));
  EXPECT_TRUE(matches(query("intersects", "MultiPoint", "[[0,0]," + std::string(kNamba) + "]"),
                      point_at(kNamba)));
}

TEST(GeoMatches, Equals) {
  EXPECT_TRUE(matches(query("equals", "Point", kNamba), point_at(kNamba)));
  EXPECT_FALSE(matches(query("equals", "Point", kOsakaStation), point_at(kNamba)));
  // The same square, starting from another corner.
  const auto shifted =
      "[[[135.50,34.70],[135.50,34.71],[135.49,34.71],[135.49,34.70],"
      "[135.50,34.70]]]";
  EXPECT_TRUE(matches(query("equals", "Polygon", shifted), entity_at("Polygon", kUmeda)));
  EXPECT_FALSE(matches(query("equals", "Polygon", kUmedaWithHole), entity_at("Polygon", kUmeda)));
  // Different dimensions are never equal.
  EXPECT_FALSE(matches(query("equals", "Polygon", kUmeda), point_at(kOsakaStation)));
  EXPECT_TRUE(
      matches(query("equals", "MultiPoint", "[" + std::string(kNamba) + "]"), point_at(kNamba)));
}

TEST(GeoMatches, Disjoint) {
  const auto q = query("disjoint", "Polygon", kUmedaWithHole);
  EXPECT_TRUE(matches(q, point_at(kNamba)));
  EXPECT_TRUE(matches(q, point_at(kInTheHole)));
  EXPECT_FALSE(matches(q, point_at(kOsakaStation)));
  EXPECT_FALSE(matches(q, entity_at("Polygon", kUmeda)));
}

TEST(GeoMatches, Overlaps) {
  // A square shifted half a side east overlaps Umeda; one inside it does not (it is within).
  const auto q = query("overlaps", "Polygon", kUmeda);
  EXPECT_TRUE(
      matches(q, entity_at("Polygon",
                           "[[[135.495,34.70],[135.505,34.70],[135.505,34.71],[135.495,34.71],"
                           "[135.495,34.70]]]")));
  EXPECT_FALSE(matches(q, entity_at("Polygon", "[" + std::string(kUmedaHole) + "]")));
  EXPECT_FALSE(matches(q, entity_at("Polygon", "[" + std::string(kNambaSquare) + "]")));
  // Different dimensions never overlap.
  EXPECT_FALSE(matches(q, point_at(kOsakaStation)));
  EXPECT_FALSE(matches(q, entity_at("LineString", "[" + std::string(kOsakaStation) + "," +
                                                      std::string(kNamba) + "]")));
}

// ---- Which property ---------------------------------------------------------------------------

TEST(GeoMatches, MissingPropertyMatchesNothingNotEvenDisjoint) {
  const auto elsewhere = entity_at("Point", kNamba, "https://example.org/area");
  EXPECT_FALSE(matches(query("disjoint", "Polygon", kUmeda), elsewhere));
  EXPECT_FALSE(matches(query("near;minDistance==0", "Point", kOsakaStation), elsewhere));
  EXPECT_FALSE(matches(query("intersects", "Point", kNamba), elsewhere));
  EXPECT_TRUE(matches(query("intersects", "Point", kNamba, "https://example.org/area"), elsewhere));
}

TEST(GeoMatches, OnlyGeoPropertiesWithValidGeometriesCount) {
  auto e = point_at(kNamba);
  e.attributes[0].instances[0].kind = model::AttributeKind::Property;
  EXPECT_FALSE(matches(query("intersects", "Point", kNamba), e));
  e.attributes[0].instances[0].kind = model::AttributeKind::GeoProperty;
  e.attributes[0].instances[0].value = boost::json::parse(R"({"type":"Point"})");
  EXPECT_FALSE(matches(query("intersects", "Point", kNamba), e));
}

TEST(GeoMatches, AnyInstanceOfAMultiAttribute) {
  auto e = point_at(kNamba);
  auto second = geo_attribute("Point", kOsakaStation);
  second.dataset_id = "urn:ngsi-ld:Dataset:b";
  e.attributes[0].instances.push_back(second);
  EXPECT_TRUE(matches(query("within", "Polygon", kUmeda), e));
  EXPECT_TRUE(matches(query("near;maxDistance==10", "Point", kNamba), e));
  // Disjoint too asks whether any instance is disjoint.
  EXPECT_TRUE(matches(query("disjoint", "Polygon", kUmeda), e));
}

// ---- search_box -------------------------------------------------------------------------------

bool in_box(const model::BoundingBox& box, double lon, double lat) {
  return box.min_lon <= lon && lon <= box.max_lon && box.min_lat <= lat && lat <= box.max_lat;
}

TEST(SearchBox, OtherRelationsUseTheGeometrysBox) {
  EXPECT_EQ(search_box(query("within", "Polygon", kUmeda)),
            (model::BoundingBox{135.49, 34.70, 135.50, 34.71}));
  EXPECT_EQ(search_box(query("intersects", "Point", "[135.5,34.7]")),
            (model::BoundingBox{135.5, 34.7, 135.5, 34.7}));
  // A line across the antimeridian: every longitude.
  EXPECT_EQ(search_box(query("intersects", "LineString", "[[179,10],[-179,11]]")),
            (model::BoundingBox{-180, 10, 180, 11}));
}

TEST(SearchBox, DisjointAndMinDistanceSearchTheWorld) {
  const model::BoundingBox world{-180, -90, 180, 90};
  EXPECT_EQ(search_box(query("disjoint", "Polygon", kUmeda)), world);
  EXPECT_EQ(search_box(query("near;minDistance==10", "Point", kOsakaStation)), world);
}

TEST(SearchBox, NearThePolesAndTheAntimeridianSpansEveryLongitude) {
  const auto polar = search_box(query("near;maxDistance==20000", "Point", "[10,89.9]"));
  EXPECT_EQ(polar.min_lon, -180);
  EXPECT_EQ(polar.max_lon, 180);
  EXPECT_EQ(polar.max_lat, 90);
  EXPECT_LT(polar.min_lat, 89.9 - 0.18);
  const auto dateline = search_box(query("near;maxDistance==20000", "Point", "[179.9,0]"));
  EXPECT_EQ(dateline.min_lon, -180);
  EXPECT_EQ(dateline.max_lon, 180);
}

TEST(SearchBox, NearBoxIsNotWastefullyLarge) {
  // 10 km around Osaka: about 0.09 degrees of latitude and 0.11 of longitude.
  const auto box = search_box(query("near;maxDistance==10000", "Point", "[135.5,34.7]"));
  EXPECT_NEAR(box.max_lat - 34.7, 0.0904, 0.001);
  EXPECT_NEAR(box.max_lon - 135.5, 0.11, 0.005);
}

// Property: every point that matches near;maxDistance lies in the search box.
void check_box_contains_matches(double centre_lon, double centre_lat, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> offset(-1.0, 1.0);
  std::uniform_real_distribution<double> metres(10.0, 120000.0);
  int matched = 0;
  int outside_box_but_unmatched = 0;
  for (int round = 0; round < 40; ++round) {
    const double lon = centre_lon + offset(rng) * 0.2;
    const double lat = centre_lat + offset(rng) * 0.2;
    const double distance = metres(rng);
    const std::string centre = "[" + std::to_string(lon) + "," + std::to_string(lat) + "]";
    const auto q = query("near;maxDistance==" + std::to_string(distance), "Point", centre);
    const auto box = search_box(q);
    for (int i = 0; i < 50; ++i) {
      // Within a few box sizes, more densely near the edge of the disc.
      const double plon = std::clamp(lon + offset(rng) * 1.5, -180.0, 180.0);
      const double plat = std::clamp(lat + offset(rng) * 1.2, -90.0, 90.0);
      const model::GeoShape shape = model::GeoPoint(plon, plat);
      const bool hit = satisfies(q, shape);
      if (hit) {
        ++matched;
        EXPECT_TRUE(in_box(box, plon, plat))
            << "point " << plon << "," << plat << " at "
            << boost::geometry::distance(std::get<model::GeoPoint>(shape),
                                         std::get<model::GeoPoint>(q.shape))
            << " m of " << centre << " (maxDistance " << distance << ")";
      } else if (!in_box(box, plon, plat)) {
        ++outside_box_but_unmatched;
      }
    }
  }
  EXPECT_GT(matched, 100);  // the property was exercised
  EXPECT_GT(outside_box_but_unmatched, 100);
}

TEST(SearchBox, ContainsEveryNearMatchAroundOsaka) {
  check_box_contains_matches(135.5, 34.7, 20240601);
}

TEST(SearchBox, ContainsEveryNearMatchAtHighLatitude) {
  check_box_contains_matches(25.0, 69.5, 7);  // Northern Norway: degrees of longitude shrink
}

// Points exactly on the circle, in many directions, are in the box: the bound is not loose only
// on average.
TEST(SearchBox, PointsAtTheMaximumDistanceAreInTheBox) {
  const auto q = query("near;maxDistance==50000", "Point", "[135.5,34.7]");
  const auto box = search_box(q);
  const auto& centre = std::get<model::GeoPoint>(q.shape);
  for (int bearing = 0; bearing < 360; bearing += 5) {
    // Walk outwards along the bearing until just past the distance, then test the last point in.
    const double rad = bearing * 3.14159265358979 / 180.0;
    double lo = 0;
    double hi = 1.0;
    for (int step = 0; step < 60; ++step) {
      const double mid = (lo + hi) / 2;
      const model::GeoPoint p(135.5 + mid * std::sin(rad), 34.7 + mid * std::cos(rad));
      (boost::geometry::distance(p, centre) <= 50000 ? lo : hi) = mid;
    }
    const double plon = 135.5 + lo * std::sin(rad);
    const double plat = 34.7 + lo * std::cos(rad);
    ASSERT_TRUE(satisfies(q, model::GeoPoint(plon, plat))) << bearing;
    EXPECT_TRUE(in_box(box, plon, plat)) << "bearing " << bearing;
  }
}

}  // namespace
}  // namespace tsunagu::query
