// Which subscriptions a change notifies, and why (broker/subscription_matcher.hpp).

#include "broker/subscription_matcher.hpp"

#include <gtest/gtest.h>

#include "query/q_parser.hpp"
#include "query/scope_query.hpp"

namespace tsunagu::broker {
namespace {

using model::NotificationTrigger;
using Trigger = std::optional<NotificationTrigger>;

const std::string kEx = "https://example.org/";
const model::Timestamp kNow{std::chrono::milliseconds(1'700'000'000'000)};

std::string ex(std::string_view term) {
  return kEx + std::string(term);
}

model::Attribute prop(boost::json::value v, std::int64_t modified_ms = 1) {
  model::Attribute a;
  a.value = std::move(v);
  a.modified_at = model::Timestamp(std::chrono::milliseconds(modified_ms));
  return a;
}

model::Entity shelter(int occupancy, std::int64_t modified_ms = 1) {
  model::Entity e;
  e.id = "urn:ngsi-ld:Shelter:1";
  e.types = {ex("Shelter")};
  model::put_instance(e.attributes, ex("occupancy"), prop(occupancy, modified_ms));
  model::put_instance(e.attributes, ex("name"), prop("Kita"));
  return e;
}

model::Subscription on_type(std::string_view type) {
  model::Subscription s;
  s.id = "urn:ngsi-ld:Subscription:" + std::string(type);
  s.entities = {query::of_types({ex(type)})};
  s.notification.endpoint.uri = "http://127.0.0.1:9/";
  return s;
}

EntityChange created(model::Entity e) {
  return {std::nullopt, std::move(e)};
}
EntityChange updated(model::Entity a, model::Entity b) {
  return {std::move(a), std::move(b)};
}
EntityChange deleted(model::Entity e) {
  return {std::move(e), std::nullopt};
}

TEST(NotificationFor, CreationIsAttributeCreatedByDefault) {
  EXPECT_EQ(notification_for(on_type("Shelter"), created(shelter(1)), kNow),
            NotificationTrigger::AttributeCreated);
}

TEST(NotificationFor, CreationIsEntityCreatedWhenAskedFor) {
  auto s = on_type("Shelter");
  s.notification_trigger = {NotificationTrigger::EntityCreated};
  EXPECT_EQ(notification_for(s, created(shelter(1)), kNow), NotificationTrigger::EntityCreated);
  s.notification_trigger = {NotificationTrigger::AttributeUpdated};
  EXPECT_EQ(notification_for(s, created(shelter(1)), kNow), std::nullopt);
}

TEST(NotificationFor, AnotherTypeIsNotNotified) {
  EXPECT_EQ(notification_for(on_type("School"), created(shelter(1)), kNow), std::nullopt);
}

TEST(NotificationFor, AWriteOfTheSameValueIsAnUpdate) {
  EXPECT_EQ(notification_for(on_type("Shelter"), updated(shelter(5, 1), shelter(5, 2)), kNow),
            NotificationTrigger::AttributeUpdated);
}

TEST(NotificationFor, NothingWrittenIsNoUpdate) {
  EXPECT_EQ(notification_for(on_type("Shelter"), updated(shelter(5, 1), shelter(5, 1)), kNow),
            std::nullopt);
}

TEST(NotificationFor, OnlyWatchedAttributesCount) {
  auto s = on_type("Shelter");
  s.watched_attributes = {ex("name")};
  EXPECT_EQ(notification_for(s, updated(shelter(5, 1), shelter(6, 2)), kNow), std::nullopt);
  s.watched_attributes = {ex("occupancy")};
  EXPECT_EQ(notification_for(s, updated(shelter(5, 1), shelter(6, 2)), kNow),
            NotificationTrigger::AttributeUpdated);
}

TEST(NotificationFor, AttributeDeletedOnlyWhenAskedFor) {
  auto before = shelter(5);
  auto after = shelter(5);
  model::remove_instances(after.attributes, ex("name"), std::nullopt, true);
  auto s = on_type("Shelter");
  EXPECT_EQ(notification_for(s, updated(before, after), kNow), std::nullopt);
  s.notification_trigger = {NotificationTrigger::EntityUpdated};  // stands for all three
  EXPECT_EQ(notification_for(s, updated(before, after), kNow),
            NotificationTrigger::AttributeDeleted);
}

TEST(NotificationFor, DeletionOnlyWhenAskedFor) {
  auto s = on_type("Shelter");
  EXPECT_EQ(notification_for(s, deleted(shelter(1)), kNow), std::nullopt);
  s.notification_trigger.insert(NotificationTrigger::EntityDeleted);
  EXPECT_EQ(notification_for(s, deleted(shelter(1)), kNow), NotificationTrigger::EntityDeleted);
}

TEST(NotificationFor, QHoldsForTheEntityAfterTheChange) {
  auto s = on_type("Shelter");
  auto q = query::parse_q("occupancy>100", ex);
  ASSERT_TRUE(q);
  s.q = model::QFilter{"occupancy>100", std::make_shared<const query::Expr>(std::move(*q)), {}};
  EXPECT_EQ(notification_for(s, updated(shelter(150, 1), shelter(50, 2)), kNow), std::nullopt);
  EXPECT_EQ(notification_for(s, updated(shelter(50, 1), shelter(150, 2)), kNow),
            NotificationTrigger::AttributeUpdated);
}

TEST(NotificationFor, ScopeQ) {
  auto s = on_type("Shelter");
  auto scope = query::parse_scope_query("/Osaka/#");
  ASSERT_TRUE(scope);
  s.scope = model::ScopeFilter{"/Osaka/#", std::make_shared<const query::TermExpr>(*scope)};
  auto e = shelter(1);
  EXPECT_EQ(notification_for(s, created(e), kNow), std::nullopt);
  e.scope = boost::json::string("/Osaka/Kita");
  EXPECT_EQ(notification_for(s, created(e), kNow), NotificationTrigger::AttributeCreated);
}

TEST(NotificationFor, PausedExpiredAndPeriodicSubscriptionsAreNotNotifiedOfChanges) {
  auto s = on_type("Shelter");
  s.is_active = false;
  EXPECT_EQ(notification_for(s, created(shelter(1)), kNow), std::nullopt);
  s.is_active = true;
  s.expires_at = kNow - std::chrono::milliseconds(1);
  EXPECT_EQ(notification_for(s, created(shelter(1)), kNow), std::nullopt);
  s.expires_at.reset();
  s.time_interval = 60;
  EXPECT_EQ(notification_for(s, created(shelter(1)), kNow), std::nullopt);
}

TEST(NotificationFor, WatchedAttributesOfAnyEntity) {
  model::Subscription s;
  s.id = "urn:s:any";
  s.watched_attributes = {ex("occupancy")};
  EXPECT_EQ(notification_for(s, updated(shelter(1, 1), shelter(2, 2)), kNow),
            NotificationTrigger::AttributeUpdated);
}

TEST(SubscriptionIndex, MatchesByTypeAttributeAndWildcard) {
  SubscriptionIndex index;
  index.put(std::make_shared<model::Subscription>(on_type("Shelter")));
  index.put(std::make_shared<model::Subscription>(on_type("School")));
  model::Subscription by_attr;
  by_attr.id = "urn:s:attr";
  by_attr.watched_attributes = {ex("occupancy")};
  index.put(std::make_shared<model::Subscription>(by_attr));
  model::Subscription by_id;
  by_id.id = "urn:s:id";
  by_id.entities = {query::EntitySelector{nullptr, {"urn:ngsi-ld:Shelter:1"}, std::nullopt}};
  index.put(std::make_shared<model::Subscription>(by_id));
  auto matches = index.match(updated(shelter(1, 1), shelter(2, 2)), kNow);
  std::vector<std::string> ids;
  for (const auto& m : matches) ids.push_back(m.subscription->id);
  EXPECT_EQ(ids, (std::vector<std::string>{"urn:ngsi-ld:Subscription:Shelter", "urn:s:attr",
                                           "urn:s:id"}));
}

TEST(SubscriptionIndex, ReplacingAndRemovingReindex) {
  SubscriptionIndex index;
  auto s = on_type("Shelter");
  index.put(std::make_shared<model::Subscription>(s));
  s.entities = {query::of_types({ex("School")})};
  index.put(std::make_shared<model::Subscription>(s));
  EXPECT_TRUE(index.match(created(shelter(1)), kNow).empty());
  EXPECT_EQ(index.size(), 1u);
  index.remove(s.id);
  EXPECT_EQ(index.size(), 0u);
  EXPECT_EQ(index.find(s.id), nullptr);
}

TEST(SubscriptionIndex, TenThousandOtherSubscriptionsAreNotCandidates) {
  SubscriptionIndex index;
  for (int i = 0; i < 10000; ++i) {
    auto s = on_type("Other" + std::to_string(i));
    index.put(std::make_shared<model::Subscription>(s));
  }
  index.put(std::make_shared<model::Subscription>(on_type("Shelter")));
  auto matches = index.match(created(shelter(1)), kNow);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].subscription->id, "urn:ngsi-ld:Subscription:Shelter");
}

}  // namespace
}  // namespace tsunagu::broker
