// Metering per client (docs/consent.md "Metering"): GET /admin/v1/usage shows, for each client,
// the requests it made, the entities returned to it by type and the bytes of its answers, by
// the hour; admin scope required.

#include "oidc_support.hpp"

namespace tsunagu::it {
namespace {

namespace json = boost::json;

const std::string kUsage = "/admin/v1/usage";
const std::string kShelterIri = std::string(kDefaultVocab) + "Shelter";

class Usage : public OidcTest {
 protected:
  // The usage rows of one client, as the admin API lists them.
  json::array rows_of(const std::string& client_id) {
    const auto res =
        http().get(kUsage + "?client_id=" + client_id, bearer(get_token(http(), admin())));
    EXPECT_STATUS(res, 200);
    auto body = json::parse(res.body);
    return body.is_array() ? body.as_array() : json::array{};
  }
};

TEST_F(Usage, CountsTheRequestsEntitiesAndBytesOfEachClientByType) {
  const auto write = get_token(http(), writer());
  const std::string tenant = "metering";
  const Headers in_tenant = {{"NGSILD-Tenant", tenant}};
  for (int i = 0; i < 3; ++i) {
    const auto id = new_id("Shelter");
    ASSERT_STATUS(http().post(kEntities, entity(id), bearer(write, in_tenant)), 201);
  }
  // A fresh client (through the admin API), so that its rows are this test's alone.
  const auto made = http().post(
      kAdminClients, R"({"name": "metered", "scopes": ["ngsi-ld:read"], "confidential": true})",
      bearer(get_token(http(), admin()), {{"Content-Type", "application/json"}}));
  ASSERT_STATUS(made, 201);
  const auto made_body = json::parse(made.body);
  const ClientCredentials counted{str(made_body, "client_id"), str(made_body, "client_secret")};
  const auto read = get_token(http(), counted);
  const auto list = http().get(kEntities + "?type=Shelter&limit=2", bearer(read, in_tenant));
  ASSERT_STATUS(list, 200);
  const auto none = http().get(kEntities + "?type=Nothing", bearer(read, in_tenant));
  ASSERT_STATUS(none, 200);

  const auto rows = rows_of(counted.id);
  ASSERT_EQ(rows.size(), 2U) << json::serialize(rows);
  // Ordered by hour, client, tenant and type: the empty type first.
  const auto& empty = rows[0].as_object();
  EXPECT_EQ(empty.at("client_id").as_string(), counted.id);
  EXPECT_EQ(empty.at("tenant").as_string(), tenant);
  EXPECT_EQ(empty.at("type").as_string(), "");
  EXPECT_EQ(empty.at("requests").to_number<std::int64_t>(), 1);
  EXPECT_EQ(empty.at("entities").to_number<std::int64_t>(), 0);
  EXPECT_EQ(empty.at("bytes").to_number<std::int64_t>(),
            static_cast<std::int64_t>(none.body.size()));
  const auto& shelters = rows[1].as_object();
  EXPECT_EQ(shelters.at("type").as_string(), kShelterIri);
  EXPECT_EQ(shelters.at("requests").to_number<std::int64_t>(), 1);
  EXPECT_EQ(shelters.at("entities").to_number<std::int64_t>(), 2);
  EXPECT_EQ(shelters.at("bytes").to_number<std::int64_t>(),
            static_cast<std::int64_t>(list.body.size()));
}

TEST_F(Usage, NeedsTheAdminScopeAndAValidRange) {
  EXPECT_STATUS(http().get(kUsage), 401);
  EXPECT_STATUS(http().get(kUsage, bearer(get_token(http(), reader()))), 403);
  const auto admin_token = get_token(http(), admin());
  EXPECT_TRUE(
      IsProblemOfType(http().get(kUsage + "?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z",
                                 bearer(admin_token)),
                      400, "https://uri.etsi.org/ngsi-ld/errors/BadRequestData"));
  EXPECT_TRUE(IsProblemOfType(http().get(kUsage + "?from=yesterday", bearer(admin_token)), 400,
                              "https://uri.etsi.org/ngsi-ld/errors/BadRequestData"));
}

}  // namespace
}  // namespace tsunagu::it
