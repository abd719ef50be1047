#pragma once
// Helpers of the notification tests (notifications_*_test.cpp): subscriptions built as JSON
// objects that a test adjusts member by member, a fixture whose loopback receiver records what
// the server notifies, and polling of a subscription's read-only state.
//
// A note on proving that something was NOT notified: each endpoint is one FIFO queue, fed in
// the order the changes were committed (docs/design/subscriptions.md). So a test makes the
// change that must not notify, then a change that must notify the same endpoint, waits for the
// latter, and only then looks at what arrived: anything the first change had caused would have
// arrived before it. No test waits a fixed time for silence.

#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "fixture.hpp"

namespace tsunagu::it {

inline const std::string kSubscriptionsPath = "/ngsi-ld/v1/subscriptions";

// {"type": "Subscription", "entities": [{"type": type}], "notification": {"endpoint": {"uri": uri,
// "accept": "application/json"}}}, plus the members of `extra` (a JSON object text) at the top.
boost::json::object subscription_to(std::string_view type, std::string_view uri,
                                    std::string_view extra = "{}");
// The "notification" and "notification.endpoint" members of a subscription built above.
boost::json::object& notification_of(boost::json::object& subscription);
boost::json::object& endpoint_of(boost::json::object& subscription);

// POST /subscriptions; expects 201 with a Location and returns the id it names ("" after a
// recorded failure).
std::string create_subscription(HttpClient& http, const boost::json::object& subscription,
                                const Headers& headers = {});
std::string subscription_path(std::string_view id);
// Polls GET /subscriptions/{id} until `done` holds for the body or `timeout` passed; returns the
// last body (null when GET failed). For the counters, which the server updates after delivery.
boost::json::value wait_subscription(HttpClient& http, std::string_view id,
                                     const std::function<bool(const boost::json::value&)>& done,
                                     const Headers& headers = {},
                                     std::chrono::milliseconds timeout = 20000ms);
// PATCH /entities/{id}/attrs/{attr} with {"value": value}.
Response set_value(HttpClient& http, std::string_view id, std::string_view attr,
                   const boost::json::value& value, const Headers& headers = {});

// The bodies of received requests, parsed as JSON (null for a body that is not JSON).
std::vector<boost::json::value> bodies_of(const std::vector<ContextServer::Received>& requests);
// A member of a JSON object, or null when `value` is no object or lacks it.
boost::json::value member(const boost::json::value& value, std::string_view name);
// The data[0].<attr>.value of each notification, in arrival order: what a receiver saw change.
std::vector<boost::json::value> first_values(const std::vector<boost::json::value>& notifications,
                                             std::string_view attr);
// An ISO 8601 UTC timestamp with milliseconds, `offset` from now.
std::string utc_from_now(std::chrono::milliseconds offset);

class NotificationTest : public BrokerTest {
 protected:
  // The receiver's URL for `path`, where it answers 200.
  std::string endpoint(const std::string& path);
  // create_subscription() on this test's connection.
  std::string subscribe(const boost::json::object& subscription, const Headers& headers = {});
  // Creates an entity of `type` with the members of `members` (a JSON object text) under a fresh
  // id, or `id`; expects 201 and returns the id.
  std::string make_entity(std::string_view type, std::string_view members = "{}",
                          const Headers& headers = {}, std::string id = {});
  // Waits for `count` notifications at `path` and returns the bodies of all that arrived (fewer
  // after a timeout: the caller asserts the count).
  std::vector<boost::json::value> notifications(const std::string& path, std::size_t count);

  ContextServer receiver_;
};

}  // namespace tsunagu::it
