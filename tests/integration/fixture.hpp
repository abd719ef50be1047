#pragma once
// The shared fixture of the integration suite and the helpers every test file uses.
//
// One server is started per test suite (SetUpTestSuite) on a fresh data directory; each test makes
// its own entity ids, types and tenants from its name, so tests of one suite never see each
// other's data and can run in any order. Under ctest every test is its own process, and so gets
// its own server.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "harness.hpp"

namespace tsunagu::it {

inline constexpr std::string_view kCoreContext =
    "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld";
inline constexpr std::string_view kDefaultVocab = "https://uri.etsi.org/ngsi-ld/default-context/";
inline constexpr std::string_view kErrorTypePrefix = "https://uri.etsi.org/ngsi-ld/errors/";
inline constexpr std::string_view kJsonLdContextRel = "http://www.w3.org/ns/json-ld#context";
inline const std::string kEntities = "/ngsi-ld/v1/entities";
inline const std::string kBatch = "/ngsi-ld/v1/entityOperations";

// Parses JSON text with canonical numbers (as Response::json does); throws std::runtime_error
// naming the text when it is not JSON.
boost::json::value J(std::string_view text);
// Serializes JSON compactly.
std::string S(const boost::json::value& value);
// An entity: {"id": id} followed by the members of `members` (a JSON object text).
boost::json::value E(std::string_view id, std::string_view members);

// Percent-encodes every byte except RFC 3986 unreserved characters.
std::string url_encode(std::string_view text);
// "/ngsi-ld/v1/entities/<id>" with the id as it is (ids are URIs, valid in a path as they are).
std::string entity_path(std::string_view id);
// The value of a Link header naming a JSON-LD context.
std::string link_to(std::string_view context_url);
Headers with_link(std::string_view context_url);
Headers with_tenant(std::string_view tenant);

// The ids in a JSON array of entities (or of id strings).
std::set<std::string> ids_of(const boost::json::value& array);
// The instances of a multi-attribute in a fixed order (the default instance first, then by
// datasetId), since the spec gives instances no order; any other value as it is.
boost::json::value sorted_instances(const boost::json::value& attribute);
// An ISO 8601 UTC timestamp with milliseconds: 2026-11-25T12:00:00.000Z.
bool is_utc_ms_timestamp(const boost::json::value& value);
// The member "@context" of a JSON-LD document as a list of strings and objects.
boost::json::array context_entries(const boost::json::value& document);

// status == expected; prints the body otherwise.
::testing::AssertionResult HasStatus(const Response& res, int expected);
// A ProblemDetails answer: the status, Content-Type application/json, "type" = the NGSI-LD error
// URI of `kind`, "status" equal to the HTTP status when present, a non-empty string "detail" and
// string "title".
::testing::AssertionResult IsProblem(const Response& res, int status, std::string_view kind);
// The same with the full type URI (e.g. "about:blank").
::testing::AssertionResult IsProblemOfType(const Response& res, int status, std::string_view type);
// An HTTP-level error whose type the spec does not name (405, 406, 413, 415, 431): the status, and
// when there is a body, a JSON object whose "status" (if any) equals it.
::testing::AssertionResult IsHttpError(const Response& res, int status);

#define EXPECT_STATUS(res, code) EXPECT_TRUE(::tsunagu::it::HasStatus((res), (code)))
#define ASSERT_STATUS(res, code) ASSERT_TRUE(::tsunagu::it::HasStatus((res), (code)))
#define EXPECT_PROBLEM(res, code, kind) EXPECT_TRUE(::tsunagu::it::IsProblem((res), (code), (kind)))

class BrokerTest : public ::testing::Test {
 public:
  static void SetUpTestSuite();
  static void TearDownTestSuite();

 protected:
  // What a derived suite's SetUpTestSuite calls: `prepare` runs on the server before it starts
  // (to set options or register clients in its data directory); what it throws fails the suite.
  static void start_shared(const std::function<void(ServerProcess&)>& prepare);

  void SetUp() override;
  void TearDown() override;

  static ServerProcess& server() { return *shared_; }
  static bool server_alive() { return shared_ != nullptr && shared_->alive(); }
  HttpClient& http() { return *client_; }

  // The current test's name, e.g. "CreateReturnsLocation".
  static std::string test_name();
  // prefix + test name: a type, attribute or tenant name no other test uses.
  static std::string unique(std::string_view prefix);
  // A fresh entity id: urn:ngsi-ld:<type>:<Suite>-<Test>-<n>.
  std::string new_id(std::string_view type = "Shelter");

  Response create(const boost::json::value& entity, const Headers& headers = {});
  // GET /entities/{id}<query>; expects 200 and returns the body (null after a recorded failure).
  boost::json::value read(std::string_view id, std::string_view query = "",
                          const Headers& headers = {});
  // GET /health answers 200: the server survived what the test did.
  void expect_healthy();

 private:
  static inline std::unique_ptr<ServerProcess> shared_;
  static inline std::string start_error_;
  std::optional<HttpClient> client_;
  int next_id_ = 0;
};

}  // namespace tsunagu::it
