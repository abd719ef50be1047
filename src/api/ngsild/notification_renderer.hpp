#pragma once
// The Notification (ETSI GS CIM 009 v1.8, clause 5.3.1) sent for owed notifications, rendered
// as its subscription asks: format, attributes, sysAttrs, lang, showChanges, the media of
// endpoint.accept with the subscription's @context (a Link header for JSON, "@context" in the
// body for JSON-LD), receiverInfo as headers and NGSILD-Tenant for a named tenant.

#include <optional>
#include <span>
#include <string>

#include "jsonld/context.hpp"
#include "model/subscription.hpp"
#include "model/time.hpp"
#include "notify/notification.hpp"
#include "store/subscription_store.hpp"

namespace tsunagu::api::ngsild {

// The @context notifications of the subscription are compacted with: jsonldContext, else the
// context it was created with, else (null) the core context.
boost::json::value notification_context(const model::Subscription& subscription);

// The one URL that names `context` (a notification_context()) in a Link header: the URL itself,
// the core context for null, or the one URL of a list beside the core context's. None when the
// context holds inline definitions or several other URLs.
std::optional<std::string> link_context_url(const boost::json::value& context);

// One notification of `items` (the entities, in order; several for a throttled or periodic
// notification). `trigger` is its triggerReason, omitted when absent. `context` is
// notification_context() resolved.
notify::Notification render_notification(const model::Subscription& subscription,
                                         std::span<const store::OwedNotification> items,
                                         std::optional<model::NotificationTrigger> trigger,
                                         const jsonld::Context& context, const std::string& tenant,
                                         model::Timestamp now);

}  // namespace tsunagu::api::ngsild
