// `--insecure-no-auth` (docs/design/identity.md "Running without tokens"): refused unless every
// listening address is loopback (exit status 2, the log says why); on loopback the server runs
// without tokens and says so.

#include <signal.h>
#include <sys/wait.h>

#include <thread>

#include "oidc_support.hpp"

namespace tsunagu::it {
namespace {

// Runs `tsunagu serve --insecure-no-auth` on `listen` and waits for it to exit. Should it become
// ready instead (it then listens beyond loopback without tokens), it is killed at once.
struct Refusal {
  int exit_code = -1;
  bool became_ready = false;
  std::string log;
};

Refusal serve_insecurely_on(const std::string& listen) {
  const auto dir = make_temp_dir("tsunagu-it-insecure-");
  const auto ready = dir / "ready";
  const auto log = dir / "server.log";
  std::filesystem::create_directories(dir / "data");
  const int pid =
      spawn_process({tsunagu_binary(), "serve", "--listen", listen, "--data-dir",
                     (dir / "data").string(), "--ready-file", ready.string(), "--insecure-no-auth"},
                    log);
  Refusal out;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  for (;;) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      break;
    }
    if (std::filesystem::exists(ready) || std::chrono::steady_clock::now() >= deadline) {
      out.became_ready = std::filesystem::exists(ready);
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(10ms);
  }
  out.log = read_text_file(log);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return out;
}

TEST(OidcStartup, InsecureNoAuthIsRefusedOnAWildcardAddress) {
  for (const auto* listen : {"0.0.0.0:0", "[::]:0"}) {
    const auto run = serve_insecurely_on(listen);
    EXPECT_FALSE(run.became_ready) << listen << ": it started without tokens beyond loopback";
    EXPECT_EQ(run.exit_code, 2) << listen << "; log:\n" << run.log;
    EXPECT_NE(run.log.find("--insecure-no-auth"), std::string::npos) << run.log;
    EXPECT_NE(run.log.find("loopback"), std::string::npos) << run.log;
  }
}

TEST(OidcStartup, InsecureNoAuthOnLoopbackServesWithoutTokensAndSaysSo) {
  ServerProcess server;  // --insecure-no-auth on 127.0.0.1
  server.start();
  auto http = server.client();
  EXPECT_STATUS(http.get(kEntities + "?type=Shelter"), 200);
  EXPECT_STATUS(http.post(kEntities, R"({"id": "urn:ngsi-ld:Shelter:open", "type": "Shelter"})"),
                201);
  EXPECT_NE(server.log().find("tokens are NOT required"), std::string::npos) << server.log();
  EXPECT_EQ(server.stop(), 0);
}

TEST(OidcStartup, TokensAreRequiredByDefault) {
  ServerProcess server;
  server.set_require_tokens(true);
  server.start();
  auto http = server.client();
  const auto res = http.get(kEntities + "?type=Shelter");
  EXPECT_STATUS(res, 401);
  EXPECT_EQ(res.header("WWW-Authenticate"), kBearerChallenge);
  EXPECT_EQ(server.log().find("tokens are NOT required"), std::string::npos) << server.log();
  EXPECT_EQ(server.stop(), 0);
}

TEST(OidcStartup, TheConfiguredIssuerIsTheOneTokensAndDiscoveryName) {
  // Behind a TLS proxy the public URL is not the listening address (docs/security.md).
  ServerProcess server({"--issuer", "https://data.example.jp/"});
  server.set_require_tokens(true);
  const auto client = add_client(server.data_dir(), "reader", {std::string(kScopeRead)});
  server.start();
  auto http = server.client();
  const auto doc = boost::json::parse(http.get(kDiscoveryPath).body);
  EXPECT_EQ(str(doc, "issuer"), "https://data.example.jp");
  EXPECT_EQ(str(doc, "token_endpoint"), "https://data.example.jp/oauth2/token");
  const auto token = get_token(http, client);
  EXPECT_EQ(str(jwt_claims(token), "iss"), "https://data.example.jp");
  EXPECT_STATUS(http.get(kEntities + "?type=Shelter", bearer(token)), 200);
  EXPECT_EQ(server.stop(), 0);
}

TEST(OidcStartup, AnIssuerThatCannotBeOneIsRefusedAtStart) {
  const auto run =
      run_tsunagu({"serve", "--listen", "127.0.0.1:0", "--data-dir",
                   make_temp_dir("tsunagu-it-issuer-").string(), "--issuer", "data.example.jp"});
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("issuer 'data.example.jp' must be an http(s) URL"), std::string::npos)
      << run.output;
}

}  // namespace
}  // namespace tsunagu::it
