// A subscription's life as notifications show it (ETSI GS CIM 009 v1.8 clauses 5.2.12, 5.2.14,
// 6.10, 6.11): expiry, pausing with isActive, deletion, and the read-only delivery state that
// GET shows after successes and failures (timesSent, timesFailed, lastNotification,
// lastSuccess, lastFailure, notification.status).
//
// To show that a subscription stopped notifying, a control subscription of another type shares
// its endpoint: the control's notification of a later change arrives after anything the stopped
// one could still have sent for an earlier change (one FIFO queue per endpoint).

#include "notification_support.hpp"

namespace tsunagu::it {
namespace {

namespace json = boost::json;

class NotificationLifecycle : public NotificationTest {
 protected:
  // A subscription to the creations and updates of entities of `type`, notifying `path`.
  std::string subscribe_to(const std::string& type, const std::string& path,
                           std::string_view extra = "{}") {
    auto s = subscription_to(type, endpoint(path), extra);
    s["notificationTrigger"] = J(R"(["entityCreated", "attributeUpdated"])");
    return subscribe(s);
  }

  // The subscription ids of the notifications at `path`, once the control subscription's
  // notification of a new entity of `control_type` has arrived there.
  std::vector<std::string> senders_until_control(const std::string& path,
                                                 const std::string& control_type,
                                                 const std::string& control) {
    make_entity(control_type);
    const auto got = receiver_.wait_until(path, [&](const auto& requests) {
      for (const auto& n : bodies_of(requests)) {
        if (member(n, "subscriptionId") == json::value(control)) return true;
      }
      return false;
    });
    std::vector<std::string> senders;
    for (const auto& n : bodies_of(got)) senders.push_back(S(member(n, "subscriptionId")));
    return senders;
  }

  // notification.<name> of a subscription body, or null.
  static json::value delivery(const json::value& subscription, std::string_view name) {
    return member(member(subscription, "notification"), name);
  }
};

TEST_F(NotificationLifecycle, ExpiresAtInThePastIsRefused) {
  const auto type = unique("Shelter");
  auto s = subscription_to(type, endpoint("/past"));
  s["expiresAt"] = utc_from_now(-60s);
  EXPECT_PROBLEM(http().post(kSubscriptionsPath, S(s)), 400, "BadRequestData");
  s.erase("expiresAt");
  const auto id = subscribe(s);
  EXPECT_PROBLEM(
      http().patch(subscription_path(id), R"({"expiresAt": ")" + utc_from_now(-60s) + R"("})"), 400,
      "BadRequestData");
  EXPECT_EQ(member(http().get(subscription_path(id)).json(), "status"), "active");
}

TEST_F(NotificationLifecycle, AnExpiredSubscriptionNotifiesNoMore) {
  const auto type = unique("Shelter");
  const auto control_type = unique("Control");
  const auto expires = std::chrono::system_clock::now() + 4s;
  const auto expires_at = utc_from_now(4s);
  const auto sub = subscribe_to(type, "/expiring", R"({"expiresAt": ")" + expires_at + R"("})");
  const auto control = subscribe_to(control_type, "/expiring");
  const auto id = make_entity(type, R"({"capacity": 1})");
  // On a machine too loaded to write within a second or two, the write may come after the
  // expiry: then only the expiry itself can be checked.
  const bool written_before_expiry = std::chrono::system_clock::now() < expires - 1s;

  const auto shown = wait_subscription(
      http(), sub, [](const json::value& s) { return member(s, "status") == "expired"; });
  EXPECT_EQ(member(shown, "status"), "expired") << shown;
  EXPECT_EQ(member(shown, "expiresAt"), json::value(expires_at));
  EXPECT_EQ(member(shown, "isActive"), true) << "expiry is not a pause";
  ASSERT_STATUS(set_value(http(), id, "capacity", 2), 204);
  const auto senders = senders_until_control("/expiring", control_type, control);
  std::vector<std::string> expected;
  if (written_before_expiry) expected.push_back(S(json::value(sub)));
  expected.push_back(S(json::value(control)));
  if (written_before_expiry) {
    EXPECT_EQ(senders, expected);
  } else {
    EXPECT_EQ(senders.back(), expected.back());
    EXPECT_LE(senders.size(), 2U);
  }
}

TEST_F(NotificationLifecycle, IsActiveFalsePausesAndTrueResumesWithoutABacklog) {
  const auto type = unique("Shelter");
  const auto sub = subscribe_to(type, "/paused", R"({"isActive": false})");
  auto shown = http().get(subscription_path(sub)).json();
  EXPECT_EQ(member(shown, "status"), "paused");
  EXPECT_EQ(member(shown, "isActive"), false);
  const auto id = make_entity(type, R"({"capacity": 1})");
  ASSERT_STATUS(set_value(http(), id, "capacity", 2), 204);

  ASSERT_STATUS(http().patch(subscription_path(sub), R"({"isActive": true})"), 204);
  shown = http().get(subscription_path(sub)).json();
  EXPECT_EQ(member(shown, "status"), "active");
  EXPECT_EQ(member(shown, "isActive"), true);
  ASSERT_STATUS(set_value(http(), id, "capacity", 3), 204);
  const auto got = notifications("/paused", 1);
  ASSERT_EQ(got.size(), 1U) << "what changed while paused is not sent on resumption";
  EXPECT_EQ(first_values(got, "capacity"), (std::vector<json::value>{3}));

  ASSERT_STATUS(http().patch(subscription_path(sub), R"({"isActive": false})"), 204);
  ASSERT_STATUS(set_value(http(), id, "capacity", 4), 204);
  ASSERT_STATUS(http().patch(subscription_path(sub), R"({"isActive": true})"), 204);
  ASSERT_STATUS(set_value(http(), id, "capacity", 5), 204);
  EXPECT_EQ(first_values(notifications("/paused", 2), "capacity"),
            (std::vector<json::value>{3, 5}));
}

TEST_F(NotificationLifecycle, DeletingTheSubscriptionStopsItsNotifications) {
  const auto type = unique("Shelter");
  const auto control_type = unique("Control");
  const auto sub = subscribe_to(type, "/deleted");
  const auto control = subscribe_to(control_type, "/deleted");
  const auto id = make_entity(type, R"({"capacity": 1})");
  ASSERT_EQ(notifications("/deleted", 1).size(), 1U);
  ASSERT_STATUS(http().del(subscription_path(sub)), 204);
  EXPECT_PROBLEM(http().get(subscription_path(sub)), 404, "ResourceNotFound");
  ASSERT_STATUS(set_value(http(), id, "capacity", 2), 204);
  make_entity(type);
  EXPECT_EQ(senders_until_control("/deleted", control_type, control),
            (std::vector<std::string>{S(json::value(sub)), S(json::value(control))}));
}

// timesSent counts every attempt, timesFailed the failed ones (5.2.14); both are compared with
// what the receiver saw and answered, so retries need not be predicted.
TEST_F(NotificationLifecycle, DeliveryStateAfterSuccessesAndFailures) {
  const auto type = unique("Shelter");
  const auto sub = subscribe_to(type, "/counted");
  EXPECT_FALSE(member(http().get(subscription_path(sub)).json(), "notification")
                   .as_object()
                   .contains("timesSent"))
      << "nothing sent yet";
  const auto id = make_entity(type, R"({"capacity": 1})");
  ASSERT_EQ(receiver_.wait_for("/counted", 1).size(), 1U);
  auto shown = wait_subscription(http(), sub, [](const json::value& s) {
    return delivery(s, "timesSent") == 1 && !delivery(s, "lastSuccess").is_null();
  });
  EXPECT_EQ(delivery(shown, "status"), "ok") << shown;
  EXPECT_TRUE(is_utc_ms_timestamp(delivery(shown, "lastSuccess"))) << shown;
  EXPECT_EQ(delivery(shown, "lastNotification"), delivery(shown, "lastSuccess"));
  EXPECT_TRUE(delivery(shown, "timesFailed").is_null()) << shown;
  EXPECT_TRUE(delivery(shown, "lastFailure").is_null()) << shown;
  const auto first_success = delivery(shown, "lastSuccess");

  receiver_.fail("/counted", 500);
  ASSERT_STATUS(set_value(http(), id, "capacity", 2), 204);
  shown = wait_subscription(
      http(), sub, [](const json::value& s) { return !delivery(s, "lastFailure").is_null(); });
  EXPECT_EQ(delivery(shown, "status"), "failed") << shown;
  EXPECT_TRUE(is_utc_ms_timestamp(delivery(shown, "lastFailure"))) << shown;
  EXPECT_EQ(delivery(shown, "lastSuccess"), first_success) << shown;
  EXPECT_GE(S(delivery(shown, "lastFailure")), S(first_success)) << shown;
  EXPECT_EQ(delivery(shown, "lastNotification"), delivery(shown, "lastFailure")) << shown;

  receiver_.serve("/counted", "", "application/json");
  const auto seen = receiver_.wait_until("/counted", [](const auto& requests) {
    return requests.size() > 2 && requests.back().status == 200;
  });
  ASSERT_TRUE(seen.size() > 2 && seen.back().status == 200) << "the retry never succeeded";
  const auto failed = static_cast<std::int64_t>(
      std::count_if(seen.begin(), seen.end(), [](const auto& r) { return r.status == 500; }));
  shown = wait_subscription(http(), sub, [&](const json::value& s) {
    return delivery(s, "timesSent") == json::value(static_cast<std::int64_t>(seen.size())) &&
           delivery(s, "status") == "ok";
  });
  EXPECT_EQ(delivery(shown, "timesSent"), json::value(static_cast<std::int64_t>(seen.size())))
      << shown;
  EXPECT_EQ(delivery(shown, "timesFailed"), json::value(failed)) << shown;
  EXPECT_EQ(delivery(shown, "status"), "ok") << shown;
  EXPECT_GE(S(delivery(shown, "lastSuccess")), S(delivery(shown, "lastFailure"))) << shown;
  EXPECT_EQ(delivery(shown, "lastNotification"), delivery(shown, "lastSuccess")) << shown;
  // The retried notification is the same one.
  EXPECT_EQ(seen.back().body, seen[1].body);
  EXPECT_EQ(first_values(bodies_of({seen.back()}), "capacity"), (std::vector<json::value>{2}));
}

TEST_F(NotificationLifecycle, ARefusedEndpointIsCountedAsFailed) {
  const auto type = unique("Shelter");
  const auto sub =
      subscribe(subscription_to(type, "http://127.0.0.1:" + std::to_string(closed_port()) + "/n"));
  make_entity(type, R"({"capacity": 1})");
  const auto shown = wait_subscription(
      http(), sub, [](const json::value& s) { return !delivery(s, "lastFailure").is_null(); });
  EXPECT_EQ(delivery(shown, "status"), "failed") << shown;
  EXPECT_TRUE(is_utc_ms_timestamp(delivery(shown, "lastFailure"))) << shown;
  EXPECT_GE(delivery(shown, "timesFailed").to_number<std::int64_t>(), 1) << shown;
  EXPECT_EQ(delivery(shown, "timesSent"), delivery(shown, "timesFailed")) << shown;
  EXPECT_TRUE(delivery(shown, "lastSuccess").is_null()) << shown;
  EXPECT_EQ(member(shown, "status"), "active") << "failing deliveries do not end a subscription";
  ASSERT_STATUS(http().del(subscription_path(sub)), 204);
}

}  // namespace
}  // namespace tsunagu::it
