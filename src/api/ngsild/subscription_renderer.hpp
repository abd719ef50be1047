#pragma once
// model::Subscription to the JSON of a retrieval (clauses 5.8.3, 5.8.4): names compacted with the
// reader's @context, q, geoQ and scopeQ as the client wrote them, defaults made explicit
// (notificationTrigger, isActive, notification.format, endpoint.accept), and the status members
// of v1.8: "status" on the subscription, and notification.status, timesSent, timesFailed,
// lastNotification, lastSuccess and lastFailure inside "notification" (5.2.14) once something was
// sent. "jsonldContext" appears when the client set it; the @context itself is attached by the
// caller (request_scope.hpp), as for entities.

#include <boost/json/object.hpp>

#include "jsonld/context.hpp"
#include "model/subscription.hpp"
#include "model/time.hpp"

namespace tsunagu::api::ngsild {

// `now` decides "status"; `sys_attrs` adds createdAt and modifiedAt (options=sysAttrs).
boost::json::object render_subscription(const model::Subscription& subscription,
                                        const jsonld::Context& context, model::Timestamp now,
                                        bool sys_attrs);

}  // namespace tsunagu::api::ngsild
