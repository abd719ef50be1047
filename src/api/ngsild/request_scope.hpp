#pragma once
// What every NGSI-LD request carries besides its payload: the tenant, the @context that gives
// its terms their meaning, and the representation the client accepts (clause 6.3).

#include <boost/json/value.hpp>
#include <memory>
#include <string>

#include "api/ngsild/media.hpp"
#include "http/message.hpp"
#include "jsonld/context.hpp"
#include "jsonld/resolver.hpp"
#include "model/error.hpp"

namespace tsunagu::api::ngsild {

struct RequestScope {
  std::string tenant;  // "" is the default tenant
  std::shared_ptr<const jsonld::Context> context;
  // How a response names the context: the Link URL the client gave (or the core context's).
  std::string context_url;
  Media response = Media::Json;
};

// The request's scope from its headers: NGSILD-Tenant, Link and Accept. `geojson_allowed` for
// endpoints that can answer in GeoJSON.
Result<RequestScope> read_scope(const http::Request& req, jsonld::ContextResolver& resolver,
                                bool geojson_allowed = false);

// The {entityId} of the request's path (percent-decoded by the router), checked to be a URI.
Result<std::string> path_entity_id(const http::Request& req);

// A request body parsed as JSON, with the media it came as.
struct Body {
  boost::json::value json;
  Media media = Media::Json;
};

// Parses the body: InvalidRequest for broken JSON (naming line and column), BadRequestData when
// the body is empty, and the @context rules of clause 6.3.5: application/json bodies must not
// carry "@context"; application/ld+json bodies must, and then no Link header may be given.
Result<Body> read_body(const http::Request& req);

// The context for one JSON object of a body: the request's (Link) for application/json, the
// object's own "@context" for application/ld+json.
Result<std::shared_ptr<const jsonld::Context>> context_for(const Body& body,
                                                           const boost::json::value& element,
                                                           const RequestScope& scope,
                                                           jsonld::ContextResolver& resolver);

// What every write with a body needs: its scope, its body and the context that body is read in.
// `id` is left for routes with an {entityId} to fill.
struct WriteRequest {
  RequestScope scope;
  Body body;
  std::shared_ptr<const jsonld::Context> context;
  std::string id;
};

Result<WriteRequest> read_write_request(const http::Request& req,
                                        jsonld::ContextResolver& resolver);

// A response with a JSON body in the scope's media, context attached: a Link header for
// application/json and GeoJSON, an "@context" member for application/ld+json (on each object
// when `body` is an array).
http::Response json_response(int status, boost::json::value body, const RequestScope& scope);

// The "@context" a body written as text carries itself: the scope's context URL for
// application/ld+json, none (empty) otherwise.
std::string_view inline_context(const RequestScope& scope);
// A response with a body already written as JSON text (with inline_context in its objects):
// the Link header when the media wants one, and the Content-Type.
http::Response json_text_response(int status, std::string body, const RequestScope& scope);

}  // namespace tsunagu::api::ngsild
