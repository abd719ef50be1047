#include "model/geojson.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <limits>
#include <string>

namespace tsunagu::model {
namespace {

namespace json = boost::json;

// Around Osaka Station (135.4959E 34.7025N): small, far from the antimeridian and the poles.
constexpr std::string_view kUmedaSquare =
    R"([[135.49,34.70],[135.50,34.70],[135.50,34.71],[135.49,34.71],[135.49,34.70]])";
// A hole inside kUmedaSquare, wound the other way.
constexpr std::string_view kUmedaHole =
    R"([[135.493,34.703],[135.493,34.706],[135.496,34.706],[135.496,34.703],[135.493,34.703]])";
// Around Namba (135.5013E 34.6664N).
constexpr std::string_view kNambaSquare =
    R"([[135.495,34.66],[135.505,34.66],[135.505,34.67],[135.495,34.67],[135.495,34.66]])";

std::string polygon(std::string_view rings) {
  return R"({"type":"Polygon","coordinates":[)" + std::string(rings) + "]}";
}

struct ValidCase {
  std::string name;
  std::string geojson;
  std::string_view type;
  BoundingBox box;
};

void PrintTo(const ValidCase& c, std::ostream* os) {
  *os << c.name;
}

class ValidGeometry : public testing::TestWithParam<ValidCase> {};

TEST_P(ValidGeometry, IsAcceptedWithItsTypeAndBoundingBox) {
  const auto value = json::parse(GetParam().geojson);
  const auto status = validate_geometry(value);
  ASSERT_TRUE(status.has_value()) << status.error().message;
  const auto geometry = parse_geometry(value);
  ASSERT_TRUE(geometry.has_value());
  EXPECT_EQ(geometry_type_name(*geometry), GetParam().type);
  const auto box = bounding_box(value);
  ASSERT_TRUE(box.has_value());
  EXPECT_EQ(*box, GetParam().box);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ValidGeometry,
    testing::Values(
        ValidCase{"Point",
                  R"({"type":"Point","coordinates":[135.5023,34.6937]})",
                  "Point",
                  {135.5023, 34.6937, 135.5023, 34.6937}},
        ValidCase{"PointIntegers",
                  R"({"type":"Point","coordinates":[135,34]})",
                  "Point",
                  {135, 34, 135, 34}},
        ValidCase{"Point3D",
                  R"({"type":"Point","coordinates":[135.5,34.7,12.5]})",
                  "Point",
                  {135.5, 34.7, 135.5, 34.7}},
        ValidCase{"PointAtLimits",
                  R"({"type":"Point","coordinates":[-180,-90]})",
                  "Point",
                  {-180, -90, -180, -90}},
        ValidCase{"PointAtUpperLimits",
                  R"({"type":"Point","coordinates":[180.0,90.0]})",
                  "Point",
                  {180, 90, 180, 90}},
        ValidCase{"MultiPoint",
                  R"({"type":"MultiPoint","coordinates":[[135.49,34.70],[135.51,34.68,3]]})",
                  "MultiPoint",
                  {135.49, 34.68, 135.51, 34.70}},
        ValidCase{"LineString",
                  R"({"type":"LineString","coordinates":[[135.4959,34.7025],[135.5013,34.6664]]})",
                  "LineString",
                  {135.4959, 34.6664, 135.5013, 34.7025}},
        ValidCase{"MultiLineString",
                  R"({"type":"MultiLineString","coordinates":[[[135.49,34.70],[135.50,34.71]],
                      [[135.52,34.65],[135.51,34.66],[135.53,34.64]]]})",
                  "MultiLineString",
                  {135.49, 34.64, 135.53, 34.71}},
        ValidCase{"Polygon", polygon(kUmedaSquare), "Polygon", {135.49, 34.70, 135.50, 34.71}},
        ValidCase{"PolygonWithHole",
                  polygon(std::string(kUmedaSquare) + "," + std::string(kUmedaHole)),
                  "Polygon",
                  {135.49, 34.70, 135.50, 34.71}},
        ValidCase{"PolygonClockwise",
                  polygon(R"([[135.49,34.70],[135.49,34.71],[135.50,34.71],[135.50,34.70],
                              [135.49,34.70]])"),
                  "Polygon",
                  {135.49, 34.70, 135.50, 34.71}},
        ValidCase{"Polygon3D",
                  polygon(R"([[135.49,34.70,10],[135.50,34.70,12],[135.50,34.71,11],
                              [135.49,34.70,10]])"),
                  "Polygon",
                  {135.49, 34.70, 135.50, 34.71}},
        ValidCase{"MultiPolygon",
                  R"({"type":"MultiPolygon","coordinates":[[)" + std::string(kUmedaSquare) + "," +
                      std::string(kUmedaHole) + "],[" + std::string(kNambaSquare) + "]]}",
                  "MultiPolygon",
                  {135.49, 34.66, 135.505, 34.71}},
        ValidCase{"BboxAndForeignMembers",
                  R"({"type":"Point","coordinates":[135.5,34.7],"bbox":[135.5,34.7,135.5,34.7],
                      "title":"Osaka","crs":null})",
                  "Point",
                  {135.5, 34.7, 135.5, 34.7}},
        ValidCase{
            "Bbox3D",
            R"({"type":"Point","coordinates":[135.5,34.7,1],"bbox":[135.5,34.7,1,135.5,34.7,1]})",
            "Point",
            {135.5, 34.7, 135.5, 34.7}}),
    [](const auto& test) { return test.param.name; });

struct InvalidCase {
  std::string name;
  std::string geojson;
  std::string_view fragment;  // expected somewhere in the error message
};

void PrintTo(const InvalidCase& c, std::ostream* os) {
  *os << c.name;
}

class InvalidGeometry : public testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidGeometry, IsRejectedWithAPreciseMessage) {
  const auto value = json::parse(GetParam().geojson);
  const auto status = validate_geometry(value);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().kind, ErrorKind::BadRequestData);
  EXPECT_NE(status.error().message.find(GetParam().fragment), std::string::npos)
      << status.error().message;
  const auto box = bounding_box(value);
  ASSERT_FALSE(box.has_value());
  EXPECT_EQ(box.error().message, status.error().message);
}

const std::string kOpenRing =
    R"([[135.49,34.70],[135.50,34.70],[135.50,34.71],[135.49,34.71],[135.49,34.705]])";

INSTANTIATE_TEST_SUITE_P(
    Cases, InvalidGeometry,
    testing::Values(
        // The object and its "type".
        InvalidCase{"NotAnObject", "[135.5,34.7]",
                    "a geometry must be a JSON object, got an array"},
        InvalidCase{"Null", "null", "a geometry must be a JSON object, got null"},
        InvalidCase{"NoType", R"({"coordinates":[135.5,34.7]})", "type: the member is missing"},
        InvalidCase{"TypeNotString", R"({"type":1,"coordinates":[135.5,34.7]})",
                    "type: expected a string, got a number"},
        InvalidCase{"LowercaseType", R"({"type":"point","coordinates":[135.5,34.7]})",
                    "type: 'point' is not a GeoJSON geometry type; expected Point, MultiPoint, "
                    "LineString, MultiLineString, Polygon or MultiPolygon"},
        InvalidCase{"Feature",
                    R"({"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}})",
                    "type: 'Feature' is not a GeoJSON geometry type"},
        InvalidCase{
            "GeometryCollection",
            R"({"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]}]})",
            "type: GeometryCollection is not allowed as an NGSI-LD GeoProperty value"},
        InvalidCase{"NoCoordinates", R"({"type":"Point"})", "coordinates: the member is missing"},
        InvalidCase{"CoordinatesNull", R"({"type":"Point","coordinates":null})",
                    "coordinates: expected a position (an array of 2 or 3 numbers), got null"},
        InvalidCase{"BadBboxSize", R"({"type":"Point","coordinates":[1,2],"bbox":[1,2,3]})",
                    "bbox: expected an array of 4 or 6 numbers"},
        InvalidCase{"BadBboxValue", R"({"type":"Point","coordinates":[1,2],"bbox":["1",2,1,2]})",
                    "bbox[0]: a bbox value must be a number, got a string"},
        // Positions.
        InvalidCase{"PositionTooShort", R"({"type":"Point","coordinates":[135.5]})",
                    "coordinates: a position has 2 or 3 numbers (longitude, latitude, altitude), "
                    "got 1"},
        InvalidCase{"PositionTooLong", R"({"type":"Point","coordinates":[135.5,34.7,1,2]})",
                    "coordinates: a position has 2 or 3 numbers (longitude, latitude, altitude), "
                    "got 4"},
        InvalidCase{"LatitudeOutOfRange", R"({"type":"Point","coordinates":[135.5,95]})",
                    "coordinates: latitude 95 is out of range [-90, 90]"},
        InvalidCase{"LatitudeBelowRange", R"({"type":"Point","coordinates":[135.5,-90.5]})",
                    "coordinates: latitude -90.5 is out of range [-90, 90]"},
        InvalidCase{"LongitudeOutOfRange", R"({"type":"Point","coordinates":[180.5,34.7]})",
                    "coordinates: longitude 180.5 is out of range [-180, 180]"},
        InvalidCase{"SwappedLatLon", R"({"type":"Point","coordinates":[34.7,135.5]})",
                    "coordinates: latitude 135.5 is out of range [-90, 90]"},
        InvalidCase{"LongitudeString", R"({"type":"Point","coordinates":["135.5",34.7]})",
                    "coordinates: longitude must be a number, got a string"},
        InvalidCase{"LatitudeNull", R"({"type":"Point","coordinates":[135.5,null]})",
                    "coordinates: latitude must be a number, got null"},
        InvalidCase{"AltitudeBoolean", R"({"type":"Point","coordinates":[135.5,34.7,true]})",
                    "coordinates: altitude must be a number, got a boolean"},
        // MultiPoint and LineString.
        InvalidCase{"EmptyMultiPoint", R"({"type":"MultiPoint","coordinates":[]})",
                    "coordinates: a MultiPoint needs at least 1 position, got 0"},
        InvalidCase{"MultiPointBadPosition",
                    R"({"type":"MultiPoint","coordinates":[[135.5,34.7],[135.5]]})",
                    "coordinates[1]: a position has 2 or 3 numbers"},
        InvalidCase{"MultiPointFlat", R"({"type":"MultiPoint","coordinates":[135.5,34.7]})",
                    "coordinates[0]: expected a position (an array of 2 or 3 numbers), got a "
                    "number"},
        InvalidCase{"LineStringOnePosition",
                    R"({"type":"LineString","coordinates":[[135.5,34.7]]})",
                    "coordinates: a LineString needs at least 2 positions, got 1"},
        InvalidCase{"LineStringNotArray", R"({"type":"LineString","coordinates":{}})",
                    "coordinates: expected an array of positions, got an object"},
        InvalidCase{"LineStringBadLongitude",
                    R"({"type":"LineString","coordinates":[[135.5,34.7],[-181,34.7]]})",
                    "coordinates[1]: longitude -181 is out of range [-180, 180]"},
        // MultiLineString.
        InvalidCase{"EmptyMultiLineString", R"({"type":"MultiLineString","coordinates":[]})",
                    "coordinates: expected at least one LineString"},
        InvalidCase{"MultiLineStringShortLine",
                    R"({"type":"MultiLineString","coordinates":[[[1,2],[3,4]],[[1,2]]]})",
                    "coordinates[1]: a LineString needs at least 2 positions, got 1"},
        InvalidCase{"MultiLineStringFlat",
                    R"({"type":"MultiLineString","coordinates":[[1,2],[3,4]]})",
                    "coordinates[0][0]: expected a position (an array of 2 or 3 numbers), got a "
                    "number"},
        // Polygon.
        InvalidCase{"EmptyPolygon", R"({"type":"Polygon","coordinates":[]})",
                    "coordinates: expected at least one ring"},
        InvalidCase{"PolygonRingTooShort",
                    polygon(R"([[135.49,34.70],[135.50,34.70],[135.49,34.70]])"),
                    "coordinates[0]: Polygon ring 0 needs at least 4 positions, got 3"},
        InvalidCase{"PolygonNotClosed", polygon(kOpenRing),
                    "coordinates[0]: Polygon ring 0 is not closed: its first and last positions "
                    "differ"},
        InvalidCase{
            "PolygonHoleNotClosed",
            polygon(std::string(kUmedaSquare) + "," +
                    R"([[135.493,34.703],[135.493,34.706],[135.496,34.706],[135.496,34.703]])"),
            "coordinates[1]: Polygon ring 1 is not closed"},
        InvalidCase{
            "PolygonAltitudeNotClosed",
            polygon(R"([[135.49,34.70,10],[135.50,34.70],[135.50,34.71],[135.49,34.70,11]])"),
            "coordinates[0]: Polygon ring 0 is not closed"},
        InvalidCase{
            "PolygonLatitudeOutOfRange",
            polygon(R"([[135.49,34.70],[135.50,34.70],[135.50,34.71],[135.49,95],[135.49,34.70]])"),
            "coordinates[0][3]: latitude 95 is out of range [-90, 90]"},
        InvalidCase{"PolygonWithoutRingLevel", polygon("[135.49,34.70,135.50,34.70,135.49]"),
                    "coordinates[0][0]: expected a position (an array of 2 or 3 numbers), got a "
                    "number"},
        // MultiPolygon.
        InvalidCase{"EmptyMultiPolygon", R"({"type":"MultiPolygon","coordinates":[]})",
                    "coordinates: expected at least one Polygon"},
        InvalidCase{"MultiPolygonNotNested", R"({"type":"MultiPolygon","coordinates":[1]})",
                    "coordinates[0]: expected an array of rings, got a number"},
        InvalidCase{
            "MultiPolygonEmptyPolygon",
            R"({"type":"MultiPolygon","coordinates":[[)" + std::string(kUmedaSquare) + "],[]]}",
            "coordinates[1]: expected at least one ring"},
        InvalidCase{"MultiPolygonOpenRing",
                    R"({"type":"MultiPolygon","coordinates":[[)" + std::string(kUmedaSquare) +
                        "],[" + kOpenRing + "]]}",
                    "coordinates[1][0]: Polygon ring 0 is not closed"},
        InvalidCase{"MultiPolygonBadLongitude",
                    R"({"type":"MultiPolygon","coordinates":[[)" + std::string(kUmedaSquare) +
                        R"(,[[135.493,34.703],[135.493,34.706],[200,34.706],[135.493,34.703]]]]})",
                    "coordinates[0][1][2]: longitude 200 is out of range [-180, 180]"}),
    [](const auto& test) { return test.param.name; });

TEST(ValidateGeometry, MessageNamesTheField) {
  const auto status = validate_geometry(json::parse(polygon(kOpenRing)), "location");
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().message,
            "location: coordinates[0]: Polygon ring 0 is not closed: its first and last "
            "positions differ");
}

// NaN and infinities cannot be written in JSON text, but a value built in code can hold them.
TEST(ValidateGeometry, RejectsNonFiniteNumbers) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const json::value with_nan = {{"type", "Point"}, {"coordinates", {nan, 34.7}}};
  const json::value with_inf = {{"type", "Point"}, {"coordinates", {135.5, 34.7, -inf}}};
  const auto nan_status = validate_geometry(with_nan);
  const auto inf_status = validate_geometry(with_inf);
  ASSERT_FALSE(nan_status.has_value());
  ASSERT_FALSE(inf_status.has_value());
  EXPECT_EQ(nan_status.error().message, "coordinates: longitude nan is not a finite number");
  EXPECT_EQ(inf_status.error().message, "coordinates: altitude -inf is not a finite number");
}

TEST(ValidateGeometry, AcceptsUnsignedAndSignedIntegers) {
  const json::value value = {{"type", "Point"},
                             {"coordinates", {std::uint64_t{135}, std::int64_t{-34}}}};
  const auto geometry = parse_geometry(value);
  ASSERT_TRUE(geometry.has_value()) << geometry.error().message;
  EXPECT_EQ(std::get<Point>(*geometry).position, (Position{135, -34, std::nullopt}));
}

TEST(ParseGeometry, KeepsAltitudesAndRings) {
  const auto geometry = parse_geometry(json::parse(
      polygon(R"([[135.49,34.70,5],[135.50,34.70,5],[135.50,34.71,5],[135.49,34.70,5]],)" +
              std::string(kUmedaHole))));
  ASSERT_TRUE(geometry.has_value()) << geometry.error().message;
  const auto& rings = std::get<Polygon>(*geometry).rings;
  ASSERT_EQ(rings.size(), 2u);
  EXPECT_EQ(rings[0].size(), 4u);
  EXPECT_EQ(rings[0][1], (Position{135.50, 34.70, 5.0}));
  EXPECT_EQ(rings[1].size(), 5u);
  EXPECT_EQ(rings[1][0], (Position{135.493, 34.703, std::nullopt}));
}

TEST(ParseGeometry, KeepsMultiPolygonStructure) {
  const auto geometry = parse_geometry(
      json::parse(R"({"type":"MultiPolygon","coordinates":[[)" + std::string(kUmedaSquare) + "," +
                  std::string(kUmedaHole) + "],[" + std::string(kNambaSquare) + "]]}"));
  ASSERT_TRUE(geometry.has_value()) << geometry.error().message;
  const auto& polygons = std::get<MultiPolygon>(*geometry).polygons;
  ASSERT_EQ(polygons.size(), 2u);
  EXPECT_EQ(polygons[0].rings.size(), 2u);
  EXPECT_EQ(polygons[1].rings.size(), 1u);
  EXPECT_EQ(polygons[1].rings[0].front(), (Position{135.495, 34.66, std::nullopt}));
}

TEST(BoundingBox, OfTypedGeometries) {
  EXPECT_EQ(bounding_box(Geometry{Point{{135.5, 34.7, 3.0}}}),
            (BoundingBox{135.5, 34.7, 135.5, 34.7}));
  const MultiLineString lines{
      {LineString{{{-1, -2, {}}, {3, 4, {}}}}, LineString{{{5, -6, {}}, {0, 0, {}}}}}};
  EXPECT_EQ(bounding_box(Geometry{lines}), (BoundingBox{-1, -6, 5, 4}));
  // An empty geometry can only be built in code; it has no extent.
  EXPECT_EQ(bounding_box(Geometry{MultiPoint{}}), BoundingBox{});
}

TEST(GeometryTypeName, NamesEveryAlternative) {
  EXPECT_EQ(geometry_type_name(Point{}), "Point");
  EXPECT_EQ(geometry_type_name(MultiPoint{}), "MultiPoint");
  EXPECT_EQ(geometry_type_name(LineString{}), "LineString");
  EXPECT_EQ(geometry_type_name(MultiLineString{}), "MultiLineString");
  EXPECT_EQ(geometry_type_name(Polygon{}), "Polygon");
  EXPECT_EQ(geometry_type_name(MultiPolygon{}), "MultiPolygon");
}

}  // namespace
}  // namespace tsunagu::model
