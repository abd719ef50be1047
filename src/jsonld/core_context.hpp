#pragma once
// The NGSI-LD core @context (ETSI GS CIM 009 v1.8.1, Annex B), compiled into the binary from
// data/contexts/ngsi-ld-core-context-v1.8.jsonld. It is never fetched: every published URL of the
// core context maps to this one document.

#include <boost/json/value.hpp>
#include <memory>
#include <string_view>

#include "jsonld/context.hpp"

namespace tsunagu::jsonld {

// The URL this broker names in responses (Link header, "@context" of JSON-LD bodies).
inline constexpr std::string_view kCoreContextUrl =
    "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld";

// True for the unversioned core context URL and for the versions 1.3 to 1.8: a request that names
// an older core context gets the current one, whose terms are a superset.
bool is_core_context_url(std::string_view url);

// The "@context" member of the embedded core document.
const boost::json::value& core_context_document();

// The core context processed once. A broken embedded document is a build defect, not a runtime
// condition: it aborts with a message (the unit tests load it first).
std::shared_ptr<const Context> core_context();

}  // namespace tsunagu::jsonld
