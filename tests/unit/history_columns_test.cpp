// An instance as the history columns keep it, on every backend (store/history_columns.hpp): which
// instances the columns give back without a document (plain ones), what the document of the
// others holds, and that every instance comes back from its row as it went in.

#include "store/history_columns.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "store/entity_codec.hpp"

namespace tsunagu::store {
namespace {

namespace json = boost::json;
using model::Attribute;
using model::AttributeKind;
using model::Timestamp;
using model::ValueClass;

Timestamp at_ms(std::int64_t ms) {
  return Timestamp(std::chrono::milliseconds(ms));
}

Attribute instance(AttributeKind kind, json::value value) {
  Attribute a;
  a.kind = kind;
  a.value = std::move(value);
  a.created_at = at_ms(1'767'225'600'000);
  a.modified_at = at_ms(1'767'225'660'000);
  return a;
}

Attribute property(json::value value) {
  return instance(AttributeKind::Property, std::move(value));
}

// What the columns of `a` hold, as a backend writes them and reads them back.
struct Written {
  HistoryValueView view;
  std::optional<std::string> doc;
  std::optional<std::string> dataset;
};

Written written(const Attribute& a, bool tombstone) {
  const auto view = view_of(a, tombstone);
  return {view, history_doc(a, view), a.dataset_id};
}

HistoryRow row_of(const Attribute& a, const Written& w, bool tombstone) {
  HistoryRow r;
  r.iid = 7;
  if (w.dataset) r.dataset = *w.dataset;
  if (a.observed_at) r.observed = a.observed_at->time_since_epoch().count();
  r.created = a.created_at.time_since_epoch().count();
  r.modified = a.modified_at.time_since_epoch().count();
  if (tombstone) r.deleted = a.modified_at.time_since_epoch().count();
  r.kind = static_cast<std::int64_t>(a.kind);
  r.value_class = static_cast<std::int64_t>(w.view.value_class);
  r.num = w.view.number.value_or(0);
  if (w.view.text) r.txt = *w.view.text;
  if (w.doc) r.doc = *w.doc;
  return r;
}

// Writes and reads `a` back; its encoded form must be what went in.
void expect_round_trip(const Attribute& a, bool tombstone = false) {
  const auto w = written(a, tombstone);
  auto back = decode_history_row(row_of(a, w, tombstone), "urn:e:1");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->id, 7);
  EXPECT_EQ(json::value(encode_attribute(back->value)), json::value(encode_attribute(a)))
      << "doc: " << w.doc.value_or("(none)");
  EXPECT_EQ(back->deleted_at.has_value(), tombstone);
}

TEST(HistoryColumns, PlainValuesNeedNoDocument) {
  for (auto v : {json::value(42), json::value(-7), json::value(2.5), json::value(true),
                 json::value("free"), json::value((std::int64_t{1} << 53) - 1)}) {
    const auto a = property(v);
    EXPECT_FALSE(history_doc(a, view_of(a, false))) << json::serialize(v);
  }
  const auto vocab = instance(AttributeKind::VocabProperty, json::value("https://example.org/x"));
  EXPECT_FALSE(history_doc(vocab, view_of(vocab, false)));
  const auto target = instance(AttributeKind::Relationship, json::value("urn:ngsi-ld:Place:1"));
  EXPECT_FALSE(history_doc(target, view_of(target, false)));
  const auto deleted = property(tombstone_value(AttributeKind::Property));
  EXPECT_FALSE(history_doc(deleted, view_of(deleted, true)));
  const auto deleted_map =
      instance(AttributeKind::LanguageProperty, tombstone_value(AttributeKind::LanguageProperty));
  EXPECT_FALSE(history_doc(deleted_map, view_of(deleted_map, true)));
}

TEST(HistoryColumns, WhatTheColumnsCannotSayIsKeptInTheDocument) {
  auto with_unit = property(3);
  with_unit.unit_code = "CEL";
  auto typed = instance(AttributeKind::Relationship, json::value("urn:ngsi-ld:Place:1"));
  typed.object_type = "https://example.org/Place";
  auto with_sub = property(1);
  with_sub.sub_attributes.push_back({"https://example.org/accuracy", {property(0.5)}});
  for (const auto& a :
       {with_unit, typed, with_sub,
        // Beyond 2^53 a double would change the number.
        property(json::value((std::int64_t{1} << 53) + 1)),
        property(json::parse(R"({"@type": "DateTime", "@value": "2026-01-01T00:00:00Z"})")),
        property(json::parse(R"([1, 2])")), property(json::parse(R"({"a": 1})")),
        instance(AttributeKind::LanguageProperty, json::parse(R"({"ja": "空き", "en": "free"})")),
        instance(AttributeKind::GeoProperty,
                 json::parse(R"({"type": "Point", "coordinates": [135.5, 34.7]})")),
        instance(AttributeKind::VocabProperty, json::parse(R"(["https://example.org/x"])")),
        instance(AttributeKind::JsonProperty, json::value("text"))}) {
    EXPECT_TRUE(history_doc(a, view_of(a, false))) << json::serialize(encode_attribute(a));
  }
  // A tombstone of the scope is the empty list, which its kind does not give.
  const auto scope_removed = property(json::array());
  EXPECT_TRUE(history_doc(scope_removed, view_of(scope_removed, true)));
}

TEST(HistoryColumns, TheDocumentLeavesOutWhatTheColumnsHold) {
  auto a = property(3);
  a.unit_code = "CEL";
  a.dataset_id = "urn:ngsi-ld:Dataset:a";
  a.observed_at = at_ms(1'767'225'000'000);
  const auto doc = history_doc(a, view_of(a, false));
  ASSERT_TRUE(doc);
  const auto o = json::parse(*doc).as_object();
  for (auto member : {"type", "datasetId", "observedAt", "createdAt", "modifiedAt"}) {
    EXPECT_FALSE(o.contains(member)) << member;
  }
  EXPECT_EQ(o.at("unitCode").as_string(), "CEL");
}

TEST(HistoryColumns, EveryInstanceComesBackAsItWentIn) {
  auto observed = property(21.5);
  observed.observed_at = at_ms(1'767'225'000'000);
  observed.dataset_id = "urn:ngsi-ld:Dataset:a";
  auto with_unit = property(3);
  with_unit.unit_code = "CEL";
  auto with_sub = property(json::value("open"));
  with_sub.sub_attributes.push_back({"https://example.org/accuracy", {property(0.5)}});
  auto typed = instance(AttributeKind::Relationship, json::value("urn:ngsi-ld:Place:1"));
  typed.object_type = "https://example.org/Place";
  for (const auto& a :
       {observed,
        with_unit,
        with_sub,
        typed,
        property(42),
        property(-0.25),
        property(false),
        property(json::value("free")),
        property(json::value(std::string("a\0b", 3))),
        property(json::value((std::int64_t{1} << 53) + 1)),
        property(json::value(std::int64_t{8'999'999'999'999'999})),
        property(json::value((std::int64_t{1} << 53) - 1)),
        property(json::value(-(std::int64_t{1} << 53) + 1)),
        property(json::parse("[1, [2]]")),
        property(json::parse(R"({"@type": "DateTime", "@value": "2026-01-01T00:00:00Z"})")),
        instance(AttributeKind::VocabProperty, json::value("https://example.org/x")),
        instance(AttributeKind::Relationship, json::value("urn:ngsi-ld:Place:1")),
        instance(AttributeKind::ListRelationship, json::parse(R"(["urn:a", "urn:b"])")),
        instance(AttributeKind::LanguageProperty, json::parse(R"({"ja": "空き"})")),
        instance(AttributeKind::JsonProperty, json::parse(R"({"any": [null]})"))}) {
    SCOPED_TRACE(json::serialize(encode_attribute(a)));
    expect_round_trip(a);
  }
}

TEST(HistoryColumns, TombstonesComeBackWithTheirKindsValue) {
  expect_round_trip(property(tombstone_value(AttributeKind::Property)), true);
  expect_round_trip(
      instance(AttributeKind::LanguageProperty, tombstone_value(AttributeKind::LanguageProperty)),
      true);
  expect_round_trip(
      instance(AttributeKind::Relationship, tombstone_value(AttributeKind::Relationship)), true);
  expect_round_trip(property(json::array()), true);  // the scope's
}

TEST(HistoryColumns, ARowTheColumnsCannotHaveWrittenIsCorrupt) {
  HistoryRow no_doc;
  no_doc.value_class = static_cast<std::int64_t>(ValueClass::Object);
  auto decoded = decode_history_row(no_doc, "urn:e:1");
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().kind, ErrorKind::InternalError);
  EXPECT_NE(decoded.error().message.find("urn:e:1"), std::string::npos);

  HistoryRow bad_doc;
  bad_doc.doc = std::string_view("[1]");
  EXPECT_FALSE(decode_history_row(bad_doc, "urn:e:1"));
}

}  // namespace
}  // namespace tsunagu::store
