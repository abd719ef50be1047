// Which changes notify (ETSI GS CIM 009 v1.8 clause 5.2.12): the entity selectors (type, id,
// idPattern), q, geoQ, scopeQ, watchedAttributes and notificationTrigger, evaluated by the
// server on each committed change. Each test makes the changes that must not notify before the
// last one that must, and checks the whole sequence once that one has arrived (see
// notification_support.hpp).

#include "notification_support.hpp"

namespace tsunagu::it {
namespace {

namespace json = boost::json;

class NotificationFilters : public NotificationTest {
 protected:
  // A subscription to `type` at `path` for the triggers of `triggers` (a JSON array text) and the
  // members of `extra` (a JSON object text).
  std::string subscribe_to(const std::string& type, const std::string& path,
                           std::string_view triggers, std::string_view extra = "{}") {
    auto s = subscription_to(type, endpoint(path), extra);
    s["notificationTrigger"] = J(triggers);
    return subscribe(s);
  }

  // The ids of data[0] of the first `count` notifications at `path`, with their trigger reasons.
  std::vector<std::pair<std::string, std::string>> notified(const std::string& path,
                                                            std::size_t count) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& n : notifications(path, count)) {
      const auto data = member(n, "data");
      const auto first = data.is_array() && !data.as_array().empty() ? data.at(0) : nullptr;
      out.emplace_back(S(member(first, "id")), S(member(n, "triggerReason")));
    }
    return out;
  }

  // The pair notified() gives for a change of `id` with `reason`.
  static std::pair<std::string, std::string> change(const std::string& id,
                                                    std::string_view reason) {
    return {S(json::value(id)), S(json::value(reason))};
  }

  using Changes = std::vector<std::pair<std::string, std::string>>;
};

constexpr std::string_view kCreatedAndUpdated = R"(["entityCreated", "attributeUpdated"])";

TEST_F(NotificationFilters, QSelectsTheEntityAfterTheChange) {
  const auto type = unique("Shelter");
  subscribe_to(type, "/q", kCreatedAndUpdated, R"({"q": "capacity>100;status==\"open\""})");
  const auto small = make_entity(type, R"({"capacity": 50, "status": "open"})");
  make_entity(type, R"({"capacity": 200, "status": "closed"})");
  const auto big = make_entity(type, R"({"capacity": 200, "status": "open"})");
  ASSERT_STATUS(set_value(http(), small, "capacity", 150), 204);  // now it matches
  ASSERT_STATUS(set_value(http(), big, "capacity", 20), 204);     // no longer matches
  ASSERT_STATUS(set_value(http(), small, "capacity", 160), 204);
  EXPECT_EQ(notified("/q", 3),
            (Changes{change(big, "entityCreated"), change(small, "attributeUpdated"),
                     change(small, "attributeUpdated")}));
}

TEST_F(NotificationFilters, GeoQNearSelectsByDistance) {
  const auto type = unique("Shelter");
  subscribe_to(type, "/near", kCreatedAndUpdated, R"({"geoQ": {"geometry": "Point",
      "coordinates": [135.5, 34.7], "georel": "near;maxDistance==2000"}})");
  const auto far =
      make_entity(type, R"({"location": {"type": "Point", "coordinates": [135.0, 34.0]}})");
  make_entity(type, R"({"name": "nowhere"})");
  const auto near =
      make_entity(type, R"({"location": {"type": "Point", "coordinates": [135.505, 34.705]}})");
  ASSERT_STATUS(http().patch(entity_path(far) + "/attrs",
                             R"({"location": {"type": "GeoProperty",
                                 "value": {"type": "Point", "coordinates": [135.501, 34.701]}}})"),
                204);
  EXPECT_EQ(notified("/near", 2),
            (Changes{change(near, "entityCreated"), change(far, "attributeUpdated")}));
}

TEST_F(NotificationFilters, GeoQWithinAPolygonOfAnotherGeoProperty) {
  const auto type = unique("Shelter");
  subscribe_to(type, "/within", R"(["entityCreated"])", R"({"geoQ": {"geometry": "Polygon",
      "coordinates": [[[135.4, 34.6], [135.6, 34.6], [135.6, 34.8], [135.4, 34.8], [135.4, 34.6]]],
      "georel": "within", "geoproperty": "entrance"}})");
  // Its location is inside, but the subscription asks about the entrance.
  make_entity(type, R"({"location": {"type": "Point", "coordinates": [135.5, 34.7]},
                        "entrance": {"type": "GeoProperty",
                                     "value": {"type": "Point", "coordinates": [136.5, 34.7]}}})");
  const auto inside = make_entity(type, R"({"entrance": {"type": "GeoProperty",
      "value": {"type": "Point", "coordinates": [135.45, 34.65]}}})");
  EXPECT_EQ(notified("/within", 1), (Changes{change(inside, "entityCreated")}));
}

TEST_F(NotificationFilters, ScopeQSelectsAScopeAndWhatIsBelow) {
  const auto type = unique("Shelter");
  subscribe_to(type, "/scope", R"(["entityCreated"])", R"({"scopeQ": "/Osaka/Kita/#"})");
  make_entity(type, R"({"scope": "/Osaka/Naniwa"})");
  make_entity(type, R"({"scope": "/Osaka"})");
  make_entity(type);
  const auto below = make_entity(type, R"({"scope": "/Osaka/Kita/Umeda"})");
  const auto exact = make_entity(type, R"({"scope": ["/Kobe", "/Osaka/Kita"]})");
  EXPECT_EQ(notified("/scope", 2),
            (Changes{change(below, "entityCreated"), change(exact, "entityCreated")}));
}

TEST_F(NotificationFilters, IdAndIdPatternSelectEntities) {
  const auto type = unique("Shelter");
  const std::string base = "urn:ngsi-ld:" + type + ":";
  auto by_pattern = subscription_to(type, endpoint("/pattern"));
  by_pattern["entities"] =
      J(R"([{"idPattern": "^urn:ngsi-ld:)" + type + R"(:north-.*", "type": ")" + type + R"("}])");
  by_pattern["notificationTrigger"] = J(R"(["entityCreated"])");
  subscribe(by_pattern);
  auto by_id = subscription_to(type, endpoint("/id"));
  by_id["entities"] = J(R"([{"id": ")" + base + R"(south-2", "type": ")" + type + R"("}])");
  by_id["notificationTrigger"] = J(R"(["entityCreated"])");
  subscribe(by_id);

  for (const auto* name : {"south-1", "north-1", "south-2", "north-2"}) {
    make_entity(type, "{}", {}, base + name);
  }
  EXPECT_EQ(notified("/pattern", 2), (Changes{change(base + "north-1", "entityCreated"),
                                              change(base + "north-2", "entityCreated")}));
  EXPECT_EQ(notified("/id", 1), (Changes{change(base + "south-2", "entityCreated")}));
}

TEST_F(NotificationFilters, WatchedAttributesDecideWhichUpdatesNotify) {
  const auto type = unique("Shelter");
  subscribe_to(type, "/watched", R"(["attributeUpdated"])",
               R"({"watchedAttributes": ["capacity"]})");
  const auto id = make_entity(type, R"({"capacity": 1, "name": "Hall"})");
  ASSERT_STATUS(set_value(http(), id, "name", "New Hall"), 204);
  ASSERT_STATUS(set_value(http(), id, "capacity", 2), 204);
  const auto got = notifications("/watched", 1);
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(member(got[0], "triggerReason"), "attributeUpdated");
  EXPECT_EQ(first_values(got, "capacity"), (std::vector<json::value>{2}));
  EXPECT_EQ(member(member(got[0], "data").at(0), "name"),
            J(R"({"type": "Property", "value": "New Hall"})"));
}

// Without "entities", watchedAttributes alone select: any entity having the attribute.
TEST_F(NotificationFilters, WatchedAttributesWithoutEntitiesWatchEveryType) {
  const auto attr = unique("level");
  auto s = subscription_to("unused", endpoint("/any-type"));
  s.erase("entities");
  s["watchedAttributes"] = json::array{json::value(attr)};
  s["notificationTrigger"] = J(kCreatedAndUpdated);
  subscribe(s);
  make_entity(unique("School"), R"({"name": "x"})");
  const auto school = make_entity(unique("School"), R"({")" + attr + R"(": 1})");
  const auto shelter = make_entity(unique("Shelter"), R"({")" + attr + R"(": 2})");
  EXPECT_EQ(notified("/any-type", 2),
            (Changes{change(school, "entityCreated"), change(shelter, "entityCreated")}));
}

TEST_F(NotificationFilters, NotificationTriggerNamesTheChangesThatNotify) {
  const auto type = unique("Shelter");
  const auto id = make_entity(type, R"({"capacity": 1})");
  const auto gone = make_entity(type, R"({"capacity": 1})");
  subscribe_to(type, "/created", R"(["attributeCreated"])");
  subscribe_to(type, "/deleted", R"(["attributeDeleted"])");
  subscribe_to(type, "/entity-deleted", R"(["entityDeleted"])");

  ASSERT_STATUS(set_value(http(), id, "capacity", 2), 204);  // notifies none of them
  ASSERT_STATUS(http().post(entity_path(id) + "/attrs", R"({"name": "Hall"})"), 204);
  ASSERT_STATUS(http().del(entity_path(id) + "/attrs/capacity"), 204);
  ASSERT_STATUS(http().del(entity_path(gone)), 204);

  EXPECT_EQ(notified("/created", 1), (Changes{change(id, "attributeCreated")}));
  EXPECT_EQ(notified("/deleted", 1), (Changes{change(id, "attributeDeleted")}));
  EXPECT_EQ(notified("/entity-deleted", 1), (Changes{change(gone, "entityDeleted")}));
}

}  // namespace
}  // namespace tsunagu::it
