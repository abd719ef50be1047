// Entity create, retrieve, replace, merge and delete (ETSI GS CIM 009 v1.8, clauses 5.6.1, 5.6.6,
// 5.6.17, 5.6.18, 5.7.1; HTTP binding 6.4.3.1, 6.5.3).

#include "fixture.hpp"

namespace tsunagu::it {
namespace {

class EntitiesCrud : public BrokerTest {
 protected:
  // A shelter that uses most value shapes a Property can have.
  boost::json::value shelter(const std::string& id) {
    return E(id, R"({
      "type": "Shelter",
      "name": {"type": "Property", "value": "Osaka Central Hall"},
      "capacity": {"type": "Property", "value": 350, "unitCode": "C62",
                   "observedAt": "2026-11-25T12:00:00.000Z"},
      "open": {"type": "Property", "value": true},
      "occupancyRate": {"type": "Property", "value": 0.25},
      "facilities": {"type": "Property", "value": ["water", "power", "wifi"]},
      "address": {"type": "Property",
                  "value": {"streetAddress": "1-1 Chuo", "addressLocality": "Osaka"}},
      "operatedBy": {"type": "Relationship", "object": "urn:ngsi-ld:Organization:osaka-city"},
      "location": {"type": "GeoProperty",
                   "value": {"type": "Point", "coordinates": [135.5023, 34.6937]}}
    })");
  }
};

TEST_F(EntitiesCrud, CreateAnswers201WithLocationAndNoBody) {
  const auto id = new_id();
  const auto res = create(shelter(id));
  ASSERT_STATUS(res, 201);
  EXPECT_EQ(res.header("Location"), "/ngsi-ld/v1/entities/" + id);
  EXPECT_EQ(res.body, "");
}

TEST_F(EntitiesCrud, CreatedEntityReadsBackExactlyAsSent) {
  const auto id = new_id();
  const auto entity = shelter(id);
  ASSERT_STATUS(create(entity), 201);
  const auto res = http().get(entity_path(id));
  ASSERT_STATUS(res, 200);
  EXPECT_TRUE(res.header("Content-Type").starts_with("application/json"));
  EXPECT_EQ(res.json(), entity);
}

TEST_F(EntitiesCrud, CreateWithExistingIdIs409AndKeepsTheStoredEntity) {
  const auto id = new_id();
  const auto entity = shelter(id);
  ASSERT_STATUS(create(entity), 201);
  const auto again = create(E(id, R"({"type": "Shelter",
                                      "capacity": {"type": "Property", "value": 1}})"));
  EXPECT_PROBLEM(again, 409, "AlreadyExists");
  EXPECT_EQ(read(id), entity);
}

TEST_F(EntitiesCrud, CreateWithoutIdIs400) {
  const auto res =
      http().post(kEntities, R"({"type": "Shelter", "name": {"type": "Property", "value": "x"}})");
  EXPECT_PROBLEM(res, 400, "BadRequestData");
}

TEST_F(EntitiesCrud, CreateWithoutTypeIs400AndCreatesNothing) {
  const auto id = new_id();
  EXPECT_PROBLEM(create(E(id, R"({"name": {"type": "Property", "value": "x"}})")), 400,
                 "BadRequestData");
  EXPECT_PROBLEM(http().get(entity_path(id)), 404, "ResourceNotFound");
}

TEST_F(EntitiesCrud, CreateWithIdThatIsNotAUriIs400) {
  const auto res = http().post(kEntities, R"({"id": "shelter one", "type": "Shelter"})");
  EXPECT_PROBLEM(res, 400, "BadRequestData");
}

TEST_F(EntitiesCrud, CreateWithEmptyObjectIs400) {
  EXPECT_PROBLEM(http().post(kEntities, "{}"), 400, "BadRequestData");
}

TEST_F(EntitiesCrud, CreateEntityWithoutAttributes) {
  const auto id = new_id();
  ASSERT_STATUS(create(E(id, R"({"type": "Shelter"})")), 201);
  EXPECT_EQ(read(id), E(id, R"({"type": "Shelter"})"));
}

TEST_F(EntitiesCrud, ReadUnknownEntityIs404) {
  EXPECT_PROBLEM(http().get(entity_path(new_id())), 404, "ResourceNotFound");
}

TEST_F(EntitiesCrud, ReadOfAnIdThatIsNotAUriIs400NotAMiss) {
  // 6.5.3.1: an invalid id is a bad request, whether or not the lookup would find anything; the
  // read checks it only after a failed lookup (stored ids are all valid), which must not change
  // that, also where the tenant does not exist.
  for (const std::string id : {"no-scheme", "1x:y", "urn:ngsi-ld:Shelter:%7B%7D"}) {
    SCOPED_TRACE(id);
    EXPECT_PROBLEM(http().get(std::string(kEntities) + "/" + id), 400, "BadRequestData");
    EXPECT_PROBLEM(
        http().get(std::string(kEntities) + "/" + id, {{"NGSILD-Tenant", unique("absent")}}), 400,
        "BadRequestData");
  }
  // A valid id keeps the answer of the read.
  EXPECT_PROBLEM(
      http().get(entity_path("urn:ngsi-ld:Shelter:absent"), {{"NGSILD-Tenant", unique("absent")}}),
      404, "NonexistentTenant");
  EXPECT_PROBLEM(http().get(entity_path("urn:ngsi-ld:Shelter:absent")), 404, "ResourceNotFound");
}

TEST_F(EntitiesCrud, ReadWithAttrsReturnsOnlyThoseAttributes) {
  const auto id = new_id();
  ASSERT_STATUS(create(shelter(id)), 201);
  EXPECT_EQ(read(id, "?attrs=name,operatedBy"), E(id, R"({
    "type": "Shelter",
    "name": {"type": "Property", "value": "Osaka Central Hall"},
    "operatedBy": {"type": "Relationship", "object": "urn:ngsi-ld:Organization:osaka-city"}
  })"));
}

TEST_F(EntitiesCrud, ReadWithOtherTypeIs404) {
  // 6.5.3.1: the optional type parameter must match the entity's type.
  const auto id = new_id();
  ASSERT_STATUS(create(shelter(id)), 201);
  EXPECT_PROBLEM(http().get(entity_path(id) + "?type=Hospital"), 404, "ResourceNotFound");
  EXPECT_STATUS(http().get(entity_path(id) + "?type=Shelter"), 200);
}

TEST_F(EntitiesCrud, DeleteAnswers204AndTheEntityIsGone) {
  const auto id = new_id();
  ASSERT_STATUS(create(shelter(id)), 201);
  const auto res = http().del(entity_path(id));
  EXPECT_STATUS(res, 204);
  EXPECT_EQ(res.body, "");
  EXPECT_PROBLEM(http().get(entity_path(id)), 404, "ResourceNotFound");
  EXPECT_PROBLEM(http().del(entity_path(id)), 404, "ResourceNotFound");
}

TEST_F(EntitiesCrud, DeletedIdCanBeCreatedAgain) {
  const auto id = new_id();
  ASSERT_STATUS(create(shelter(id)), 201);
  ASSERT_STATUS(http().del(entity_path(id)), 204);
  const auto fresh = E(id, R"({"type": "Shelter", "name": {"type": "Property", "value": "new"}})");
  ASSERT_STATUS(create(fresh), 201);
  EXPECT_EQ(read(id), fresh);
}

TEST_F(EntitiesCrud, ReplaceAnswers204AndDropsAttributesNotSent) {
  const auto id = new_id();
  ASSERT_STATUS(create(shelter(id)), 201);
  const auto res = http().put(entity_path(id), R"({
    "type": "Shelter",
    "name": {"type": "Property", "value": "Renamed Hall"},
    "status": {"type": "Property", "value": "closed"}
  })");
  EXPECT_STATUS(res, 204);
  EXPECT_EQ(res.body, "");
  EXPECT_EQ(read(id), E(id, R"({
    "type": "Shelter",
    "name": {"type": "Property", "value": "Renamed Hall"},
    "status": {"type": "Property", "value": "closed"}
  })"));
}

TEST_F(EntitiesCrud, ReplaceUnknownEntityIs404AndCreatesNothing) {
  const auto id = new_id();
  const auto res = http().put(entity_path(id),
                              R"({"type": "Shelter", "name": {"type": "Property", "value": 1}})");
  EXPECT_PROBLEM(res, 404, "ResourceNotFound");
  EXPECT_PROBLEM(http().get(entity_path(id)), 404, "ResourceNotFound");
}

TEST_F(EntitiesCrud, ReplaceWithAnotherIdInTheBodyIs400AndChangesNothing) {
  const auto id = new_id();
  const auto entity = shelter(id);
  ASSERT_STATUS(create(entity), 201);
  const auto body = E(new_id(), R"({"type": "Shelter"})");
  EXPECT_PROBLEM(http().put(entity_path(id), S(body)), 400, "BadRequestData");
  EXPECT_EQ(read(id), entity);
}

TEST_F(EntitiesCrud, MergeAnswers204UpdatesAddsAndKeepsOtherAttributes) {
  const auto id = new_id();
  ASSERT_STATUS(create(E(id, R"({
    "type": "Shelter",
    "name": {"type": "Property", "value": "Hall"},
    "capacity": {"type": "Property", "value": 350}
  })")),
                201);
  const auto res = http().patch(entity_path(id), R"({
    "capacity": {"type": "Property", "value": 120},
    "status": {"type": "Property", "value": "open"}
  })");
  EXPECT_STATUS(res, 204);
  EXPECT_EQ(res.body, "");
  EXPECT_EQ(read(id), E(id, R"({
    "type": "Shelter",
    "name": {"type": "Property", "value": "Hall"},
    "capacity": {"type": "Property", "value": 120},
    "status": {"type": "Property", "value": "open"}
  })"));
}

TEST_F(EntitiesCrud, MergeWithNgsiLdNullDeletesTheAttribute) {
  // 5.6.17 (merge-patch): an attribute whose value is "urn:ngsi-ld:null" is removed.
  const auto id = new_id();
  ASSERT_STATUS(create(E(id, R"({
    "type": "Shelter",
    "name": {"type": "Property", "value": "Hall"},
    "capacity": {"type": "Property", "value": 350}
  })")),
                201);
  EXPECT_STATUS(http().patch(entity_path(id),
                             R"({"capacity": {"type": "Property", "value": "urn:ngsi-ld:null"}})"),
                204);
  EXPECT_EQ(read(id),
            E(id, R"({"type": "Shelter", "name": {"type": "Property", "value": "Hall"}})"));
}

TEST_F(EntitiesCrud, MergeUnknownEntityIs404) {
  const auto res =
      http().patch(entity_path(new_id()), R"({"capacity": {"type": "Property", "value": 1}})");
  EXPECT_PROBLEM(res, 404, "ResourceNotFound");
}

TEST_F(EntitiesCrud, SysAttrsShowsCreationAndModificationTimes) {
  const auto id = new_id();
  ASSERT_STATUS(create(E(id, R"({
    "type": "Shelter",
    "name": {"type": "Property", "value": "Hall"},
    "capacity": {"type": "Property", "value": 350}
  })")),
                201);
  const auto before = read(id, "?options=sysAttrs");
  ASSERT_TRUE(before.is_object());
  for (const auto* member : {"createdAt", "modifiedAt"}) {
    EXPECT_TRUE(is_utc_ms_timestamp(before.at(member))) << member << " in " << before;
    EXPECT_TRUE(is_utc_ms_timestamp(before.at("name").at(member))) << member << " in " << before;
    EXPECT_TRUE(is_utc_ms_timestamp(before.at("capacity").at(member)))
        << member << " in " << before;
  }
  std::this_thread::sleep_for(20ms);
  ASSERT_STATUS(http().patch(entity_path(id), R"({"capacity": {"type": "Property", "value": 5}})"),
                204);
  const auto after = read(id, "?options=sysAttrs");
  ASSERT_TRUE(after.is_object());
  EXPECT_EQ(after.at("createdAt"), before.at("createdAt"));
  EXPECT_GT(after.at("modifiedAt").as_string(), before.at("modifiedAt").as_string());
  EXPECT_GT(after.at("capacity").at("modifiedAt").as_string(),
            before.at("capacity").at("modifiedAt").as_string());
  EXPECT_EQ(after.at("name").at("modifiedAt"), before.at("name").at("modifiedAt"));
  EXPECT_EQ(after.at("capacity").at("value"), 5);
}

TEST_F(EntitiesCrud, ConcurrentCreatesOfOneIdMakeExactlyOneEntity) {
  const auto id = new_id();
  constexpr int kWriters = 6;
  std::atomic<int> created{0};
  std::atomic<int> conflicts{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      auto client = server().client();
      auto entity = E(id, R"({"type": "Shelter"})");
      entity.as_object()["writer"] = boost::json::object{{"type", "Property"}, {"value", w}};
      try {
        const auto res = client.post(kEntities, S(entity));
        if (res.status == 201) ++created;
        if (res.status == 409) ++conflicts;
      } catch (const std::exception&) {
      }
    });
  }
  for (auto& writer : writers) writer.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(conflicts.load(), kWriters - 1);
  EXPECT_EQ(read(id).as_object().size(), 3U);
}

TEST_F(EntitiesCrud, QueryWithSysAttrsShowsTimestamps) {
  const auto type = unique("Shelter");
  const auto id = new_id();
  auto entity = E(id, R"({"name": {"type": "Property", "value": "Hall"}})");
  entity.as_object()["type"] = type;
  ASSERT_STATUS(create(entity), 201);
  const auto res = http().get(kEntities + "?type=" + type + "&options=sysAttrs");
  ASSERT_STATUS(res, 200);
  const auto list = res.json();
  ASSERT_EQ(list.as_array().size(), 1U) << list;
  const auto& found = list.as_array()[0];
  EXPECT_TRUE(is_utc_ms_timestamp(found.at("createdAt"))) << found;
  EXPECT_TRUE(is_utc_ms_timestamp(found.at("modifiedAt"))) << found;
  EXPECT_TRUE(is_utc_ms_timestamp(found.at("name").at("createdAt"))) << found;
}

}  // namespace
}  // namespace tsunagu::it
