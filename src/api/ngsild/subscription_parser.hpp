#pragma once
// Subscription payloads to model::Subscription: the parse-and-bind step of POST /subscriptions
// (clauses 5.8.1, 6.10.3.1) and PATCH /subscriptions/{id} (5.8.2, 6.11.3.2). Names are expanded
// with the request's @context and q, geoQ and scopeQ are parsed, so that the broker never sees a
// short name. Errors are BadRequestData naming the member at fault as the client wrote it
// ("notification.endpoint.uri: ..."); members of v1.8 that this broker does not implement (csf,
// temporalQ, localOnly, datasetId, notification.pick/omit/join/joinLevel) are
// OperationNotSupported rather than silently dropped filters.
//
// Decisions a client may rely on (tests rely on these):
//   - Unknown members are BadRequestData. The read-only members a retrieval shows (status,
//     createdAt, modifiedAt, and notification.status, timesSent, timesFailed, lastNotification,
//     lastSuccess, lastFailure) are ignored, as entity parsing ignores createdAt and
//     modifiedAt: a client may send back what it read. "@context" is ignored too: the caller
//     has applied it already.
//   - At least one of entities and watchedAttributes (5.2.12). timeInterval excludes
//     watchedAttributes and throttling (a periodic subscription notifies regardless of changes);
//     notification.showChanges excludes format keyValues (5.2.14).
//   - throttling, timeInterval (seconds) and endpoint.timeout, endpoint.cooldown (milliseconds)
//     are JSON numbers greater than 0, fractions allowed.
//   - expiresAt must be later than `now`, at creation and in an update (5.8.2).
//   - endpoint.uri is an absolute http, https, mqtt or mqtts URI with a host; an MQTT URI names
//     a topic without the wildcard '+'. notifierInfo "MQTT-QoS" is "0", "1" or "2" and
//     "MQTT-Version" is "mqtt3.1.1" or "mqtt5.0" (clause 7.2).
//   - receiverInfo and notifierInfo pairs become protocol headers, so keys are RFC 9110 tokens and
//     values contain no control characters other than tab and no leading or trailing blank;
//     receiverInfo may not set the headers that frame or address the notification.
//   - jsonldContext is an absolute http or https URI: it has to be dereferenced.
//   - The entities' items follow the Query body's rules (query_body.hpp): type, id or idPattern,
//     at least one. Duplicate names in watchedAttributes and notification.attributes are
//     dropped.
//   - An update replaces each top-level member it names, "notification" as a whole. A member
//     set to null (or to "urn:ngsi-ld:null") is removed; removing type, id or notification is
//     BadRequestData. The result is validated as a whole, as at creation. The @context the
//     subscription was created with is kept: jsonldContext is how a client changes the context
//     of its notifications.

#include <boost/json/value.hpp>
#include <cstddef>

#include "jsonld/context.hpp"
#include "model/error.hpp"
#include "model/subscription.hpp"
#include "model/time.hpp"

namespace tsunagu::api::ngsild {

// Bounds on the lists whose length multiplies the work of matching or sending.
inline constexpr std::size_t kMaxSubscriptionSelectors = 100;   // entities
inline constexpr std::size_t kMaxSubscriptionAttributes = 100;  // watchedAttributes, attributes
inline constexpr std::size_t kMaxEndpointInfo = 100;            // receiverInfo, notifierInfo

// Parses the body of a create request. `context` expands its terms; `context_source` is that
// @context as the request gave it (the Link URL as a string, the body's "@context" value, or null
// for the core context alone) and is kept in the subscription. The id is empty when the body has
// none: the caller assigns one. created_at and modified_at are `now`.
Result<model::Subscription> parse_subscription(const boost::json::value& body,
                                               const jsonld::Context& context,
                                               const boost::json::value& context_source,
                                               model::Timestamp now);

// The subscription `current` with the fragment of an update request applied, validated as a
// whole; modified_at is `now`. `context` expands the fragment's terms.
Result<model::Subscription> patch_subscription(const model::Subscription& current,
                                               const boost::json::value& fragment,
                                               const jsonld::Context& context,
                                               model::Timestamp now);

}  // namespace tsunagu::api::ngsild
