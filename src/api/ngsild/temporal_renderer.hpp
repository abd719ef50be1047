#pragma once
// History to response JSON: the temporal representation of an entity (clauses 4.5.6 to 4.5.8:
// every attribute an array of its instances), the simplified one ("temporalValues", clause
// 4.5.9: [value, time] pairs) and the aggregated one (clause 4.5.19: [value, start, end] per
// period and method), with names compacted by the reader's @context.

#include <boost/json/object.hpp>
#include <vector>

#include "api/ngsild/entity_renderer.hpp"
#include "jsonld/context.hpp"
#include "model/temporal.hpp"
#include "store/history_store.hpp"

namespace tsunagu::api::ngsild {

enum class TemporalFormat { Normalized, TemporalValues, Aggregated };

// The instance id as clients see it (urn:ngsi-ld:attribute:instance:<n>), and back.
std::string instance_uri(std::int64_t id);
std::optional<std::int64_t> instance_number(std::string_view uri);

// `property` places each instance in time for temporalValues (a tombstone at its deletedAt).
boost::json::object render_temporal_entity(const store::HistoryEntity& entity,
                                           const jsonld::Context& context,
                                           const RenderOptions& options, TemporalFormat format,
                                           model::TimeProperty property);

boost::json::object render_aggregated_entity(const store::AggregatedEntity& entity,
                                             const jsonld::Context& context,
                                             const RenderOptions& options,
                                             const std::vector<model::AggregationMethod>& methods);

}  // namespace tsunagu::api::ngsild
