#include "api/ngsild/notification_renderer.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "jsonld/core_context.hpp"

namespace tsunagu::api::ngsild {
namespace {
namespace json = boost::json;

const std::string kCore(jsonld::kCoreContextUrl);
const std::string kUser = "http://127.0.0.1:8080/ctx.jsonld";

std::optional<std::string> link_for(const std::string& context_json) {
  return link_context_url(json::parse(context_json));
}

TEST(LinkContextUrl, NullIsTheCoreContext) {
  EXPECT_EQ(link_for("null"), kCore);
}

TEST(LinkContextUrl, OneUrlIsItself) {
  EXPECT_EQ(link_for("\"" + kUser + "\""), kUser);
}

TEST(LinkContextUrl, AListOfOneUrlBesideTheCoreIsThatUrl) {
  EXPECT_EQ(link_for("[\"" + kUser + "\", \"" + kCore + "\"]"), kUser);
  EXPECT_EQ(link_for("[\"" + kCore + "\", \"" + kUser + "\"]"), kUser);
  EXPECT_EQ(link_for("[\"" + kUser + "\"]"), kUser);
}

TEST(LinkContextUrl, AListOfTheCoreAloneIsTheCore) {
  EXPECT_EQ(link_for("[\"" + kCore + "\"]"), kCore);
  EXPECT_EQ(link_for("[]"), kCore);
  // The unversioned URL of the core context is the core context too.
  EXPECT_EQ(link_for(R"(["https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld"])"), kCore);
}

TEST(LinkContextUrl, InlineDefinitionsOrSeveralUrlsHaveNoOneUrl) {
  EXPECT_EQ(link_for(R"({"capacity": "https://example.org/capacity"})"), std::nullopt);
  EXPECT_EQ(link_for("[\"" + kUser + R"(", {"a": "https://example.org/a"}])"), std::nullopt);
  EXPECT_EQ(link_for("[\"" + kUser + "\", \"" + kUser + "2\"]"), std::nullopt);
}

}  // namespace
}  // namespace tsunagu::api::ngsild
