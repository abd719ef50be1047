// Retrieve Temporal Evolution of an Entity, GET /ngsi-ld/v1/temporal/entities/{id} (ETSI GS CIM
// 009 clauses 5.7.3, 6.19.3.1; temporal query 4.11; representations 4.5.6-4.5.9) as
// docs/design/temporal.md decides it: timerel before (t < timeAt), after (t >= timeAt), between
// (timeAt <= t < endTimeAt); timeproperty observedAt (default), createdAt, modifiedAt, deletedAt;
// lastN per attribute in ascending order; attrs/pick/omit, datasetId, lang; format=temporalValues;
// an entity with nothing selected in range is 200 with id and type only.
//
// The histories are written through the core API (a create, then one PATCH per later instance),
// each instance with an explicit observedAt, so every range is exact.

#include <algorithm>
#include <map>
#include <thread>
#include <utility>
#include <vector>

#include "temporal_support.hpp"

namespace tsunagu::it {
namespace {

namespace json = boost::json;

class TemporalRetrieve : public TemporalTest {
 protected:
  std::string type() { return unique("Vehicle"); }

  std::string make_series(const std::map<std::string, Series>& attrs,
                          std::string_view extra_members = "{}") {
    return TemporalTest::make_series(json::value(type()), attrs, extra_members);
  }

  // speed at minutes 0..6 with values 10, 20, ... 70.
  std::string make_speed() {
    Series speed;
    for (int k = 0; k < 7; ++k) speed.emplace_back(k, 10 * (k + 1));
    return make_series({{"speed", speed}});
  }

  // The expected instances of speed at the given minutes (value 10 * (k + 1)).
  static json::array speed_at(std::initializer_list<int> minutes) {
    json::array out;
    for (const int k : minutes) out.push_back(property_at(10 * (k + 1), kT0 + k * kMinute));
    return out;
  }

  json::value id_and_type(const std::string& id) {
    return json::object{{"id", id}, {"type", type()}};
  }
};

// ---- the whole history and timerel bounds ----

TEST_F(TemporalRetrieve, WithoutTemporalQueryGivesTheWholeHistoryInAscendingOrder) {
  const auto id = make_speed();
  const auto h = history(id);
  EXPECT_EQ(h.at("id"), json::value(id));
  EXPECT_EQ(h.at("type"), json::value(type()));
  EXPECT_EQ(attribute_names(h), std::set<std::string>{"speed"});
  EXPECT_EQ(comparable(instances_of(h, "speed")), speed_at({0, 1, 2, 3, 4, 5, 6}));
  EXPECT_TRUE(HasInstanceIds(instances_of(h, "speed")));
}

TEST_F(TemporalRetrieve, BeforeExcludesTimeAt) {
  const auto id = make_speed();
  const auto h = history(id, "?timerel=before&timeAt=" + minute(3));
  EXPECT_EQ(comparable(instances_of(h, "speed")), speed_at({0, 1, 2}));
}

TEST_F(TemporalRetrieve, AfterIncludesTimeAt) {
  const auto id = make_speed();
  const auto h = history(id, "?timerel=after&timeAt=" + minute(3));
  EXPECT_EQ(comparable(instances_of(h, "speed")), speed_at({3, 4, 5, 6}));
}

TEST_F(TemporalRetrieve, BetweenIncludesTimeAtAndExcludesEndTimeAt) {
  const auto id = make_speed();
  const auto h = history(id, "?timerel=between&timeAt=" + minute(2) + "&endTimeAt=" + minute(5));
  EXPECT_EQ(comparable(instances_of(h, "speed")), speed_at({2, 3, 4}));
}

TEST_F(TemporalRetrieve, TimeAtWithoutMillisecondsOrWithAnOffsetNamesTheSameInstant) {
  const auto id = make_speed();
  EXPECT_EQ(
      comparable(instances_of(history(id, "?timerel=after&timeAt=2026-01-01T00:03:00Z"), "speed")),
      speed_at({3, 4, 5, 6}));
  EXPECT_EQ(comparable(instances_of(
                history(id, "?timerel=after&timeAt=" + url_encode("2026-01-01T09:03:00+09:00")),
                "speed")),
            speed_at({3, 4, 5, 6}));
}

TEST_F(TemporalRetrieve, NothingInRangeGives200WithIdAndTypeOnly) {
  const auto id = make_speed();
  EXPECT_EQ(history(id, "?timerel=after&timeAt=" + minute(100)), id_and_type(id));
  EXPECT_EQ(history(id, "?timerel=before&timeAt=" + minute(0)), id_and_type(id));
}

// ---- malformed temporal queries ----

TEST_F(TemporalRetrieve, TimerelWithoutTimeAtIs400) {
  const auto id = make_speed();
  EXPECT_PROBLEM(get_temporal(id, "?timerel=after"), 400, "BadRequestData");
  EXPECT_PROBLEM(get_temporal(id, "?timerel=before&timeAt="), 400, "BadRequestData");
}

TEST_F(TemporalRetrieve, TimeAtWithoutTimerelIs400) {
  const auto id = make_speed();
  EXPECT_PROBLEM(get_temporal(id, "?timeAt=" + minute(1)), 400, "BadRequestData");
}

TEST_F(TemporalRetrieve, BetweenWithoutEndTimeAtIs400) {
  const auto id = make_speed();
  EXPECT_PROBLEM(get_temporal(id, "?timerel=between&timeAt=" + minute(1)), 400, "BadRequestData");
}

TEST_F(TemporalRetrieve, UnknownTimerelIs400) {
  const auto id = make_speed();
  EXPECT_PROBLEM(get_temporal(id, "?timerel=during&timeAt=" + minute(1)), 400, "BadRequestData");
}

TEST_F(TemporalRetrieve, TimeAtThatIsNotADateTimeIs400) {
  const auto id = make_speed();
  EXPECT_PROBLEM(get_temporal(id, "?timerel=after&timeAt=yesterday"), 400, "BadRequestData");
  EXPECT_PROBLEM(get_temporal(id, "?timerel=after&timeAt=2026-01-01"), 400, "BadRequestData");
  EXPECT_PROBLEM(get_temporal(id, "?timerel=after&timeAt=2026-01-01T00:00:00"), 400,
                 "BadRequestData");
}

TEST_F(TemporalRetrieve, UnknownTimepropertyIs400) {
  const auto id = make_speed();
  EXPECT_PROBLEM(get_temporal(id, "?timeproperty=expiresAt&timerel=after&timeAt=" + minute(0)), 400,
                 "BadRequestData");
}

// ---- timeproperty ----

TEST_F(TemporalRetrieve, TimepropertyCreatedAtSelectsByRecordingTime) {
  const auto id = new_id();
  auto entity = E(id, R"({"speed": {"type": "Property", "value": 1}})");
  entity.as_object()["type"] = type();
  ASSERT_STATUS(create(entity), 201);
  for (int v = 2; v <= 3; ++v) {
    std::this_thread::sleep_for(15ms);
    ASSERT_STATUS(
        http().patch(entity_path(id) + "/attrs", S(json::object{{"speed", property_at(v, kT0)}})),
        204);
  }
  // Instances in recording order, by their createdAt.
  auto instances = instances_of(history(id, "?options=sysAttrs"), "speed");
  ASSERT_EQ(instances.size(), 3U);
  std::map<Millis, json::value> by_created;
  for (const auto& instance : instances) {
    by_created[millis_of(instance.at("createdAt"))] = instance.at("value");
  }
  ASSERT_EQ(by_created.size(), 3U) << "createdAt values must differ: " << S(instances);
  const auto c2 = std::next(by_created.begin())->first;
  EXPECT_EQ(values_of(instances_of(
                history(id, "?timeproperty=createdAt&timerel=after&timeAt=" + iso(c2)), "speed")),
            J("[2, 3]"));
  EXPECT_EQ(values_of(instances_of(
                history(id, "?timeproperty=createdAt&timerel=before&timeAt=" + iso(c2)), "speed")),
            J("[1]"));
}

TEST_F(TemporalRetrieve, TimepropertyModifiedAtSelectsByModificationTime) {
  const auto id = new_id();
  auto entity = E(id, R"({"speed": {"type": "Property", "value": 1}})");
  entity.as_object()["type"] = type();
  ASSERT_STATUS(create(entity), 201);
  std::this_thread::sleep_for(15ms);
  ASSERT_STATUS(http().patch(entity_path(id) + "/attrs", R"({"speed": {"type": "Property",
                                                                     "value": 2}})"),
                204);
  const auto instances = instances_of(history(id, "?options=sysAttrs"), "speed");
  ASSERT_EQ(instances.size(), 2U);
  Millis latest = 0;
  for (const auto& instance : instances) {
    latest = std::max(latest, millis_of(instance.at("modifiedAt")));
  }
  EXPECT_EQ(
      values_of(instances_of(
          history(id, "?timeproperty=modifiedAt&timerel=after&timeAt=" + iso(latest)), "speed")),
      J("[2]"));
}

TEST_F(TemporalRetrieve, TimepropertyDeletedAtSelectsOnlyTombstones) {
  const auto id = make_series({{"speed", {{0, 10}, {1, 20}}}, {"fuel", {{0, 5}}}});
  ASSERT_STATUS(http().del(entity_path(id) + "/attrs/speed"), 204);
  const auto h = history(id, "?timeproperty=deletedAt&timerel=after&timeAt=" + minute(0));
  EXPECT_EQ(attribute_names(h), std::set<std::string>{"speed"}) << h;
  EXPECT_EQ(comparable(instances_of(h, "speed")),
            J(R"([{"type": "Property", "value": "urn:ngsi-ld:null", "deletedAt": "<any time>"}])"));
  // Instances without deletedAt are outside every deletedAt range.
  EXPECT_EQ(history(id, "?timeproperty=deletedAt&timerel=before&timeAt=" + minute(0)),
            id_and_type(id));
}

TEST_F(TemporalRetrieve, InstancesWithoutObservedAtAreOutsideObservedAtRanges) {
  const auto id = new_id();
  auto entity = E(id, R"({"label": {"type": "Property", "value": "no time"}})");
  entity.as_object()["type"] = type();
  entity.as_object()["speed"] = property_at(10, kT0);
  ASSERT_STATUS(create(entity), 201);
  const auto h = history(id, "?timerel=after&timeAt=2000-01-01T00:00:00.000Z");
  EXPECT_EQ(attribute_names(h), std::set<std::string>{"speed"}) << h;
  // Without a temporal query they are part of the whole history.
  EXPECT_EQ(attribute_names(history(id)), (std::set<std::string>{"speed", "label"}));
}

// ---- lastN ----

TEST_F(TemporalRetrieve, LastNGivesTheLastInstancesOfEachAttributeInAscendingOrder) {
  Series speed, fuel;
  for (int k = 0; k < 7; ++k) speed.emplace_back(k, 10 * (k + 1));
  for (int k = 0; k < 5; ++k) fuel.emplace_back(10 + k, 100 - k);
  const auto id = make_series({{"speed", speed}, {"fuel", fuel}});
  const auto h = history(id, "?lastN=3");
  EXPECT_EQ(comparable(instances_of(h, "speed")), speed_at({4, 5, 6}));
  EXPECT_EQ(comparable(instances_of(h, "fuel")),
            (json::array{property_at(98, kT0 + 12 * kMinute), property_at(97, kT0 + 13 * kMinute),
                         property_at(96, kT0 + 14 * kMinute)}));
}

TEST_F(TemporalRetrieve, LastNAppliesWithinTheRange) {
  const auto id = make_speed();
  const auto h =
      history(id, "?lastN=2&timerel=between&timeAt=" + minute(1) + "&endTimeAt=" + minute(5));
  EXPECT_EQ(comparable(instances_of(h, "speed")), speed_at({3, 4}));
}

TEST_F(TemporalRetrieve, LastNLargerThanTheHistoryGivesItAll) {
  const auto id = make_speed();
  EXPECT_EQ(comparable(instances_of(history(id, "?lastN=7"), "speed")),
            speed_at({0, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(comparable(instances_of(history(id, "?lastN=100"), "speed")),
            speed_at({0, 1, 2, 3, 4, 5, 6}));
}

TEST_F(TemporalRetrieve, LastNThatIsNotAPositiveIntegerIs400) {
  const auto id = make_speed();
  for (const auto* bad : {"0", "-1", "1.5", "two", ""}) {
    EXPECT_PROBLEM(get_temporal(id, std::string("?lastN=") + bad), 400, "BadRequestData") << bad;
  }
}

// ---- attrs, pick, omit, datasetId, lang ----

TEST_F(TemporalRetrieve, AttrsSelectsAttributes) {
  const auto id =
      make_series({{"speed", {{0, 10}, {1, 20}}}, {"fuel", {{0, 5}}}, {"heading", {{0, 90}}}});
  const auto h = history(id, "?attrs=speed,heading");
  EXPECT_EQ(attribute_names(h), (std::set<std::string>{"speed", "heading"}));
  EXPECT_EQ(instances_of(h, "speed").size(), 2U);
}

TEST_F(TemporalRetrieve, AttrsNamingNoRecordedAttributeGives200WithIdAndTypeOnly) {
  const auto id = make_speed();
  EXPECT_EQ(history(id, "?attrs=unknownAttribute"), id_and_type(id));
}

TEST_F(TemporalRetrieve, PickKeepsOnlyTheNamedMembers) {
  const auto id = make_series({{"speed", {{0, 10}}}, {"fuel", {{0, 5}}}});
  const auto h = history(id, "?pick=id,speed");
  ASSERT_TRUE(h.is_object()) << h;
  EXPECT_EQ(h.as_object().size(), 2U) << h;
  EXPECT_EQ(h.at("id"), json::value(id));
  EXPECT_EQ(comparable(instances_of(h, "speed")), json::array{property_at(10, kT0)});
}

TEST_F(TemporalRetrieve, OmitDropsTheNamedMembers) {
  const auto id = make_series({{"speed", {{0, 10}}}, {"fuel", {{0, 5}}}});
  const auto h = history(id, "?omit=type,speed");
  ASSERT_TRUE(h.is_object()) << h;
  EXPECT_EQ(h.as_object().size(), 2U) << h;
  EXPECT_EQ(h.at("id"), json::value(id));
  EXPECT_EQ(comparable(instances_of(h, "fuel")), json::array{property_at(5, kT0)});
}

TEST_F(TemporalRetrieve, PickAndOmitTogetherIs400) {
  const auto id = make_speed();
  EXPECT_PROBLEM(get_temporal(id, "?pick=speed&omit=type"), 400, "BadRequestData");
}

TEST_F(TemporalRetrieve, DatasetIdSelectsInstances) {
  const auto id = new_id();
  auto entity = E(id, R"({"capacity": [
    {"type": "Property", "value": 350, "observedAt": "2026-01-01T00:00:00.000Z"},
    {"type": "Property", "value": 30, "datasetId": "urn:ngsi-ld:Dataset:annex",
     "observedAt": "2026-01-01T00:00:00.000Z"}]})");
  entity.as_object()["type"] = type();
  ASSERT_STATUS(create(entity), 201);
  ASSERT_STATUS(http().patch(entity_path(id) + "/attrs", R"({"capacity":
    {"type": "Property", "value": 31, "datasetId": "urn:ngsi-ld:Dataset:annex",
     "observedAt": "2026-01-01T00:01:00.000Z"}})"),
                204);
  EXPECT_EQ(comparable(instances_of(
                history(id, "?datasetId=" + url_encode("urn:ngsi-ld:Dataset:annex")), "capacity")),
            J(R"([{"type": "Property", "value": 30, "datasetId": "urn:ngsi-ld:Dataset:annex",
             "observedAt": "2026-01-01T00:00:00.000Z"},
            {"type": "Property", "value": 31, "datasetId": "urn:ngsi-ld:Dataset:annex",
             "observedAt": "2026-01-01T00:01:00.000Z"}])"));
  EXPECT_EQ(comparable(instances_of(history(id, "?datasetId=" + url_encode("@none")), "capacity")),
            J(R"([{"type": "Property", "value": 350,
                   "observedAt": "2026-01-01T00:00:00.000Z"}])"));
}

TEST_F(TemporalRetrieve, LangShowsEachLanguagePropertyInstanceInTheBestLanguage) {
  const auto id = new_id();
  auto entity = E(id, R"({"displayName": {"type": "LanguageProperty",
    "languageMap": {"ja": "会館", "en": "Hall"}, "observedAt": "2026-01-01T00:00:00.000Z"}})");
  entity.as_object()["type"] = type();
  ASSERT_STATUS(create(entity), 201);
  ASSERT_STATUS(http().patch(entity_path(id) + "/attrs", R"({"displayName": {
    "type": "LanguageProperty", "languageMap": {"ja": "新会館", "en": "New Hall"},
    "observedAt": "2026-01-01T00:01:00.000Z"}})"),
                204);
  EXPECT_EQ(comparable(instances_of(history(id, "?lang=en"), "displayName")), J(R"([
    {"type": "Property", "value": "Hall", "lang": "en", "observedAt": "2026-01-01T00:00:00.000Z"},
    {"type": "Property", "value": "New Hall", "lang": "en",
     "observedAt": "2026-01-01T00:01:00.000Z"}])"));
  EXPECT_EQ(comparable(instances_of(history(id), "displayName")), J(R"([
    {"type": "LanguageProperty", "languageMap": {"ja": "会館", "en": "Hall"},
     "observedAt": "2026-01-01T00:00:00.000Z"},
    {"type": "LanguageProperty", "languageMap": {"ja": "新会館", "en": "New Hall"},
     "observedAt": "2026-01-01T00:01:00.000Z"}])"));
}

// ---- format=temporalValues ----

TEST_F(TemporalRetrieve, TemporalValuesNameTheMemberOfEachAttributeKind) {
  const auto id = new_id();
  auto entity = E(id, R"({
    "speed": {"type": "Property", "value": 10, "observedAt": "2026-01-01T00:00:00.000Z"},
    "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [135.5, 34.7]},
                 "observedAt": "2026-01-01T00:00:00.000Z"},
    "operatedBy": {"type": "Relationship", "object": "urn:ngsi-ld:Organization:a",
                   "observedAt": "2026-01-01T00:00:00.000Z"},
    "displayName": {"type": "LanguageProperty", "languageMap": {"en": "Hall"},
                    "observedAt": "2026-01-01T00:00:00.000Z"},
    "category": {"type": "VocabProperty", "vocab": "Evacuation",
                 "observedAt": "2026-01-01T00:00:00.000Z"},
    "raw": {"type": "JsonProperty", "json": {"a": 1}, "observedAt": "2026-01-01T00:00:00.000Z"},
    "readings": {"type": "ListProperty", "valueList": [1, 2],
                 "observedAt": "2026-01-01T00:00:00.000Z"},
    "route": {"type": "ListRelationship", "objectList": [{"object": "urn:ngsi-ld:Stop:1"},
              {"object": "urn:ngsi-ld:Stop:2"}], "observedAt": "2026-01-01T00:00:00.000Z"}
  })");
  entity.as_object()["type"] = type();
  ASSERT_STATUS(create(entity), 201);
  ASSERT_STATUS(http().patch(entity_path(id) + "/attrs", R"({
    "speed": {"type": "Property", "value": 20, "observedAt": "2026-01-01T00:01:00.000Z"},
    "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [135.6, 34.8]},
                 "observedAt": "2026-01-01T00:01:00.000Z"},
    "operatedBy": {"type": "Relationship", "object": "urn:ngsi-ld:Organization:b",
                   "observedAt": "2026-01-01T00:01:00.000Z"},
    "displayName": {"type": "LanguageProperty", "languageMap": {"en": "New Hall"},
                    "observedAt": "2026-01-01T00:01:00.000Z"},
    "category": {"type": "VocabProperty", "vocab": "Medical",
                 "observedAt": "2026-01-01T00:01:00.000Z"},
    "raw": {"type": "JsonProperty", "json": {"a": 2}, "observedAt": "2026-01-01T00:01:00.000Z"},
    "readings": {"type": "ListProperty", "valueList": [3],
                 "observedAt": "2026-01-01T00:01:00.000Z"},
    "route": {"type": "ListRelationship", "objectList": [{"object": "urn:ngsi-ld:Stop:3"}],
              "observedAt": "2026-01-01T00:01:00.000Z"}
  })"),
                204);
  auto expected = J(R"({
    "speed": {"type": "Property", "values": [[10, "2026-01-01T00:00:00.000Z"],
                                             [20, "2026-01-01T00:01:00.000Z"]]},
    "location": {"type": "GeoProperty", "values": [
        [{"type": "Point", "coordinates": [135.5, 34.7]}, "2026-01-01T00:00:00.000Z"],
        [{"type": "Point", "coordinates": [135.6, 34.8]}, "2026-01-01T00:01:00.000Z"]]},
    "operatedBy": {"type": "Relationship", "objects": [
        ["urn:ngsi-ld:Organization:a", "2026-01-01T00:00:00.000Z"],
        ["urn:ngsi-ld:Organization:b", "2026-01-01T00:01:00.000Z"]]},
    "displayName": {"type": "LanguageProperty", "languageMaps": [
        [{"languageMap": {"en": "Hall"}}, "2026-01-01T00:00:00.000Z"],
        [{"languageMap": {"en": "New Hall"}}, "2026-01-01T00:01:00.000Z"]]},
    "category": {"type": "VocabProperty", "vocabs": [
        [{"vocab": "Evacuation"}, "2026-01-01T00:00:00.000Z"],
        [{"vocab": "Medical"}, "2026-01-01T00:01:00.000Z"]]},
    "raw": {"type": "JsonProperty", "jsons": [
        [{"json": {"a": 1}}, "2026-01-01T00:00:00.000Z"],
        [{"json": {"a": 2}}, "2026-01-01T00:01:00.000Z"]]},
    "readings": {"type": "ListProperty", "valueLists": [
        [[1, 2], "2026-01-01T00:00:00.000Z"],
        [[3], "2026-01-01T00:01:00.000Z"]]},
    "route": {"type": "ListRelationship", "objectLists": [
        [["urn:ngsi-ld:Stop:1", "urn:ngsi-ld:Stop:2"], "2026-01-01T00:00:00.000Z"],
        [["urn:ngsi-ld:Stop:3"], "2026-01-01T00:01:00.000Z"]]}
  })");
  expected.as_object()["id"] = id;
  expected.as_object()["type"] = type();
  EXPECT_EQ(history(id, "?format=temporalValues"), expected);
  EXPECT_EQ(history(id, "?options=temporalValues"), expected);
}

TEST_F(TemporalRetrieve, TemporalValuesFollowTheTimeproperty) {
  const auto id = make_series({{"speed", {{0, 10}, {1, 20}}}});
  const auto instances = instances_of(history(id, "?options=sysAttrs"), "speed");
  ASSERT_EQ(instances.size(), 2U);
  const auto h = history(id,
                         "?format=temporalValues&timeproperty=createdAt&timerel=after&"
                         "timeAt=2000-01-01T00:00:00.000Z");
  const auto values = h.at("speed").at("values").as_array();
  ASSERT_EQ(values.size(), 2U) << h;
  // Each pair is (value, createdAt of that instance).
  std::set<std::string> expected, actual;
  for (const auto& instance : instances) {
    expected.emplace(S(json::array{instance.at("value"), instance.at("createdAt")}));
  }
  for (const auto& pair : values) actual.emplace(S(pair));
  EXPECT_EQ(actual, expected);
}

TEST_F(TemporalRetrieve, TemporalValuesOfATombstoneGiveItsDeletedAt) {
  const auto id = make_series({{"speed", {{0, 10}}}});
  ASSERT_STATUS(http().del(entity_path(id) + "/attrs/speed"), 204);
  const auto query = "?timeproperty=deletedAt&timerel=after&timeAt=" + minute(0);
  const auto tombstones = instances_of(history(id, query), "speed");
  ASSERT_EQ(tombstones.size(), 1U);
  const auto h = history(id, query + "&format=temporalValues");
  EXPECT_EQ(
      h.at("speed"),
      (json::object{
          {"type", "Property"},
          {"values", json::array{json::array{kNgsiLdNull, tombstones.front().at("deletedAt")}}}}));
}

// ---- errors ----

TEST_F(TemporalRetrieve, UnknownEntityIs404) {
  const auto known = make_speed();
  ASSERT_STATUS(get_temporal(known), 200);
  EXPECT_PROBLEM(get_temporal(new_id()), 404, "ResourceNotFound");
  EXPECT_PROBLEM(get_temporal(new_id(), "?timerel=after&timeAt=" + minute(0)), 404,
                 "ResourceNotFound");
}

TEST_F(TemporalRetrieve, IdThatIsNotAUriIs400) {
  ASSERT_STATUS(get_temporal(make_speed()), 200);
  EXPECT_PROBLEM(get_temporal("invalidId"), 400, "BadRequestData");
}

TEST_F(TemporalRetrieve, ReadingTheHistoryChangesNothing) {
  // Reading the history never changes the entity.
  const auto id = make_speed();
  const auto before = read(id, "?options=sysAttrs");
  history(id);
  EXPECT_EQ(read(id, "?options=sysAttrs"), before);
}

// ---- JSON-LD ----

class TemporalRetrieveContext : public TemporalRetrieve {
 protected:
  std::string iri(std::string_view term) {
    return "https://example.org/" + test_name() + "/" + std::string(term);
  }
  // Serves a context mapping Vehicle and speed to this test's IRIs; returns its URL.
  std::string serve_context() {
    json::object terms{{"Vehicle", iri("Vehicle")}, {"speed", iri("speed")}};
    contexts_.serve("/vehicle.jsonld", S(json::object{{"@context", terms}}));
    return contexts_.url("/vehicle.jsonld");
  }
  ContextServer contexts_;
};

TEST_F(TemporalRetrieveContext, NamesAreCompactedWithTheReadersContext) {
  const auto url = serve_context();
  const auto id = new_id();
  ASSERT_STATUS(create(E(id, R"({"type": "Vehicle", "speed": {"type": "Property", "value": 10,
                                 "observedAt": "2026-01-01T00:00:00.000Z"}})"),
                       with_link(url)),
                201);
  const json::array speed{property_at(10, kT0)};

  const auto expanded = history(id);
  EXPECT_EQ(expanded.at("type"), json::value(iri("Vehicle"))) << expanded;
  EXPECT_EQ(attribute_names(expanded), std::set<std::string>{iri("speed")});
  EXPECT_EQ(comparable(instances_of(expanded, iri("speed"))), speed);

  const auto res = get_temporal(id, "", with_link(url));
  ASSERT_STATUS(res, 200);
  EXPECT_TRUE(res.header("Content-Type").starts_with("application/json"))
      << res.header("Content-Type");
  EXPECT_NE(res.header("Link").find(url), std::string::npos) << res.header("Link");
  const auto compact = res.json();
  EXPECT_EQ(compact.at("type"), json::value("Vehicle")) << compact;
  EXPECT_EQ(attribute_names(compact), std::set<std::string>{"speed"});
  EXPECT_EQ(comparable(instances_of(compact, "speed")), speed);
}

TEST_F(TemporalRetrieveContext, AcceptLdJsonPutsTheContextInTheBody) {
  const auto url = serve_context();
  const auto id = new_id();
  ASSERT_STATUS(create(E(id, R"({"type": "Vehicle", "speed": {"type": "Property", "value": 10,
                                 "observedAt": "2026-01-01T00:00:00.000Z"}})"),
                       with_link(url)),
                201);
  auto headers = with_link(url);
  headers.emplace_back("Accept", "application/ld+json");
  const auto res = get_temporal(id, "", headers);
  ASSERT_STATUS(res, 200);
  EXPECT_TRUE(res.header("Content-Type").starts_with("application/ld+json"))
      << res.header("Content-Type");
  auto body = res.json();
  const auto entries = context_entries(body);
  EXPECT_NE(std::find(entries.begin(), entries.end(), json::value(url)), entries.end()) << body;
  body.as_object().erase("@context");
  EXPECT_EQ(body.at("type"), json::value("Vehicle"));
  EXPECT_EQ(comparable(instances_of(body, "speed")), json::array{property_at(10, kT0)});
}

}  // namespace
}  // namespace tsunagu::it
