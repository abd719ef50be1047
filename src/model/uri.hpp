#pragma once
// Identifiers. NGSI-LD names entities, relationship targets and datasetIds with absolute URIs
// (ETSI GS CIM 009, annex A); "urn:ngsi-ld:<Type>:<id>" is the usual shape, http(s) URLs are
// common too.
//
// Beyond RFC 3986 syntax, validate_uri applies the rules a broker needs:
//   - a length limit (kMaxUriLength), because ids become index keys and appear in every response;
//   - ASCII only: the specification asks for URIs, so other characters must be percent-encoded
//     (is_absolute_iri is the place for internationalised identifiers);
//   - a "urn:" URI has a namespace and a namespace-specific part (RFC 8141), and an http(s) URI
//     has a host, so that ids are not accidentally empty ("urn:", "http://").

#include <cstddef>
#include <string_view>

#include "model/error.hpp"

namespace tsunagu::model {

// Longest id accepted, in bytes. Long enough for any real URN or URL, short enough to keep
// index keys and messages small.
inline constexpr std::size_t kMaxUriLength = 2048;
// Longest expanded entity type or attribute name, in bytes. A name as written is at most 1,024
// characters, but a user @context may map a short term to any IRI: two of these, with a little
// more, fit in one index key of every backend (PostgreSQL's btree keys end near 2,700 bytes).
inline constexpr std::size_t kMaxExpandedNameLength = 1200;

// Checks an NGSI-LD id, relationship object or datasetId. `field` (e.g. "id") prefixes error
// messages when given.
Status validate_uri(std::string_view text, std::string_view field = {});

// True for an absolute IRI (RFC 3987): an absolute URI that may also contain non-ASCII Unicode
// characters as UTF-8. Used to tell expanded terms from compact ones; applies no NGSI-LD rules.
bool is_absolute_iri(std::string_view text);

// An http or https URL split the way an HTTP client needs it.
struct HttpUrl {
  bool tls = false;         // https
  std::string host;         // for DNS, SNI and certificate checks (IPv6 without brackets)
  std::string port;         // as written, or 80 / 443
  std::string host_header;  // host[:port] as written in the URL
  std::string target;       // path and query; "/" when empty
};

// InvalidRequest naming the URL when it is not an absolute http(s) URL with a host.
Result<HttpUrl> parse_http_url(std::string_view url);

}  // namespace tsunagu::model
