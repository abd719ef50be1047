// Temporal writes (ETSI GS CIM 009 clauses 5.6.11-5.6.16, HTTP binding 6.18-6.22) as
// docs/design/temporal.md decides them: they add to or erase history only and never change the
// current state of an entity. POST /temporal/entities is 201 + Location for a new history, 204
// (instances added, types united) for an existing one; POST .../attrs is 204 or 404; DELETE
// .../attrs/{attrId} erases the default instances, or those of datasetId, or all with deleteAll;
// PATCH .../attrs/{attrId}/{instanceId} replaces one instance (a bare object, [object] or
// {attrId: [object]}) keeping its instanceId; DELETE on it erases it; DELETE
// /temporal/entities/{id} erases the whole history. Erasing writes no tombstone.

#include <algorithm>
#include <map>
#include <set>
#include <thread>

#include "temporal_support.hpp"

namespace tsunagu::it {
namespace {

namespace json = boost::json;

class TemporalWrite : public TemporalTest {
 protected:
  std::string type() { return unique("Vehicle"); }

  // An EntityTemporal of this test's type with the given attributes (JSON text of an object of
  // arrays of instances).
  json::value temporal_entity(const std::string& id, std::string_view attrs) {
    auto entity = E(id, attrs);
    entity.as_object()["type"] = type();
    return entity;
  }

  // Creates a history through POST /temporal/entities; returns the id.
  std::string post_new(std::string_view attrs) {
    const auto id = new_id();
    EXPECT_STATUS(post_temporal(temporal_entity(id, attrs)), 201);
    return id;
  }

  // Creates an entity through the core API; returns the id.
  std::string make_core(std::string_view attrs) {
    const auto id = new_id();
    auto entity = E(id, attrs);
    entity.as_object()["type"] = type();
    EXPECT_STATUS(create(entity), 201);
    return id;
  }

  // The instanceId of the instance of `attr` observed at `t`.
  std::string instance_at(const std::string& id, std::string_view attr, Millis t) {
    for (const auto& instance : instances_of(history(id), attr)) {
      const auto* observed = instance.as_object().if_contains("observedAt");
      if (observed != nullptr && millis_of(*observed) == t) {
        return std::string(instance.at("instanceId").as_string());
      }
    }
    ADD_FAILURE() << "no instance of " << attr << " at " << iso(t);
    return "urn:ngsi-ld:attribute:instance:missing";
  }
};

// speed at minutes 0, 1, 2 with values 10, 20, 30.
constexpr std::string_view kSpeed = R"({"speed": [
  {"type": "Property", "value": 10, "observedAt": "2026-01-01T00:00:00.000Z"},
  {"type": "Property", "value": 20, "observedAt": "2026-01-01T00:01:00.000Z"},
  {"type": "Property", "value": 30, "observedAt": "2026-01-01T00:02:00.000Z"}]})";

// speed with two default instances and two of the dataset "annex".
constexpr std::string_view kSpeedWithDataset = R"({"speed": [
  {"type": "Property", "value": 10, "observedAt": "2026-01-01T00:00:00.000Z"},
  {"type": "Property", "value": 20, "observedAt": "2026-01-01T00:01:00.000Z"},
  {"type": "Property", "value": 11, "observedAt": "2026-01-01T00:00:00.000Z",
   "datasetId": "urn:ngsi-ld:Dataset:annex"},
  {"type": "Property", "value": 21, "observedAt": "2026-01-01T00:01:00.000Z",
   "datasetId": "urn:ngsi-ld:Dataset:annex"}],
  "fuel": [{"type": "Property", "value": 50, "observedAt": "2026-01-01T00:00:00.000Z"}]})";

// ---- POST /temporal/entities ----

TEST_F(TemporalWrite, CreateAnswers201WithLocationAndNoBody) {
  const auto id = new_id();
  const auto res = post_temporal(temporal_entity(id, kSpeed));
  ASSERT_STATUS(res, 201);
  EXPECT_EQ(res.header("Location"), "/ngsi-ld/v1/temporal/entities/" + id);
  EXPECT_EQ(res.body, "");
}

TEST_F(TemporalWrite, CreatedHistoryReadsBackWithInstanceIds) {
  const auto id = post_new(kSpeed);
  const auto h = history(id);
  EXPECT_EQ(h.at("type"), json::value(type()));
  EXPECT_EQ(attribute_names(h), std::set<std::string>{"speed"});
  EXPECT_EQ(comparable(instances_of(h, "speed")), J(kSpeed).at("speed"));
  EXPECT_TRUE(HasInstanceIds(instances_of(h, "speed")));
}

TEST_F(TemporalWrite, CreateDoesNotCreateTheCurrentEntity) {
  const auto id = post_new(kSpeed);
  EXPECT_PROBLEM(http().get(entity_path(id)), 404, "ResourceNotFound");
  const auto res = http().get(kEntities + "?type=" + type());
  ASSERT_STATUS(res, 200);
  EXPECT_EQ(res.json(), json::array{});
}

TEST_F(TemporalWrite, SingleObjectAttributeIsOneInstance) {
  const auto id = post_new(R"({"speed": {"type": "Property", "value": 10,
                                         "observedAt": "2026-01-01T00:00:00.000Z"}})");
  EXPECT_EQ(comparable(instances_of(history(id), "speed")), json::array{property_at(10, kT0)});
}

TEST_F(TemporalWrite, InstancesMayComeInAnyOrder) {
  const auto id = post_new(R"({"speed": [
    {"type": "Property", "value": 30, "observedAt": "2026-01-01T00:02:00.000Z"},
    {"type": "Property", "value": 10, "observedAt": "2026-01-01T00:00:00.000Z"},
    {"type": "Property", "value": 20, "observedAt": "2026-01-01T00:01:00.000Z"}]})");
  EXPECT_EQ(comparable(instances_of(history(id), "speed")), J(kSpeed).at("speed"));
}

TEST_F(TemporalWrite, LoadedInstancesKeepObservedAtAndAreCreatedWhenLoaded) {
  const auto before = now_millis();
  const auto id = post_new(kSpeed);
  const auto after = now_millis();
  const auto instances = instances_of(history(id, "?options=sysAttrs"), "speed");
  ASSERT_EQ(instances.size(), 3U);
  for (const auto& instance : instances) {
    ASSERT_TRUE(is_utc_ms_timestamp(instance.at("createdAt"))) << instance;
    EXPECT_GE(millis_of(instance.at("createdAt")), before - kSecond) << instance;
    EXPECT_LE(millis_of(instance.at("createdAt")), after + kSecond) << instance;
  }
  EXPECT_EQ(observed_times(instances),
            (std::vector<Millis>{kT0, kT0 + kMinute, kT0 + 2 * kMinute}));
}

TEST_F(TemporalWrite, PostOnAnExistingHistoryAnswers204AddsInstancesAndUnitesTypes) {
  const auto id = post_new(kSpeed);
  const auto other = unique("Truck");
  auto more = E(id, R"({
    "speed": [{"type": "Property", "value": 40, "observedAt": "2026-01-01T00:03:00.000Z"}],
    "fuel": [{"type": "Property", "value": 50, "observedAt": "2026-01-01T00:03:00.000Z"}]})");
  more.as_object()["type"] = other;
  const auto res = post_temporal(more);
  ASSERT_STATUS(res, 204);
  EXPECT_EQ(res.body, "");
  const auto h = history(id);
  EXPECT_EQ(types_of(h), (std::set<std::string>{type(), other}));
  EXPECT_EQ(values_of(instances_of(h, "speed")), J("[10, 20, 30, 40]"));
  EXPECT_EQ(values_of(instances_of(h, "fuel")), J("[50]"));
}

TEST_F(TemporalWrite, PostOnAnEntityOfTheCoreLeavesItsCurrentStateAlone) {
  const auto id = make_core(R"({"speed": {"type": "Property", "value": 10,
                                          "observedAt": "2026-01-01T00:00:00.000Z"}})");
  const auto before = read(id, "?options=sysAttrs");
  ASSERT_STATUS(post_temporal(temporal_entity(id, R"({
    "speed": [{"type": "Property", "value": 999, "observedAt": "2026-06-01T00:00:00.000Z"}],
    "fuel": [{"type": "Property", "value": 50, "observedAt": "2026-06-01T00:00:00.000Z"}]})")),
                204);
  EXPECT_EQ(read(id, "?options=sysAttrs"), before);
  const auto h = history(id);
  EXPECT_EQ(values_of(instances_of(h, "speed")), J("[10, 999]"));
  EXPECT_EQ(values_of(instances_of(h, "fuel")), J("[50]"));
}

TEST_F(TemporalWrite, LdJsonBodyWithContextIsExpanded) {
  ContextServer contexts;
  const auto iri = "https://example.org/" + test_name() + "/speed";
  contexts.serve("/ctx.jsonld", S(json::object{{"@context", json::object{{"speed", iri}}}}));
  const auto id = new_id();
  auto body = temporal_entity(id, kSpeed);
  body.as_object()["@context"] =
      json::array{contexts.url("/ctx.jsonld").c_str(), std::string(kCoreContext).c_str()};
  ASSERT_STATUS(post_temporal(body, {{"Content-Type", "application/ld+json"}}), 201);
  const auto h = history(id);
  EXPECT_EQ(attribute_names(h), std::set<std::string>{iri});
  EXPECT_EQ(comparable(instances_of(h, iri)), J(kSpeed).at("speed"));
}

TEST_F(TemporalWrite, LinkHeaderContextIsApplied) {
  ContextServer contexts;
  const auto iri = "https://example.org/" + test_name() + "/speed";
  contexts.serve("/ctx.jsonld", S(json::object{{"@context", json::object{{"speed", iri}}}}));
  const auto id = new_id();
  ASSERT_STATUS(post_temporal(temporal_entity(id, kSpeed), with_link(contexts.url("/ctx.jsonld"))),
                201);
  EXPECT_EQ(attribute_names(history(id)), std::set<std::string>{iri});
  EXPECT_EQ(attribute_names(history(id, "", with_link(contexts.url("/ctx.jsonld")))),
            std::set<std::string>{"speed"});
}

TEST_F(TemporalWrite, BrokenJsonIs400InvalidRequest) {
  EXPECT_PROBLEM(http().post(kTemporal, R"({"id": "urn:ngsi-ld:Vehicle:x", )"), 400,
                 "InvalidRequest");
  EXPECT_PROBLEM(http().post(kTemporal, "", {{"Content-Type", "application/json"}}), 400,
                 "InvalidRequest");
}

TEST_F(TemporalWrite, InvalidContentIs400BadRequestDataAndStoresNothing) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"no type", R"({"speed": [{"type": "Property", "value": 1}]})"},
      {"observedAt not a DateTime",
       R"({"type": "Vehicle", "speed": [{"type": "Property", "value": 1,
                                         "observedAt": "yesterday"}]})"},
      {"relationship without object",
       R"({"type": "Vehicle", "owner": [{"type": "Relationship",
                                        "observedAt": "2026-01-01T00:00:00.000Z"}]})"},
      {"unknown attribute type",
       R"({"type": "Vehicle", "speed": [{"type": "Quantity", "value": 1}]})"},
      {"datasetId not a URI",
       R"({"type": "Vehicle", "speed": [{"type": "Property", "value": 1, "datasetId": "annex",
                                         "observedAt": "2026-01-01T00:00:00.000Z"}]})"},
  };
  for (const auto& [what, members] : cases) {
    const auto id = new_id();
    EXPECT_PROBLEM(http().post(kTemporal, S(E(id, members))), 400, "BadRequestData") << what;
    EXPECT_PROBLEM(get_temporal(id), 404, "ResourceNotFound") << what;
  }
  EXPECT_PROBLEM(http().post(kTemporal, R"({"type": "Vehicle"})"), 400, "BadRequestData");
  EXPECT_PROBLEM(http().post(kTemporal, R"({"id": "invalidId", "type": "Vehicle"})"), 400,
                 "BadRequestData");
  EXPECT_PROBLEM(http().post(kTemporal, R"([{"id": "urn:ngsi-ld:Vehicle:1", "type": "V"}])"), 400,
                 "BadRequestData");
}

// ---- POST /temporal/entities/{id}/attrs ----

TEST_F(TemporalWrite, AddAttributesAnswers204AndAddsInstances) {
  const auto id = post_new(kSpeed);
  const auto res = http().post(temporal_path(id) + "/attrs", R"({
    "speed": [{"type": "Property", "value": 40, "observedAt": "2026-01-01T00:03:00.000Z"}],
    "fuel": [{"type": "Property", "value": 50, "observedAt": "2026-01-01T00:03:00.000Z"},
             {"type": "Property", "value": 49, "observedAt": "2026-01-01T00:04:00.000Z"}]})");
  ASSERT_STATUS(res, 204);
  EXPECT_EQ(res.body, "");
  const auto h = history(id);
  EXPECT_EQ(values_of(instances_of(h, "speed")), J("[10, 20, 30, 40]"));
  EXPECT_EQ(values_of(instances_of(h, "fuel")), J("[50, 49]"));
  EXPECT_TRUE(HasInstanceIds(instances_of(h, "fuel")));
}

TEST_F(TemporalWrite, AddAttributesToAnUnknownEntityIs404) {
  ASSERT_STATUS(http().post(temporal_path(post_new(kSpeed)) + "/attrs", R"({"speed": [
    {"type": "Property", "value": 1, "observedAt": "2026-01-01T00:09:00.000Z"}]})"),
                204);
  const auto id = new_id();
  EXPECT_PROBLEM(http().post(temporal_path(id) + "/attrs", R"({"speed": [
    {"type": "Property", "value": 1, "observedAt": "2026-01-01T00:00:00.000Z"}]})"),
                 404, "ResourceNotFound");
  EXPECT_PROBLEM(get_temporal(id), 404, "ResourceNotFound");
}

TEST_F(TemporalWrite, AddAttributesWithBrokenJsonIs400InvalidRequest) {
  const auto id = post_new(kSpeed);
  EXPECT_PROBLEM(http().post(temporal_path(id) + "/attrs", R"({"speed": [)"), 400,
                 "InvalidRequest");
  EXPECT_EQ(instances_of(history(id), "speed").size(), 3U);
}

TEST_F(TemporalWrite, AddAttributesWithInvalidIdIs400) {
  EXPECT_PROBLEM(http().post(kTemporal + "/invalidId/attrs", R"({"speed": [
    {"type": "Property", "value": 1, "observedAt": "2026-01-01T00:00:00.000Z"}]})"),
                 400, "BadRequestData");
}

TEST_F(TemporalWrite, AddAttributesLeavesTheCurrentStateAlone) {
  const auto id = make_core(R"({"speed": {"type": "Property", "value": 10}})");
  const auto before = read(id, "?options=sysAttrs");
  ASSERT_STATUS(http().post(temporal_path(id) + "/attrs", R"({"fuel": [
    {"type": "Property", "value": 1, "observedAt": "2026-01-01T00:00:00.000Z"}]})"),
                204);
  EXPECT_EQ(read(id, "?options=sysAttrs"), before);
  EXPECT_EQ(values_of(instances_of(history(id), "fuel")), J("[1]"));
}

// ---- DELETE /temporal/entities/{id}/attrs/{attrId} ----

TEST_F(TemporalWrite, DeleteAttributeErasesTheDefaultInstancesWithoutTombstone) {
  const auto id = post_new(kSpeedWithDataset);
  const auto res = http().del(temporal_attr_path(id, "speed"));
  ASSERT_STATUS(res, 204);
  EXPECT_EQ(res.body, "");
  const auto h = history(id);
  EXPECT_EQ(comparable(instances_of(h, "speed")), J(R"([
    {"type": "Property", "value": 11, "observedAt": "2026-01-01T00:00:00.000Z",
     "datasetId": "urn:ngsi-ld:Dataset:annex"},
    {"type": "Property", "value": 21, "observedAt": "2026-01-01T00:01:00.000Z",
     "datasetId": "urn:ngsi-ld:Dataset:annex"}])"));
  EXPECT_EQ(instances_of(h, "fuel").size(), 1U);
}

TEST_F(TemporalWrite, DeleteAttributeWithDatasetIdErasesThatDataset) {
  const auto id = post_new(kSpeedWithDataset);
  ASSERT_STATUS(
      http().del(temporal_attr_path(id, "speed") + "?datasetId=urn:ngsi-ld:Dataset:annex"), 204);
  EXPECT_EQ(comparable(instances_of(history(id), "speed")),
            (json::array{property_at(10, kT0), property_at(20, kT0 + kMinute)}));
}

TEST_F(TemporalWrite, DeleteAttributeWithDeleteAllErasesEveryInstance) {
  const auto id = post_new(kSpeedWithDataset);
  ASSERT_STATUS(http().del(temporal_attr_path(id, "speed") + "?deleteAll=true"), 204);
  const auto h = history(id);
  EXPECT_EQ(attribute_names(h), std::set<std::string>{"fuel"});
  EXPECT_EQ(h.at("type"), json::value(type()));
}

TEST_F(TemporalWrite, DeleteAttributeOfAnUnknownEntityOrAttributeIs404) {
  const auto id = post_new(kSpeed);
  EXPECT_PROBLEM(http().del(temporal_attr_path(new_id(), "speed")), 404, "ResourceNotFound");
  EXPECT_PROBLEM(http().del(temporal_attr_path(id, "ghost")), 404, "ResourceNotFound");
  EXPECT_EQ(instances_of(history(id), "speed").size(), 3U);
}

TEST_F(TemporalWrite, DeleteAttributeLeavesTheCurrentStateAlone) {
  const auto id = make_core(R"({"speed": {"type": "Property", "value": 10}})");
  const auto before = read(id, "?options=sysAttrs");
  ASSERT_STATUS(http().del(temporal_attr_path(id, "speed")), 204);
  EXPECT_EQ(read(id, "?options=sysAttrs"), before);
  EXPECT_EQ(attribute_names(history(id)), std::set<std::string>{});
}

// ---- PATCH /temporal/entities/{id}/attrs/{attrId}/{instanceId} ----

class TemporalWritePatch : public TemporalWrite {
 protected:
  // Patches the instance of speed at minute 1 with `body`; expects the new value 25 at minute 1,
  // the same instanceId, createdAt kept, modifiedAt later, and the other instances untouched.
  void expect_patched(std::string_view body) {
    const auto id = post_new(kSpeed);
    const auto iid = instance_at(id, "speed", kT0 + kMinute);
    const auto before = instances_of(history(id, "?options=sysAttrs"), "speed");
    std::this_thread::sleep_for(15ms);
    const auto res = http().patch(temporal_instance_path(id, "speed", iid), body);
    ASSERT_STATUS(res, 204);
    EXPECT_EQ(res.body, "");
    const auto after = instances_of(history(id, "?options=sysAttrs"), "speed");
    ASSERT_EQ(after.size(), 3U) << S(after);
    EXPECT_EQ(comparable(after), (json::array{property_at(10, kT0), property_at(25, kT0 + kMinute),
                                              property_at(30, kT0 + 2 * kMinute)}));
    EXPECT_EQ(instance_ids(after), instance_ids(before));
    EXPECT_EQ(after[1].at("createdAt"), before[1].at("createdAt"));
    EXPECT_GT(millis_of(after[1].at("modifiedAt")), millis_of(before[1].at("modifiedAt")));
    EXPECT_EQ(after[0], before[0]);
    EXPECT_EQ(after[2], before[2]);
  }
};

TEST_F(TemporalWritePatch, BareInstanceObject) {
  expect_patched(R"({"type": "Property", "value": 25, "observedAt": "2026-01-01T00:01:00.000Z"})");
}

TEST_F(TemporalWritePatch, ArrayOfOneInstance) {
  expect_patched(
      R"([{"type": "Property", "value": 25, "observedAt": "2026-01-01T00:01:00.000Z"}])");
}

TEST_F(TemporalWritePatch, FragmentNamingTheAttribute) {
  expect_patched(
      R"({"speed": [{"type": "Property", "value": 25,
                     "observedAt": "2026-01-01T00:01:00.000Z"}]})");
}

TEST_F(TemporalWritePatch, ChangingObservedAtMovesTheInstanceInTime) {
  const auto id = post_new(kSpeed);
  const auto iid = instance_at(id, "speed", kT0);
  ASSERT_STATUS(http().patch(temporal_instance_path(id, "speed", iid),
                             R"({"type": "Property", "value": 10,
                                 "observedAt": "2026-01-01T00:05:00.000Z"})"),
                204);
  const auto later = instances_of(history(id, "?timerel=after&timeAt=" + minute(3)), "speed");
  EXPECT_EQ(comparable(later), json::array{property_at(10, kT0 + 5 * kMinute)});
  EXPECT_EQ(instance_ids(later), std::vector<std::string>{iid});
}

TEST_F(TemporalWritePatch, UnknownEntityAttributeOrInstanceIs404) {
  const auto id = post_new(kSpeed);
  const auto iid = instance_at(id, "speed", kT0);
  const auto body = R"({"type": "Property", "value": 1, "observedAt": "2026-01-01T00:00:00.000Z"})";
  EXPECT_PROBLEM(
      http().patch(temporal_instance_path(id, "speed", "urn:ngsi-ld:attribute:instance:999999999"),
                   body),
      404, "ResourceNotFound");
  EXPECT_PROBLEM(http().patch(temporal_instance_path(new_id(), "speed", iid), body), 404,
                 "ResourceNotFound");
  EXPECT_PROBLEM(http().patch(temporal_instance_path(id, "speed2", iid), body), 404,
                 "ResourceNotFound");
  EXPECT_EQ(comparable(instances_of(history(id), "speed")), J(kSpeed).at("speed"));
}

TEST_F(TemporalWritePatch, InvalidInstanceIdOrBodyIs400) {
  const auto id = post_new(kSpeed);
  const auto iid = instance_at(id, "speed", kT0);
  EXPECT_PROBLEM(http().patch(temporal_instance_path(id, "speed", "invalidId"),
                              R"({"type": "Property", "value": 1})"),
                 400, "BadRequestData");
  EXPECT_PROBLEM(http().patch(temporal_instance_path(id, "speed", iid), R"({"type": )"), 400,
                 "InvalidRequest");
  EXPECT_PROBLEM(http().patch(temporal_instance_path(id, "speed", iid),
                              R"({"type": "Property", "value": 1, "observedAt": "yesterday"})"),
                 400, "BadRequestData");
  EXPECT_EQ(comparable(instances_of(history(id), "speed")), J(kSpeed).at("speed"));
}

// ---- DELETE /temporal/entities/{id}/attrs/{attrId}/{instanceId} ----

TEST_F(TemporalWrite, DeleteInstanceErasesOnlyIt) {
  const auto id = post_new(kSpeed);
  const auto iid = instance_at(id, "speed", kT0 + kMinute);
  const auto res = http().del(temporal_instance_path(id, "speed", iid));
  ASSERT_STATUS(res, 204);
  EXPECT_EQ(res.body, "");
  const auto speed = instances_of(history(id), "speed");
  EXPECT_EQ(comparable(speed),
            (json::array{property_at(10, kT0), property_at(30, kT0 + 2 * kMinute)}));
  const auto ids = instance_ids(speed);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), iid), 0);
  EXPECT_PROBLEM(http().del(temporal_instance_path(id, "speed", iid)), 404, "ResourceNotFound");
}

TEST_F(TemporalWrite, DeleteUnknownInstanceIs404AndInvalidIs400) {
  const auto id = post_new(kSpeed);
  EXPECT_PROBLEM(
      http().del(temporal_instance_path(id, "speed", "urn:ngsi-ld:attribute:instance:999999999")),
      404, "ResourceNotFound");
  EXPECT_PROBLEM(
      http().del(temporal_instance_path(new_id(), "speed", instance_at(id, "speed", kT0))), 404,
      "ResourceNotFound");
  EXPECT_PROBLEM(http().del(temporal_instance_path(id, "speed", "invalidId")), 400,
                 "BadRequestData");
  EXPECT_EQ(instances_of(history(id), "speed").size(), 3U);
}

TEST_F(TemporalWrite, InstanceIdsAreNeverReused) {
  const auto id = post_new(kSpeed);
  std::set<std::string> seen;
  for (const auto& iid : instance_ids(instances_of(history(id), "speed"))) seen.emplace(iid);
  for (const auto& iid : std::set<std::string>(seen)) {
    ASSERT_STATUS(http().del(temporal_instance_path(id, "speed", iid)), 204);
  }
  ASSERT_STATUS(http().post(temporal_path(id) + "/attrs", kSpeed), 204);
  for (const auto& iid : instance_ids(instances_of(history(id), "speed"))) {
    EXPECT_EQ(seen.count(iid), 0U) << iid << " was used before";
  }
}

// ---- DELETE /temporal/entities/{id} ----

TEST_F(TemporalWrite, DeleteTemporalEntityErasesTheWholeHistory) {
  const auto id = post_new(kSpeedWithDataset);
  const auto res = http().del(temporal_path(id));
  ASSERT_STATUS(res, 204);
  EXPECT_EQ(res.body, "");
  EXPECT_PROBLEM(get_temporal(id), 404, "ResourceNotFound");
  EXPECT_EQ(query_temporal("?type=" + type() + "&timerel=after&timeAt=" + minute(0)),
            json::array{});
}

TEST_F(TemporalWrite, DeleteTemporalEntityLeavesTheCurrentStateAlone) {
  const auto id = make_core(R"({"speed": {"type": "Property", "value": 10}})");
  const auto before = read(id, "?options=sysAttrs");
  ASSERT_STATUS(http().del(temporal_path(id)), 204);
  EXPECT_EQ(read(id, "?options=sysAttrs"), before);
  EXPECT_PROBLEM(get_temporal(id), 404, "ResourceNotFound");
  // Later changes are recorded again, from then on.
  ASSERT_STATUS(
      http().patch(entity_path(id) + "/attrs", R"({"speed": {"type": "Property", "value": 11}})"),
      204);
  EXPECT_EQ(values_of(instances_of(history(id), "speed")), J("[11]"));
}

TEST_F(TemporalWrite, DeleteUnknownTemporalEntityIs404AndInvalidIdIs400) {
  ASSERT_STATUS(http().del(temporal_path(post_new(kSpeed))), 204);
  EXPECT_PROBLEM(http().del(temporal_path(new_id())), 404, "ResourceNotFound");
  EXPECT_PROBLEM(http().del(temporal_path("invalidId")), 400, "BadRequestData");
}

}  // namespace
}  // namespace tsunagu::it
