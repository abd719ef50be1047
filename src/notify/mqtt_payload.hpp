#pragma once
// The MQTT notification message of NGSI-LD (clause 7.2): MQTT has no headers, so what HTTP sends
// as headers travels inside the message, a JSON object with two members,
//   {"metadata": {"Content-Type": ..., "Link": ..., <receiverInfo keys>: ...}, "body":
//   <notification>}
// "metadata" holds the Content-Type first, then the notification's headers in their order, each
// as a string; "body" is the notification's body, spliced in as the JSON text it already is.

#include <string>

#include "notify/notification.hpp"

namespace tsunagu::notify {

// `notification.body` must be JSON text; an empty body becomes null.
std::string mqtt_payload(const Notification& notification);

}  // namespace tsunagu::notify
