// Robustness: malformed and hostile input must give a 4xx ProblemDetails, never a 5xx, never a
// crash (after each test /health still answers 200), and never a half-applied write (after a
// refused write the stored entity is unchanged). Error kinds follow ETSI GS CIM 009 v1.8 clause
// 5.5.2: InvalidRequest for a request that is not well-formed JSON, BadRequestData for well-formed
// input whose content is wrong.

#include "fixture.hpp"

namespace tsunagu::it {
namespace {

class Robustness : public BrokerTest {
 protected:
  void TearDown() override {
    if (server_alive()) expect_healthy();
    BrokerTest::TearDown();
  }

  // A shelter whose every write below must leave it as it is.
  std::string make_shelter() {
    const auto id = new_id();
    EXPECT_STATUS(create(E(id, R"({
      "type": "Shelter",
      "name": {"type": "Property", "value": "Hall"},
      "capacity": {"type": "Property", "value": 350},
      "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [135.5, 34.7]}}
    })")),
                  201);
    return id;
  }
};

// A 400 whose kind is one of `kinds` (where the spec leaves the choice open).
::testing::AssertionResult Is400Of(const Response& res,
                                   std::initializer_list<std::string_view> kinds) {
  for (const auto kind : kinds) {
    if (IsProblem(res, 400, kind)) return ::testing::AssertionSuccess();
  }
  return IsProblem(res, 400, *kinds.begin());
}

// Any answer but a server error.
::testing::AssertionResult NotAServerError(const Response& res) {
  if (res.status >= 200 && res.status < 500) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "status " << res.status << ": " << res.body.substr(0, 500);
}

TEST_F(Robustness, BrokenJsonIs400InvalidRequestEverywhere) {
  const auto id = make_shelter();
  const auto before = read(id);
  const std::string broken = R"({"type": "Shelter", "name": {"type": "Property", "value": "x")";
  EXPECT_PROBLEM(http().post(kEntities, broken), 400, "InvalidRequest");
  EXPECT_PROBLEM(http().post(entity_path(id) + "/attrs", broken), 400, "InvalidRequest");
  EXPECT_PROBLEM(http().patch(entity_path(id) + "/attrs", broken), 400, "InvalidRequest");
  EXPECT_PROBLEM(http().patch(entity_path(id) + "/attrs/name", broken), 400, "InvalidRequest");
  EXPECT_PROBLEM(http().put(entity_path(id) + "/attrs/name", broken), 400, "InvalidRequest");
  EXPECT_PROBLEM(http().patch(entity_path(id), broken), 400, "InvalidRequest");
  EXPECT_PROBLEM(http().put(entity_path(id), broken), 400, "InvalidRequest");
  EXPECT_PROBLEM(http().post(kBatch + "/upsert", "[" + broken), 400, "InvalidRequest");
  EXPECT_EQ(read(id), before);
}

TEST_F(Robustness, EmptyBodyIs400InvalidRequest) {
  EXPECT_PROBLEM(http().post(kEntities, "", {{"Content-Type", "application/json"}}), 400,
                 "InvalidRequest");
}

TEST_F(Robustness, JsonThatIsNotAnObjectIs400) {
  for (const auto* body : {"[]", "42", "null", "\"urn:ngsi-ld:Shelter:1\"", "true"}) {
    EXPECT_TRUE(Is400Of(http().post(kEntities, body), {"BadRequestData", "InvalidRequest"}))
        << body;
  }
}

TEST_F(Robustness, TypeThatIsNotAStringIs400) {
  const auto id = new_id();
  EXPECT_PROBLEM(http().post(kEntities, S(E(id, R"({"type": 5})"))), 400, "BadRequestData");
  EXPECT_PROBLEM(http().post(kEntities, S(E(id, R"({"type": {"a": 1}})"))), 400, "BadRequestData");
  EXPECT_PROBLEM(http().get(entity_path(id)), 404, "ResourceNotFound");
}

TEST_F(Robustness, IdsThatAreNotUrisAre400) {
  for (const auto* entity : {R"({"id": "", "type": "Shelter"})", R"({"id": 5, "type": "Shelter"})",
                             R"({"id": "no-scheme", "type": "Shelter"})",
                             R"({"id": "http://exa mple.org/x", "type": "Shelter"})",
                             R"({"id": "urn:ngsi-ld:Shelter:\u0000", "type": "Shelter"})",
                             R"({"id": ["urn:ngsi-ld:Shelter:1"], "type": "Shelter"})"}) {
    EXPECT_PROBLEM(http().post(kEntities, entity), 400, "BadRequestData") << entity;
  }
}

TEST_F(Robustness, RelationshipWithValueInsteadOfObjectIs400) {
  const auto id = new_id();
  EXPECT_PROBLEM(create(E(id, R"({"type": "Shelter",
                                 "owner": {"type": "Relationship", "value": "urn:ngsi-ld:P:1"}})")),
                 400, "BadRequestData");
  EXPECT_PROBLEM(http().get(entity_path(id)), 404, "ResourceNotFound");
}

TEST_F(Robustness, NullAttributeValueIs400) {
  EXPECT_TRUE(Is400Of(create(E(new_id(), R"({"type": "Shelter",
                                             "capacity": {"type": "Property", "value": null}})")),
                      {"BadRequestData", "InvalidRequest"}));
}

TEST_F(Robustness, NumberOutOfRangeIs400) {
  // 1e400 is valid JSON syntax but no IEEE double: it cannot be stored and read back.
  const auto id = new_id();
  const auto res = http().post(kEntities, R"({"id": ")" + id + R"(", "type": "Shelter",
                     "v": {"type": "Property", "value": 1e400}})");
  EXPECT_TRUE(Is400Of(res, {"InvalidRequest", "BadRequestData"}));
  // Whatever the answer, the entity must not become unreadable.
  EXPECT_TRUE(NotAServerError(http().get(entity_path(id))));
}

TEST_F(Robustness, InvalidUtf8Is400) {
  const std::string body =
      "{\"id\": \"urn:ngsi-ld:Shelter:utf\", \"type\": \"Shelter\", "
      "\"name\": {\"type\": \"Property\", \"value\": \"\xff\xfe\xc3\"}}";
  EXPECT_TRUE(Is400Of(http().post(kEntities, body), {"InvalidRequest", "BadRequestData"}));
  EXPECT_PROBLEM(http().get(entity_path("urn:ngsi-ld:Shelter:utf")), 404, "ResourceNotFound");
}

TEST_F(Robustness, DeeplyNestedJsonIsRejected) {
  const std::string arrays = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_TRUE(Is400Of(http().post(kEntities, arrays), {"InvalidRequest", "BadRequestData"}));
  std::string objects;
  for (int i = 0; i < 50000; ++i) objects += "{\"a\":";
  objects += "1" + std::string(50000, '}');
  EXPECT_TRUE(Is400Of(http().post(kEntities, objects), {"InvalidRequest", "BadRequestData"}));
}

TEST_F(Robustness, DeeplyNestedValueInsideAnAttributeIsHandled) {
  // Whether a broker accepts a 5000-deep Property value is not specified; it must not fail.
  std::string value;
  for (int i = 0; i < 5000; ++i) value += "{\"a\":";
  value += "1" + std::string(5000, '}');
  const auto id = new_id();
  const auto res = http().post(
      kEntities, R"({"id": ")" + id +
                     R"(", "type": "Shelter", "v": {"type": "Property", "value": )" + value + "}}");
  EXPECT_TRUE(NotAServerError(res));
  if (res.status == 201) {
    EXPECT_TRUE(NotAServerError(http().get(entity_path(id))));
  } else {
    EXPECT_TRUE(Is400Of(res, {"BadRequestData", "InvalidRequest"}));
  }
}

TEST_F(Robustness, TheDeepestValueARequestMayHoldIsStoredAndReadBack) {
  // A request nests 64 levels at most; storing adds levels of its own (attributes, instances),
  // so the stored document is deeper than the request was. Each read must still decode it: the
  // entity, and the instance in its history.
  std::string value = "1";
  for (int i = 0; i < 62; ++i) value = "[" + value + "]";
  const auto body_with = [&](const std::string& id, const std::string& v) {
    return R"({"id": ")" + id + R"(", "type": "Shelter", "v": {"type": "Property", "value": )" + v +
           "}}";
  };
  const auto id = new_id();
  ASSERT_STATUS(http().post(kEntities, body_with(id, value)), 201);
  EXPECT_TRUE(Is400Of(http().post(kEntities, body_with(new_id(), "[" + value + "]")),
                      {"InvalidRequest", "BadRequestData"}))
      << "one level more is beyond a request's limit";

  boost::json::parse_options deep;
  deep.max_depth = 128;
  const auto expected = boost::json::parse(value, {}, deep);
  const auto entity = http().get(entity_path(id));
  ASSERT_STATUS(entity, 200);
  EXPECT_EQ(boost::json::parse(entity.body, {}, deep).at("v").at("value"), expected);
  const auto history = http().get("/ngsi-ld/v1/temporal/entities/" + id);
  ASSERT_STATUS(history, 200);
  const auto instances = boost::json::parse(history.body, {}, deep).at("v");
  const auto& first = instances.is_array() ? instances.at(0) : instances;
  EXPECT_EQ(first.at("value"), expected);
}

TEST_F(Robustness, ManyAttributesAreStoredAndReadBack) {
  const auto id = new_id();
  boost::json::object entity{{"id", id}, {"type", "Shelter"}};
  for (int i = 0; i < 2000; ++i) {
    entity["a" + std::to_string(i)] = boost::json::object{{"type", "Property"}, {"value", i}};
  }
  ASSERT_STATUS(create(entity), 201);
  EXPECT_EQ(read(id), boost::json::value(entity));
}

TEST_F(Robustness, VeryLongIdIsHandled) {
  const auto id = new_id() + std::string(100000, 'x');
  const auto res = create(E(id, R"({"type": "Shelter"})"));
  EXPECT_TRUE(NotAServerError(res));
  if (res.status == 201) {
    EXPECT_STATUS(http().get(entity_path(id)), 200);
  } else {
    EXPECT_PROBLEM(res, 400, "BadRequestData");
  }
}

// Names as long as accepted are stored and read back, on every backend: a type and an attribute
// of 1,024 characters each, which the default vocabulary makes longer still.
TEST_F(Robustness, TheLongestNamesAreStoredAndReadBack) {
  const auto id = new_id();
  const std::string type = "T" + std::string(1023, 't'), attr = "a" + std::string(1023, 'b');
  boost::json::object entity{{"id", id}, {"type", type}};
  entity[attr] = boost::json::object{{"type", "Property"}, {"value", 1}};
  ASSERT_STATUS(create(entity), 201);
  EXPECT_EQ(read(id), boost::json::value(entity));
  const auto found = http().get(kEntities + "?type=" + type + "&attrs=" + attr);
  ASSERT_STATUS(found, 200);
  ASSERT_EQ(found.json().as_array().size(), 1u);
  // And through a user @context, a type and an attribute expanding to the longest IRIs.
  const auto other = new_id();
  const std::string prefix = "https://example.org/";
  boost::json::object mapped{{"id", other}, {"type", "LongType"}};
  mapped["longAttr"] = boost::json::object{{"type", "Property"}, {"value", 2}};
  mapped["@context"] = boost::json::array{
      boost::json::object{{"LongType", prefix + std::string(1200 - prefix.size(), 'T')},
                          {"longAttr", prefix + std::string(1200 - prefix.size(), 'a')}},
      std::string(kCoreContext).c_str()};
  ASSERT_STATUS(http().post(kEntities, S(mapped), {{"Content-Type", "application/ld+json"}}), 201);
  const auto stored = read(other);
  EXPECT_EQ(stored.at("type"), boost::json::value(prefix + std::string(1200 - prefix.size(), 'T')));
}

// A user @context may map a short term to any IRI: one too long to be a name is refused, naming
// the term, and nothing is stored.
TEST_F(Robustness, ATermExpandingToAnOverlongIriIs400) {
  const auto id = new_id();
  const std::string iri = "https://example.org/" + std::string(1200, 'x');
  for (const bool as_type : {false, true}) {
    boost::json::object entity{{"id", id}, {"type", as_type ? "long" : "Shelter"}};
    if (!as_type) entity["long"] = boost::json::object{{"type", "Property"}, {"value", 1}};
    entity["@context"] =
        boost::json::array{boost::json::object{{"long", iri}}, std::string(kCoreContext).c_str()};
    const auto res = http().post(kEntities, S(entity), {{"Content-Type", "application/ld+json"}});
    EXPECT_PROBLEM(res, 400, "BadRequestData");
    EXPECT_NE(res.json().at("detail").as_string().find(
                  "term 'long' expands to an IRI of 1220 bytes; the limit is 1200"),
              std::string::npos)
        << res.body;
    EXPECT_PROBLEM(http().get(entity_path(id)), 404, "ResourceNotFound");
  }
}

TEST_F(Robustness, BadPercentEncodingInPathIsNotAServerError) {
  const auto res = http().get(kEntities + "/urn%ZZngsi-ld%3");
  EXPECT_TRUE(NotAServerError(res));
  EXPECT_GE(res.status, 400);
}

TEST_F(Robustness, HugeOffsetIs400) {
  EXPECT_PROBLEM(http().get(kEntities + "?type=Shelter&offset=99999999999999999999999"), 400,
                 "BadRequestData");
}

TEST_F(Robustness, UnknownOptionsValuesAre400) {
  const auto id = make_shelter();
  EXPECT_PROBLEM(http().get(entity_path(id) + "?options=bogus"), 400, "BadRequestData");
  EXPECT_PROBLEM(http().get(kEntities + "?type=Shelter&options=keyValues,bogus"), 400,
                 "BadRequestData");
  EXPECT_PROBLEM(http().patch(entity_path(id) + "/attrs?options=bogus",
                              R"({"name": {"type": "Property", "value": "x"}})"),
                 400, "BadRequestData");
  EXPECT_EQ(read(id).at("name"), J(R"({"type": "Property", "value": "Hall"})"));
}

TEST_F(Robustness, RefusedAppendChangesNothing) {
  const auto id = make_shelter();
  const auto before = read(id, "?options=sysAttrs");
  const auto res = http().post(entity_path(id) + "/attrs", R"({
    "status": {"type": "Property", "value": "open"},
    "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [500, 34]}}
  })");
  EXPECT_PROBLEM(res, 400, "BadRequestData");
  EXPECT_EQ(read(id, "?options=sysAttrs"), before);
}

TEST_F(Robustness, RefusedUpdateChangesNothing) {
  const auto id = make_shelter();
  const auto before = read(id, "?options=sysAttrs");
  const auto res = http().patch(entity_path(id) + "/attrs", R"({
    "capacity": {"type": "Property", "value": 1},
    "name": {"type": "Relationship", "object": "not a uri"}
  })");
  EXPECT_PROBLEM(res, 400, "BadRequestData");
  EXPECT_EQ(read(id, "?options=sysAttrs"), before);
}

TEST_F(Robustness, RefusedMergeChangesNothing) {
  const auto id = make_shelter();
  const auto before = read(id, "?options=sysAttrs");
  const auto res = http().patch(entity_path(id), R"({
    "capacity": {"type": "Property", "value": 1},
    "location": {"type": "GeoProperty", "value": {"type": "Polygon",
                 "coordinates": [[[0, 0], [1, 0], [1, 1]]]}}
  })");
  EXPECT_PROBLEM(res, 400, "BadRequestData");
  EXPECT_EQ(read(id, "?options=sysAttrs"), before);
}

TEST_F(Robustness, RefusedReplaceChangesNothing) {
  const auto id = make_shelter();
  const auto before = read(id, "?options=sysAttrs");
  const auto res = http().put(entity_path(id), R"({
    "type": "Shelter",
    "capacity": {"type": "Property", "value": 1},
    "owner": {"type": "Relationship"}
  })");
  EXPECT_PROBLEM(res, 400, "BadRequestData");
  EXPECT_EQ(read(id, "?options=sysAttrs"), before);
}

TEST_F(Robustness, RefusedAttributeReplaceChangesNothing) {
  const auto id = make_shelter();
  const auto before = read(id, "?options=sysAttrs");
  EXPECT_PROBLEM(http().put(entity_path(id) + "/attrs/location",
                            R"({"type": "GeoProperty", "value": {"type": "Point"}})"),
                 400, "BadRequestData");
  EXPECT_PROBLEM(http().patch(entity_path(id) + "/attrs/location",
                              R"({"value": {"type": "Point", "coordinates": [0, 95]}})"),
                 400, "BadRequestData");
  EXPECT_EQ(read(id, "?options=sysAttrs"), before);
}

TEST_F(Robustness, GarbageInsteadOfHttpIsRefused) {
  const auto reply = raw_exchange(server().host(), server().port(), "HELLO THERE\r\n\r\n", 3000ms);
  EXPECT_TRUE(reply.empty() || reply.starts_with("HTTP/1.1 400")) << reply;
  const auto binary =
      raw_exchange(server().host(), server().port(),
                   std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11), 3000ms);
  EXPECT_TRUE(binary.empty() || binary.starts_with("HTTP/1.1 400")) << binary;
}

TEST_F(Robustness, TruncatedBodyWritesNothing) {
  const auto id = new_id();
  const std::string body = R"({"id": ")" + id + R"(", "type": "Shelter"})";
  const std::string request =
      "POST /ngsi-ld/v1/entities HTTP/1.1\r\nHost: t\r\n"
      "Content-Type: application/json\r\nContent-Length: " +
      std::to_string(body.size() + 50) + "\r\n\r\n" + body;
  // The client gives up after 1 s without sending the rest.
  raw_exchange(server().host(), server().port(), request, 1000ms);
  EXPECT_PROBLEM(http().get(entity_path(id)), 404, "ResourceNotFound");
}

TEST_F(Robustness, ManyConnectionsOpenedAndDroppedAreHarmless) {
  for (int i = 0; i < 50; ++i) {
    raw_exchange(server().host(), server().port(), "GET /hea", 20ms);
  }
  EXPECT_STATUS(http().get("/health"), 200);
}

}  // namespace
}  // namespace tsunagu::it
