#include "http/router.hpp"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tsunagu::http {
namespace {

// Each handler answers with its own name, so a test can tell which route matched.
Handler named(std::string name) {
  return [name](Request&&, Responder respond) {
    Response r;
    r.body = name;
    respond(std::move(r));
  };
}

std::string call(const Handler& handler) {
  std::string body;
  handler(Request{}, [&](Response r) { body = std::move(r.body); });
  return body;
}

Router ngsild_router() {
  Router r;
  r.add("GET", "/ngsi-ld/v1/entities", named("query"));
  r.add("POST", "/ngsi-ld/v1/entities", named("create"));
  r.add("GET", "/ngsi-ld/v1/entities/{entityId}", named("retrieve"));
  r.add("PATCH", "/ngsi-ld/v1/entities/{entityId}", named("merge"));
  r.add("PUT", "/ngsi-ld/v1/entities/{entityId}", named("replace"));
  r.add("DELETE", "/ngsi-ld/v1/entities/{entityId}", named("delete"));
  r.add("POST", "/ngsi-ld/v1/entities/{entityId}/attrs/", named("append"));
  r.add("PATCH", "/ngsi-ld/v1/entities/{entityId}/attrs", named("update"));
  r.add("PATCH", "/ngsi-ld/v1/entities/{entityId}/attrs/{attrId}", named("patch-attr"));
  r.add("DELETE", "/ngsi-ld/v1/entities/{entityId}/attrs/{attrId}", named("delete-attr"));
  r.add("POST", "/ngsi-ld/v1/entityOperations/create", named("batch-create"));
  return r;
}

struct MatchCase {
  std::string method;
  std::string path;
  std::string handler;  // the matched handler's name
  std::map<std::string, std::string> params;
};

void PrintTo(const MatchCase& c, std::ostream* os) {
  *os << c.method << " " << c.path;
}

class RouterMatches : public testing::TestWithParam<MatchCase> {};

TEST_P(RouterMatches, FindsTheHandlerAndParams) {
  const auto& c = GetParam();
  const Router router = ngsild_router();
  auto m = router.match(c.method, c.path);
  ASSERT_NE(m.handler, nullptr);
  EXPECT_EQ(call(*m.handler), c.handler);
  EXPECT_EQ(m.params, c.params);
  EXPECT_TRUE(m.allowed_methods.empty());
  EXPECT_FALSE(m.bad_encoding);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RouterMatches,
    testing::Values(
        MatchCase{"GET", "/ngsi-ld/v1/entities", "query", {}},
        MatchCase{"POST", "/ngsi-ld/v1/entities", "create", {}},
        MatchCase{"GET", "/ngsi-ld/v1/entities/", "query", {}},
        MatchCase{"POST", "/ngsi-ld/v1/entityOperations/create/", "batch-create", {}},
        MatchCase{"GET",
                  "/ngsi-ld/v1/entities/urn:ngsi-ld:Shelter:1",
                  "retrieve",
                  {{"entityId", "urn:ngsi-ld:Shelter:1"}}},
        MatchCase{"GET",
                  "/ngsi-ld/v1/entities/urn%3Angsi-ld%3AX",
                  "retrieve",
                  {{"entityId", "urn:ngsi-ld:X"}}},
        MatchCase{"DELETE",
                  "/ngsi-ld/v1/entities/urn%3angsi-ld%3aX/",
                  "delete",
                  {{"entityId", "urn:ngsi-ld:X"}}},
        MatchCase{"PUT",
                  "/ngsi-ld/v1/entities/http%3A%2F%2Fexample.org%2Fx%3Fa%3D1",
                  "replace",
                  {{"entityId", "http://example.org/x?a=1"}}},
        MatchCase{"GET", "/ngsi-ld/v1/entities/a+b%20c", "retrieve", {{"entityId", "a+b c"}}},
        MatchCase{
            "GET", "/ngsi-ld/v1/entities/%E5%A4%A7%E9%98%AA", "retrieve", {{"entityId", "大阪"}}},
        MatchCase{"POST",
                  "/ngsi-ld/v1/entities/urn:ngsi-ld:X/attrs",
                  "append",
                  {{"entityId", "urn:ngsi-ld:X"}}},
        MatchCase{"PATCH",
                  "/ngsi-ld/v1/entities/urn:ngsi-ld:X/attrs/",
                  "update",
                  {{"entityId", "urn:ngsi-ld:X"}}},
        MatchCase{"PATCH",
                  "/ngsi-ld/v1/entities/urn%3Angsi-ld%3AX/attrs/https%3A%2F%2Fschema.org%2Fname",
                  "patch-attr",
                  {{"entityId", "urn:ngsi-ld:X"}, {"attrId", "https://schema.org/name"}}},
        MatchCase{"DELETE",
                  "/ngsi-ld/v1/entities/urn:ngsi-ld:X/attrs/temperature",
                  "delete-attr",
                  {{"entityId", "urn:ngsi-ld:X"}, {"attrId", "temperature"}}}));

TEST(Router, MethodNotAllowedListsTheRoutesMethods) {
  const Router router = ngsild_router();
  struct Case {
    std::string method;
    std::string path;
    std::vector<std::string> allowed;
  };
  const std::vector<Case> cases = {
      {"DELETE", "/ngsi-ld/v1/entities", {"GET", "POST"}},
      {"PUT", "/ngsi-ld/v1/entities/", {"GET", "POST"}},
      {"POST", "/ngsi-ld/v1/entities/urn:ngsi-ld:X", {"GET", "PATCH", "PUT", "DELETE"}},
      {"GET", "/ngsi-ld/v1/entities/urn:ngsi-ld:X/attrs", {"POST", "PATCH"}},
      {"GET", "/ngsi-ld/v1/entities/urn:ngsi-ld:X/attrs/name", {"PATCH", "DELETE"}},
      {"get", "/ngsi-ld/v1/entities", {"GET", "POST"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.method + " " + c.path);
    auto m = router.match(c.method, c.path);
    EXPECT_EQ(m.handler, nullptr);
    EXPECT_EQ(m.allowed_methods, c.allowed);
    EXPECT_FALSE(m.bad_encoding);
  }
}

TEST(Router, NoMatch) {
  const Router router = ngsild_router();
  for (std::string path : {"/", "", "/ngsi-ld", "/ngsi-ld/v1/entitie", "/ngsi-ld/v1/Entities",
                           "/ngsi-ld/v1/entities/x/attrs/y/z", "/ngsi-ld/v1/entities/x/attributes",
                           "/ngsi-ld/v2/entities", "/ngsi-ld/v1/entit%69es"}) {
    SCOPED_TRACE(path);
    auto m = router.match("GET", path);
    EXPECT_EQ(m.handler, nullptr);
    EXPECT_TRUE(m.allowed_methods.empty());
    EXPECT_TRUE(m.params.empty());
    EXPECT_FALSE(m.bad_encoding);
  }
}

TEST(Router, MalformedEscapeOrNulIsBadEncoding) {
  const Router router = ngsild_router();
  for (std::string id : {"%", "%4", "abc%", "%zz", "%G1", "%1g", "urn%00x", "%00", "a%2"}) {
    SCOPED_TRACE(id);
    auto m = router.match("GET", "/ngsi-ld/v1/entities/" + id);
    EXPECT_TRUE(m.bad_encoding);
  }
}

TEST(Router, FirstRouteAddedWins) {
  Router r;
  r.add("GET", "/types/{type}", named("param"));
  r.add("GET", "/types/special", named("literal"));
  auto m = r.match("GET", "/types/special");
  ASSERT_NE(m.handler, nullptr);
  EXPECT_EQ(call(*m.handler), "param");
  EXPECT_EQ(m.params, (std::map<std::string, std::string>{{"type", "special"}}));
}

TEST(Router, EmptyRouterMatchesNothing) {
  Router r;
  auto m = r.match("GET", "/");
  EXPECT_EQ(m.handler, nullptr);
  EXPECT_TRUE(m.allowed_methods.empty());
}

// ---- split_path and percent_decode ----

TEST(SplitPath, DropsEmptySegments) {
  using V = std::vector<std::string_view>;
  EXPECT_EQ(split_path("/a/b/"), (V{"a", "b"}));
  EXPECT_EQ(split_path("a/b"), (V{"a", "b"}));
  EXPECT_EQ(split_path("//a///b"), (V{"a", "b"}));
  EXPECT_EQ(split_path("/"), V{});
  EXPECT_EQ(split_path(""), V{});
  EXPECT_EQ(split_path("/%2F/x"), (V{"%2F", "x"}));
}

TEST(PercentDecode, DecodesAndRejects) {
  struct Case {
    std::string input;
    bool plus_is_space;
    std::optional<std::string> expected;
  };
  const std::vector<Case> cases = {
      {"urn%3Angsi-ld%3AX", false, "urn:ngsi-ld:X"},
      {"%2f%2F", false, "//"},
      {"a+b", false, "a+b"},
      {"a+b", true, "a b"},
      {"%2B", true, "+"},
      {"%7E%25", false, "~%"},
      {"", false, ""},
      {"%", false, std::nullopt},
      {"%4", false, std::nullopt},
      {"x%4", false, std::nullopt},
      {"%4x", false, std::nullopt},
      {"%x4", false, std::nullopt},
      {"%00", false, std::nullopt},
      {"a%00b", true, std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.input);
    EXPECT_EQ(percent_decode(c.input, c.plus_is_space), c.expected);
  }
}

}  // namespace
}  // namespace tsunagu::http
