#pragma once
// The HTTP Link header that carries a JSON-LD @context (JSON-LD 1.1 section 6.2.1, used by
// NGSI-LD for application/json requests and responses):
//   Link: <https://example.org/ctx.jsonld>; rel="http://www.w3.org/ns/json-ld#context";
//         type="application/ld+json"
// Parsing follows RFC 8288: several comma-separated links, parameters with token or quoted-string
// values, relation types compared case-insensitively.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/error.hpp"

namespace tsunagu::jsonld {

inline constexpr std::string_view kJsonLdContextRel = "http://www.w3.org/ns/json-ld#context";

struct LinkValue {
  std::string target;  // between "<" and ">", as written
  // Parameter names lowercased, values unquoted, in order of appearance.
  std::vector<std::pair<std::string, std::string>> params;

  // The value of parameter `name` (lowercase), if present.
  std::optional<std::string_view> param(std::string_view name) const;
};

// Every link of a Link header value. BadRequestData when it is not well formed.
Result<std::vector<LinkValue>> parse_link_header(std::string_view header);

// The URL of the JSON-LD context link, or nullopt when the header has none (other links are
// ignored). BadRequestData for a malformed header, more than one context link, or a context URL
// that is not absolute.
Result<std::optional<std::string>> parse_context_link(std::string_view header);

// The Link header value naming `url` as the JSON-LD context of a response.
std::string format_context_link(std::string_view url);

}  // namespace tsunagu::jsonld
