#include "model/geometry.hpp"

#include <gtest/gtest.h>

#include <boost/geometry.hpp>
#include <boost/json/parse.hpp>
#include <string>

namespace tsunagu::model {
namespace {

namespace bg = boost::geometry;

// About 915 m by 1110 m around Osaka Station, and a hole in its middle.
constexpr std::string_view kUmedaSquare =
    R"([[135.49,34.70],[135.50,34.70],[135.50,34.71],[135.49,34.71],[135.49,34.70]])";
constexpr std::string_view kUmedaHole =
    R"([[135.493,34.703],[135.493,34.706],[135.496,34.706],[135.496,34.703],[135.493,34.703]])";
constexpr std::string_view kNambaSquare =
    R"([[135.495,34.66],[135.505,34.66],[135.505,34.67],[135.495,34.67],[135.495,34.66]])";

const GeoPoint kOsakaStation{135.4959, 34.7025};
const GeoPoint kInTheHole{135.4945, 34.7045};
const GeoPoint kNamba{135.5013, 34.6664};

GeoShape shape(const std::string& geojson) {
  const auto geometry = parse_geometry(boost::json::parse(geojson));
  EXPECT_TRUE(geometry.has_value()) << geometry.error().message;
  return to_geo_shape(*geometry);
}

TEST(ToGeoShape, PointDropsTheAltitude) {
  const auto converted = shape(R"({"type":"Point","coordinates":[135.5,34.7,120]})");
  const auto& point = std::get<GeoPoint>(converted);
  EXPECT_EQ(bg::get<0>(point), 135.5);
  EXPECT_EQ(bg::get<1>(point), 34.7);
}

TEST(ToGeoShape, DistancesAreInMetresOnTheEllipsoid) {
  // One degree of latitude near 35N is about 110.95 km on WGS 84.
  EXPECT_NEAR(bg::distance(GeoPoint{135.5, 34.7}, GeoPoint{135.5, 35.7}), 110945, 5);
  const double station_to_namba = bg::distance(kOsakaStation, kNamba);
  EXPECT_GT(station_to_namba, 3900);
  EXPECT_LT(station_to_namba, 4200);
}

TEST(ToGeoShape, PolygonWithHoleContainsOnlyPointsOutsideTheHole) {
  const auto converted = shape(R"({"type":"Polygon","coordinates":[)" + std::string(kUmedaSquare) +
                               "," + std::string(kUmedaHole) + "]}");
  const auto& polygon = std::get<GeoPolygon>(converted);
  EXPECT_EQ(polygon.inners().size(), 1u);
  EXPECT_TRUE(bg::within(kOsakaStation, polygon));
  EXPECT_FALSE(bg::within(kInTheHole, polygon));
  EXPECT_FALSE(bg::within(kNamba, polygon));
  const double square_metres = bg::area(polygon);
  EXPECT_GT(square_metres, 0.9e6);  // about 1.02 km2 less the hole's 0.09 km2
  EXPECT_LT(square_metres, 1.0e6);
}

TEST(ToGeoShape, ClockwiseExteriorIsReoriented) {
  const auto converted = shape(
      R"({"type":"Polygon","coordinates":[[[135.49,34.70],[135.49,34.71],[135.50,34.71],
          [135.50,34.70],[135.49,34.70]]]})");
  const auto& polygon = std::get<GeoPolygon>(converted);
  EXPECT_GT(bg::area(polygon), 1.0e6);
  EXPECT_TRUE(bg::within(kOsakaStation, polygon));
}

TEST(ToGeoShape, MultiPolygonCoversBothAreas) {
  const auto converted =
      shape(R"({"type":"MultiPolygon","coordinates":[[)" + std::string(kUmedaSquare) + "],[" +
            std::string(kNambaSquare) + "]]}");
  const auto& polygons = std::get<GeoMultiPolygon>(converted);
  ASSERT_EQ(polygons.size(), 2u);
  EXPECT_TRUE(bg::within(kOsakaStation, polygons));
  EXPECT_TRUE(bg::within(kNamba, polygons));
  EXPECT_FALSE(bg::within(GeoPoint{135.50, 34.69}, polygons));  // between the two
}

TEST(ToGeoShape, LineStringsIntersectThePolygonsTheyCross) {
  const auto route =
      shape(R"({"type":"LineString","coordinates":[[135.4959,34.7025],[135.5013,34.6664]]})");
  const auto umeda =
      shape(R"({"type":"Polygon","coordinates":[)" + std::string(kUmedaSquare) + "]}");
  const auto far_away =
      shape(R"({"type":"LineString","coordinates":[[139.76,35.68],[139.70,35.69]]})");
  const auto& polygon = std::get<GeoPolygon>(umeda);
  EXPECT_TRUE(bg::intersects(std::get<GeoLineString>(route), polygon));
  EXPECT_FALSE(bg::intersects(std::get<GeoLineString>(far_away), polygon));
}

TEST(ToGeoShape, MultiGeometriesKeepTheirParts) {
  const auto points =
      shape(R"({"type":"MultiPoint","coordinates":[[135.49,34.70],[135.51,34.68,3]]})");
  EXPECT_EQ(std::get<GeoMultiPoint>(points).size(), 2u);
  const auto lines = shape(
      R"({"type":"MultiLineString","coordinates":[[[135.49,34.70],[135.50,34.71]],
          [[135.52,34.65],[135.51,34.66],[135.53,34.64]]]})");
  const auto& multi_line = std::get<GeoMultiLineString>(lines);
  ASSERT_EQ(multi_line.size(), 2u);
  EXPECT_EQ(multi_line[1].size(), 3u);
}

TEST(ToGeoShape, AlternativesFollowTheGeometryOrder) {
  const std::vector<std::string> geojson = {
      R"({"type":"Point","coordinates":[1,2]})",
      R"({"type":"MultiPoint","coordinates":[[1,2]]})",
      R"({"type":"LineString","coordinates":[[1,2],[3,4]]})",
      R"({"type":"MultiLineString","coordinates":[[[1,2],[3,4]]]})",
      R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]})",
      R"({"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]})"};
  ASSERT_EQ(geojson.size(), std::variant_size_v<Geometry>);
  for (std::size_t i = 0; i < geojson.size(); ++i) EXPECT_EQ(shape(geojson[i]).index(), i);
}

}  // namespace
}  // namespace tsunagu::model
