// Attribute operations (ETSI GS CIM 009 v1.8 clauses 5.6.2 update, 5.6.3 append, 5.6.4 partial
// update, 5.6.5 delete, 5.6.19 replace; HTTP binding 6.6.3 and 6.7.3). A 207 answer carries an
// UpdateResult (5.2.18): {"updated": [names], "notUpdated": [{"attributeName", "reason"}]}.

#include "fixture.hpp"

namespace tsunagu::it {
namespace {

class Attributes : public BrokerTest {
 protected:
  std::string attrs_path(const std::string& id) { return entity_path(id) + "/attrs"; }
  std::string attr_path(const std::string& id, std::string_view attr) {
    return attrs_path(id) + "/" + std::string(attr);
  }

  // A shelter with name and capacity.
  std::string make_shelter() {
    const auto id = new_id();
    const auto res = create(E(id, R"({
      "type": "Shelter",
      "name": {"type": "Property", "value": "Hall"},
      "capacity": {"type": "Property", "value": 350, "unitCode": "C62"}
    })"));
    EXPECT_STATUS(res, 201);
    return id;
  }

  // A shelter whose capacity has a default instance and one with a datasetId.
  std::string make_multi_instance_shelter() {
    const auto id = new_id();
    const auto res = create(E(id, R"({
      "type": "Shelter",
      "capacity": [
        {"type": "Property", "value": 350},
        {"type": "Property", "value": 40, "datasetId": "urn:ngsi-ld:Dataset:annex"}
      ]
    })"));
    EXPECT_STATUS(res, 201);
    return id;
  }
};

// Checks an UpdateResult: exactly `updated` (any order) and exactly `not_updated` attribute names,
// each with a non-empty reason.
void expect_update_result(const Response& res, std::set<std::string> updated,
                          std::set<std::string> not_updated) {
  ASSERT_STATUS(res, 207);
  const auto body = res.json();
  ASSERT_TRUE(body.is_object()) << body;
  EXPECT_EQ(body.as_object().size(), 2U) << body;
  EXPECT_EQ(ids_of(body.at("updated")), updated) << body;
  EXPECT_EQ(body.at("updated").as_array().size(), updated.size()) << body;
  std::set<std::string> names;
  for (const auto& item : body.at("notUpdated").as_array()) {
    names.emplace(item.at("attributeName").as_string());
    EXPECT_TRUE(item.at("reason").is_string() && !item.at("reason").as_string().empty()) << body;
  }
  EXPECT_EQ(names, not_updated) << body;
}

TEST_F(Attributes, AppendAddsAttributesAndAnswers204) {
  const auto id = make_shelter();
  const auto res = http().post(attrs_path(id), R"({
    "status": {"type": "Property", "value": "open"},
    "managedBy": {"type": "Relationship", "object": "urn:ngsi-ld:Person:tanaka"}
  })");
  EXPECT_STATUS(res, 204);
  EXPECT_EQ(res.body, "");
  EXPECT_EQ(read(id), E(id, R"({
    "type": "Shelter",
    "name": {"type": "Property", "value": "Hall"},
    "capacity": {"type": "Property", "value": 350, "unitCode": "C62"},
    "status": {"type": "Property", "value": "open"},
    "managedBy": {"type": "Relationship", "object": "urn:ngsi-ld:Person:tanaka"}
  })"));
}

TEST_F(Attributes, AppendOverwritesExistingAttributesByDefault) {
  const auto id = make_shelter();
  EXPECT_STATUS(http().post(attrs_path(id), R"({"capacity": {"type": "Property", "value": 10}})"),
                204);
  EXPECT_EQ(read(id).at("capacity"), J(R"({"type": "Property", "value": 10})"));
}

TEST_F(Attributes, AppendWithNoOverwriteKeepsExistingAndAnswers207) {
  const auto id = make_shelter();
  const auto res = http().post(attrs_path(id) + "?options=noOverwrite", R"({
    "capacity": {"type": "Property", "value": 10},
    "status": {"type": "Property", "value": "open"}
  })");
  expect_update_result(res, {"status"}, {"capacity"});
  EXPECT_EQ(read(id), E(id, R"({
    "type": "Shelter",
    "name": {"type": "Property", "value": "Hall"},
    "capacity": {"type": "Property", "value": 350, "unitCode": "C62"},
    "status": {"type": "Property", "value": "open"}
  })"));
}

TEST_F(Attributes, AppendWithNoOverwriteAndOnlyNewAttributesAnswers204) {
  const auto id = make_shelter();
  EXPECT_STATUS(http().post(attrs_path(id) + "?options=noOverwrite",
                            R"({"status": {"type": "Property", "value": "open"}})"),
                204);
  EXPECT_EQ(read(id).at("status"), J(R"({"type": "Property", "value": "open"})"));
}

TEST_F(Attributes, AppendToUnknownEntityIs404) {
  const auto res =
      http().post(attrs_path(new_id()), R"({"status": {"type": "Property", "value": "open"}})");
  EXPECT_PROBLEM(res, 404, "ResourceNotFound");
}

TEST_F(Attributes, AppendInstanceWithNewDatasetIdKeepsTheDefaultInstance) {
  const auto id = make_shelter();
  EXPECT_STATUS(http().post(attrs_path(id), R"({
    "capacity": {"type": "Property", "value": 40, "datasetId": "urn:ngsi-ld:Dataset:annex"}
  })"),
                204);
  EXPECT_EQ(sorted_instances(read(id).at("capacity")), J(R"([
    {"type": "Property", "value": 350, "unitCode": "C62"},
    {"type": "Property", "value": 40, "datasetId": "urn:ngsi-ld:Dataset:annex"}
  ])"));
}

TEST_F(Attributes, UpdateChangesExistingAttributesAndAnswers204) {
  const auto id = make_shelter();
  const auto res = http().patch(attrs_path(id), R"({
    "capacity": {"type": "Property", "value": 120},
    "name": {"type": "Property", "value": "North Hall"}
  })");
  EXPECT_STATUS(res, 204);
  EXPECT_EQ(res.body, "");
  EXPECT_EQ(read(id), E(id, R"({
    "type": "Shelter",
    "name": {"type": "Property", "value": "North Hall"},
    "capacity": {"type": "Property", "value": 120}
  })"));
}

TEST_F(Attributes, UpdateWithUnknownAttributeAnswers207AndAddsNothing) {
  const auto id = make_shelter();
  const auto res = http().patch(attrs_path(id), R"({
    "capacity": {"type": "Property", "value": 120},
    "ghost": {"type": "Property", "value": "boo"}
  })");
  expect_update_result(res, {"capacity"}, {"ghost"});
  const auto entity = read(id);
  EXPECT_EQ(entity.at("capacity"), J(R"({"type": "Property", "value": 120})"));
  EXPECT_FALSE(entity.as_object().contains("ghost")) << entity;
}

TEST_F(Attributes, UpdateOfUnknownEntityIs404) {
  const auto res =
      http().patch(attrs_path(new_id()), R"({"capacity": {"type": "Property", "value": 1}})");
  EXPECT_PROBLEM(res, 404, "ResourceNotFound");
}

TEST_F(Attributes, PartialUpdateChangesOnlyTheGivenMembers) {
  const auto id = make_shelter();
  const auto res = http().patch(attr_path(id, "capacity"), R"({"value": 120})");
  EXPECT_STATUS(res, 204);
  EXPECT_EQ(res.body, "");
  EXPECT_EQ(read(id).at("capacity"), J(R"({"type": "Property", "value": 120, "unitCode": "C62"})"));
}

TEST_F(Attributes, PartialUpdateOfOneInstanceByDatasetId) {
  const auto id = make_multi_instance_shelter();
  EXPECT_STATUS(http().patch(attr_path(id, "capacity"),
                             R"({"value": 45, "datasetId": "urn:ngsi-ld:Dataset:annex"})"),
                204);
  EXPECT_EQ(sorted_instances(read(id).at("capacity")), J(R"([
    {"type": "Property", "value": 350},
    {"type": "Property", "value": 45, "datasetId": "urn:ngsi-ld:Dataset:annex"}
  ])"));
}

TEST_F(Attributes, PartialUpdateOfUnknownAttributeOrEntityIs404) {
  const auto id = make_shelter();
  EXPECT_PROBLEM(http().patch(attr_path(id, "ghost"), R"({"value": 1})"), 404, "ResourceNotFound");
  EXPECT_PROBLEM(http().patch(attr_path(new_id(), "capacity"), R"({"value": 1})"), 404,
                 "ResourceNotFound");
  EXPECT_FALSE(read(id).as_object().contains("ghost"));
}

TEST_F(Attributes, ReplaceAttributeAnswers204AndDropsMembersNotSent) {
  const auto id = make_shelter();
  const auto res = http().put(attr_path(id, "capacity"), R"({"type": "Property", "value": 5})");
  EXPECT_STATUS(res, 204);
  EXPECT_EQ(res.body, "");
  EXPECT_EQ(read(id).at("capacity"), J(R"({"type": "Property", "value": 5})"));
}

TEST_F(Attributes, ReplaceAttributeMayChangeItsKind) {
  const auto id = make_shelter();
  EXPECT_STATUS(http().put(attr_path(id, "name"),
                           R"({"type": "Relationship", "object": "urn:ngsi-ld:Name:hall"})"),
                204);
  EXPECT_EQ(read(id).at("name"),
            J(R"({"type": "Relationship", "object": "urn:ngsi-ld:Name:hall"})"));
}

TEST_F(Attributes, ReplaceUnknownAttributeIs404) {
  const auto id = make_shelter();
  EXPECT_PROBLEM(http().put(attr_path(id, "ghost"), R"({"type": "Property", "value": 5})"), 404,
                 "ResourceNotFound");
  EXPECT_FALSE(read(id).as_object().contains("ghost"));
}

TEST_F(Attributes, DeleteAttributeAnswers204) {
  const auto id = make_shelter();
  const auto res = http().del(attr_path(id, "capacity"));
  EXPECT_STATUS(res, 204);
  EXPECT_EQ(res.body, "");
  EXPECT_EQ(read(id),
            E(id, R"({"type": "Shelter", "name": {"type": "Property", "value": "Hall"}})"));
  EXPECT_PROBLEM(http().del(attr_path(id, "capacity")), 404, "ResourceNotFound");
}

TEST_F(Attributes, DeleteAttributeOfUnknownEntityIs404) {
  EXPECT_PROBLEM(http().del(attr_path(new_id(), "capacity")), 404, "ResourceNotFound");
}

TEST_F(Attributes, DeleteOneInstanceByDatasetId) {
  const auto id = make_multi_instance_shelter();
  EXPECT_STATUS(http().del(attr_path(id, "capacity") +
                           "?datasetId=" + url_encode("urn:ngsi-ld:Dataset:annex")),
                204);
  EXPECT_EQ(read(id).at("capacity"), J(R"({"type": "Property", "value": 350})"));
}

TEST_F(Attributes, DeleteWithoutDatasetIdRemovesOnlyTheDefaultInstance) {
  // 5.6.5: without datasetId (and without deleteAll) only the default instance is deleted.
  const auto id = make_multi_instance_shelter();
  EXPECT_STATUS(http().del(attr_path(id, "capacity")), 204);
  EXPECT_EQ(read(id).at("capacity"),
            J(R"({"type": "Property", "value": 40, "datasetId": "urn:ngsi-ld:Dataset:annex"})"));
}

TEST_F(Attributes, DeleteAllRemovesEveryInstance) {
  const auto id = make_multi_instance_shelter();
  EXPECT_STATUS(http().del(attr_path(id, "capacity") + "?deleteAll=true"), 204);
  EXPECT_EQ(read(id), E(id, R"({"type": "Shelter"})"));
}

TEST_F(Attributes, DeleteUnknownDatasetIdIs404AndKeepsEveryInstance) {
  const auto id = make_multi_instance_shelter();
  EXPECT_PROBLEM(http().del(attr_path(id, "capacity") +
                            "?datasetId=" + url_encode("urn:ngsi-ld:Dataset:nowhere")),
                 404, "ResourceNotFound");
  EXPECT_EQ(sorted_instances(read(id).at("capacity")), J(R"([
    {"type": "Property", "value": 350},
    {"type": "Property", "value": 40, "datasetId": "urn:ngsi-ld:Dataset:annex"}
  ])"));
}

TEST_F(Attributes, UnknownOptionsValueIs400AndChangesNothing) {
  const auto id = make_shelter();
  const auto before = read(id);
  EXPECT_PROBLEM(http().post(attrs_path(id) + "?options=sometimes",
                             R"({"status": {"type": "Property", "value": "open"}})"),
                 400, "BadRequestData");
  EXPECT_EQ(read(id), before);
}

TEST_F(Attributes, ConcurrentAppendsToOneEntityLoseNothing) {
  // Each append is a read-modify-write of one entity: none may overwrite another's attribute.
  const auto id = make_shelter();
  constexpr int kWriters = 6;
  constexpr int kEach = 5;
  std::atomic<int> acknowledged{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      auto client = server().client();
      for (int i = 0; i < kEach; ++i) {
        boost::json::object attrs;
        attrs["w" + std::to_string(w) + "_" + std::to_string(i)] =
            boost::json::object{{"type", "Property"}, {"value", i}};
        try {
          if (client.post(attrs_path(id), S(attrs)).status == 204) ++acknowledged;
        } catch (const std::exception&) {
        }
      }
    });
  }
  for (auto& writer : writers) writer.join();
  EXPECT_EQ(acknowledged.load(), kWriters * kEach);
  const auto entity = read(id);
  ASSERT_TRUE(entity.is_object());
  for (int w = 0; w < kWriters; ++w) {
    for (int i = 0; i < kEach; ++i) {
      const auto name = "w" + std::to_string(w) + "_" + std::to_string(i);
      EXPECT_TRUE(entity.as_object().contains(name)) << name << " lost";
    }
  }
  EXPECT_EQ(entity.as_object().size(), 4U + kWriters * kEach);  // id, type, name, capacity
}

}  // namespace
}  // namespace tsunagu::it
