#pragma once
// Content negotiation for the NGSI-LD API (clause 6.3.4): what a request body is, and which
// representation the client accepts.

#include <optional>
#include <string_view>

#include "model/error.hpp"

namespace tsunagu::api::ngsild {

enum class Media { Json, JsonLd, GeoJson };

// The Content-Type of a request body: application/json (also merge-patch+json) or
// application/ld+json. UnsupportedMediaType otherwise, or when it is missing.
Result<Media> body_media(std::optional<std::string_view> content_type);

// The response media for an Accept header. `geojson_allowed` for entity retrieval and query.
// A missing header, */* and application/* give JSON. NotAcceptable when nothing offered fits.
Result<Media> response_media(std::optional<std::string_view> accept, bool geojson_allowed);

std::string_view media_type_name(Media media);

}  // namespace tsunagu::api::ngsild
