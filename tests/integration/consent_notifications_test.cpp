// Notifications of personal data (docs/design/consent.md, "Subscriptions"): a subscription
// records the client that created it, and each notification carries only what that client may
// read at delivery. A resident's withdrawal stops the notifications of their data at once, while
// the subscription goes on notifying what is not personal; an attribute rule strips the personal
// attributes (current and previous values) from the notified entity.
//
// Proving that something was NOT notified (notification_support.hpp): each endpoint is one FIFO
// queue, so after the change that must not notify, a change that must notify the same endpoint
// is made and awaited; anything the first had caused would have arrived before it.

#include <set>
#include <thread>

#include "consent_support.hpp"
#include "notification_support.hpp"

namespace tsunagu::it {
namespace {

namespace json = boost::json;

class ConsentNotifications : public ConsentTest {
 protected:
  std::string endpoint(const std::string& path) {
    receiver_.serve(path, "", "application/json");
    return receiver_.url(path);
  }

  // A subscription of `token`'s client in this test's tenant to the given types (with the
  // filter `q` unless empty).
  std::string subscribe(const std::string& token, std::initializer_list<std::string_view> types,
                        const std::string& uri, bool show_changes = false,
                        std::string_view q = {}) {
    json::array entities;
    for (auto t : types) entities.push_back(json::object{{"type", t}});
    json::object notification{{"endpoint", {{"uri", uri}, {"accept", "application/json"}}}};
    if (show_changes) notification["showChanges"] = true;
    json::object subscription{
        {"type", "Subscription"}, {"entities", entities}, {"notification", notification}};
    if (!q.empty()) subscription["q"] = q;
    return create_subscription(http(), subscription, as(token));
  }

  // PATCH /entities/{id}/attrs/{attr} as the operator; expects 204.
  void change(std::string_view id, std::string_view attr, const json::value& value) {
    EXPECT_STATUS(set_value(http(), id, attr, value, as(op_token)), 204);
  }

  // Waits for `count` notifications at `path`; returns their bodies, asserting there are exactly
  // `count` (also after a short grace period).
  std::vector<json::value> exactly(const std::string& path, std::size_t count) {
    auto got = bodies_of(receiver_.wait_for(path, count, 10s));
    EXPECT_EQ(got.size(), count);
    return got;
  }

  // The one entity of a notification.
  static json::value entity_of(const json::value& notification) {
    const auto data = member(notification, "data");
    EXPECT_TRUE(data.is_array() && data.as_array().size() == 1U) << S(notification);
    return data.is_array() && !data.as_array().empty() ? data.as_array()[0] : json::value();
  }

  ContextServer receiver_;
};

TEST_F(ConsentNotifications, AWithdrawalStopsTheNotificationsOfThatResidentsData) {
  const auto& a = resident(0);
  const auto& b = resident(1);
  const auto s = make_scenario(a, b);
  const auto uri = endpoint("/childcare");
  ASSERT_FALSE(subscribe(service_token, {"ChildcareApplication", "Nursery"}, uri).empty());

  // No grant: a's change is not notified; the nursery's is.
  change(s.app_a, "childAge", 6);
  change(s.nursery, "capacity", 41);
  auto got = exactly("/childcare", 1);
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(member(entity_of(got[0]), "id"), json::value(s.nursery));

  // a grants: a's change is notified, in full; b's (no grant) still is not.
  const auto grant = give(a, service(), kChildcare, {}, "nursery admission");
  change(s.app_b, "childAge", 9);
  change(s.app_a, "childAge", 7);
  got = exactly("/childcare", 2);
  ASSERT_EQ(got.size(), 2U);
  const auto notified = entity_of(got[1]);
  EXPECT_EQ(member(notified, "id"), json::value(s.app_a)) << S(got[1]);
  EXPECT_EQ(member(member(notified, "childAge"), "value"), json::value(7)) << S(got[1]);
  EXPECT_EQ(member(member(notified, "applicant"), "object"), json::value(a.person())) << S(got[1]);

  // a withdraws: a's next change is not notified, though the subscription lives on.
  withdraw(a, str(grant, "id"));
  change(s.app_a, "childAge", 8);
  change(s.nursery, "capacity", 42);
  got = exactly("/childcare", 3);
  ASSERT_EQ(got.size(), 3U);
  EXPECT_EQ(member(entity_of(got[2]), "id"), json::value(s.nursery)) << S(got[2]);
  EXPECT_EQ(member(member(entity_of(got[2]), "capacity"), "value"), json::value(42));
  // And nothing straggles in afterwards.
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(receiver_.received("/childcare").size(), 3U);

  // The one delivery of a's data is in a's audit, under the grant.
  json::array mine;
  const auto audit = http().get(kAuditPath, bearer(a.token));
  ASSERT_STATUS(audit, 200);
  for (const auto& r : array_in(audit)) {
    if (str(r.at("data"), "tenant") == tenant()) mine.push_back(r);
  }
  ASSERT_EQ(mine.size(), 1U) << audit.body;
  EXPECT_EQ(str(mine[0], "client_id"), service().id);
  EXPECT_EQ(str(mine[0], "grant_id"), str(grant, "id"));
  EXPECT_EQ(str(mine[0], "purpose"), "nursery admission");
  EXPECT_EQ(str(mine[0].at("data"), "id"), s.app_a);
}

TEST_F(ConsentNotifications, AnAttributeRuleStripsTheNotifiedEntity) {
  const auto& a = resident(0);
  const auto& b = resident(1);
  const auto s = make_scenario(a, b);
  const auto uri = endpoint("/checkups");
  ASSERT_FALSE(subscribe(service_token, {"HealthCheckup"}, uri, true).empty());

  // No grant: the checkup is notified without its personal attributes.
  change(s.chk_a, "clinic", "Minami clinic");
  auto got = exactly("/checkups", 1);
  ASSERT_EQ(got.size(), 1U);
  auto e = entity_of(got[0]);
  EXPECT_EQ(member(e, "id"), json::value(s.chk_a)) << S(got[0]);
  EXPECT_EQ(member(member(e, "clinic"), "value"), json::value("Minami clinic")) << S(got[0]);
  EXPECT_TRUE(member(e, "bloodPressure").is_null()) << S(got[0]);
  EXPECT_TRUE(member(e, "patient").is_null()) << S(got[0]);

  // With a's grant: all of it, the previous value too.
  const auto grant = give(a, service(), kHealth);
  change(s.chk_a, "bloodPressure", 131);
  got = exactly("/checkups", 2);
  ASSERT_EQ(got.size(), 2U);
  e = entity_of(got[1]);
  EXPECT_EQ(member(member(e, "bloodPressure"), "value"), json::value(131)) << S(got[1]);
  EXPECT_EQ(member(member(e, "bloodPressure"), "previousValue"), json::value(128)) << S(got[1]);
  EXPECT_EQ(member(member(e, "patient"), "value"), json::value(a.sub)) << S(got[1]);

  // Withdrawn: stripped again, previous values included.
  withdraw(a, str(grant, "id"));
  change(s.chk_a, "clinic", "Kita clinic");
  got = exactly("/checkups", 3);
  ASSERT_EQ(got.size(), 3U);
  e = entity_of(got[2]);
  EXPECT_EQ(member(member(e, "clinic"), "value"), json::value("Kita clinic")) << S(got[2]);
  EXPECT_EQ(member(member(e, "clinic"), "previousValue"), json::value("Minami clinic"))
      << S(got[2]);
  EXPECT_TRUE(member(e, "bloodPressure").is_null()) << S(got[2]);
  EXPECT_TRUE(member(e, "patient").is_null()) << S(got[2]);
  // Nowhere in the notified data (the notification's own id and times may hold any digits).
  ASSERT_TRUE(got[2].as_object().contains("data")) << S(got[2]);
  EXPECT_EQ(S(got[2].at("data")).find("131"), std::string::npos)
      << "the personal value leaks: " << S(got[2]);
}

// As for a query (ConsentMatrix): a filter on a personal attribute (q, watchedAttributes) must
// not tell the residents apart by data the client may not see. Without a grant, that a checkup
// was notified would say that the resident's blood pressure is over 130, or was measured again,
// even with the value stripped.
TEST_F(ConsentNotifications, AFilterOnAPersonalAttributeMatchesOnlyGrantedResidents) {
  const auto& a = resident(0);
  const auto& b = resident(1);
  const auto s = make_scenario(a, b);
  // The three subscriptions notify the same endpoint: one FIFO queue.
  const auto uri = endpoint("/high");
  const auto high = subscribe(service_token, {"HealthCheckup"}, uri, false, "bloodPressure>130");
  auto watching = J(R"({"type": "Subscription", "entities": [{"type": "HealthCheckup"}],
                        "watchedAttributes": ["bloodPressure"]})");
  watching.as_object()["notification"] =
      json::object{{"endpoint", {{"uri", uri}, {"accept", "application/json"}}}};
  const auto watched = create_subscription(http(), watching.as_object(), as(service_token));
  ASSERT_FALSE(high.empty() || watched.empty());
  ASSERT_FALSE(subscribe(service_token, {"Nursery"}, uri).empty());
  give(a, service(), kHealth);

  change(s.chk_b, "bloodPressure", 150);  // b has granted nothing: must not notify
  change(s.chk_a, "bloodPressure", 135);  // a has: notified in full, to both subscriptions
  change(s.nursery, "capacity", 43);
  const auto got = exactly("/high", 3);
  ASSERT_EQ(got.size(), 3U);
  std::set<std::string> subscriptions;
  for (std::size_t i = 0; i < 2; ++i) {
    const auto e = entity_of(got[i]);
    EXPECT_EQ(member(e, "id"), json::value(s.chk_a)) << S(got[i]);
    EXPECT_EQ(member(member(e, "bloodPressure"), "value"), json::value(135)) << S(got[i]);
    subscriptions.insert(str(got[i], "subscriptionId"));
  }
  EXPECT_EQ(subscriptions, (std::set<std::string>{high, watched}));
  EXPECT_EQ(member(entity_of(got[2]), "id"), json::value(s.nursery)) << S(got[2]);
}

TEST_F(ConsentNotifications, AnOperatorsSubscriptionIsNotifiedOfEverything) {
  const auto& a = resident(0);
  const auto& b = resident(1);
  const auto s = make_scenario(a, b);
  const auto uri = endpoint("/operator");
  ASSERT_FALSE(subscribe(op_token, {"ChildcareApplication"}, uri).empty());
  change(s.app_b, "childAge", 10);
  const auto got = exactly("/operator", 1);
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(member(entity_of(got[0]), "id"), json::value(s.app_b));
  EXPECT_EQ(member(member(entity_of(got[0]), "childAge"), "value"), json::value(10));
}

}  // namespace
}  // namespace tsunagu::it
