#include "api/ngsild/media.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>
#include <vector>

namespace tsunagu::api::ngsild {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

struct MediaRange {
  std::string type;  // lower case, without parameters
  double q = 1.0;
};

MediaRange parse_range(std::string_view text) {
  MediaRange range;
  auto semi = text.find(';');
  range.type = lower(trim(text.substr(0, semi)));
  while (semi != std::string_view::npos) {
    text = text.substr(semi + 1);
    semi = text.find(';');
    auto param = trim(text.substr(0, semi));
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

// What a media range offers, best first.
std::vector<Media> offered_by(std::string_view range, bool geojson_allowed) {
  if (range == "application/json") return {Media::Json};
  if (range == "application/ld+json") return {Media::JsonLd};
  if (range == "application/geo+json" && geojson_allowed) return {Media::GeoJson};
  if (range == "*/*" || range == "application/*") return {Media::Json};
  return {};
}

}  // namespace

std::string_view media_type_name(Media media) {
  switch (media) {
    case Media::Json: return "application/json";
    case Media::JsonLd: return "application/ld+json";
    case Media::GeoJson: return "application/geo+json";
  }
  return "application/json";
}

Result<Media> body_media(std::optional<std::string_view> content_type) {
  if (!content_type || trim(*content_type).empty()) {
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
  if (!accept || trim(*accept).empty()) return Media::Json;
  std::optional<Media> best;
  double best_q = 0;
  std::string_view rest = *accept;
  while (true) {
    auto comma = rest.find(',');
    auto range = parse_range(rest.substr(0, comma));
    for (Media m : offered_by(range.type, geojson_allowed)) {
      if (range.q > best_q) {
        best = m;
        best_q = range.q;
      }
    }
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
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
