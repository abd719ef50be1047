#pragma once
// Helpers of the oneID tests (oidc_*_test.cpp): clients registered with the real command line
// (`tsunagu clients add` on a server's data directory), the OAuth 2.0 token endpoint, JWTs taken
// apart, and tokens forged with a server's own signing key (read from its platform database) to
// probe the checks a signature alone does not make (expiry, audience, issuer).
//
// Like the rest of the suite it never includes src/: it speaks HTTP and the command line, and
// reads the data directory only where a test needs the key itself.

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fixture.hpp"

namespace tsunagu::it {

inline constexpr std::string_view kScopeRead = "ngsi-ld:read";
inline constexpr std::string_view kScopeWrite = "ngsi-ld:write";
inline constexpr std::string_view kScopeAdmin = "admin";
inline const std::string kTokenPath = "/oauth2/token";
inline const std::string kJwksPath = "/oauth2/jwks";
inline const std::string kIntrospectPath = "/oauth2/introspect";
inline const std::string kRevokePath = "/oauth2/revoke";
inline const std::string kDiscoveryPath = "/.well-known/openid-configuration";
inline const std::string kAdminClients = "/admin/v1/clients";
inline const std::string kEntityQuery = "/ngsi-ld/v1/entityOperations/query";
// The challenge of a request without credentials (RFC 6750 3.1).
inline constexpr std::string_view kBearerChallenge = "Bearer realm=\"tsunagu\"";

// What a command-line run of the binary did.
struct CliResult {
  int exit_code = -1;  // -N when ended by signal N; -1000 when it did not end in time (killed)
  std::string output;  // stdout and stderr
};

// Runs `tsunagu <args...>` and waits for it (at most `timeout`; then it is killed).
CliResult run_tsunagu(const std::vector<std::string>& args,
                      std::chrono::milliseconds timeout = 30000ms);

struct ClientCredentials {
  std::string id;
  std::string secret;  // empty for a public client
};

// Registers a client with `tsunagu clients add --data-dir <data_dir> --name <name> --scope ...
// --tenant ... --type ...` and returns what it printed; throws std::runtime_error (quoting the
// output) when the command fails or prints no client_id.
ClientCredentials add_client(const std::filesystem::path& data_dir, const std::string& name,
                             const std::vector<std::string>& scopes,
                             const std::vector<std::string>& tenants = {},
                             const std::vector<std::string>& types = {});

// application/x-www-form-urlencoded text of the pairs (every byte but the unreserved ones
// percent-encoded).
std::string form(const std::vector<std::pair<std::string, std::string>>& pairs);
inline const Headers kFormType = {{"Content-Type", "application/x-www-form-urlencoded"}};

// Standard and URL-safe base64 (the latter unpadded, as JWTs use it).
std::string base64_encode(std::string_view bytes);
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

// "Basic <base64(id:secret)>", each part form-encoded first (RFC 6749 2.3.1).
std::string basic_auth(std::string_view id, std::string_view secret);
// {{"Authorization", "Bearer <token>"}}, with any further headers after it.
Headers bearer(std::string_view token, const Headers& more = {});

// POST /oauth2/token with client_secret_basic and the given further parameters.
Response token_request(HttpClient& http, const ClientCredentials& client,
                       const std::vector<std::pair<std::string, std::string>>& params = {
                           {"grant_type", "client_credentials"}});
// An access token of the client_credentials grant (client_secret_basic); `scope` empty asks for
// everything the client may have. Records a test failure and returns "" when it is refused.
std::string get_token(HttpClient& http, const ClientCredentials& client,
                      std::string_view scope = {});

// The decoded JOSE header and claims of a JWT; a JSON null when the part does not decode.
boost::json::value jwt_header(std::string_view token);
boost::json::value jwt_claims(std::string_view token);
// The string member `name` of a JSON object, or "" when absent or not a string.
std::string str(const boost::json::value& object, std::string_view name);

// The RFC 7638 thumbprint of an EC public JWK (crv, kty, x, y): what the server uses as kid.
std::string jwk_thumbprint(const boost::json::value& jwk);

// The PEM private key stored for `kid` in <data_dir>/platform.sqlite; throws when absent.
std::string stored_private_key(const std::filesystem::path& data_dir, std::string_view kid);
// A compact JWS of `header` and `claims` signed with ES256 by the PEM private key `pem` (the
// signature as R || S, RFC 7518 3.4).
std::string sign_es256(const boost::json::object& header, const boost::json::object& claims,
                       const std::string& pem);

// Seconds since the epoch, now.
std::int64_t unix_now();

// A server requiring tokens, with clients registered before it starts: `reader`
// (ngsi-ld:read), `writer` (ngsi-ld:read ngsi-ld:write) and `admin` (admin). One server per test
// suite; the tests make their own entity ids and tenants.
class OidcTest : public BrokerTest {
 public:
  static void SetUpTestSuite();
  static void TearDownTestSuite();

 protected:
  static const ClientCredentials& reader() { return clients_->reader; }
  static const ClientCredentials& writer() { return clients_->writer; }
  static const ClientCredentials& admin() { return clients_->admin; }
  // http://host:port of the server (also its issuer: none is configured).
  static std::string base_url();

  // A minimal entity {"id", "type", "name"} as JSON text.
  static std::string entity(std::string_view id, std::string_view type = "Shelter");

 private:
  struct Clients {
    ClientCredentials reader, writer, admin;
  };
  static inline std::unique_ptr<Clients> clients_;
};

}  // namespace tsunagu::it
