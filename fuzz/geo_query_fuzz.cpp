// libFuzzer target for geo-queries: the input is three lines, georel, geometry and coordinates,
// as a client sends them in a URL. Every input either parses into a query whose evaluation and
// search box are defined, or fails with BadRequestData naming the parameter at fault. Matching
// runs against entities whose location is a point, a line and a polygon with a hole, so every
// relation meets every kind of shape. Build and run with `make fuzz` (scripts/fuzz.sh).

#include <boost/json/parse.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "model/entity.hpp"
#include "query/geo_query.hpp"

namespace {

using namespace tsunagu;

void check(bool condition) {
  if (!condition) std::abort();
}

model::Entity entity_at(std::string_view geometry) {
  model::Entity e;
  e.id = "urn:ngsi-ld:Shelter:fuzz";
  e.types = {"https://example.org/Shelter"};
  model::Attribute location;
  location.kind = model::AttributeKind::GeoProperty;
  location.value = boost::json::parse(geometry);
  model::put_instance(e.attributes, query::kDefaultGeoProperty, location);
  return e;
}

const std::vector<model::Entity>& entities() {
  static const std::vector<model::Entity> all = {
      entity_at(R"({"type": "Point", "coordinates": [135.5, 34.7]})"),
      entity_at(R"({"type": "LineString", "coordinates": [[135.4, 34.6], [135.6, 34.8]]})"),
      entity_at(R"({"type": "Polygon", "coordinates": [
          [[135.4, 34.6], [135.6, 34.6], [135.6, 34.8], [135.4, 34.8], [135.4, 34.6]],
          [[135.45, 34.65], [135.55, 34.65], [135.55, 34.75], [135.45, 34.75], [135.45, 34.65]]]})"),
  };
  return all;
}

// Splits the input at its first two newlines.
std::vector<std::string_view> lines(std::string_view text) {
  std::vector<std::string_view> out;
  for (int i = 0; i < 2; ++i) {
    auto nl = text.find('\n');
    if (nl == std::string_view::npos) break;
    out.push_back(text.substr(0, nl));
    text = text.substr(nl + 1);
  }
  out.push_back(text);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto parts = lines(std::string_view(reinterpret_cast<const char*>(data), size));
  if (parts.size() != 3) return 0;
  const auto parsed = query::parse_geo_query(parts[0], parts[1], parts[2], std::nullopt);
  if (!parsed) {
    const auto& message = parsed.error().message;
    check(parsed.error().kind == ErrorKind::BadRequestData);
    check(message.starts_with("georel") || message.starts_with("geometry") ||
          message.starts_with("coordinates") || message.starts_with("geoproperty"));
    return 0;
  }
  const auto box = query::search_box(*parsed);
  check(box.min_lon <= box.max_lon && box.min_lat <= box.max_lat);
  check(std::isfinite(box.min_lon) && std::isfinite(box.max_lat));
  for (const auto& e : entities()) (void)query::matches(*parsed, e);
  return 0;
}
