#include "broker/entity_merge.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace tsunagu::broker {
namespace {
namespace json = boost::json;
using model::Attribute;
using model::AttributeKind;
using model::AttributeList;
using model::Entity;
using model::Timestamp;

const std::string kTemp = "https://example.org/temperature";
const std::string kName = "https://example.org/name";
const std::string kOwner = "https://example.org/owner";
const std::string kAccuracy = "https://example.org/accuracy";
const std::string kSource = "https://example.org/source";
const std::string kDsA = "urn:ngsi-ld:Dataset:A";
const std::string kDsB = "urn:ngsi-ld:Dataset:B";

// Three instants: when the entity was created, when it was changed before, and "now".
const Timestamp kCreated{std::chrono::milliseconds{1'700'000'000'000}};
const Timestamp kEarlier{std::chrono::milliseconds{1'700'000'100'000}};
const Timestamp kNow{std::chrono::milliseconds{1'700'000'200'000}};

Attribute make(AttributeKind kind, json::value value,
               std::optional<std::string> dataset_id = std::nullopt) {
  Attribute a;
  a.kind = kind;
  a.value = std::move(value);
  a.dataset_id = std::move(dataset_id);
  return a;
}

Attribute prop(json::value value, std::optional<std::string> dataset_id = std::nullopt) {
  return make(AttributeKind::Property, std::move(value), std::move(dataset_id));
}

Attribute stamped(Attribute a, Timestamp created, Timestamp modified) {
  a.created_at = created;
  a.modified_at = modified;
  return a;
}

Attribute null_marker(std::optional<std::string> dataset_id = std::nullopt) {
  return prop(json::value(kNullValue), std::move(dataset_id));
}

AttributeList list_of(std::string name, std::vector<Attribute> instances) {
  AttributeList list;
  list.push_back(model::AttributeEntry{std::move(name), std::move(instances)});
  return list;
}

// urn:ngsi-ld:Shelter:1 with temperature 20 (default instance), temperature 21 (datasetId A),
// name "Kita" with an accuracy sub-attribute, and owner -> urn:ngsi-ld:Person:1.
Entity shelter() {
  Entity e;
  e.id = "urn:ngsi-ld:Shelter:1";
  e.types = {"https://example.org/Shelter"};
  e.created_at = kCreated;
  e.modified_at = kEarlier;
  auto t0 = stamped(prop(20), kCreated, kEarlier);
  t0.unit_code = "CEL";
  t0.observed_at = kCreated;
  model::put_instance(e.attributes, kTemp, t0);
  model::put_instance(e.attributes, kTemp, stamped(prop(21, kDsA), kCreated, kCreated));
  auto name = stamped(prop("Kita"), kCreated, kCreated);
  model::put_instance(name.sub_attributes, kAccuracy, stamped(prop(0.9), kCreated, kCreated));
  model::put_instance(e.attributes, kName, name);
  auto owner =
      stamped(make(AttributeKind::Relationship, "urn:ngsi-ld:Person:1"), kCreated, kCreated);
  owner.object_type = "https://example.org/Person";
  model::put_instance(e.attributes, kOwner, owner);
  return e;
}

const Attribute& instance(const Entity& e, const std::string& name,
                          const std::optional<std::string>& dataset_id = std::nullopt) {
  const auto* entry = model::find_entry(e.attributes, name);
  EXPECT_NE(entry, nullptr) << name;
  static const Attribute kMissing;
  if (entry == nullptr) return kMissing;
  const auto* a = model::find_instance(*entry, dataset_id);
  EXPECT_NE(a, nullptr) << name << " " << dataset_id.value_or("(default)");
  return a ? *a : kMissing;
}

std::vector<std::string> names(const AttributeList& list) {
  std::vector<std::string> out;
  for (const auto& entry : list) out.push_back(entry.name);
  return out;
}

std::size_t instance_count(const Entity& e, const std::string& name) {
  const auto* entry = model::find_entry(e.attributes, name);
  return entry ? entry->instances.size() : 0;
}

void expect_error(const Status& st, ErrorKind kind, std::string_view fragment) {
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().kind, kind) << st.error().message;
  EXPECT_NE(st.error().message.find(fragment), std::string::npos) << st.error().message;
}

// ---- is_delete_marker ----

TEST(IsDeleteMarker, RecognisesTheNgsiLdNullUri) {
  EXPECT_TRUE(is_delete_marker(null_marker()));
  EXPECT_TRUE(is_delete_marker(make(AttributeKind::Relationship, json::value(kNullValue))));
  EXPECT_FALSE(is_delete_marker(prop("urn:ngsi-ld:nullx")));
  EXPECT_FALSE(is_delete_marker(prop(nullptr)));
  EXPECT_FALSE(is_delete_marker(prop(0)));
}

// ---- append ----

TEST(AppendAttributes, AddsNewAttributesStampedNow) {
  Entity e = shelter();
  auto in = list_of(kSource, {prop("sensor")});
  auto out = append_attributes(e, std::move(in), false, kNow);
  EXPECT_EQ(out.updated, std::vector<std::string>{kSource});
  EXPECT_TRUE(out.not_updated.empty());
  const auto& a = instance(e, kSource);
  EXPECT_EQ(a.value, json::value("sensor"));
  EXPECT_EQ(a.created_at, kNow);
  EXPECT_EQ(a.modified_at, kNow);
  EXPECT_EQ(e.modified_at, kNow);
  EXPECT_EQ(e.created_at, kCreated);
  EXPECT_EQ(names(e.attributes), (std::vector<std::string>{kTemp, kName, kOwner, kSource}));
}

TEST(AppendAttributes, OverwriteReplacesTheInstanceAndKeepsItsCreatedAt) {
  Entity e = shelter();
  auto in = list_of(kTemp, {prop(25)});
  auto out = append_attributes(e, std::move(in), false, kNow);
  EXPECT_EQ(out.updated, std::vector<std::string>{kTemp});
  const auto& a = instance(e, kTemp);
  EXPECT_EQ(a.value, json::value(25));
  EXPECT_EQ(a.created_at, kCreated);
  EXPECT_EQ(a.modified_at, kNow);
  // Replaced, not merged: members the payload left out are gone.
  EXPECT_EQ(a.unit_code, std::nullopt);
  EXPECT_EQ(a.observed_at, std::nullopt);
  // The other instance of the multi-attribute is untouched.
  EXPECT_EQ(instance(e, kTemp, kDsA).value, json::value(21));
  EXPECT_EQ(instance(e, kTemp, kDsA).modified_at, kCreated);
}

TEST(AppendAttributes, NoOverwriteSkipsExistingInstancesWithAReason) {
  Entity e = shelter();
  AttributeList in = list_of(kTemp, {prop(25), prop(26, kDsA), prop(27, kDsB)});
  auto out = append_attributes(e, std::move(in), true, kNow);
  EXPECT_EQ(out.updated, std::vector<std::string>{kTemp});
  ASSERT_EQ(out.not_updated.size(), 2u);
  EXPECT_EQ(out.not_updated[0].attribute, kTemp);
  EXPECT_EQ(out.not_updated[0].reason, "attribute exists and options=noOverwrite");
  EXPECT_EQ(out.not_updated[1].attribute, kTemp);
  EXPECT_EQ(out.not_updated[1].reason,
            "attribute (datasetId urn:ngsi-ld:Dataset:A) exists and options=noOverwrite");
  EXPECT_EQ(instance(e, kTemp).value, json::value(20));
  EXPECT_EQ(instance(e, kTemp, kDsA).value, json::value(21));
  EXPECT_EQ(instance(e, kTemp, kDsB).value, json::value(27));
  EXPECT_EQ(instance(e, kTemp, kDsB).created_at, kNow);
  EXPECT_EQ(instance_count(e, kTemp), 3u);
}

TEST(AppendAttributes, NothingAppendedLeavesModifiedAtAlone) {
  Entity e = shelter();
  auto out = append_attributes(e, list_of(kTemp, {prop(25)}), true, kNow);
  EXPECT_FALSE(out.changed());
  EXPECT_TRUE(out.updated.empty());
  EXPECT_EQ(out.not_updated.size(), 1u);
  EXPECT_EQ(e.modified_at, kEarlier);
}

TEST(AppendAttributes, IgnoresIncomingTimestampsAndStampsSubAttributes) {
  Entity e = shelter();
  Attribute a = stamped(prop(1), kCreated, kCreated);  // a client's copy of an old read
  model::put_instance(a.sub_attributes, kAccuracy, stamped(prop(0.5), kCreated, kCreated));
  append_attributes(e, list_of(kSource, {a}), false, kNow);
  const auto& stored = instance(e, kSource);
  EXPECT_EQ(stored.created_at, kNow);
  EXPECT_EQ(stored.modified_at, kNow);
  ASSERT_EQ(stored.sub_attributes.size(), 1u);
  EXPECT_EQ(stored.sub_attributes[0].instances[0].created_at, kNow);
  EXPECT_EQ(stored.sub_attributes[0].instances[0].modified_at, kNow);
}

TEST(AppendAttributes, ReportsEachNameOnceInPayloadOrder) {
  Entity e = shelter();
  AttributeList in = list_of(kSource, {prop("a")});
  in.push_back(model::AttributeEntry{kTemp, {prop(1, kDsA), prop(2, kDsB)}});
  auto out = append_attributes(e, std::move(in), false, kNow);
  EXPECT_EQ(out.updated, (std::vector<std::string>{kSource, kTemp}));
}

// ---- update ----

TEST(UpdateAttributes, ReplacesOnlyExistingInstances) {
  Entity e = shelter();
  AttributeList in = list_of(kTemp, {prop(30), prop(31, kDsB)});
  in.push_back(model::AttributeEntry{kSource, {prop("new")}});
  auto out = update_attributes(e, std::move(in), kNow);
  EXPECT_EQ(out.updated, std::vector<std::string>{kTemp});
  ASSERT_EQ(out.not_updated.size(), 2u);
  EXPECT_EQ(out.not_updated[0].attribute, kTemp);
  EXPECT_EQ(out.not_updated[0].reason,
            "attribute (datasetId urn:ngsi-ld:Dataset:B) does not exist");
  EXPECT_EQ(out.not_updated[1].attribute, kSource);
  EXPECT_EQ(out.not_updated[1].reason, "attribute does not exist");
  EXPECT_EQ(instance(e, kTemp).value, json::value(30));
  EXPECT_EQ(instance(e, kTemp).created_at, kCreated);
  EXPECT_EQ(instance(e, kTemp).modified_at, kNow);
  EXPECT_EQ(model::find_entry(e.attributes, kSource), nullptr);
  EXPECT_EQ(instance_count(e, kTemp), 2u);
  EXPECT_EQ(e.modified_at, kNow);
}

TEST(UpdateAttributes, NullMarkerDeletesTheInstance) {
  Entity e = shelter();
  auto out = update_attributes(e, list_of(kTemp, {null_marker(kDsA)}), kNow);
  EXPECT_EQ(out.updated, std::vector<std::string>{kTemp});
  EXPECT_EQ(instance_count(e, kTemp), 1u);
  EXPECT_EQ(instance(e, kTemp).value, json::value(20));
  out = update_attributes(e, list_of(kTemp, {null_marker()}), kNow);
  EXPECT_EQ(out.updated, std::vector<std::string>{kTemp});
  EXPECT_EQ(model::find_entry(e.attributes, kTemp), nullptr);
}

TEST(UpdateAttributes, NullMarkerForAMissingAttributeIsNotUpdated) {
  Entity e = shelter();
  auto out = update_attributes(e, list_of(kSource, {null_marker()}), kNow);
  EXPECT_FALSE(out.changed());
  ASSERT_EQ(out.not_updated.size(), 1u);
  EXPECT_EQ(out.not_updated[0].reason, "attribute does not exist");
  EXPECT_EQ(e.modified_at, kEarlier);
}

TEST(UpdateAttributes, NullRelationshipObjectDeletes) {
  Entity e = shelter();
  auto marker = make(AttributeKind::Relationship, json::value(kNullValue));
  auto out = update_attributes(e, list_of(kOwner, {marker}), kNow);
  EXPECT_EQ(out.updated, std::vector<std::string>{kOwner});
  EXPECT_EQ(model::find_entry(e.attributes, kOwner), nullptr);
}

// ---- merge_entity ----

Entity patch_with(AttributeList attributes, std::vector<std::string> types = {}) {
  Entity p;
  p.id = "urn:ngsi-ld:Shelter:1";
  p.types = std::move(types);
  p.attributes = std::move(attributes);
  return p;
}

TEST(MergeEntity, MergesMembersIntoTheExistingInstance) {
  Entity e = shelter();
  Attribute frag = prop(22);
  frag.observed_at = kNow;
  ASSERT_TRUE(merge_entity(e, patch_with(list_of(kTemp, {frag})), kNow));
  const auto& a = instance(e, kTemp);
  EXPECT_EQ(a.value, json::value(22));
  EXPECT_EQ(a.observed_at, kNow);
  EXPECT_EQ(a.unit_code, std::optional<std::string>("CEL"));  // kept: not in the fragment
  EXPECT_EQ(a.created_at, kCreated);
  EXPECT_EQ(a.modified_at, kNow);
  EXPECT_EQ(instance(e, kTemp, kDsA).value, json::value(21));
  EXPECT_EQ(e.modified_at, kNow);
}

TEST(MergeEntity, FragmentWithoutValueKeepsValueAndKind) {
  Entity e = shelter();
  Attribute frag;  // e.g. {"unitCode": "FAH"} alone
  frag.value = nullptr;
  frag.unit_code = "FAH";
  ASSERT_TRUE(merge_entity(e, patch_with(list_of(kTemp, {frag})), kNow));
  EXPECT_EQ(instance(e, kTemp).value, json::value(20));
  EXPECT_EQ(instance(e, kTemp).kind, AttributeKind::Property);
  EXPECT_EQ(instance(e, kTemp).unit_code, std::optional<std::string>("FAH"));
}

TEST(MergeEntity, MergesSubAttributes) {
  Entity e = shelter();
  Attribute frag;
  frag.value = nullptr;
  model::put_instance(frag.sub_attributes, kAccuracy, prop(0.95));
  model::put_instance(frag.sub_attributes, kSource, prop("survey"));
  ASSERT_TRUE(merge_entity(e, patch_with(list_of(kName, {frag})), kNow));
  const auto& name = instance(e, kName);
  EXPECT_EQ(name.value, json::value("Kita"));
  EXPECT_EQ(names(name.sub_attributes), (std::vector<std::string>{kAccuracy, kSource}));
  const auto& accuracy = name.sub_attributes[0].instances[0];
  EXPECT_EQ(accuracy.value, json::value(0.95));
  EXPECT_EQ(accuracy.created_at, kCreated);
  EXPECT_EQ(accuracy.modified_at, kNow);
  const auto& source = name.sub_attributes[1].instances[0];
  EXPECT_EQ(source.value, json::value("survey"));
  EXPECT_EQ(source.created_at, kNow);
}

TEST(MergeEntity, NullMarkerDeletesASubAttribute) {
  Entity e = shelter();
  Attribute frag;
  frag.value = nullptr;
  model::put_instance(frag.sub_attributes, kAccuracy, null_marker());
  ASSERT_TRUE(merge_entity(e, patch_with(list_of(kName, {frag})), kNow));
  EXPECT_TRUE(instance(e, kName).sub_attributes.empty());
  EXPECT_EQ(instance(e, kName).value, json::value("Kita"));
}

TEST(MergeEntity, AddsNewAttributesAndInstances) {
  Entity e = shelter();
  AttributeList attrs = list_of(kSource, {prop("gps")});
  attrs.push_back(model::AttributeEntry{kTemp, {prop(23, kDsB)}});
  ASSERT_TRUE(merge_entity(e, patch_with(std::move(attrs)), kNow));
  EXPECT_EQ(instance(e, kSource).value, json::value("gps"));
  EXPECT_EQ(instance(e, kSource).created_at, kNow);
  EXPECT_EQ(instance(e, kTemp, kDsB).value, json::value(23));
  EXPECT_EQ(instance_count(e, kTemp), 3u);
}

TEST(MergeEntity, NullMarkerDeletesTheNamedInstanceOnly) {
  Entity e = shelter();
  AttributeList attrs = list_of(kTemp, {null_marker(kDsA)});
  attrs.push_back(model::AttributeEntry{kOwner, {null_marker()}});
  ASSERT_TRUE(merge_entity(e, patch_with(std::move(attrs)), kNow));
  EXPECT_EQ(instance_count(e, kTemp), 1u);
  EXPECT_EQ(instance(e, kTemp).value, json::value(20));
  EXPECT_EQ(model::find_entry(e.attributes, kOwner), nullptr);
  EXPECT_EQ(names(e.attributes), (std::vector<std::string>{kTemp, kName}));
}

TEST(MergeEntity, NullMarkerForAnAbsentAttributeIsHarmless) {
  Entity e = shelter();
  ASSERT_TRUE(merge_entity(e, patch_with(list_of(kSource, {null_marker()})), kNow));
  EXPECT_EQ(model::find_entry(e.attributes, kSource), nullptr);
  EXPECT_EQ(names(e.attributes), (std::vector<std::string>{kTemp, kName, kOwner}));
}

TEST(MergeEntity, AddsTypesAsAUnion) {
  Entity e = shelter();
  merge_entity(e, patch_with({}, {"https://example.org/Facility", "https://example.org/Shelter"}),
               kNow);
  EXPECT_EQ(e.types, (std::vector<std::string>{"https://example.org/Shelter",
                                               "https://example.org/Facility"}));
}

TEST(MergeEntity, ReplacesScopeOnlyWhenGiven) {
  Entity e = shelter();
  e.scope = json::value("/Osaka");
  ASSERT_TRUE(merge_entity(e, patch_with({}), kNow));
  EXPECT_EQ(e.scope, std::optional<json::value>(json::value("/Osaka")));
  Entity p = patch_with({});
  p.scope = json::value("/Osaka/Kita");
  ASSERT_TRUE(merge_entity(e, p, kNow));
  EXPECT_EQ(e.scope, std::optional<json::value>(json::value("/Osaka/Kita")));
}

TEST(MergeEntity, ValueOfAnotherKindChangesTheKind) {
  Entity e = shelter();
  merge_entity(
      e, patch_with(list_of(kOwner, {make(AttributeKind::Relationship, "urn:ngsi-ld:Person:2")})),
      kNow);
  EXPECT_EQ(instance(e, kOwner).kind, AttributeKind::Relationship);
  EXPECT_EQ(instance(e, kOwner).value, json::value("urn:ngsi-ld:Person:2"));
  EXPECT_EQ(instance(e, kOwner).object_type,
            std::optional<std::string>("https://example.org/Person"));
}

TEST(MergeEntity, LanguagePropertyNullMarkerDeletes) {
  // ETSI GS CIM 009 v1.8.1 clause 5.2.1 names {"@none": "urn:ngsi-ld:null"} as the NGSI-LD
  // Null of a LanguageProperty's languageMap; in a merge (clause 5.6.17) it deletes the
  // attribute.
  Entity e = shelter();
  auto label = stamped(make(AttributeKind::LanguageProperty, json::parse(R"({"en":"Shelter"})")),
                       kCreated, kCreated);
  model::put_instance(e.attributes, kSource, label);
  auto marker =
      make(AttributeKind::LanguageProperty, json::parse(R"({"@none":"urn:ngsi-ld:null"})"));
  ASSERT_TRUE(merge_entity(e, patch_with(list_of(kSource, {marker})), kNow));
  EXPECT_EQ(model::find_entry(e.attributes, kSource), nullptr);
}

// ---- replace_entity ----

TEST(ReplaceEntity, ReplacesAttributesTypesAndScope) {
  Entity e = shelter();
  e.scope = json::value("/Osaka");
  Entity r;
  r.id = e.id;
  r.types = {"https://example.org/Facility"};
  r.attributes = list_of(kSource, {prop("new")});
  replace_entity(e, r, kNow);
  EXPECT_EQ(e.types, std::vector<std::string>{"https://example.org/Facility"});
  EXPECT_EQ(e.scope, std::nullopt);
  EXPECT_EQ(names(e.attributes), std::vector<std::string>{kSource});
  EXPECT_EQ(instance(e, kSource).created_at, kNow);
  EXPECT_EQ(e.created_at, kCreated);
  EXPECT_EQ(e.modified_at, kNow);
}

TEST(ReplaceEntity, KeepsTypesWhenTheReplacementHasNone) {
  Entity e = shelter();
  Entity r;
  r.id = e.id;
  replace_entity(e, r, kNow);
  EXPECT_EQ(e.types, std::vector<std::string>{"https://example.org/Shelter"});
  EXPECT_TRUE(e.attributes.empty());
}

// ---- patch_attribute ----

TEST(PatchAttribute, MissingInstanceIsResourceNotFound) {
  struct Case {
    std::string name;
    std::optional<std::string> dataset_id;
    std::string fragment;
  };
  const std::vector<Case> cases = {
      {kSource, std::nullopt,
       "entity 'urn:ngsi-ld:Shelter:1' has no attribute 'https://example.org/source'"},
      {kTemp, kDsB,
       "entity 'urn:ngsi-ld:Shelter:1' has no attribute 'https://example.org/temperature' "
       "(datasetId urn:ngsi-ld:Dataset:B)"},
      {kName, kDsA, "(datasetId urn:ngsi-ld:Dataset:A)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Entity e = shelter();
    expect_error(patch_attribute(e, c.name, prop(1, c.dataset_id), kNow),
                 ErrorKind::ResourceNotFound, c.fragment);
    EXPECT_EQ(e.modified_at, kEarlier);
  }
}

TEST(PatchAttribute, MergesValueObservedAtAndUnitCode) {
  Entity e = shelter();
  Attribute frag = prop(24);
  frag.unit_code = "FAH";
  frag.observed_at = kNow;
  ASSERT_TRUE(patch_attribute(e, kTemp, frag, kNow).has_value());
  const auto& a = instance(e, kTemp);
  EXPECT_EQ(a.value, json::value(24));
  EXPECT_EQ(a.unit_code, std::optional<std::string>("FAH"));
  EXPECT_EQ(a.observed_at, kNow);
  EXPECT_EQ(a.created_at, kCreated);
  EXPECT_EQ(a.modified_at, kNow);
  EXPECT_EQ(e.modified_at, kNow);
}

TEST(PatchAttribute, LeavesMembersTheFragmentOmits) {
  Entity e = shelter();
  Attribute frag;
  frag.value = nullptr;
  frag.observed_at = kNow;
  ASSERT_TRUE(patch_attribute(e, kTemp, frag, kNow).has_value());
  const auto& a = instance(e, kTemp);
  EXPECT_EQ(a.value, json::value(20));
  EXPECT_EQ(a.unit_code, std::optional<std::string>("CEL"));
  EXPECT_EQ(a.observed_at, kNow);
}

TEST(PatchAttribute, TargetsTheInstanceWithTheFragmentsDatasetId) {
  Entity e = shelter();
  ASSERT_TRUE(patch_attribute(e, kTemp, prop(99, kDsA), kNow).has_value());
  EXPECT_EQ(instance(e, kTemp, kDsA).value, json::value(99));
  EXPECT_EQ(instance(e, kTemp).value, json::value(20));
}

TEST(PatchAttribute, NullMarkerDeletesTheInstance) {
  Entity e = shelter();
  ASSERT_TRUE(patch_attribute(e, kTemp, null_marker(kDsA), kNow).has_value());
  EXPECT_EQ(instance_count(e, kTemp), 1u);
  EXPECT_EQ(e.modified_at, kNow);
}

TEST(PatchAttribute, ContradictoryTypeIsBadRequestData) {
  // A partial attribute update (ETSI GS CIM 009 v1.8.1 clause 5.6.4) changes members of the
  // existing attribute; replacing its kind is what PUT (replace attribute, clause 5.6.19) is for.
  Entity e = shelter();
  auto frag = make(AttributeKind::Relationship, "urn:ngsi-ld:Sensor:1");
  expect_error(patch_attribute(e, kTemp, frag, kNow), ErrorKind::BadRequestData,
               "cannot change a Property into a Relationship");
  EXPECT_EQ(instance(e, kTemp).kind, AttributeKind::Property);
  EXPECT_EQ(instance(e, kTemp).value, json::value(20));
}

// ---- replace_attribute ----

TEST(ReplaceAttribute, ReplacesTheWholeInstance) {
  Entity e = shelter();
  Attribute a = prop(30);
  model::put_instance(a.sub_attributes, kSource, prop("manual"));
  ASSERT_TRUE(replace_attribute(e, kTemp, a, kNow).has_value());
  const auto& stored = instance(e, kTemp);
  EXPECT_EQ(stored.value, json::value(30));
  EXPECT_EQ(stored.unit_code, std::nullopt);
  EXPECT_EQ(stored.observed_at, std::nullopt);
  EXPECT_EQ(stored.created_at, kCreated);
  EXPECT_EQ(stored.modified_at, kNow);
  ASSERT_EQ(stored.sub_attributes.size(), 1u);
  EXPECT_EQ(stored.sub_attributes[0].instances[0].created_at, kNow);
  EXPECT_EQ(instance(e, kTemp, kDsA).value, json::value(21));
  EXPECT_EQ(e.modified_at, kNow);
}

TEST(ReplaceAttribute, MissingInstanceIsResourceNotFound) {
  Entity e = shelter();
  expect_error(replace_attribute(e, kTemp, prop(1, kDsB), kNow), ErrorKind::ResourceNotFound,
               "has no attribute 'https://example.org/temperature' (datasetId "
               "urn:ngsi-ld:Dataset:B)");
  expect_error(replace_attribute(e, kSource, prop(1), kNow), ErrorKind::ResourceNotFound,
               "entity 'urn:ngsi-ld:Shelter:1' has no attribute 'https://example.org/source'");
  EXPECT_EQ(e.modified_at, kEarlier);
  EXPECT_EQ(model::find_entry(e.attributes, kSource), nullptr);
}

// ---- delete_attribute ----

TEST(DeleteAttribute, DefaultInstanceOnlyWithoutDatasetId) {
  Entity e = shelter();
  ASSERT_TRUE(delete_attribute(e, kTemp, std::nullopt, false, kNow).has_value());
  EXPECT_EQ(instance_count(e, kTemp), 1u);
  EXPECT_EQ(instance(e, kTemp, kDsA).value, json::value(21));
  EXPECT_EQ(e.modified_at, kNow);
}

TEST(DeleteAttribute, NamedDatasetId) {
  Entity e = shelter();
  ASSERT_TRUE(delete_attribute(e, kTemp, kDsA, false, kNow).has_value());
  EXPECT_EQ(instance_count(e, kTemp), 1u);
  EXPECT_EQ(instance(e, kTemp).value, json::value(20));
}

TEST(DeleteAttribute, DeleteAllRemovesTheAttribute) {
  Entity e = shelter();
  ASSERT_TRUE(delete_attribute(e, kTemp, std::nullopt, true, kNow).has_value());
  EXPECT_EQ(model::find_entry(e.attributes, kTemp), nullptr);
  EXPECT_EQ(names(e.attributes), (std::vector<std::string>{kName, kOwner}));
}

TEST(DeleteAttribute, LastInstanceRemovesTheEntry) {
  Entity e = shelter();
  ASSERT_TRUE(delete_attribute(e, kOwner, std::nullopt, false, kNow).has_value());
  EXPECT_EQ(model::find_entry(e.attributes, kOwner), nullptr);
}

TEST(DeleteAttribute, NothingMatchedIsResourceNotFound) {
  struct Case {
    std::string name;
    std::optional<std::string> dataset_id;
    bool all;
    std::string fragment;
  };
  const std::vector<Case> cases = {
      {kSource, std::nullopt, false,
       "entity 'urn:ngsi-ld:Shelter:1' has no attribute 'https://example.org/source'"},
      {kSource, std::nullopt, true, "has no attribute 'https://example.org/source'"},
      {kTemp, kDsB, false,
       "has no attribute 'https://example.org/temperature' with datasetId "
       "'urn:ngsi-ld:Dataset:B'"},
      {kOwner, kDsA, false, "with datasetId 'urn:ngsi-ld:Dataset:A'"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name + " " + c.dataset_id.value_or("-"));
    Entity e = shelter();
    expect_error(delete_attribute(e, c.name, c.dataset_id, c.all, kNow),
                 ErrorKind::ResourceNotFound, c.fragment);
    EXPECT_EQ(e.modified_at, kEarlier);
    EXPECT_EQ(names(e.attributes), (std::vector<std::string>{kTemp, kName, kOwner}));
  }
}

TEST(DeleteAttribute, DefaultInstanceAbsentButOthersPresentIsNotFound) {
  Entity e = shelter();
  ASSERT_TRUE(delete_attribute(e, kTemp, std::nullopt, false, kNow).has_value());
  expect_error(delete_attribute(e, kTemp, std::nullopt, false, kNow), ErrorKind::ResourceNotFound,
               "has no attribute 'https://example.org/temperature'");
  EXPECT_EQ(instance_count(e, kTemp), 1u);
}

}  // namespace
}  // namespace tsunagu::broker
