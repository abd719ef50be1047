// Tenants (ETSI GS CIM 009 v1.8 clause 4.14 multi-tenancy; HTTP header NGSILD-Tenant, 6.3.14;
// error NonexistentTenant (404) when a tenant that does not exist is read). A write creates its
// tenant. Each tenant is separate from every other and from the default tenant.

#include "fixture.hpp"

namespace tsunagu::it {
namespace {

class Tenants : public BrokerTest {
 protected:
  // A tenant name no other test uses (lower case letters, digits and '-').
  static std::string tenant(std::string_view suffix = "a") {
    std::string name = "t-";
    for (const char c : test_name()) {
      name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return name + "-" + std::string(suffix);
  }

  static boost::json::value shelter(const std::string& id, int capacity) {
    auto entity = E(id, R"({"type": "Shelter"})");
    entity.as_object()["capacity"] = boost::json::object{{"type", "Property"}, {"value", capacity}};
    return entity;
  }
};

TEST_F(Tenants, ReadingATenantThatWasNeverWrittenIs404NonexistentTenant) {
  const auto headers = with_tenant(tenant());
  EXPECT_PROBLEM(http().get(entity_path(new_id()), headers), 404, "NonexistentTenant");
  EXPECT_PROBLEM(http().get(kEntities + "?type=Shelter", headers), 404, "NonexistentTenant");
}

TEST_F(Tenants, AWriteCreatesTheTenant) {
  const auto headers = with_tenant(tenant());
  const auto id = new_id();
  const auto res = http().post(kEntities, S(shelter(id, 1)), headers);
  ASSERT_STATUS(res, 201);
  EXPECT_EQ(read(id, "", headers), shelter(id, 1));
  const auto list = http().get(kEntities + "?type=Shelter", headers);
  ASSERT_STATUS(list, 200);
  EXPECT_EQ(list.json(), boost::json::value(boost::json::array{shelter(id, 1)}));
}

TEST_F(Tenants, DataOfATenantIsInvisibleFromOtherTenantsAndTheDefaultTenant) {
  const auto a = with_tenant(tenant("a"));
  const auto b = with_tenant(tenant("b"));
  const auto id = new_id();
  ASSERT_STATUS(http().post(kEntities, S(shelter(id, 1)), a), 201);
  ASSERT_STATUS(http().post(kEntities, S(shelter(new_id(), 2)), b), 201);

  EXPECT_PROBLEM(http().get(entity_path(id)), 404, "ResourceNotFound");
  EXPECT_PROBLEM(http().get(entity_path(id), b), 404, "ResourceNotFound");
  auto res = http().get(kEntities + "?id=" + id);
  ASSERT_STATUS(res, 200);
  EXPECT_EQ(res.json(), J("[]"));
  res = http().get(kEntities + "?id=" + id, b);
  ASSERT_STATUS(res, 200);
  EXPECT_EQ(res.json(), J("[]"));
}

TEST_F(Tenants, SameIdInTwoTenantsNamesTwoEntities) {
  const auto a = with_tenant(tenant("a"));
  const auto b = with_tenant(tenant("b"));
  const auto id = new_id();
  ASSERT_STATUS(http().post(kEntities, S(shelter(id, 1)), a), 201);
  ASSERT_STATUS(http().post(kEntities, S(shelter(id, 2)), b), 201);
  ASSERT_STATUS(create(shelter(id, 3)), 201);
  EXPECT_EQ(read(id, "", a), shelter(id, 1));
  EXPECT_EQ(read(id, "", b), shelter(id, 2));
  EXPECT_EQ(read(id), shelter(id, 3));
}

TEST_F(Tenants, UpdatesAndDeletesStayInTheirTenant) {
  const auto a = with_tenant(tenant("a"));
  const auto id = new_id();
  ASSERT_STATUS(http().post(kEntities, S(shelter(id, 1)), a), 201);
  ASSERT_STATUS(create(shelter(id, 3)), 201);

  ASSERT_STATUS(http().patch(entity_path(id) + "/attrs",
                             R"({"capacity": {"type": "Property", "value": 10}})", a),
                204);
  EXPECT_EQ(read(id, "", a), shelter(id, 10));
  EXPECT_EQ(read(id), shelter(id, 3));

  ASSERT_STATUS(http().del(entity_path(id), a), 204);
  EXPECT_PROBLEM(http().get(entity_path(id), a), 404, "ResourceNotFound");
  EXPECT_EQ(read(id), shelter(id, 3));
}

TEST_F(Tenants, BatchOperationsStayInTheirTenant) {
  const auto a = with_tenant(tenant("a"));
  const auto x = new_id();
  const auto y = new_id();
  const auto res =
      http().post(kBatch + "/create", S(boost::json::array{shelter(x, 1), shelter(y, 2)}), a);
  ASSERT_STATUS(res, 201);
  EXPECT_EQ(read(x, "", a), shelter(x, 1));
  EXPECT_PROBLEM(http().get(entity_path(x)), 404, "ResourceNotFound");
  const auto count = http().get(kEntities + "?type=Shelter&count=true&limit=0", a);
  ASSERT_STATUS(count, 200);
  EXPECT_EQ(count.header("NGSILD-Results-Count"), "2");
}

TEST_F(Tenants, TenantNameCannotEscapeTheDataDirectory) {
  // The spec does not restrict tenant names; the store keeps one database per tenant under the
  // data directory, so a name must never reach a path outside it. Refusing such a name (400) or
  // storing it safely are both acceptable.
  const auto before = std::distance(std::filesystem::directory_iterator(server().work_dir()),
                                    std::filesystem::directory_iterator());
  const auto headers = with_tenant("../../escape");
  const auto id = new_id();
  const auto res = http().post(kEntities, S(shelter(id, 1)), headers);
  if (res.status == 201) {
    EXPECT_EQ(read(id, "", headers), shelter(id, 1));
  } else {
    EXPECT_PROBLEM(res, 400, "BadRequestData");
  }
  const auto after = std::distance(std::filesystem::directory_iterator(server().work_dir()),
                                   std::filesystem::directory_iterator());
  EXPECT_EQ(after, before) << "a file appeared beside the data directory";
  for (const auto& entry : std::filesystem::directory_iterator(server().work_dir().parent_path())) {
    EXPECT_FALSE(entry.path().filename().string().starts_with("escape")) << entry.path();
  }
  expect_healthy();
}

TEST(TenantsDurability, TenantsSurviveARestart) {
  ServerProcess server;
  ASSERT_NO_THROW(server.start());
  const auto headers = with_tenant("t-restart");
  const std::string id = "urn:ngsi-ld:Shelter:tenant-restart";
  {
    auto http = server.client();
    ASSERT_STATUS(http.post(kEntities, R"({"id": "urn:ngsi-ld:Shelter:tenant-restart",
                                           "type": "Shelter"})",
                            headers),
                  201);
  }
  ASSERT_EQ(server.stop(), 0) << server.log_tail();
  ASSERT_NO_THROW(server.start());
  auto http = server.client();
  EXPECT_STATUS(http.get(entity_path(id), headers), 200);
  EXPECT_PROBLEM(http.get(entity_path(id)), 404, "ResourceNotFound");
  EXPECT_PROBLEM(http.get(entity_path(id), with_tenant("t-never")), 404, "NonexistentTenant");
  http.close();
  EXPECT_EQ(server.stop(), 0) << server.log_tail();
}

}  // namespace
}  // namespace tsunagu::it
