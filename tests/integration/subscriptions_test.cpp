// Subscriptions over HTTP (clause 6.10, 6.11) and their notifications to a real HTTP receiver
// (clause 5.3.1): the receiver is a loopback server the test starts.

#include "fixture.hpp"

namespace tsunagu::it {
namespace {

const std::string kSubscriptions = "/ngsi-ld/v1/subscriptions";

class Subscriptions : public BrokerTest {
 protected:
  // A subscription to entities of `type`, notifying the receiver at `path`.
  std::string subscribe(const std::string& type, const std::string& path,
                        std::string_view extra = "") {
    receiver_.serve(path, "", "application/json");  // answers 200
    const std::string id = "urn:ngsi-ld:Subscription:" + unique("s");
    std::string body = R"({"id": ")" + id + R"(", "type": "Subscription",
        "entities": [{"type": ")" +
                       type + R"("}],
        "notificationTrigger": ["entityCreated", "attributeUpdated"],
        "notification": {"endpoint": {"uri": ")" +
                       receiver_.url(path) + R"(",
                                      "accept": "application/json"}})";
    body += extra;
    body += "}";
    auto res = http().post(kSubscriptions, body);
    EXPECT_STATUS(res, 201);
    EXPECT_EQ(res.header("Location"), kSubscriptions + "/" + id);
    return id;
  }

  std::string make_shelter(const std::string& type, int occupancy) {
    const auto id = new_id();
    auto e =
        E(id, R"({"occupancy": {"type": "Property", "value": )" + std::to_string(occupancy) + "}}");
    e.as_object()["type"] = type;
    EXPECT_STATUS(create(e), 201);
    return id;
  }

  ContextServer receiver_;
};

TEST_F(Subscriptions, CreateRetrieveListDelete) {
  const auto type = unique("Shelter");
  const auto id = subscribe(type, "/n");
  auto got = http().get(kSubscriptions + "/" + id);
  ASSERT_STATUS(got, 200);
  auto body = got.json();
  EXPECT_EQ(body.at("id"), boost::json::value(id));
  EXPECT_EQ(body.at("type"), J(R"("Subscription")"));
  EXPECT_EQ(body.at("entities"), J(R"([{"type": ")" + type + R"("}])"));
  EXPECT_EQ(body.at("status"), J(R"("active")"));
  EXPECT_EQ(body.at("notification").at("endpoint").at("uri"),
            boost::json::value(receiver_.url("/n")));
  auto list = http().get(kSubscriptions + "?limit=1000");
  ASSERT_STATUS(list, 200);
  EXPECT_TRUE(ids_of(list.json()).contains(id));
  EXPECT_STATUS(http().del(kSubscriptions + "/" + id), 204);
  EXPECT_PROBLEM(http().get(kSubscriptions + "/" + id), 404, "ResourceNotFound");
  EXPECT_PROBLEM(http().del(kSubscriptions + "/" + id), 404, "ResourceNotFound");
}

TEST_F(Subscriptions, ACreatedEntityIsNotified) {
  const auto type = unique("Shelter");
  const auto sub = subscribe(type, "/created");
  const auto id = make_shelter(type, 12);
  auto got = receiver_.wait_for("/created", 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "POST");
  EXPECT_EQ(got[0].headers["content-type"], "application/json");
  EXPECT_NE(got[0].headers["link"].find(std::string(kCoreContext)), std::string::npos);
  auto n = J(got[0].body);
  EXPECT_EQ(n.at("type"), J(R"("Notification")"));
  EXPECT_EQ(n.at("subscriptionId"), boost::json::value(sub));
  EXPECT_EQ(n.at("triggerReason"), J(R"("entityCreated")"));
  EXPECT_TRUE(is_utc_ms_timestamp(n.at("notifiedAt")));
  auto expected = E(id, R"({"occupancy": {"type": "Property", "value": 12}})");
  expected.as_object()["type"] = type;
  EXPECT_EQ(n.at("data"), boost::json::value(boost::json::array{expected}));
}

TEST_F(Subscriptions, UpdatesAreNotifiedInOrderAndCounted) {
  const auto type = unique("Shelter");
  const auto sub = subscribe(type, "/updates");
  const auto id = make_shelter(type, 0);
  for (int i = 1; i <= 5; ++i) {
    ASSERT_STATUS(http().patch(entity_path(id) + "/attrs/occupancy",
                               R"({"value": )" + std::to_string(i) + "}"),
                  204);
  }
  auto got = receiver_.wait_for("/updates", 6);
  ASSERT_EQ(got.size(), 6u);
  for (int i = 1; i <= 5; ++i) {
    auto n = J(got[static_cast<std::size_t>(i)].body);
    EXPECT_EQ(n.at("triggerReason"), J(R"("attributeUpdated")"));
    EXPECT_EQ(n.at("data").at(0).at("occupancy").at("value"), boost::json::value(i));
  }
  // The counters are shown once the deliveries are accounted for.
  boost::json::value shown;
  for (int attempt = 0; attempt < 100; ++attempt) {
    shown = http().get(kSubscriptions + "/" + sub).json();
    if (shown.at("notification").as_object().contains("timesSent") &&
        shown.at("notification").at("timesSent") == boost::json::value(6)) {
      break;
    }
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(shown.at("notification").at("timesSent"), boost::json::value(6)) << S(shown);
  EXPECT_EQ(shown.at("notification").at("status"), J(R"("ok")"));
}

TEST_F(Subscriptions, OtherTypesAndFilteredChangesAreNotNotified) {
  const auto type = unique("Shelter");
  subscribe(type, "/filtered", R"(, "q": "occupancy>10")");
  make_shelter(unique("School"), 50);
  make_shelter(type, 5);
  const auto big = make_shelter(type, 50);
  auto got = receiver_.wait_for("/filtered", 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(J(got[0].body).at("data").at(0).at("id"), boost::json::value(big));
  // Nothing else arrives after it: the later entity of the type comes after the filtered ones.
  const auto later = make_shelter(type, 60);
  got = receiver_.wait_for("/filtered", 2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(J(got[1].body).at("data").at(0).at("id"), boost::json::value(later));
}

TEST_F(Subscriptions, AFailingReceiverIsRetriedUntilItRecovers) {
  const auto type = unique("Shelter");
  subscribe(type, "/flaky");
  receiver_.fail("/flaky", 503);
  make_shelter(type, 1);
  receiver_.wait_for("/flaky", 1);
  receiver_.serve("/flaky", "{}", "application/json");
  auto got = receiver_.wait_for("/flaky", 2, 30000ms);
  ASSERT_GE(got.size(), 2u);
  EXPECT_EQ(got.front().body, got.back().body);  // the same notification, sent again
}

TEST_F(Subscriptions, InvalidSubscriptionsAreRefused) {
  EXPECT_PROBLEM(http().post(kSubscriptions, R"({"type": "Subscription"})"), 400, "BadRequestData");
  EXPECT_PROBLEM(
      http().post(kSubscriptions, R"({"type": "Subscription", "entities": [{"type": "T"}],
      "notification": {"endpoint": {"uri": "ftp://example.org/"}}})"),
      400, "BadRequestData");
  EXPECT_PROBLEM(
      http().post(kSubscriptions, R"({"type": "Subscription", "entities": [{"type": "T"}],
      "q": "a>>1", "notification": {"endpoint": {"uri": "http://127.0.0.1:9/"}}})"),
      400, "BadRequestData");
  const auto type = unique("Shelter");
  const auto id = subscribe(type, "/dup");
  EXPECT_PROBLEM(http().post(kSubscriptions, R"({"id": ")" + id + R"(", "type": "Subscription",
      "entities": [{"type": "T"}], "notification": {"endpoint": {"uri": "http://127.0.0.1:9/"}}})"),
                 409, "AlreadyExists");
  expect_healthy();
}

TEST_F(Subscriptions, PatchPausesAndResumes) {
  const auto type = unique("Shelter");
  const auto sub = subscribe(type, "/paused");
  ASSERT_STATUS(http().patch(kSubscriptions + "/" + sub, R"({"isActive": false})"), 204);
  EXPECT_EQ(http().get(kSubscriptions + "/" + sub).json().at("status"), J(R"("paused")"));
  make_shelter(type, 1);
  ASSERT_STATUS(http().patch(kSubscriptions + "/" + sub, R"({"isActive": true})"), 204);
  const auto id = make_shelter(type, 2);
  auto got = receiver_.wait_for("/paused", 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(J(got[0].body).at("data").at(0).at("id"), boost::json::value(id));
}

}  // namespace
}  // namespace tsunagu::it

namespace tsunagu::it {
namespace {

// A notification owed when the server is killed is delivered after it starts again
// (at-least-once): the outbox commits with the change.
TEST(SubscriptionsDurability, WhatIsOwedSurvivesAKill) {
  ContextServer receiver;
  receiver.serve("/n", "", "application/json");
  receiver.fail("/n", 503);
  ServerProcess server;
  server.start();
  auto http = server.client();
  ASSERT_STATUS(http.post("/ngsi-ld/v1/subscriptions", R"({"type": "Subscription",
      "entities": [{"type": "Shelter"}], "notificationTrigger": ["entityCreated"],
      "notification": {"endpoint": {"uri": ")" + receiver.url("/n") +
                                                           R"("}}})"),
                201);
  ASSERT_STATUS(http.post("/ngsi-ld/v1/entities",
                          R"({"id": "urn:ngsi-ld:Shelter:durable-1", "type": "Shelter"})"),
                201);
  ASSERT_GE(receiver.wait_for("/n", 1).size(), 1u);  // attempted, and failed
  server.kill();
  const auto before = receiver.received("/n").size();
  receiver.serve("/n", "", "application/json");
  server.start();
  auto got = receiver.wait_for("/n", before + 1);
  ASSERT_GT(got.size(), before);
  auto n = J(got.back().body);
  EXPECT_EQ(n.at("triggerReason"), J(R"("entityCreated")"));
  EXPECT_EQ(n.at("data").at(0).at("id"), J(R"("urn:ngsi-ld:Shelter:durable-1")"));
}

}  // namespace
}  // namespace tsunagu::it
