// oneID's issuer setting (app/config.hpp set_issuer, docs/security.md): what it accepts, what it
// normalises, and what it refuses with a message naming the value.

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace tsunagu::app
