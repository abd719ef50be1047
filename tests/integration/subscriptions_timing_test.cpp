// Subscriptions that notify on time rather than on every change (clause 5.2.12): throttling,
// which here holds what changes within the period and sends its latest state when the period
// ends, and timeInterval, which sends the selected entities periodically. Real server, real
// loopback receiver; the periods are a second or two, and every wait is bounded generously.

#include "fixture.hpp"

namespace tsunagu::it {
namespace {

const std::string kSubscriptions = "/ngsi-ld/v1/subscriptions";

using Clock = std::chrono::steady_clock;

// A subscription to entities of `type`, notifying `receiver` at `path`, with extra members.
// `extra` adds members to the subscription, `notification_extra` to its notification.
std::string subscription_body(const std::string& id, const std::string& type,
                              const std::string& endpoint, std::string_view extra,
                              std::string_view notification_extra = "") {
  return R"({"id": ")" + id + R"(", "type": "Subscription", "entities": [{"type": ")" + type +
         R"("}], "notification": {"endpoint": {"uri": ")" + endpoint +
         R"(", "accept": "application/json"})" + std::string(notification_extra) + "}" +
         std::string(extra) + "}";
}

boost::json::value occupancy_entity(const std::string& id, const std::string& type, int value) {
  auto e = E(id, R"({"occupancy": {"type": "Property", "value": )" + std::to_string(value) + "}}");
  e.as_object()["type"] = type;
  return e;
}

// The ids of a notification's data, in order.
std::vector<std::string> data_ids(const boost::json::value& notification) {
  std::vector<std::string> ids;
  for (const auto& e : notification.at("data").as_array()) {
    ids.emplace_back(e.at("id").as_string());
  }
  return ids;
}

class TimedSubscriptions : public BrokerTest {
 protected:
  std::string subscribe(const std::string& type, const std::string& path, std::string_view extra,
                        std::string_view notification_extra = "") {
    receiver_.serve(path, "", "application/json");
    const std::string id = "urn:ngsi-ld:Subscription:" + unique("s");
    EXPECT_STATUS(http().post(kSubscriptions, subscription_body(id, type, receiver_.url(path),
                                                                extra, notification_extra)),
                  201);
    return id;
  }
  void set_occupancy(const std::string& id, int value) {
    ASSERT_STATUS(http().patch(entity_path(id) + "/attrs/occupancy",
                               R"({"value": )" + std::to_string(value) + "}"),
                  204);
  }

  ContextServer receiver_;
};

TEST_F(TimedSubscriptions, ThrottlingSendsTheLatestStateOfWhatChangedWithinThePeriod) {
  const auto type = unique("Shelter");
  subscribe(type, "/throttled",
            R"(, "throttling": 2, "notificationTrigger": ["entityCreated", "attributeUpdated"])");
  const auto a = new_id(), b = new_id();
  ASSERT_STATUS(create(occupancy_entity(a, type, 0)), 201);
  auto got = receiver_.wait_for("/throttled", 1);
  ASSERT_EQ(got.size(), 1u);
  const auto first_at = Clock::now();
  EXPECT_EQ(J(got[0].body).at("triggerReason"), J(R"("entityCreated")"));
  // Within the period: five updates of a, and b created.
  for (int i = 1; i <= 5; ++i) set_occupancy(a, i);
  ASSERT_STATUS(create(occupancy_entity(b, type, 9)), 201);
  got = receiver_.wait_for("/throttled", 2);
  ASSERT_EQ(got.size(), 2u);
  // Not before the period has passed since the first notification (the bound only grows on a
  // slow machine).
  EXPECT_GE(Clock::now() - first_at, 1900ms);
  auto n = J(got[1].body);
  EXPECT_EQ(data_ids(n), (std::vector<std::string>{a, b}));
  EXPECT_EQ(n.at("data").at(0).at("occupancy").at("value"), boost::json::value(5));
  EXPECT_EQ(n.at("data").at(1).at("occupancy").at("value"), boost::json::value(9));
  // An update and a creation: no single reason.
  EXPECT_FALSE(n.as_object().contains("triggerReason")) << got[1].body;
  // Nothing else was held back: the next change, a period later, is the third notification.
  set_occupancy(b, 10);
  got = receiver_.wait_for("/throttled", 3);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(data_ids(J(got[2].body)), std::vector<std::string>{b});
  EXPECT_EQ(J(got[2].body).at("triggerReason"), J(R"("attributeUpdated")"));
}

TEST_F(TimedSubscriptions, ThrottledShowChangesComparesWithTheStateBeforeThePeriod) {
  const auto type = unique("Shelter");
  subscribe(type, "/throttled-changes", R"(, "throttling": 3)", R"(, "showChanges": true)");
  const auto a = new_id();
  ASSERT_STATUS(create(occupancy_entity(a, type, 0)), 201);  // attributeCreated: sent at once
  ASSERT_EQ(receiver_.wait_for("/throttled-changes", 1).size(), 1u);
  set_occupancy(a, 1);
  set_occupancy(a, 2);
  set_occupancy(a, 3);
  auto got = receiver_.wait_for("/throttled-changes", 2);
  ASSERT_EQ(got.size(), 2u);
  auto occupancy = J(got[1].body).at("data").at(0).at("occupancy");
  EXPECT_EQ(occupancy.at("value"), boost::json::value(3));
  EXPECT_EQ(occupancy.at("previousValue"), boost::json::value(0)) << got[1].body;
}

TEST_F(TimedSubscriptions, APeriodicSubscriptionSendsTheSelectedEntitiesEveryInterval) {
  const auto type = unique("Shelter");
  const auto a = new_id(), b = new_id(), c = new_id();
  ASSERT_STATUS(create(occupancy_entity(a, type, 1)), 201);
  ASSERT_STATUS(create(occupancy_entity(b, type, 50)), 201);
  ASSERT_STATUS(create(occupancy_entity(c, unique("School"), 50)), 201);
  const auto started = Clock::now();
  const auto sub = subscribe(type, "/periodic", R"(, "timeInterval": 1)");
  auto got = receiver_.wait_for("/periodic", 2);
  ASSERT_EQ(got.size(), 2u);
  // The first period ends a second after the creation.
  EXPECT_GE(Clock::now() - started, 1900ms);
  for (const auto& r : got) {
    auto n = J(r.body);
    EXPECT_EQ(n.at("subscriptionId"), boost::json::value(sub));
    EXPECT_FALSE(n.as_object().contains("triggerReason"));
    EXPECT_EQ(data_ids(n), (std::vector<std::string>{a, b}));
  }
  // A change shows in a later period; no notification is sent for the change itself.
  set_occupancy(a, 7);
  got = receiver_.wait_until("/periodic", [](const auto& r) {
    return !r.empty() &&
           J(r.back().body).at("data").at(0).at("occupancy").at("value") == boost::json::value(7);
  });
  EXPECT_EQ(data_ids(J(got.back().body)), (std::vector<std::string>{a, b}));
  // Paused: nothing more (two periods pass); resumed: periods again, with the q filter now.
  ASSERT_STATUS(http().patch(kSubscriptions + "/" + sub, R"({"isActive": false})"), 204);
  const auto paused = receiver_.received("/periodic").size();
  std::this_thread::sleep_for(2500ms);
  // One notification may have been on its way when the PATCH was answered.
  EXPECT_LE(receiver_.received("/periodic").size(), paused + 1);
  const auto before_resume = receiver_.received("/periodic").size();
  ASSERT_STATUS(
      http().patch(kSubscriptions + "/" + sub, R"({"isActive": true, "q": "occupancy>10"})"), 204);
  got = receiver_.wait_for("/periodic", before_resume + 1);
  ASSERT_EQ(got.size(), before_resume + 1);
  EXPECT_EQ(data_ids(J(got.back().body)), std::vector<std::string>{b});
  auto shown = http().get(kSubscriptions + "/" + sub).json();
  EXPECT_EQ(shown.at("timeInterval"), boost::json::value(1));
  ASSERT_STATUS(http().del(kSubscriptions + "/" + sub), 204);
}

TEST_F(TimedSubscriptions, PeriodsAndThrottlingAreValidated) {
  const auto type = unique("Shelter");
  const auto endpoint = receiver_.url("/never");
  struct Case {
    std::string extra, mentions;
  };
  const std::vector<Case> cases{
      {R"(, "timeInterval": 0.5)", "timeInterval"},
      {R"(, "timeInterval": 0)", "timeInterval"},
      {R"(, "timeInterval": 40000000)", "timeInterval"},
      {R"(, "timeInterval": "60")", "timeInterval"},
      {R"(, "throttling": -1)", "throttling"},
      {R"(, "throttling": 1e12)", "throttling"},
      {R"(, "timeInterval": 60, "throttling": 5)", "throttling"},
      {R"(, "timeInterval": 60, "watchedAttributes": ["occupancy"])", "watchedAttributes"},
  };
  for (const auto& c : cases) {
    auto res = http().post(
        kSubscriptions,
        subscription_body("urn:ngsi-ld:Subscription:" + unique("bad"), type, endpoint, c.extra));
    EXPECT_PROBLEM(res, 400, "BadRequestData") << c.extra;
    EXPECT_NE(res.body.find(c.mentions), std::string::npos) << res.body;
  }
  // Also when a PATCH would make the combination.
  const auto sub = subscribe(type, "/validated", R"(, "throttling": 5)");
  EXPECT_PROBLEM(http().patch(kSubscriptions + "/" + sub, R"({"timeInterval": 60})"), 400,
                 "BadRequestData");
  EXPECT_EQ(http().get(kSubscriptions + "/" + sub).json().at("throttling"), boost::json::value(5));
  expect_healthy();
}

}  // namespace
}  // namespace tsunagu::it

namespace tsunagu::it {
namespace {

// What a throttling window holds is owed: a restart during the period loses none of it.
TEST(TimedSubscriptionsDurability, WhatThrottlingHeldSurvivesARestart) {
  ContextServer receiver(0, {"/n"});
  ServerProcess server;
  server.start();
  auto http = server.client();
  ASSERT_STATUS(
      http.post(kSubscriptions, subscription_body("urn:ngsi-ld:Subscription:held", "Shelter",
                                                  receiver.url("/n"), R"(, "throttling": 3)")),
      201);
  const std::string id = "urn:ngsi-ld:Shelter:held-1";
  ASSERT_STATUS(http.post("/ngsi-ld/v1/entities", S(occupancy_entity(id, "Shelter", 0))), 201);
  ASSERT_EQ(receiver.wait_for("/n", 1).size(), 1u);
  ASSERT_STATUS(http.patch("/ngsi-ld/v1/entities/" + id + "/attrs/occupancy", R"({"value": 42})"),
                204);
  server.kill();  // within the period: the update is held, not sent
  server.start();
  auto got = receiver.wait_until("/n", [](const auto& r) {
    return !r.empty() &&
           J(r.back().body).at("data").at(0).at("occupancy").at("value") == boost::json::value(42);
  });
  ASSERT_GE(got.size(), 2u);
  EXPECT_EQ(J(got.back().body).at("data").at(0).at("occupancy").at("value"),
            boost::json::value(42));
}

}  // namespace
}  // namespace tsunagu::it
