#pragma once
// A temporal request as the API receives it (clauses 4.11, 4.5.19, 6.18, 6.19): the URL
// parameters of GET /temporal/entities[/{id}], or the Query body of POST
// /temporal/entityOperations/query, checked and expanded into a store::HistoryQuery, the
// representation asked for and, for the aggregated one, the methods and period.

#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include "api/ngsild/api.hpp"
#include "api/ngsild/entity_renderer.hpp"
#include "api/ngsild/temporal_renderer.hpp"
#include "http/message.hpp"
#include "jsonld/context.hpp"
#include "store/history_store.hpp"

namespace tsunagu::api::ngsild {

// At most this many instances of one attribute in one answer (docs/design/temporal.md).
inline constexpr std::size_t kMaxTemporalInstances = 1000;

struct TemporalRequest {
  store::HistoryQuery query;
  TemporalFormat format = TemporalFormat::Normalized;
  store::AggregationRequest aggregation;  // methods and period when format is Aggregated
  RenderOptions render;                   // sysAttrs, pick/omit, lang
};

// GET /temporal/entities/{id}: `id` is the entity's id (validated by the caller).
Result<TemporalRequest> temporal_retrieval(const http::Request& req, const std::string& id,
                                           const jsonld::Context& context);

// GET /temporal/entities.
Result<TemporalRequest> temporal_query(const http::Request& req, const jsonld::Context& context,
                                       const ApiLimits& limits);

// POST /temporal/entityOperations/query: the Query body (its "@context" applied to `context`);
// paging, format and options come from the URL.
Result<TemporalRequest> temporal_query_body(const boost::json::object& body,
                                            const http::Request& req,
                                            const jsonld::Context& context,
                                            const ApiLimits& limits);

// The Content-Range of a cut answer (clause 6.3.10), e.g. "date-time 2026-01-01T00:00:00.000Z-
// 2026-01-01T16:39:00.000Z/*".
std::string content_range(const store::HistoryQuery& query, const store::HistoryCut& cut);

}  // namespace tsunagu::api::ngsild
