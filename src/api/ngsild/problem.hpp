#pragma once
// Errors to HTTP: the one table from ErrorKind to status code, and ProblemDetails bodies
// (RFC 7807 as NGSI-LD uses it, clause 5.5.2) with the NGSI-LD error type URIs.

#include <boost/json/object.hpp>
#include <string_view>

#include "http/message.hpp"
#include "model/error.hpp"

namespace tsunagu::api::ngsild {

int status_of(ErrorKind kind);
// The ProblemDetails object of an error (also used inside batch results).
boost::json::object problem_json(const Error& error);
http::Response problem_response(const Error& error);
// For errors found by the transport (no route, body too large, malformed HTTP).
http::Response transport_problem(int status, std::string_view message);

}  // namespace tsunagu::api::ngsild
