#pragma once
// Random (version 4) UUIDs, for the ids the broker makes up: notifications, type and attribute
// lists, subscriptions created without an id.

#include <string>

namespace tsunagu::model {

// "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", lower-case hex (RFC 9562 section 5.4).
std::string random_uuid();

}  // namespace tsunagu::model
