#include "api/ngsild/media.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>
#include <vector>

#include "model/ascii.hpp"

namespace tsunagu::api::ngsild {
namespace {

struct MediaRange {
  std::string type;  // lower case, without parameters
  double q = 1.0;
};

MediaRange parse_range(std::string_view text) {
  MediaRange range;
  auto semi = text.find(';');
  range.type = model::ascii_lower(model::trim_ows(text.substr(0, semi)));
  while (semi != std::string_view::npos) {
    text = text.substr(semi + 1);
    semi = text.find(';');
    auto param = model::trim_ows(text.substr(0, semi));
    if (param.size() > 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
      auto v = std::string(param.substr(2));
      try {
        range.q = std::stod(v);
      } catch (const std::exception&) {
        range.q = 0;  // an unreadable weight excludes the range rather than failing the request
      }
    }
  }
  return range;
}

// How specifically `range` names `type`: 3 exactly, 2 by "application/*", 1 by "*/*", 0 not.
int specificity(std::string_view range, std::string_view type) {
  if (range == type) return 3;
  if (range == "application/*") return 2;
  if (range == "*/*") return 1;
  return 0;
}

struct Weight {
  double q = 0;
  int specificity = 0;
  std::size_t position = 0;  // of the deciding range in the header

  // Higher weight first; at equal weight an exact mention beats a wildcard, and an earlier
  // mention a later one (the client listed it first).
  bool better_than(const Weight& o) const {
    if (q != o.q) return q > o.q;
    if (specificity != o.specificity) return specificity > o.specificity;
    return position < o.position;
  }
};

// The weight the Accept header gives `type`: that of the most specific range naming it
// (RFC 9110 section 12.5.1), so "application/json;q=0, */*" excludes JSON.
Weight weight_of(const std::vector<MediaRange>& ranges, std::string_view type) {
  Weight w;
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    const int s = specificity(ranges[i].type, type);
    if (s > w.specificity) w = Weight{ranges[i].q, s, i};
  }
  return w;
}

}  // namespace

std::string_view media_type_name(Media media) {
  switch (media) {
    case Media::Json:
      return "application/json";
    case Media::JsonLd:
      return "application/ld+json";
    case Media::GeoJson:
      return "application/geo+json";
  }
  return "application/json";
}

Result<Media> body_media(std::optional<std::string_view> content_type) {
  if (!content_type || model::trim_ows(*content_type).empty()) {
    return fail(ErrorKind::UnsupportedMediaType,
                "the request has a body but no Content-Type; use application/json or "
                "application/ld+json");
  }
  const auto type = parse_range(*content_type).type;
  if (type == "application/json" || type == "application/merge-patch+json") return Media::Json;
  if (type == "application/ld+json") return Media::JsonLd;
  return fail(ErrorKind::UnsupportedMediaType,
              "Content-Type '" + std::string(*content_type) +
                  "' is not supported; use application/json or application/ld+json");
}

Result<Media> response_media(std::optional<std::string_view> accept, bool geojson_allowed) {
  if (!accept || model::trim_ows(*accept).empty()) return Media::Json;
  std::vector<MediaRange> ranges;
  std::string_view rest = *accept;
  while (true) {
    auto comma = rest.find(',');
    ranges.push_back(parse_range(rest.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  // In order of preference when weights tie: JSON is what a client asking for anything gets.
  std::optional<Media> best;
  Weight best_weight;
  for (Media m : {Media::Json, Media::JsonLd, Media::GeoJson}) {
    if (m == Media::GeoJson && !geojson_allowed) continue;
    const Weight w = weight_of(ranges, media_type_name(m));
    if (w.q > 0 && (!best || w.better_than(best_weight))) {
      best = m;
      best_weight = w;
    }
  }
  if (!best) {
    return fail(ErrorKind::NotAcceptable,
                "none of the media types in Accept '" + std::string(*accept) +
                    "' is available; offered: application/json, application/ld+json" +
                    (geojson_allowed ? ", application/geo+json" : ""));
  }
  return *best;
}

}  // namespace tsunagu::api::ngsild
