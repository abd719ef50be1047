// oneID's issuer setting (app/config.hpp set_issuer, docs/security.md): what it accepts, what it
// normalises, and what it refuses with a message naming the value.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "app/config.hpp"

namespace tsunagu::app {
namespace {

std::string issuer_of(std::string_view value) {
  Config config;
  auto st = set_issuer(config, value);
  EXPECT_TRUE(st) << value << ": " << (st ? "" : st.error().message);
  return config.issuer;
}

TEST(IssuerConfig, AcceptsHttpsAndHttpUrlsWithAPath) {
  EXPECT_EQ(issuer_of("https://data.example.jp"), "https://data.example.jp");
  EXPECT_EQ(issuer_of("https://data.example.jp/oneid"), "https://data.example.jp/oneid");
  EXPECT_EQ(issuer_of("http://127.0.0.1:1026"), "http://127.0.0.1:1026");
}

TEST(IssuerConfig, DropsTrailingSlashes) {
  EXPECT_EQ(issuer_of("https://data.example.jp/"), "https://data.example.jp");
  EXPECT_EQ(issuer_of("https://data.example.jp/oneid//"), "https://data.example.jp/oneid");
}

TEST(IssuerConfig, RefusesWhatCannotBeAnIssuer) {
  for (const std::string_view bad :
       {"", "data.example.jp", "ftp://data.example.jp", "https://data.example.jp?x=1",
        "https://data.example.jp#top", "https://user@data.example.jp", "https:///path",
        "not a url"}) {
    Config config;
    auto st = set_issuer(config, bad);
    ASSERT_FALSE(st) << "'" << bad << "' was accepted";
    EXPECT_EQ(st.error().message, "configuration: issuer '" + std::string(bad) +
                                      "' must be an http(s) URL with a host and no query, "
                                      "fragment or user");
    EXPECT_TRUE(config.issuer.empty());
  }
}

// [auth.upstream.<id>]: OpenID providers residents may sign in with.
Status load(const std::string& toml, Config& config) {
  static std::mt19937_64 rng{std::random_device{}()};
  const auto file = std::filesystem::temp_directory_path() /
                    ("tsunagu-upstream-config-" + std::to_string(rng()) + ".toml");
  std::ofstream(file) << toml;
  auto st = load_config_file(file, config);
  std::filesystem::remove(file);
  return st;
}

TEST(UpstreamConfig, ReadsEachProviderAndNormalisesItsIssuer) {
  Config config;
  ASSERT_TRUE(load(R"([auth.upstream.city]
name = "Osaka City ID"
issuer = "https://id.city.example.jp/"
client_id = "platform"
client_secret = "s3cret"
[auth.upstream.pref]
issuer = "https://id.pref.example.jp"
client_id = "p"
client_secret = "q"
)",
                   config));
  ASSERT_EQ(config.upstreams.size(), 2U);
  EXPECT_EQ(config.upstreams[0].id, "city");
  EXPECT_EQ(config.upstreams[0].name, "Osaka City ID");
  EXPECT_EQ(config.upstreams[0].issuer, "https://id.city.example.jp");
  EXPECT_EQ(config.upstreams[0].client_secret, "s3cret");
  EXPECT_EQ(config.upstreams[1].name, "pref");  // the id when no name is given
}

TEST(UpstreamConfig, MistakesAreNamed) {
  const std::string head = "[auth.upstream.city]\nissuer = \"https://a.example\"\n";
  const std::pair<std::string, std::string> cases[] = {
      {head + "client_id = \"x\"\n",
       "configuration: [auth.upstream.city] needs issuer, client_id and client_secret"},
      {"[auth.upstream.City]\nissuer = \"https://a.example\"\nclient_id = \"x\"\n"
       "client_secret = \"y\"\n",
       "configuration: [auth.upstream.City]: the name may have a-z, 0-9 and '-' only"},
      {head + "client_id = \"x\"\nclient_secret = \"y\"\nscope = \"openid\"\n",
       "configuration: unknown key 'scope' in [auth.upstream.city]"},
      {"[auth.upstream.city]\nissuer = \"a.example\"\nclient_id = \"x\"\nclient_secret = \"y\"\n",
       "configuration: issuer 'a.example' must be an http(s) URL with a host and no query, "
       "fragment or user"},
  };
  for (const auto& [toml, message] : cases) {
    Config config;
    auto st = load(toml, config);
    ASSERT_FALSE(st) << toml;
    EXPECT_EQ(st.error().message, message);
  }
}

}  // namespace
}  // namespace tsunagu::app
