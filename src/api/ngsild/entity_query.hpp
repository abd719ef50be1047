#pragma once
// An entity query as the API receives it, checked and expanded into a store::EntityQuery: from
// the URL parameters of GET /entities (clause 6.4.3.2), or from the Query body of POST
// /entityOperations/query (data type Query, clause 5.2.23) with its paging in the URL.
// Names are expanded with the request's @context; malformed parts give BadRequestData.

#include <boost/json/object.hpp>
#include <optional>
#include <set>
#include <string>

#include "api/ngsild/api.hpp"
#include "http/message.hpp"
#include "jsonld/context.hpp"
#include "model/error.hpp"
#include "store/store.hpp"

namespace tsunagu::api::ngsild {

// `attrs`: the expanded names of attrs= (already parsed with the render options).
Result<store::EntityQuery> query_from_params(const http::Request& req,
                                             const jsonld::Context& context,
                                             const ApiLimits& limits,
                                             const std::optional<std::set<std::string>>& attrs);

// The Query body (without "@context", already applied to `context`); limit, offset and count
// come from the URL.
Result<store::EntityQuery> query_from_body(const boost::json::object& body,
                                           const http::Request& req, const jsonld::Context& context,
                                           const ApiLimits& limits);

}  // namespace tsunagu::api::ngsild
