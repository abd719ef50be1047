#pragma once
// Small helpers shared by the route handlers: turning results into responses.

#include <boost/json/value.hpp>

#include "api/ngsild/problem.hpp"
#include "broker/entity_merge.hpp"
#include "http/message.hpp"
#include "jsonld/context.hpp"

namespace tsunagu::api::ngsild {

inline http::Response no_content() {
  http::Response res;
  res.status = 204;
  return res;
}

// 201 Created with the Location of the new resource, as the spec's examples show it.
inline http::Response created(const std::string& location) {
  http::Response res;
  res.status = 201;
  res.header("Location", location);
  return res;
}

// Answers with the response, or with the problem when there is none.
inline void reply(Result<http::Response> r, const http::Responder& respond) {
  respond(r ? std::move(*r) : problem_response(r.error()));
}

// Calls `respond` with the problem when `r` failed; returns whether it did.
template <typename T>
bool replied_error(const Result<T>& r, const http::Responder& respond) {
  if (r) return false;
  respond(problem_response(r.error()));
  return true;
}

// 204 when every attribute was updated, else 207 with an UpdateResult (clause 5.2.18).
http::Response update_result_response(const broker::UpdateOutcome& outcome,
                                      const jsonld::Context& context);

}  // namespace tsunagu::api::ngsild
