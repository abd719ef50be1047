#pragma once
// The Notification (ETSI GS CIM 009 v1.8, clause 5.3.1) sent for one owed notification, rendered
// as its subscription asks: format, attributes, sysAttrs, lang, showChanges, the media of
// endpoint.accept with the subscription's @context (a Link header for JSON, "@context" in the
// body for JSON-LD), receiverInfo as headers and NGSILD-Tenant for a named tenant.

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

// `context` is notification_context() resolved.
notify::Notification render_notification(const model::Subscription& subscription,
                                         const store::OwedNotification& owed,
                                         const jsonld::Context& context, const std::string& tenant,
                                         model::Timestamp now);

}  // namespace tsunagu::api::ngsild
