// What the core API records in the history (docs/design/temporal.md, "What is recorded"; ETSI GS
// CIM 009 clauses 4.5.6-4.5.8): every committed change appends, in the same transaction, the new
// attribute instance, or a tombstone (the value member set to urn:ngsi-ld:null, deletedAt, no
// observedAt) for a deleted one; scope changes are instances of a Property "scope"; types grow as
// a union; an unchanged write appends nothing; deleting an entity keeps its history. Each test
// checks the history through GET /ngsi-ld/v1/temporal/entities/{id} (normalized form, the whole
// history: no temporal query).

#include <map>
#include <set>
#include <thread>

#include "temporal_support.hpp"

namespace tsunagu::it {
namespace {

namespace json = boost::json;

class TemporalRecord : public TemporalTest {
 protected:
  // Creates an entity of this test's type with the members of `members`; returns its id.
  std::string make(std::string_view members) {
    const auto id = new_id();
    auto entity = E(id, members);
    entity.as_object()["type"] = type();
    EXPECT_STATUS(create(entity), 201);
    return id;
  }

  std::string type() { return unique("Shelter"); }

  json::array attr_history(std::string_view id, std::string_view attr) {
    return instances_of(history(id), attr);
  }

  // The whole history as {attribute: comparable instances}, to compare whole states.
  std::map<std::string, json::array> snapshot(std::string_view id) {
    std::map<std::string, json::array> out;
    const auto h = history(id);
    for (const auto& name : attribute_names(h)) out[name] = instances_of(h, name);
    return out;
  }

  std::string attr_path(std::string_view id, std::string_view attr) {
    return entity_path(id) + "/attrs/" + std::string(attr);
  }
};

constexpr std::string_view kShelter = R"({
  "name": {"type": "Property", "value": "Hall"},
  "capacity": {"type": "Property", "value": 350, "unitCode": "C62",
               "observedAt": "2026-01-01T00:00:00.000Z"}
})";

// ---- creation ----

TEST_F(TemporalRecord, CreateRecordsOneInstancePerAttribute) {
  const auto id = make(R"({
    "name": {"type": "Property", "value": "Hall"},
    "capacity": {"type": "Property", "value": 350, "unitCode": "C62",
                 "observedAt": "2026-01-01T00:00:00.000Z"},
    "operatedBy": {"type": "Relationship", "object": "urn:ngsi-ld:Organization:osaka"},
    "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [135.5, 34.7]}}
  })");
  const auto h = history(id);
  ASSERT_TRUE(h.is_object()) << h;
  EXPECT_EQ(h.at("id"), json::value(id));
  EXPECT_EQ(h.at("type"), json::value(type()));
  EXPECT_EQ(attribute_names(h),
            (std::set<std::string>{"name", "capacity", "operatedBy", "location"}));
  // Normalized temporal form: every attribute is an array of instances, even of one.
  for (const auto& name : attribute_names(h)) EXPECT_TRUE(h.at(name).is_array()) << name << h;
  EXPECT_EQ(comparable(instances_of(h, "name")), A(R"([{"type": "Property", "value": "Hall"}])"));
  EXPECT_EQ(comparable(instances_of(h, "capacity")),
            J(R"([{"type": "Property", "value": 350, "unitCode": "C62",
                   "observedAt": "2026-01-01T00:00:00.000Z"}])"));
  EXPECT_EQ(comparable(instances_of(h, "operatedBy")),
            J(R"([{"type": "Relationship", "object": "urn:ngsi-ld:Organization:osaka"}])"));
  EXPECT_EQ(comparable(instances_of(h, "location")), J(R"([{"type": "GeoProperty",
                   "value": {"type": "Point", "coordinates": [135.5, 34.7]}}])"));
}

TEST_F(TemporalRecord, EveryAttributeKindIsRecordedInItsOwnForm) {
  const auto id = make(R"({
    "displayName": {"type": "LanguageProperty", "languageMap": {"ja": "会館", "en": "Hall"}},
    "category": {"type": "VocabProperty", "vocab": "Evacuation"},
    "raw": {"type": "JsonProperty", "json": {"type": "Point", "nested": [1, {"b": null}]}},
    "readings": {"type": "ListProperty", "valueList": [3, "two", 1.5, true]},
    "route": {"type": "ListRelationship", "objectList": [
        {"object": "urn:ngsi-ld:Stop:3"}, {"object": "urn:ngsi-ld:Stop:1"}]},
    "contact": {"type": "Property", "value": {"phone": "06-0000-0000", "floor": 2},
                "reportedBy": {"type": "Relationship", "object": "urn:ngsi-ld:Sensor:7"}}
  })");
  const auto h = history(id);
  // Each instance is the attribute as the core API shows it, plus its instanceId.
  const auto current = read(id);
  ASSERT_TRUE(current.is_object());
  for (const auto& name : attribute_names(current)) {
    EXPECT_EQ(comparable(instances_of(h, name)), json::array{current.at(name)}) << name;
    EXPECT_TRUE(HasInstanceIds(instances_of(h, name))) << name;
  }
  EXPECT_EQ(attribute_names(h), attribute_names(current));
}

TEST_F(TemporalRecord, InstanceIdsAreDistinctAcrossTheHistory) {
  const auto id = make(kShelter);
  ASSERT_STATUS(http().patch(entity_path(id) + "/attrs", R"({
    "capacity": {"type": "Property", "value": 300, "unitCode": "C62",
                 "observedAt": "2026-01-01T00:10:00.000Z"},
    "name": {"type": "Property", "value": "New Hall"}})"),
                204);
  const auto h = history(id);
  json::array all = instances_of(h, "capacity");
  for (const auto& instance : instances_of(h, "name")) all.push_back(instance);
  ASSERT_EQ(all.size(), 4U) << h;
  EXPECT_TRUE(HasInstanceIds(all));
}

TEST_F(TemporalRecord, SysAttrsAddCreatedAtAndModifiedAtOnlyWhenAsked) {
  const auto before = now_millis();
  const auto id = make(kShelter);
  const auto after = now_millis();
  for (const auto& instance : instances_of(history(id), "capacity")) {
    EXPECT_FALSE(instance.as_object().contains("createdAt")) << instance;
    EXPECT_FALSE(instance.as_object().contains("modifiedAt")) << instance;
  }
  const auto with = instances_of(history(id, "?options=sysAttrs"), "capacity");
  ASSERT_EQ(with.size(), 1U);
  const auto& instance = with.front();
  ASSERT_TRUE(is_utc_ms_timestamp(instance.at("createdAt"))) << instance;
  ASSERT_TRUE(is_utc_ms_timestamp(instance.at("modifiedAt"))) << instance;
  // createdAt is when the instance was recorded, not its observedAt.
  EXPECT_GE(millis_of(instance.at("createdAt")), before - kSecond) << instance;
  EXPECT_LE(millis_of(instance.at("createdAt")), after + kSecond) << instance;
  EXPECT_GE(millis_of(instance.at("modifiedAt")), millis_of(instance.at("createdAt"))) << instance;
}

// ---- updates ----

TEST_F(TemporalRecord, PatchAttrsAppendsTheNewInstance) {
  const auto id = make(kShelter);
  ASSERT_STATUS(http().patch(entity_path(id) + "/attrs", R"({
    "capacity": {"type": "Property", "value": 300, "unitCode": "C62",
                 "observedAt": "2026-01-01T00:10:00.000Z"}})"),
                204);
  const auto capacity = attr_history(id, "capacity");
  // Ascending observedAt.
  EXPECT_EQ(comparable(capacity), J(R"([
    {"type": "Property", "value": 350, "unitCode": "C62", "observedAt": "2026-01-01T00:00:00.000Z"},
    {"type": "Property", "value": 300, "unitCode": "C62", "observedAt": "2026-01-01T00:10:00.000Z"}
  ])"));
  EXPECT_TRUE(HasInstanceIds(capacity));
  EXPECT_TRUE(
      SameInstances(attr_history(id, "name"), A(R"([{"type": "Property", "value": "Hall"}])")));
}

TEST_F(TemporalRecord, PartialAttributeUpdateRecordsTheWholeAttribute) {
  const auto id = make(kShelter);
  ASSERT_STATUS(http().patch(attr_path(id, "capacity"), R"({"value": 120})"), 204);
  EXPECT_TRUE(SameInstances(attr_history(id, "capacity"), A(R"([
    {"type": "Property", "value": 350, "unitCode": "C62", "observedAt": "2026-01-01T00:00:00.000Z"},
    {"type": "Property", "value": 120, "unitCode": "C62", "observedAt": "2026-01-01T00:00:00.000Z"}
  ])")));
}

TEST_F(TemporalRecord, AppendRecordsNewAndOverwrittenAttributes) {
  const auto id = make(kShelter);
  ASSERT_STATUS(http().post(entity_path(id) + "/attrs", R"({
    "status": {"type": "Property", "value": "open"},
    "capacity": {"type": "Property", "value": 200}})"),
                204);
  const auto h = history(id);
  EXPECT_TRUE(
      SameInstances(instances_of(h, "status"), A(R"([{"type": "Property", "value": "open"}])")));
  EXPECT_TRUE(SameInstances(instances_of(h, "capacity"), A(R"([
    {"type": "Property", "value": 350, "unitCode": "C62", "observedAt": "2026-01-01T00:00:00.000Z"},
    {"type": "Property", "value": 200}])")));
  EXPECT_EQ(instances_of(h, "name").size(), 1U) << h;
}

TEST_F(TemporalRecord, AppendWithNoOverwriteRecordsOnlyWhatWasWritten) {
  const auto id = make(kShelter);
  // 207: "capacity" exists and is not overwritten.
  ASSERT_STATUS(http().post(entity_path(id) + "/attrs?options=noOverwrite", R"({
    "status": {"type": "Property", "value": "open"},
    "capacity": {"type": "Property", "value": 200}})"),
                207);
  const auto h = history(id);
  EXPECT_EQ(instances_of(h, "status").size(), 1U) << h;
  EXPECT_EQ(instances_of(h, "capacity").size(), 1U) << h;
  EXPECT_EQ(values_of(instances_of(h, "capacity")), J("[350]"));
}

TEST_F(TemporalRecord, ReplaceAttributeRecordsTheReplacement) {
  const auto id = make(kShelter);
  ASSERT_STATUS(http().put(attr_path(id, "capacity"), R"({"type": "Property", "value": 5})"), 204);
  EXPECT_TRUE(SameInstances(attr_history(id, "capacity"), A(R"([
    {"type": "Property", "value": 350, "unitCode": "C62", "observedAt": "2026-01-01T00:00:00.000Z"},
    {"type": "Property", "value": 5}])")));
}

TEST_F(TemporalRecord, ObservedAtChangeAloneIsANewInstance) {
  const auto id = make(kShelter);
  ASSERT_STATUS(http().patch(entity_path(id) + "/attrs", R"({
    "capacity": {"type": "Property", "value": 350, "unitCode": "C62",
                 "observedAt": "2026-01-01T00:05:00.000Z"}})"),
                204);
  EXPECT_EQ(observed_times(attr_history(id, "capacity")),
            (std::vector<Millis>{kT0, kT0 + 5 * kMinute}));
}

TEST_F(TemporalRecord, SubAttributeChangeIsANewInstance) {
  const auto id = make(R"({"capacity": {"type": "Property", "value": 350,
                                        "source": {"type": "Property", "value": "census"}}})");
  ASSERT_STATUS(http().patch(entity_path(id) + "/attrs", R"({
    "capacity": {"type": "Property", "value": 350,
                 "source": {"type": "Property", "value": "estimate"}}})"),
                204);
  EXPECT_TRUE(SameInstances(attr_history(id, "capacity"), A(R"([
    {"type": "Property", "value": 350, "source": {"type": "Property", "value": "census"}},
    {"type": "Property", "value": 350, "source": {"type": "Property", "value": "estimate"}}])")));
}

TEST_F(TemporalRecord, MergeRecordsChangesAdditionsAndTombstones) {
  const auto id = make(R"({
    "name": {"type": "Property", "value": "Hall"},
    "capacity": {"type": "Property", "value": 350},
    "status": {"type": "Property", "value": "open"}})");
  ASSERT_STATUS(http().patch(entity_path(id), R"({
    "capacity": {"type": "Property", "value": 400},
    "status": "urn:ngsi-ld:null",
    "floors": {"type": "Property", "value": 3}})"),
                204);
  const auto h = history(id);
  EXPECT_EQ(attribute_names(h), (std::set<std::string>{"name", "capacity", "status", "floors"}));
  EXPECT_TRUE(
      SameInstances(instances_of(h, "name"), A(R"([{"type": "Property", "value": "Hall"}])")));
  EXPECT_TRUE(SameInstances(instances_of(h, "capacity"), A(R"([{"type": "Property", "value": 350},
                                  {"type": "Property", "value": 400}])")));
  EXPECT_TRUE(SameInstances(instances_of(h, "status"), A(R"([
    {"type": "Property", "value": "open"},
    {"type": "Property", "value": "urn:ngsi-ld:null", "deletedAt": "<any time>"}])")));
  EXPECT_TRUE(SameInstances(instances_of(h, "floors"), A(R"([{"type": "Property", "value": 3}])")));
}

TEST_F(TemporalRecord, PatchAttrsWithNullRecordsATombstone) {
  const auto id = make(kShelter);
  ASSERT_STATUS(http().patch(entity_path(id) + "/attrs", R"({"name": "urn:ngsi-ld:null"})"), 204);
  EXPECT_TRUE(SameInstances(attr_history(id, "name"), A(R"([
    {"type": "Property", "value": "Hall"},
    {"type": "Property", "value": "urn:ngsi-ld:null", "deletedAt": "<any time>"}])")));
}

TEST_F(TemporalRecord, ReplaceEntityRecordsChangesAndTombstonesWhatItDrops) {
  const auto id = make(R"({
    "name": {"type": "Property", "value": "Hall"},
    "capacity": {"type": "Property", "value": 350},
    "status": {"type": "Property", "value": "open"}})");
  auto replacement = E(id, R"({
    "name": {"type": "Property", "value": "Hall"},
    "capacity": {"type": "Property", "value": 360}})");
  replacement.as_object()["type"] = type();
  ASSERT_STATUS(http().put(entity_path(id), S(replacement)), 204);
  const auto h = history(id);
  // "name" was written again unchanged: nothing appended.
  EXPECT_EQ(instances_of(h, "name").size(), 1U) << h;
  EXPECT_TRUE(SameInstances(instances_of(h, "capacity"), A(R"([{"type": "Property", "value": 350},
                                  {"type": "Property", "value": 360}])")));
  EXPECT_TRUE(SameInstances(instances_of(h, "status"), A(R"([
    {"type": "Property", "value": "open"},
    {"type": "Property", "value": "urn:ngsi-ld:null", "deletedAt": "<any time>"}])")));
}

// ---- writes that change nothing ----

TEST_F(TemporalRecord, UnchangedAttributeWritesAppendNothing) {
  const auto id = make(kShelter);
  const auto before = snapshot(id);
  constexpr std::string_view kSame = R"({
    "capacity": {"type": "Property", "value": 350, "unitCode": "C62",
                 "observedAt": "2026-01-01T00:00:00.000Z"}})";
  ASSERT_STATUS(http().patch(entity_path(id) + "/attrs", kSame), 204);
  ASSERT_STATUS(http().post(entity_path(id) + "/attrs", kSame), 204);
  ASSERT_STATUS(http().patch(entity_path(id), kSame), 204);
  ASSERT_STATUS(http().patch(attr_path(id, "capacity"), R"({"value": 350})"), 204);
  ASSERT_STATUS(http().put(attr_path(id, "capacity"), R"({"type": "Property", "value": 350,
      "unitCode": "C62", "observedAt": "2026-01-01T00:00:00.000Z"})"),
                204);
  // Same instances, same instanceIds.
  EXPECT_EQ(snapshot(id), before);
}

TEST_F(TemporalRecord, UnchangedReplaceAndBatchWritesAppendNothing) {
  const auto id = make(kShelter);
  const auto before = snapshot(id);
  auto same = E(id, kShelter);
  same.as_object()["type"] = type();
  ASSERT_STATUS(http().put(entity_path(id), S(same)), 204);
  ASSERT_STATUS(http().post(kBatch + "/upsert", S(json::array{same})), 204);
  ASSERT_STATUS(http().post(kBatch + "/update", S(json::array{same})), 204);
  EXPECT_EQ(snapshot(id), before);
}

TEST_F(TemporalRecord, FailedWriteRecordsNothing) {
  const auto id = make(kShelter);
  const auto before = snapshot(id);
  // The second attribute is invalid: the whole merge is refused, and so is its history.
  EXPECT_PROBLEM(http().patch(entity_path(id), R"({
    "name": {"type": "Property", "value": "Other"},
    "capacity": {"type": "Property", "value": 1, "observedAt": "yesterday"}})"),
                 400, "BadRequestData");
  EXPECT_EQ(snapshot(id), before);
}

// ---- batch operations ----

TEST_F(TemporalRecord, BatchCreateRecordsEachEntity) {
  const auto a = new_id(), b = new_id();
  auto ea = E(a, R"({"capacity": {"type": "Property", "value": 1}})");
  auto eb = E(b, R"({"capacity": {"type": "Property", "value": 2}})");
  ea.as_object()["type"] = type();
  eb.as_object()["type"] = type();
  ASSERT_STATUS(http().post(kBatch + "/create", S(json::array{ea, eb})), 201);
  EXPECT_EQ(values_of(attr_history(a, "capacity")), J("[1]"));
  EXPECT_EQ(values_of(attr_history(b, "capacity")), J("[2]"));
}

TEST_F(TemporalRecord, BatchUpsertReplacesAndTombstonesWhatItDrops) {
  const auto id = make(kShelter);
  auto upsert = E(id, R"({"capacity": {"type": "Property", "value": 10}})");
  upsert.as_object()["type"] = type();
  ASSERT_STATUS(http().post(kBatch + "/upsert", S(json::array{upsert})), 204);
  const auto h = history(id);
  EXPECT_TRUE(SameInstances(instances_of(h, "capacity"), A(R"([
    {"type": "Property", "value": 350, "unitCode": "C62", "observedAt": "2026-01-01T00:00:00.000Z"},
    {"type": "Property", "value": 10}])")));
  EXPECT_TRUE(SameInstances(instances_of(h, "name"), A(R"([
    {"type": "Property", "value": "Hall"},
    {"type": "Property", "value": "urn:ngsi-ld:null", "deletedAt": "<any time>"}])")));
}

TEST_F(TemporalRecord, BatchUpsertWithUpdateOptionKeepsOtherAttributes) {
  const auto id = make(kShelter);
  auto upsert = E(id, R"({"capacity": {"type": "Property", "value": 10}})");
  upsert.as_object()["type"] = type();
  ASSERT_STATUS(http().post(kBatch + "/upsert?options=update", S(json::array{upsert})), 204);
  const auto h = history(id);
  EXPECT_EQ(instances_of(h, "capacity").size(), 2U) << h;
  EXPECT_EQ(comparable(instances_of(h, "name")), A(R"([{"type": "Property", "value": "Hall"}])"));
}

TEST_F(TemporalRecord, BatchUpdateRecordsTheChangedAttributes) {
  const auto id = make(kShelter);
  auto update = E(id, R"({"name": {"type": "Property", "value": "Annex"}})");
  update.as_object()["type"] = type();
  ASSERT_STATUS(http().post(kBatch + "/update", S(json::array{update})), 204);
  const auto h = history(id);
  EXPECT_TRUE(SameInstances(instances_of(h, "name"), A(R"([{"type": "Property", "value": "Hall"},
                                  {"type": "Property", "value": "Annex"}])")));
  EXPECT_EQ(instances_of(h, "capacity").size(), 1U) << h;
}

// ---- deletions ----

TEST_F(TemporalRecord, DeleteAttributeRecordsATombstoneWithoutObservedAt) {
  const auto id = make(kShelter);
  ASSERT_STATUS(http().del(attr_path(id, "capacity")), 204);
  const auto capacity = attr_history(id, "capacity");
  EXPECT_TRUE(SameInstances(capacity, A(R"([
    {"type": "Property", "value": 350, "unitCode": "C62", "observedAt": "2026-01-01T00:00:00.000Z"},
    {"type": "Property", "value": "urn:ngsi-ld:null", "deletedAt": "<any time>"}])")));
  EXPECT_TRUE(HasInstanceIds(capacity));
}

TEST_F(TemporalRecord, TombstonesCarryDeletedAtWithoutSysAttrsAndTheTimeOfTheWrite) {
  const auto id = make(kShelter);
  const auto before = now_millis();
  ASSERT_STATUS(http().del(attr_path(id, "name")), 204);
  const auto after = now_millis();
  json::value tombstone;
  for (const auto& instance : attr_history(id, "name")) {
    if (instance.as_object().contains("deletedAt")) tombstone = instance;
  }
  ASSERT_TRUE(tombstone.is_object()) << "no tombstone";
  EXPECT_TRUE(is_utc_ms_timestamp(tombstone.at("deletedAt"))) << tombstone;
  EXPECT_GE(millis_of(tombstone.at("deletedAt")), before - kSecond) << tombstone;
  EXPECT_LE(millis_of(tombstone.at("deletedAt")), after + kSecond) << tombstone;
  EXPECT_FALSE(tombstone.as_object().contains("observedAt")) << tombstone;
}

TEST_F(TemporalRecord, TombstoneOfEachKindSetsItsValueMemberToNull) {
  const auto id = make(R"({
    "operatedBy": {"type": "Relationship", "object": "urn:ngsi-ld:Organization:osaka"},
    "displayName": {"type": "LanguageProperty", "languageMap": {"ja": "会館", "en": "Hall"}},
    "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [135.5, 34.7]}}
  })");
  for (const auto* attr : {"operatedBy", "displayName", "location"}) {
    ASSERT_STATUS(http().del(attr_path(id, attr)), 204) << attr;
  }
  const auto h = history(id);
  EXPECT_TRUE(SameInstances(instances_of(h, "operatedBy"), A(R"([
    {"type": "Relationship", "object": "urn:ngsi-ld:Organization:osaka"},
    {"type": "Relationship", "object": "urn:ngsi-ld:null", "deletedAt": "<any time>"}])")));
  EXPECT_TRUE(SameInstances(instances_of(h, "displayName"), A(R"([
    {"type": "LanguageProperty", "languageMap": {"ja": "会館", "en": "Hall"}},
    {"type": "LanguageProperty", "languageMap": {"@none": "urn:ngsi-ld:null"},
     "deletedAt": "<any time>"}])")));
  EXPECT_TRUE(SameInstances(instances_of(h, "location"), A(R"([
    {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [135.5, 34.7]}},
    {"type": "GeoProperty", "value": "urn:ngsi-ld:null", "deletedAt": "<any time>"}])")));
}

TEST_F(TemporalRecord, TombstoneOfTheOtherKindsSetsTheirValueMemberToNull) {
  // The design: "the kind's value member set to urn:ngsi-ld:null" for every kind.
  const auto id = make(R"({
    "category": {"type": "VocabProperty", "vocab": "Evacuation"},
    "raw": {"type": "JsonProperty", "json": {"a": 1}},
    "readings": {"type": "ListProperty", "valueList": [1, 2]},
    "route": {"type": "ListRelationship", "objectList": [{"object": "urn:ngsi-ld:Stop:1"}]}
  })");
  const std::map<std::string, std::string> member = {
      {"category", "vocab"}, {"raw", "json"}, {"readings", "valueList"}, {"route", "objectList"}};
  for (const auto& [attr, key] : member) {
    ASSERT_STATUS(http().del(attr_path(id, attr)), 204) << attr;
  }
  const auto h = history(id);
  for (const auto& [attr, key] : member) {
    const auto instances = comparable(instances_of(h, attr));
    ASSERT_EQ(instances.size(), 2U) << attr << " " << h;
    json::object expected{
        {"type", instances[0].at("type")}, {key, kNgsiLdNull}, {"deletedAt", kAnyTime}};
    EXPECT_EQ(instances[1], json::value(expected)) << attr;
  }
}

TEST_F(TemporalRecord, DatasetInstancesAreRecordedSeparately) {
  const auto id = make(R"({"capacity": [
    {"type": "Property", "value": 350},
    {"type": "Property", "value": 30, "datasetId": "urn:ngsi-ld:Dataset:annex"}]})");
  ASSERT_STATUS(http().patch(attr_path(id, "capacity"),
                             R"({"value": 35, "datasetId": "urn:ngsi-ld:Dataset:annex"})"),
                204);
  EXPECT_TRUE(SameInstances(attr_history(id, "capacity"), A(R"([
    {"type": "Property", "value": 350},
    {"type": "Property", "value": 30, "datasetId": "urn:ngsi-ld:Dataset:annex"},
    {"type": "Property", "value": 35, "datasetId": "urn:ngsi-ld:Dataset:annex"}])")));
}

TEST_F(TemporalRecord, DeleteOfOneDatasetInstanceTombstonesOnlyIt) {
  const auto id = make(R"({"capacity": [
    {"type": "Property", "value": 350},
    {"type": "Property", "value": 30, "datasetId": "urn:ngsi-ld:Dataset:annex"}]})");
  ASSERT_STATUS(http().del(attr_path(id, "capacity") + "?datasetId=urn:ngsi-ld:Dataset:annex"),
                204);
  EXPECT_TRUE(SameInstances(attr_history(id, "capacity"), A(R"([
    {"type": "Property", "value": 350},
    {"type": "Property", "value": 30, "datasetId": "urn:ngsi-ld:Dataset:annex"},
    {"type": "Property", "value": "urn:ngsi-ld:null", "datasetId": "urn:ngsi-ld:Dataset:annex",
     "deletedAt": "<any time>"}])")));
}

TEST_F(TemporalRecord, DeleteAllRecordsATombstonePerInstance) {
  const auto id = make(R"({"capacity": [
    {"type": "Property", "value": 350},
    {"type": "Property", "value": 30, "datasetId": "urn:ngsi-ld:Dataset:annex"}]})");
  ASSERT_STATUS(http().del(attr_path(id, "capacity") + "?deleteAll=true"), 204);
  EXPECT_TRUE(SameInstances(attr_history(id, "capacity"), A(R"([
    {"type": "Property", "value": 350},
    {"type": "Property", "value": 30, "datasetId": "urn:ngsi-ld:Dataset:annex"},
    {"type": "Property", "value": "urn:ngsi-ld:null", "deletedAt": "<any time>"},
    {"type": "Property", "value": "urn:ngsi-ld:null", "datasetId": "urn:ngsi-ld:Dataset:annex",
     "deletedAt": "<any time>"}])")));
}

TEST_F(TemporalRecord, DeleteEntityKeepsItsHistoryWithTombstones) {
  const auto id = make(R"({
    "name": {"type": "Property", "value": "Hall"},
    "capacity": [{"type": "Property", "value": 350},
                 {"type": "Property", "value": 30, "datasetId": "urn:ngsi-ld:Dataset:annex"}]})");
  ASSERT_STATUS(http().del(entity_path(id)), 204);
  EXPECT_PROBLEM(http().get(entity_path(id)), 404, "ResourceNotFound");
  const auto h = history(id);
  EXPECT_EQ(h.at("type"), json::value(type())) << h;
  EXPECT_TRUE(SameInstances(instances_of(h, "name"), A(R"([
    {"type": "Property", "value": "Hall"},
    {"type": "Property", "value": "urn:ngsi-ld:null", "deletedAt": "<any time>"}])")));
  EXPECT_TRUE(SameInstances(instances_of(h, "capacity"), A(R"([
    {"type": "Property", "value": 350},
    {"type": "Property", "value": 30, "datasetId": "urn:ngsi-ld:Dataset:annex"},
    {"type": "Property", "value": "urn:ngsi-ld:null", "deletedAt": "<any time>"},
    {"type": "Property", "value": "urn:ngsi-ld:null", "datasetId": "urn:ngsi-ld:Dataset:annex",
     "deletedAt": "<any time>"}])")));
}

TEST_F(TemporalRecord, RecreatedEntityContinuesItsHistory) {
  const auto id = make(R"({"capacity": {"type": "Property", "value": 350}})");
  ASSERT_STATUS(http().del(entity_path(id)), 204);
  auto again = E(id, R"({"capacity": {"type": "Property", "value": 20}})");
  again.as_object()["type"] = type();
  ASSERT_STATUS(create(again), 201);
  const auto capacity = attr_history(id, "capacity");
  EXPECT_TRUE(SameInstances(capacity, A(R"([
    {"type": "Property", "value": 350},
    {"type": "Property", "value": "urn:ngsi-ld:null", "deletedAt": "<any time>"},
    {"type": "Property", "value": 20}])")));
  EXPECT_TRUE(HasInstanceIds(capacity));
}

// ---- scope and types ----

TEST_F(TemporalRecord, ScopeChangesAreInstancesOfAPropertyObservedAtModifiedAt) {
  const auto id =
      make(R"({"scope": "/Osaka/Kita", "name": {"type": "Property", "value": "Hall"}})");
  const auto first = read(id, "?options=sysAttrs");
  std::this_thread::sleep_for(15ms);
  ASSERT_STATUS(http().patch(entity_path(id), R"({"scope": ["/Osaka/Kita", "/Osaka/Naka"]})"), 204);
  const auto second = read(id, "?options=sysAttrs");
  std::this_thread::sleep_for(15ms);
  auto replacement = E(id, R"({"name": {"type": "Property", "value": "Hall"}})");
  replacement.as_object()["type"] = type();
  ASSERT_STATUS(http().put(entity_path(id), S(replacement)), 204);  // no scope: removed
  const auto third = read(id, "?options=sysAttrs");
  ASSERT_TRUE(first.is_object() && second.is_object() && third.is_object());

  const auto scope = instances_of(history(id), "scope");
  ASSERT_EQ(scope.size(), 3U) << S(scope);
  EXPECT_TRUE(HasInstanceIds(scope));
  // The value is the scope as the core API shows it; observedAt is the entity's modifiedAt.
  const json::object one{
      {"type", "Property"}, {"value", first.at("scope")}, {"observedAt", first.at("modifiedAt")}};
  const json::object two{
      {"type", "Property"}, {"value", second.at("scope")}, {"observedAt", second.at("modifiedAt")}};
  const json::object gone{{"type", "Property"}, {"value", json::array{}}, {"deletedAt", kAnyTime}};
  EXPECT_TRUE(SameInstances(scope, json::array{one, two, gone}));
  for (const auto& instance : scope) {
    if (instance.as_object().contains("deletedAt")) {
      EXPECT_EQ(instance.at("deletedAt"), third.at("modifiedAt")) << instance;
    }
  }
}

TEST_F(TemporalRecord, UnchangedScopeIsNotRecordedAgain) {
  const auto id =
      make(R"({"scope": "/Osaka/Kita", "name": {"type": "Property", "value": "Hall"}})");
  ASSERT_STATUS(http().patch(entity_path(id), R"({"name": {"type": "Property", "value": "X"}})"),
                204);
  ASSERT_STATUS(http().patch(entity_path(id), R"({"scope": "/Osaka/Kita"})"), 204);
  EXPECT_EQ(attr_history(id, "scope").size(), 1U);
}

TEST_F(TemporalRecord, DeletingAnEntityWithAScopeTombstonesTheScope) {
  const auto id = make(R"({"scope": "/Osaka/Kita"})");
  ASSERT_STATUS(http().del(entity_path(id)), 204);
  const auto scope = attr_history(id, "scope");
  ASSERT_EQ(scope.size(), 2U) << S(scope);
  json::array tombstones;
  for (const auto& instance : comparable(scope)) {
    if (instance.as_object().contains("deletedAt")) tombstones.push_back(instance);
  }
  EXPECT_EQ(tombstones, J(R"([{"type": "Property", "value": [], "deletedAt": "<any time>"}])"));
}

TEST_F(TemporalRecord, TypesGrowAsTheUnionOfEveryTypeTheEntityHad) {
  const auto a = unique("A"), b = unique("B"), c = unique("C");
  const auto id = new_id();
  auto entity = E(id, R"({"name": {"type": "Property", "value": "Hall"}})");
  entity.as_object()["type"] = a;
  ASSERT_STATUS(create(entity), 201);
  ASSERT_STATUS(http().patch(entity_path(id), S(json::object{{"type", b}})), 204);
  auto replacement = E(id, R"({"name": {"type": "Property", "value": "Hall"}})");
  replacement.as_object()["type"] = c;
  ASSERT_STATUS(http().put(entity_path(id), S(replacement)), 204);
  EXPECT_EQ(types_of(read(id)), (std::set<std::string>{c}));
  EXPECT_EQ(types_of(history(id)), (std::set<std::string>{a, b, c}));
}

TEST_F(TemporalRecord, HistoryBelongsToTheTenantOfTheWrite) {
  const auto tenant = with_tenant(unique("t-").substr(0, 60));
  const auto id = new_id();
  auto entity = E(id, R"({"capacity": {"type": "Property", "value": 1}})");
  entity.as_object()["type"] = type();
  ASSERT_STATUS(create(entity, tenant), 201);
  EXPECT_EQ(values_of(instances_of(history(id, "", tenant), "capacity")), J("[1]"));
  EXPECT_PROBLEM(get_temporal(id), 404, "ResourceNotFound");
}

}  // namespace
}  // namespace tsunagu::it
