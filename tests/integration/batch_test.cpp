// Batch entity operations (ETSI GS CIM 009 v1.8 clauses 5.6.7 create, 5.6.8 upsert, 5.6.9 update,
// 5.6.10 delete; HTTP binding 6.14 to 6.17). A 207 answer carries a BatchOperationResult (5.2.16):
// {"success": [ids], "errors": [{"entityId": id, "error": ProblemDetails}]}. A bad entity fails
// only itself. More entities than --batch-max (default 1000) is refused whole with 413.

#include "fixture.hpp"

namespace tsunagu::it {
namespace {

struct ExpectedError {
  int status;
  std::string kind;
};

class Batch : public BrokerTest {
 protected:
  boost::json::value shelter(const std::string& id, int capacity) {
    auto entity = E(id, R"({"type": "Shelter"})");
    entity.as_object()["capacity"] = boost::json::object{{"type", "Property"}, {"value", capacity}};
    return entity;
  }

  Response batch(std::string_view operation, const boost::json::value& body,
                 std::string_view query = "") {
    return http().post(kBatch + "/" + std::string(operation) + std::string(query), S(body));
  }
};

// A 207 BatchOperationResult with exactly these successes and errors.
void expect_batch_result(const Response& res, const std::set<std::string>& success,
                         const std::map<std::string, ExpectedError>& errors) {
  ASSERT_STATUS(res, 207);
  const auto body = res.json();
  ASSERT_TRUE(body.is_object()) << body;
  EXPECT_EQ(ids_of(body.at("success")), success) << body;
  EXPECT_EQ(body.at("success").as_array().size(), success.size()) << body;
  const auto& items = body.at("errors").as_array();
  EXPECT_EQ(items.size(), errors.size()) << body;
  for (const auto& item : items) {
    const std::string id(item.at("entityId").as_string());
    const auto expected = errors.find(id);
    if (expected == errors.end()) {
      ADD_FAILURE() << "unexpected error for " << id << ": " << item;
      continue;
    }
    const auto& problem = item.at("error").as_object();
    EXPECT_EQ(problem.at("type"),
              boost::json::value(std::string(kErrorTypePrefix) + expected->second.kind))
        << item;
    if (problem.contains("status")) {
      EXPECT_EQ(problem.at("status"), expected->second.status) << item;
    }
  }
}

boost::json::value array_of(std::initializer_list<boost::json::value> items) {
  return boost::json::array(items.begin(), items.end());
}

TEST_F(Batch, CreateAnswers201WithTheCreatedIds) {
  const auto a = new_id();
  const auto b = new_id();
  const auto res = batch("create", array_of({shelter(a, 1), shelter(b, 2)}));
  ASSERT_STATUS(res, 201);
  EXPECT_EQ(ids_of(res.json()), (std::set<std::string>{a, b}));
  EXPECT_EQ(res.json().as_array().size(), 2U);
  EXPECT_EQ(read(a), shelter(a, 1));
  EXPECT_EQ(read(b), shelter(b, 2));
}

TEST_F(Batch, CreateWithAnExistingEntityAnswers207AndKeepsIt) {
  const auto existing = new_id();
  const auto fresh = new_id();
  ASSERT_STATUS(create(shelter(existing, 1)), 201);
  const auto res = batch("create", array_of({shelter(existing, 99), shelter(fresh, 2)}));
  expect_batch_result(res, {fresh}, {{existing, {409, "AlreadyExists"}}});
  EXPECT_EQ(read(existing), shelter(existing, 1));
  EXPECT_EQ(read(fresh), shelter(fresh, 2));
}

TEST_F(Batch, CreateWithInvalidEntitiesFailsOnlyThose) {
  const auto good = new_id();
  const auto bad_attribute = new_id();
  auto broken = E(bad_attribute, R"({"type": "Shelter", "owner": {"type": "Relationship"}})");
  const auto res = batch("create", array_of({shelter(good, 1), J(R"({"id": "not a uri",
                                                                     "type": "Shelter"})"),
                                             broken}));
  expect_batch_result(
      res, {good},
      {{"not a uri", {400, "BadRequestData"}}, {bad_attribute, {400, "BadRequestData"}}});
  EXPECT_EQ(read(good), shelter(good, 1));
  EXPECT_PROBLEM(http().get(entity_path(bad_attribute)), 404, "ResourceNotFound");
}

TEST_F(Batch, BodyThatIsNotAnArrayIs400) {
  EXPECT_PROBLEM(batch("create", shelter(new_id(), 1)), 400, "BadRequestData");
  EXPECT_PROBLEM(batch("upsert", J(R"({"entities": []})")), 400, "BadRequestData");
  EXPECT_PROBLEM(batch("delete", J(R"("urn:ngsi-ld:Shelter:1")")), 400, "BadRequestData");
}

TEST_F(Batch, BrokenJsonIs400InvalidRequest) {
  EXPECT_PROBLEM(http().post(kBatch + "/create", R"([{"id": "urn:ngsi-ld:Shelter:1", )"), 400,
                 "InvalidRequest");
}

TEST_F(Batch, MoreThanTheDefaultMaximumIs413AndNothingIsCreated) {
  boost::json::array entities;
  std::string first;
  for (int i = 0; i < 1001; ++i) {
    const auto id = new_id();
    if (i == 0) first = id;
    entities.push_back(E(id, R"({"type": "Shelter"})"));
  }
  const auto res = http().post(kBatch + "/create", S(entities));
  ASSERT_TRUE(IsHttpError(res, 413));
  ASSERT_FALSE(res.body.empty()) << "the contract asks for a ProblemDetails body";
  EXPECT_TRUE(res.json().at("type").is_string()) << res.body;
  EXPECT_PROBLEM(http().get(entity_path(first)), 404, "ResourceNotFound");
}

TEST_F(Batch, ExactlyTheDefaultMaximumIsAccepted) {
  const auto type = unique("Shelter");
  boost::json::array entities;
  for (int i = 0; i < 1000; ++i) {
    auto entity = E(new_id(), R"({"capacity": {"type": "Property", "value": 1}})");
    entity.as_object()["type"] = type;
    entities.push_back(entity);
  }
  const auto res = http().post(kBatch + "/create", S(entities));
  ASSERT_STATUS(res, 201);
  EXPECT_EQ(res.json().as_array().size(), 1000U);
  const auto count = http().get(kEntities + "?type=" + type + "&count=true&limit=0");
  ASSERT_STATUS(count, 200);
  EXPECT_EQ(count.header("NGSILD-Results-Count"), "1000");
}

TEST_F(Batch, UpsertOfNewEntitiesAnswers201WithTheirIds) {
  const auto a = new_id();
  const auto b = new_id();
  const auto res = batch("upsert", array_of({shelter(a, 1), shelter(b, 2)}));
  ASSERT_STATUS(res, 201);
  EXPECT_EQ(ids_of(res.json()), (std::set<std::string>{a, b}));
  EXPECT_EQ(read(a), shelter(a, 1));
}

TEST_F(Batch, UpsertOfExistingEntitiesAnswers204AndReplacesThem) {
  const auto id = new_id();
  ASSERT_STATUS(create(E(id, R"({"type": "Shelter",
                                 "name": {"type": "Property", "value": "old"},
                                 "capacity": {"type": "Property", "value": 1}})")),
                201);
  const auto res = batch("upsert", array_of({shelter(id, 7)}));
  EXPECT_STATUS(res, 204);
  EXPECT_EQ(res.body, "");
  // options=replace is the default: attributes not in the batch are gone.
  EXPECT_EQ(read(id), shelter(id, 7));
}

TEST_F(Batch, UpsertWithUpdateOptionKeepsOtherAttributes) {
  const auto id = new_id();
  ASSERT_STATUS(create(E(id, R"({"type": "Shelter",
                                 "name": {"type": "Property", "value": "old"},
                                 "capacity": {"type": "Property", "value": 1}})")),
                201);
  EXPECT_STATUS(batch("upsert", array_of({shelter(id, 7)}), "?options=update"), 204);
  EXPECT_EQ(read(id), E(id, R"({"type": "Shelter",
                                "name": {"type": "Property", "value": "old"},
                                "capacity": {"type": "Property", "value": 7}})"));
}

TEST_F(Batch, UpsertOfNewAndExistingAnswers201WithOnlyTheCreatedIds) {
  const auto existing = new_id();
  const auto fresh = new_id();
  ASSERT_STATUS(create(shelter(existing, 1)), 201);
  const auto res = batch("upsert", array_of({shelter(existing, 5), shelter(fresh, 6)}));
  ASSERT_STATUS(res, 201);
  EXPECT_EQ(res.json(), array_of({boost::json::value(fresh)}));
  EXPECT_EQ(read(existing), shelter(existing, 5));
  EXPECT_EQ(read(fresh), shelter(fresh, 6));
}

TEST_F(Batch, UpsertWithAnInvalidEntityAnswers207) {
  const auto existing = new_id();
  const auto fresh = new_id();
  const auto bad = new_id();
  ASSERT_STATUS(create(shelter(existing, 1)), 201);
  const auto res = batch(
      "upsert", array_of({shelter(existing, 5), shelter(fresh, 6), E(bad, R"({"type": 5})")}));
  expect_batch_result(res, {existing, fresh}, {{bad, {400, "BadRequestData"}}});
  EXPECT_EQ(read(existing), shelter(existing, 5));
  EXPECT_EQ(read(fresh), shelter(fresh, 6));
}

TEST_F(Batch, UnknownUpsertOptionIs400) {
  EXPECT_PROBLEM(batch("upsert", array_of({shelter(new_id(), 1)}), "?options=merge"), 400,
                 "BadRequestData");
}

TEST_F(Batch, UpdateAnswers204AndAppendsAttributes) {
  const auto a = new_id();
  const auto b = new_id();
  ASSERT_STATUS(create(shelter(a, 1)), 201);
  ASSERT_STATUS(create(shelter(b, 2)), 201);
  auto a_update = E(a, R"({"type": "Shelter", "capacity": {"type": "Property", "value": 10},
                           "status": {"type": "Property", "value": "open"}})");
  auto b_update = E(b, R"({"type": "Shelter", "status": {"type": "Property", "value": "full"}})");
  const auto res = batch("update", array_of({a_update, b_update}));
  EXPECT_STATUS(res, 204);
  EXPECT_EQ(res.body, "");
  EXPECT_EQ(read(a), a_update);
  EXPECT_EQ(read(b), E(b, R"({"type": "Shelter", "capacity": {"type": "Property", "value": 2},
                              "status": {"type": "Property", "value": "full"}})"));
}

TEST_F(Batch, UpdateWithNoOverwriteKeepsExistingValues) {
  const auto id = new_id();
  ASSERT_STATUS(create(shelter(id, 1)), 201);
  auto update = E(id, R"({"type": "Shelter", "capacity": {"type": "Property", "value": 10},
                          "status": {"type": "Property", "value": "open"}})");
  EXPECT_STATUS(batch("update", array_of({update}), "?options=noOverwrite"), 204);
  EXPECT_EQ(read(id), E(id, R"({"type": "Shelter", "capacity": {"type": "Property", "value": 1},
                                "status": {"type": "Property", "value": "open"}})"));
}

TEST_F(Batch, UpdateOfAnUnknownEntityAnswers207AndCreatesNothing) {
  const auto existing = new_id();
  const auto missing = new_id();
  ASSERT_STATUS(create(shelter(existing, 1)), 201);
  const auto res = batch("update", array_of({shelter(existing, 3), shelter(missing, 4)}));
  expect_batch_result(res, {existing}, {{missing, {404, "ResourceNotFound"}}});
  EXPECT_EQ(read(existing), shelter(existing, 3));
  EXPECT_PROBLEM(http().get(entity_path(missing)), 404, "ResourceNotFound");
}

TEST_F(Batch, DeleteAnswers204) {
  const auto a = new_id();
  const auto b = new_id();
  ASSERT_STATUS(create(shelter(a, 1)), 201);
  ASSERT_STATUS(create(shelter(b, 2)), 201);
  const auto res = batch("delete", array_of({boost::json::value(a), boost::json::value(b)}));
  EXPECT_STATUS(res, 204);
  EXPECT_EQ(res.body, "");
  EXPECT_PROBLEM(http().get(entity_path(a)), 404, "ResourceNotFound");
  EXPECT_PROBLEM(http().get(entity_path(b)), 404, "ResourceNotFound");
}

TEST_F(Batch, DeleteWithAnUnknownIdAnswers207) {
  const auto a = new_id();
  const auto missing = new_id();
  ASSERT_STATUS(create(shelter(a, 1)), 201);
  const auto res = batch("delete", array_of({boost::json::value(a), boost::json::value(missing)}));
  expect_batch_result(res, {a}, {{missing, {404, "ResourceNotFound"}}});
  EXPECT_PROBLEM(http().get(entity_path(a)), 404, "ResourceNotFound");
}

TEST_F(Batch, DeleteOfSomethingOtherThanIdsIs400AndDeletesNothing) {
  // 6.17: the body of a batch delete is an array of entity ids (strings). An array holding
  // anything else is not such a body: the whole request is refused, nothing is deleted.
  const auto a = new_id();
  const auto b = new_id();
  ASSERT_STATUS(create(shelter(a, 1)), 201);
  ASSERT_STATUS(create(shelter(b, 2)), 201);
  EXPECT_PROBLEM(batch("delete", array_of({shelter(a, 1), boost::json::value(b)})), 400,
                 "BadRequestData");
  EXPECT_EQ(read(a), shelter(a, 1));
  EXPECT_EQ(read(b), shelter(b, 2));
}

TEST(BatchLimit, BatchMaxFlagSetsTheLimit) {
  ServerProcess server({"--batch-max", "3"});
  ASSERT_NO_THROW(server.start());
  auto http = server.client();
  boost::json::array three;
  boost::json::array four;
  for (int i = 0; i < 4; ++i) {
    auto entity = E("urn:ngsi-ld:Shelter:limit-" + std::to_string(i), R"({"type": "Shelter"})");
    if (i < 3) three.push_back(entity);
    auto other = entity;
    other.as_object()["id"] = "urn:ngsi-ld:Shelter:over-" + std::to_string(i);
    four.push_back(other);
  }
  EXPECT_STATUS(http.post(kBatch + "/create", S(three)), 201);
  EXPECT_TRUE(IsHttpError(http.post(kBatch + "/create", S(four)), 413));
  EXPECT_TRUE(IsHttpError(http.post(kBatch + "/upsert", S(four)), 413));
  EXPECT_PROBLEM(http.get(entity_path("urn:ngsi-ld:Shelter:over-0")), 404, "ResourceNotFound");
  http.close();
  EXPECT_EQ(server.stop(), 0) << server.log_tail();
}

}  // namespace
}  // namespace tsunagu::it
