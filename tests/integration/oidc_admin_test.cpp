// The admin API of oneID's clients (/admin/v1/clients): a token with the scope admin registers,
// lists, reads and removes service providers. The secret is shown once, at creation; bad bodies
// are 400 ProblemDetails naming what is wrong.

#include "oidc_support.hpp"

namespace tsunagu::it {
namespace {

class OidcAdmin : public OidcTest {
 protected:
  const std::string& admin_token() {
    if (admin_token_.empty()) admin_token_ = get_token(http(), admin());
    return admin_token_;
  }
  Headers as_admin() { return bearer(admin_token()); }

  // Creates a client through the API; expects 201 and returns the body.
  boost::json::value create_client(const std::string& body) {
    const auto res = http().post(kAdminClients, body, as_admin());
    EXPECT_STATUS(res, 201);
    if (res.status != 201) return nullptr;
    const auto created = res.json();
    EXPECT_EQ(res.header("Location"), kAdminClients + "/" + str(created, "client_id"));
    return created;
  }

 private:
  std::string admin_token_;
};

TEST_F(OidcAdmin, NoTokenIsUnauthorized) {
  for (const auto& res : {http().get(kAdminClients),
                          http().post(kAdminClients, R"({"name": "x", "scopes": ["admin"]})"),
                          http().get(kAdminClients + "/" + reader().id),
                          http().del(kAdminClients + "/" + reader().id)}) {
    EXPECT_STATUS(res, 401);
    EXPECT_EQ(res.header("WWW-Authenticate"), kBearerChallenge);
    EXPECT_EQ(str(res.json(), "type"), "about:blank");
  }
  const auto garbage = http().get(kAdminClients, bearer("garbage"));
  EXPECT_STATUS(garbage, 401);
  EXPECT_NE(garbage.header("WWW-Authenticate").find("invalid_token"), std::string::npos);
  // The client is still there.
  EXPECT_STATUS(http().get(kAdminClients + "/" + reader().id, as_admin()), 200);
}

TEST_F(OidcAdmin, ANonAdminTokenIsForbidden) {
  const auto token = get_token(http(), writer());
  const auto list = http().get(kAdminClients, bearer(token));
  EXPECT_STATUS(list, 403);
  EXPECT_EQ(str(list.json(), "type"), "about:blank");
  EXPECT_NE(list.header("WWW-Authenticate").find("insufficient_scope"), std::string::npos)
      << list.header("WWW-Authenticate");
  EXPECT_STATUS(
      http().post(kAdminClients, R"({"name": "sneaky", "scopes": ["admin"]})", bearer(token)), 403);
  EXPECT_STATUS(http().del(kAdminClients + "/" + reader().id, bearer(token)), 403);
  EXPECT_STATUS(http().get(kAdminClients + "/" + reader().id, as_admin()), 200);
}

TEST_F(OidcAdmin, CreateListGetDelete) {
  const auto created = create_client(
      R"({"name": "Bousai app", "scopes": ["ngsi-ld:read", "ngsi-ld:write"],
          "tenants": ["oidc-admin"]})");
  ASSERT_TRUE(created.is_object());
  const auto id = str(created, "client_id");
  const auto secret = str(created, "client_secret");
  ASSERT_FALSE(id.empty());
  EXPECT_GE(secret.size(), 43u) << "a 256-bit secret";
  EXPECT_EQ(str(created, "name"), "Bousai app");
  EXPECT_EQ(created.at("scopes"), J(R"(["ngsi-ld:read", "ngsi-ld:write"])"));
  EXPECT_EQ(created.at("tenants"), J(R"(["oidc-admin"])"));
  EXPECT_EQ(created.at("confidential"), boost::json::value(true));

  // The secret works.
  const ClientCredentials client{id, secret};
  const auto token = get_token(http(), client);
  ASSERT_FALSE(token.empty());
  EXPECT_STATUS(http().post(kEntities, entity(new_id()), bearer(token, with_tenant("oidc-admin"))),
                201);

  // Get: the same description, without the secret (shown once) or its hash.
  const auto got = http().get(kAdminClients + "/" + id, as_admin());
  ASSERT_STATUS(got, 200);
  auto described = got.json();
  EXPECT_EQ(str(described, "client_id"), id);
  EXPECT_EQ(str(described, "name"), "Bousai app");
  EXPECT_EQ(described.at("tenants"), J(R"(["oidc-admin"])"));
  EXPECT_EQ(got.body.find(secret), std::string::npos) << got.body;
  EXPECT_FALSE(described.as_object().contains("client_secret"));
  EXPECT_EQ(got.body.find("secret_hash"), std::string::npos) << got.body;

  // List: every client, the ones of the command line too, no secrets.
  const auto list = http().get(kAdminClients, as_admin());
  ASSERT_STATUS(list, 200);
  std::set<std::string> ids;
  const auto listed = list.json();
  for (const auto& c : listed.as_array()) ids.insert(str(c, "client_id"));
  for (const auto& expected : {id, reader().id, writer().id, admin().id}) {
    EXPECT_TRUE(ids.contains(expected)) << expected << " not in " << list.body;
  }
  EXPECT_EQ(list.body.find(secret), std::string::npos);
  EXPECT_EQ(list.body.find("client_secret"), std::string::npos);

  // Delete: gone, and its credentials no longer get tokens.
  EXPECT_STATUS(http().del(kAdminClients + "/" + id, as_admin()), 204);
  EXPECT_PROBLEM(http().get(kAdminClients + "/" + id, as_admin()), 404, "ResourceNotFound");
  EXPECT_PROBLEM(http().del(kAdminClients + "/" + id, as_admin()), 404, "ResourceNotFound");
  const auto refused = token_request(http(), client);
  EXPECT_STATUS(refused, 401);
  EXPECT_EQ(str(refused.json(), "error"), "invalid_client");
  const auto list_after = http().get(kAdminClients, as_admin());
  EXPECT_EQ(list_after.body.find(id), std::string::npos);
}

TEST_F(OidcAdmin, APublicClientHasNoSecretAndNoClientCredentials) {
  const auto created = create_client(
      R"({"name": "SPA", "scopes": ["ngsi-ld:read"], "confidential": false,
          "redirect_uris": ["https://app.example/callback"]})");
  ASSERT_TRUE(created.is_object());
  EXPECT_FALSE(created.as_object().contains("client_secret"));
  EXPECT_EQ(created.at("confidential"), boost::json::value(false));
  EXPECT_EQ(created.at("redirect_uris"), J(R"(["https://app.example/callback"])"));
  for (const auto* secret : {"", "x"}) {
    const auto res = token_request(http(), {str(created, "client_id"), secret});
    EXPECT_STATUS(res, 401) << "secret '" << secret << "'";
    EXPECT_EQ(str(res.json(), "error"), "invalid_client");
  }
}

TEST_F(OidcAdmin, BadBodiesNameWhatIsWrong) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"scopes": ["ngsi-ld:read"]})", "name"},
      {R"({"name": 7})", "name"},
      {R"({"name": ""})", "name"},
      {R"({"name": "x", "scopes": "ngsi-ld:read"})", "scopes"},
      {R"({"name": "x", "scopes": [1]})", "scopes"},
      {R"({"name": "x", "scopes": ["root"]})", "root"},
      {R"({"name": "x", "tenants": "a"})", "tenants"},
      {R"({"name": "x", "tenants": ["-bad"]})", "-bad"},
      {R"({"name": "x", "types": [""]})", "types"},
      {R"({"name": "x", "redirect_uris": ["ftp://x/cb"]})", "ftp://x/cb"},
      {R"({"name": "x", "redirect_uris": ["https://x/cb#f"]})", "https://x/cb#f"},
      {R"({"name": "x", "confidential": "yes"})", "confidential"},
      {R"({"name": "x", "client_secret": "mine"})", "client_secret"},
      {R"(["name"])", "object"},
  };
  for (const auto& [body, named] : cases) {
    const auto res = http().post(kAdminClients, body, as_admin());
    EXPECT_PROBLEM(res, 400, "BadRequestData") << body;
    EXPECT_NE(str(res.json(), "detail").find(named), std::string::npos)
        << body << " -> " << res.body << " does not name " << named;
  }
  EXPECT_PROBLEM(http().post(kAdminClients, "{not json", as_admin()), 400, "InvalidRequest");
  // Nothing was created.
  const auto list = http().get(kAdminClients, as_admin());
  ASSERT_STATUS(list, 200);
  const auto remaining = list.json();
  for (const auto& c : remaining.as_array()) {
    EXPECT_NE(str(c, "name"), "x") << list.body;
  }
}

TEST_F(OidcAdmin, UnknownClientIsNotFound) {
  EXPECT_PROBLEM(http().get(kAdminClients + "/no-such-client", as_admin()), 404,
                 "ResourceNotFound");
  EXPECT_PROBLEM(http().del(kAdminClients + "/no-such-client", as_admin()), 404,
                 "ResourceNotFound");
}

}  // namespace
}  // namespace tsunagu::it
