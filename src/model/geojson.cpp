#include "model/geojson.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <expected>
#include <limits>
#include <string>

namespace tsunagu::model {
namespace {

namespace json = boost::json;

// Internal results carry the message without the field prefix, which the public functions add.
using Reason = std::string;
template <typename T>
using Scan = std::expected<T, Reason>;

// In variant order, so that a Geometry's index() names its type.
constexpr std::array<std::string_view, 6> kTypeNames = {
    "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"};

std::unexpected<Reason> reject(std::string reason) {
  return std::unexpected<Reason>(std::move(reason));
}

// Where in the JSON a problem is: a member and up to four array indices (a MultiPolygon's
// polygon, ring, position and number). Built into text only when there is an error.
class Path {
 public:
  explicit Path(std::string_view member) : member_(member) {}

  Path operator[](std::size_t index) const {
    Path child = *this;
    child.indices_[child.depth_++] = index;
    return child;
  }

  std::string str() const {
    std::string text(member_);
    for (std::size_t i = 0; i < depth_; ++i) text += fmt::format("[{}]", indices_[i]);
    return text;
  }

 private:
  std::string_view member_;
  std::array<std::size_t, 4> indices_{};
  std::size_t depth_ = 0;
};

// Numbers are formatted as the shortest text that reads back the same: 95, not 95.000000.
template <typename... Args>
std::unexpected<Reason> reject_at(const Path& path, fmt::format_string<Args...> format,
                                  Args&&... args) {
  return reject(
      fmt::format("{}: {}", path.str(), fmt::format(format, std::forward<Args>(args)...)));
}

std::string_view kind_name(const json::value& value) {
  switch (value.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "a number";
    case json::kind::string:
      return "a string";
    case json::kind::array:
      return "an array";
    case json::kind::object:
      return "an object";
  }
  return "an unknown value";
}

std::optional<double> as_double(const json::value& value) {
  if (value.is_int64()) return static_cast<double>(value.get_int64());
  if (value.is_uint64()) return static_cast<double>(value.get_uint64());
  if (value.is_double()) return value.get_double();
  return std::nullopt;
}

// JSON integers and doubles alike; NaN and infinities only reach us from values built in code.
Scan<double> number(const json::value& value, const Path& path, std::string_view what) {
  const auto result = as_double(value);
  if (!result) {
    return reject_at(path, "{} must be a number, got {}", what, kind_name(value));
  }
  if (!std::isfinite(*result)) {
    return reject_at(path, "{} {} is not a finite number", what, *result);
  }
  return *result;
}

Scan<double> number_in(const json::value& value, const Path& path, std::string_view what,
                       double limit) {
  auto result = number(value, path, what);
  if (!result || std::fabs(*result) <= limit) return result;
  return reject_at(path, "{} {} is out of range [{}, {}]", what, *result, -limit, limit);
}

Scan<const json::array*> array_of(const json::value& value, const Path& path,
                                  std::string_view what) {
  if (const auto* array = value.if_array()) return array;
  return reject_at(path, "expected {}, got {}", what, kind_name(value));
}

Scan<Position> parse_position(const json::value& value, const Path& path) {
  auto array = array_of(value, path, "a position (an array of 2 or 3 numbers)");
  if (!array) return reject(array.error());
  const json::array& numbers = **array;
  if (numbers.size() != 2 && numbers.size() != 3) {
    return reject_at(path, "a position has 2 or 3 numbers (longitude, latitude, altitude), got {}",
                     numbers.size());
  }
  auto lon = number_in(numbers[0], path, "longitude", 180);
  if (!lon) return reject(lon.error());
  auto lat = number_in(numbers[1], path, "latitude", 90);
  if (!lat) return reject(lat.error());
  Position position{*lon, *lat, std::nullopt};
  if (numbers.size() == 3) {
    auto alt = number(numbers[2], path, "altitude");
    if (!alt) return reject(alt.error());
    position.alt = *alt;
  }
  return position;
}

// An array of positions; `what` names its role for the size message ("a LineString").
Scan<std::vector<Position>> parse_positions(const json::value& value, const Path& path,
                                            std::size_t minimum, std::string_view what) {
  auto array = array_of(value, path, "an array of positions");
  if (!array) return reject(array.error());
  if ((*array)->size() < minimum) {
    return reject_at(path, "{} needs at least {} position{}, got {}", what, minimum,
                     minimum == 1 ? "" : "s", (*array)->size());
  }
  std::vector<Position> positions;
  positions.reserve((*array)->size());
  for (std::size_t i = 0; i < (*array)->size(); ++i) {
    auto position = parse_position((**array)[i], path[i]);
    if (!position) return reject(position.error());
    positions.push_back(*position);
  }
  return positions;
}

Scan<std::vector<Position>> parse_ring(const json::value& value, const Path& path,
                                       std::size_t index) {
  const std::string name = fmt::format("Polygon ring {}", index);
  auto ring = parse_positions(value, path, 4, name);
  if (ring && ring->front() != ring->back()) {
    return reject_at(path, "{} is not closed: its first and last positions differ", name);
  }
  return ring;
}

// Applies `parse_one` to each element of a non-empty array: lines, rings or polygons.
template <typename T, typename ParseOne>
Scan<std::vector<T>> parse_each(const json::value& value, const Path& path, std::string_view what,
                                ParseOne parse_one) {
  auto array = array_of(value, path, fmt::format("an array of {}s", what));
  if (!array) return reject(array.error());
  if ((*array)->empty()) return reject_at(path, "expected at least one {}", what);
  std::vector<T> items;
  items.reserve((*array)->size());
  for (std::size_t i = 0; i < (*array)->size(); ++i) {
    auto item = parse_one((**array)[i], path[i], i);
    if (!item) return reject(item.error());
    items.push_back(std::move(*item));
  }
  return items;
}

Scan<LineString> parse_line(const json::value& value, const Path& path, std::size_t) {
  auto positions = parse_positions(value, path, 2, "a LineString");
  if (!positions) return reject(positions.error());
  return LineString{std::move(*positions)};
}

Scan<std::vector<std::vector<Position>>> parse_rings(const json::value& value, const Path& path) {
  return parse_each<std::vector<Position>>(value, path, "ring", parse_ring);
}

Scan<Polygon> parse_polygon(const json::value& value, const Path& path, std::size_t) {
  auto rings = parse_rings(value, path);
  if (!rings) return reject(rings.error());
  return Polygon{std::move(*rings)};
}

template <typename T, typename U>
Scan<Geometry> as_geometry(Scan<U> parsed) {
  if (!parsed) return reject(parsed.error());
  return Geometry{T{std::move(*parsed)}};
}

Scan<Geometry> parse_coordinates(std::string_view type, const json::value& coordinates) {
  const Path path("coordinates");
  if (type == "Point") return as_geometry<Point>(parse_position(coordinates, path));
  if (type == "MultiPoint") {
    return as_geometry<MultiPoint>(parse_positions(coordinates, path, 1, "a MultiPoint"));
  }
  if (type == "LineString") {
    return as_geometry<LineString>(parse_positions(coordinates, path, 2, "a LineString"));
  }
  if (type == "MultiLineString") {
    return as_geometry<MultiLineString>(
        parse_each<LineString>(coordinates, path, "LineString", parse_line));
  }
  if (type == "Polygon") return as_geometry<Polygon>(parse_rings(coordinates, path));
  return as_geometry<MultiPolygon>(
      parse_each<Polygon>(coordinates, path, "Polygon", parse_polygon));
}

Scan<std::string_view> geometry_type(const json::object& object) {
  const Path path("type");
  const auto* type = object.if_contains("type");
  if (type == nullptr) return reject_at(path, "the member is missing");
  if (!type->is_string()) return reject_at(path, "expected a string, got {}", kind_name(*type));
  const std::string_view name = type->get_string();
  if (std::ranges::find(kTypeNames, name) != kTypeNames.end()) return name;
  if (name == "GeometryCollection") {
    return reject_at(path,
                     "GeometryCollection is not allowed as an NGSI-LD GeoProperty value; "
                     "use MultiPoint, MultiLineString or MultiPolygon");
  }
  return reject_at(path,
                   "'{}' is not a GeoJSON geometry type; expected Point, MultiPoint, "
                   "LineString, MultiLineString, Polygon or MultiPolygon",
                   name);
}

// RFC 7946 section 5: a bbox has 2*n numbers for n dimensions.
Scan<void> check_bbox(const json::object& object) {
  const auto* bbox = object.if_contains("bbox");
  if (bbox == nullptr) return {};
  const auto* array = bbox->if_array();
  if (array == nullptr || (array->size() != 4 && array->size() != 6)) {
    return reject_at(Path("bbox"), "expected an array of 4 or 6 numbers");
  }
  for (std::size_t i = 0; i < array->size(); ++i) {
    if (auto n = number((*array)[i], Path("bbox")[i], "a bbox value"); !n) return reject(n.error());
  }
  return {};
}

Scan<Geometry> parse(const json::value& value) {
  const auto* object = value.if_object();
  if (object == nullptr) {
    return reject(fmt::format("a geometry must be a JSON object, got {}", kind_name(value)));
  }
  auto type = geometry_type(*object);
  if (!type) return reject(type.error());
  if (auto bbox = check_bbox(*object); !bbox) return reject(bbox.error());
  const auto* coordinates = object->if_contains("coordinates");
  if (coordinates == nullptr) return reject_at(Path("coordinates"), "the member is missing");
  return parse_coordinates(*type, *coordinates);
}

// Running minimum and maximum over every position of a geometry.
struct BoxBuilder {
  double min_lon = std::numeric_limits<double>::infinity();
  double min_lat = std::numeric_limits<double>::infinity();
  double max_lon = -std::numeric_limits<double>::infinity();
  double max_lat = -std::numeric_limits<double>::infinity();

  void add(const Position& p) {
    min_lon = std::min(min_lon, p.lon);
    min_lat = std::min(min_lat, p.lat);
    max_lon = std::max(max_lon, p.lon);
    max_lat = std::max(max_lat, p.lat);
  }
  void add(const std::vector<Position>& ps) {
    for (const auto& p : ps) add(p);
  }
  void add(const Point& g) { add(g.position); }
  void add(const MultiPoint& g) { add(g.points); }
  void add(const LineString& g) { add(g.positions); }
  void add(const MultiLineString& g) {
    for (const auto& line : g.lines) add(line);
  }
  // Holes lie inside the exterior ring, so the exterior alone bounds a polygon.
  void add(const Polygon& g) {
    if (!g.rings.empty()) add(g.rings.front());
  }
  void add(const MultiPolygon& g) {
    for (const auto& polygon : g.polygons) add(polygon);
  }
};

std::string with_field(std::string_view field, const Reason& reason) {
  return field.empty() ? reason : fmt::format("{}: {}", field, reason);
}

}  // namespace

std::string_view geometry_type_name(const Geometry& geometry) {
  return kTypeNames.at(geometry.index());
}

Result<Geometry> parse_geometry(const boost::json::value& json, std::string_view field) {
  auto parsed = parse(json);
  if (!parsed) return fail(ErrorKind::BadRequestData, with_field(field, parsed.error()));
  return std::move(*parsed);
}

Status validate_geometry(const boost::json::value& json, std::string_view field) {
  auto parsed = parse_geometry(json, field);
  if (!parsed) return std::unexpected(std::move(parsed.error()));
  return ok();
}

BoundingBox bounding_box(const Geometry& geometry) {
  BoxBuilder box;
  std::visit([&box](const auto& g) { box.add(g); }, geometry);
  if (box.min_lon > box.max_lon) return BoundingBox{};  // an empty geometry built in code
  return BoundingBox{box.min_lon, box.min_lat, box.max_lon, box.max_lat};
}

Result<BoundingBox> bounding_box(const boost::json::value& json, std::string_view field) {
  auto parsed = parse_geometry(json, field);
  if (!parsed) return std::unexpected(std::move(parsed.error()));
  return bounding_box(*parsed);
}

}  // namespace tsunagu::model
