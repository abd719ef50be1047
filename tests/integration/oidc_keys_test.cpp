// oneID's signing keys (docs/design/identity.md "Tokens"): `tsunagu keys rotate` while a server
// runs (the server signs with the new key within 30 s; tokens signed by the old one keep working,
// and the JWKS lists both), and keys and revocations kept across a restart.

#include <fstream>
#include <regex>
#include <thread>

#include "oidc_support.hpp"

namespace tsunagu::it {
namespace {

// The kids the JWKS of `http` lists.
std::set<std::string> jwks_kids(HttpClient& http) {
  const auto res = http.get(kJwksPath);
  std::set<std::string> kids;
  if (res.status != 200) return kids;
  const auto body = res.json();
  for (const auto& key : body.at("keys").as_array()) kids.insert(str(key, "kid"));
  return kids;
}

Response read_with(HttpClient& http, std::string_view token) {
  return http.get(kEntities + "?type=Shelter", bearer(token));
}

TEST(OidcKeys, RotationWhileTheServerRuns) {
  ServerProcess server;
  server.set_require_tokens(true);
  const auto client = add_client(server.data_dir(), "rotating",
                                 {std::string(kScopeRead), std::string(kScopeWrite)});
  server.start();
  auto http = server.client();
  const auto before = get_token(http, client);
  ASSERT_FALSE(before.empty());
  const auto old_kid = str(jwt_header(before), "kid");
  ASSERT_EQ(jwks_kids(http), std::set<std::string>{old_kid});

  const auto rotated = run_tsunagu({"keys", "rotate", "--data-dir", server.data_dir().string()});
  ASSERT_EQ(rotated.exit_code, 0) << rotated.output;
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(rotated.output, m, std::regex(R"(new signing key ([A-Za-z0-9_-]+))")))
      << rotated.output;
  const std::string new_kid = m[1];
  ASSERT_NE(new_kid, old_kid);

  // The token signed before the rotation works on.
  EXPECT_STATUS(read_with(http, before), 200);

  // The server signs with the new key within 30 s ("running servers switch within 30 s").
  std::string after;
  const auto deadline = std::chrono::steady_clock::now() + 35s;
  while (std::chrono::steady_clock::now() < deadline) {
    after = get_token(http, client);
    if (after.empty() || str(jwt_header(after), "kid") != old_kid) break;
    std::this_thread::sleep_for(500ms);
  }
  ASSERT_FALSE(after.empty());
  EXPECT_EQ(str(jwt_header(after), "kid"), new_kid) << "still signing with the old key after 35 s";
  EXPECT_STATUS(read_with(http, after), 200);
  EXPECT_STATUS(http.post(kEntities, R"({"id": "urn:ngsi-ld:Shelter:rotated", "type": "Shelter"})",
                          bearer(after)),
                201);
  EXPECT_STATUS(read_with(http, before), 200);

  // The JWKS lists both: the retired key verifies until its tokens have expired.
  const auto jwks = http.get(kJwksPath);
  ASSERT_STATUS(jwks, 200);
  std::set<std::string> kids;
  const auto listed = jwks.json();
  for (const auto& key : listed.at("keys").as_array()) {
    kids.insert(str(key, "kid"));
    EXPECT_EQ(str(key, "alg"), "ES256");
    EXPECT_EQ(str(key, "use"), "sig");
    EXPECT_EQ(str(key, "kid"), jwk_thumbprint(key));
    EXPECT_FALSE(key.as_object().contains("d"));
  }
  EXPECT_EQ(kids, (std::set<std::string>{old_kid, new_kid}));
  EXPECT_EQ(server.stop(), 0) << server.log_tail();
}

TEST(OidcKeys, ARestartKeepsKeysAndRevocations) {
  ServerProcess server;
  server.set_require_tokens(true);
  // A fixed issuer: without one it is the listening address, and the port changes on restart.
  const auto config = server.work_dir() / "tsunagu.toml";
  {
    std::ofstream out(config);
    out << "[auth]\nissuer = \"http://oneid.tsunagu.test\"\n";
  }
  server.set_extra_args({"--config", config.string()});
  const auto client = add_client(server.data_dir(), "restarting", {std::string(kScopeRead)});
  server.start();
  std::string kept, revoked, kid;
  std::set<std::string> kids;
  {
    auto http = server.client();
    kept = get_token(http, client);
    revoked = get_token(http, client);
    ASSERT_FALSE(kept.empty());
    EXPECT_EQ(str(jwt_claims(kept), "iss"), "http://oneid.tsunagu.test");
    kid = str(jwt_header(kept), "kid");
    kids = jwks_kids(http);
    Headers headers = kFormType;
    headers.emplace_back("Authorization", basic_auth(client.id, client.secret));
    EXPECT_STATUS(http.post(kRevokePath, form({{"token", revoked}}), headers), 200);
    EXPECT_STATUS(read_with(http, revoked), 401);
  }
  server.restart();
  auto http = server.client();
  EXPECT_STATUS(read_with(http, kept), 200) << "a token from before the restart";
  EXPECT_STATUS(read_with(http, revoked), 401) << "a token revoked before the restart";
  EXPECT_EQ(jwks_kids(http), kids);
  const auto fresh = get_token(http, client);
  EXPECT_EQ(str(jwt_header(fresh), "kid"), kid) << "a restart makes no new key";
  EXPECT_EQ(server.stop(), 0) << server.log_tail();
}

TEST(OidcKeys, ClientsAddOnARunningServer) {
  // Clients registered by the command line while the server runs can get tokens at once.
  ServerProcess server;
  server.set_require_tokens(true);
  server.start();
  const auto client = add_client(server.data_dir(), "late", {std::string(kScopeRead)});
  auto http = server.client();
  const auto token = get_token(http, client);
  ASSERT_FALSE(token.empty());
  EXPECT_STATUS(read_with(http, token), 200);
  // The command line refuses what cannot be a client.
  const auto bad = run_tsunagu({"clients", "add", "--data-dir", server.data_dir().string(),
                                "--name", "bad", "--scope", "root"});
  EXPECT_NE(bad.exit_code, 0) << bad.output;
  EXPECT_NE(bad.output.find("root"), std::string::npos) << bad.output;
  EXPECT_EQ(bad.output.find("client_secret="), std::string::npos) << bad.output;
  EXPECT_EQ(server.stop(), 0) << server.log_tail();
}

}  // namespace
}  // namespace tsunagu::it
