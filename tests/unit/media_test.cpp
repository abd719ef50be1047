#include "api/ngsild/media.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace tsunagu::api::ngsild {
namespace {

// ---- Accept ----

struct AcceptCase {
  std::optional<std::string> accept;
  bool geojson_allowed;
  Media expected;
};

void PrintTo(const AcceptCase& c, std::ostream* os) {
  *os << (c.accept ? "'" + *c.accept + "'" : std::string("(no Accept)"))
      << (c.geojson_allowed ? " geo" : "");
}

class AcceptNegotiation : public testing::TestWithParam<AcceptCase> {};

TEST_P(AcceptNegotiation, PicksTheBestOffer) {
  const auto& c = GetParam();
  std::optional<std::string_view> accept;
  if (c.accept) accept = *c.accept;
  auto media = response_media(accept, c.geojson_allowed);
  ASSERT_TRUE(media.has_value()) << media.error().message;
  EXPECT_EQ(*media, c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AcceptNegotiation,
    testing::Values(
        AcceptCase{std::nullopt, false, Media::Json}, AcceptCase{"", false, Media::Json},
        AcceptCase{"  ", true, Media::Json}, AcceptCase{"*/*", false, Media::Json},
        AcceptCase{"*/*", true, Media::Json}, AcceptCase{"application/*", true, Media::Json},
        AcceptCase{"application/json", false, Media::Json},
        AcceptCase{"application/ld+json", false, Media::JsonLd},
        AcceptCase{"APPLICATION/LD+JSON", false, Media::JsonLd},
        AcceptCase{" application/ld+json ; charset=utf-8", false, Media::JsonLd},
        AcceptCase{"application/geo+json", true, Media::GeoJson},
        AcceptCase{"application/geo+json, application/json;q=0.9", false, Media::Json},
        AcceptCase{"application/json;q=0.5, application/ld+json", false, Media::JsonLd},
        AcceptCase{"application/json;q=0.5,application/ld+json;q=0.9", false, Media::JsonLd},
        AcceptCase{"application/ld+json;q=0.2, application/json;Q=0.3", false, Media::Json},
        AcceptCase{"text/html, application/xhtml+xml;q=0.9, */*;q=0.8", false, Media::Json},
        AcceptCase{"*/*;q=0.1, application/geo+json", true, Media::GeoJson},
        AcceptCase{"application/ld+json, application/json", false, Media::JsonLd},
        AcceptCase{"application/json, application/ld+json", false, Media::Json},
        AcceptCase{"application/ld+json;q=abc, application/json;q=0.1", false, Media::Json},
        AcceptCase{"application/ld+json; profile=\"https://example.org\"; q=0.7", false,
                   Media::JsonLd}));

TEST(AcceptNegotiation, NothingAcceptableIsNotAcceptable) {
  struct Case {
    std::string accept;
    bool geojson_allowed;
    std::string fragment;
  };
  const std::vector<Case> cases = {
      {"text/html", false,
       "none of the media types in Accept 'text/html' is available; offered: application/json, "
       "application/ld+json"},
      {"text/html", true, "offered: application/json, application/ld+json, application/geo+json"},
      {"application/geo+json", false,
       "none of the media types in Accept 'application/geo+json' is available; offered: "
       "application/json, application/ld+json"},
      {"application/xml, text/*", false, "Accept 'application/xml, text/*'"},
      {"application/json;q=0", false, "Accept 'application/json;q=0'"},
      {"application/ld+json;q=0.0, application/json;q=0", true, "is available"},
      {"application/json;q=nonsense", false, "is available"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.accept);
    auto media = response_media(c.accept, c.geojson_allowed);
    ASSERT_FALSE(media.has_value());
    EXPECT_EQ(media.error().kind, ErrorKind::NotAcceptable);
    EXPECT_NE(media.error().message.find(c.fragment), std::string::npos) << media.error().message;
  }
  auto no_geo = response_media("application/geo+json", false);
  ASSERT_FALSE(no_geo.has_value());
  EXPECT_EQ(no_geo.error().message.find(", application/geo+json"), std::string::npos);
}

TEST(AcceptNegotiation, ExplicitZeroWeightExcludesTheTypeEvenWithAWildcard) {
  // RFC 9110 section 12.5.1 (to which ETSI GS CIM 009 clause 6.3.4 defers for Accept):
  // a more specific media range overrides a less specific one, and q=0 means "not acceptable".
  // "application/json;q=0, */*" therefore excludes JSON and leaves JSON-LD.
  auto media = response_media("application/json;q=0, */*", false);
  ASSERT_TRUE(media.has_value()) << media.error().message;
  EXPECT_EQ(*media, Media::JsonLd);
}

// ---- Content-Type ----

TEST(BodyMedia, ReadsJsonAndJsonLd) {
  struct Case {
    std::string content_type;
    Media expected;
  };
  const std::vector<Case> cases = {
      {"application/json", Media::Json},
      {"application/json; charset=utf-8", Media::Json},
      {"application/json;charset=UTF-8", Media::Json},
      {"Application/JSON", Media::Json},
      {"application/merge-patch+json", Media::Json},
      {"application/merge-patch+json; charset=utf-8", Media::Json},
      {"application/ld+json", Media::JsonLd},
      {" application/ld+json ;charset=utf-8", Media::JsonLd},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.content_type);
    auto media = body_media(c.content_type);
    ASSERT_TRUE(media.has_value()) << media.error().message;
    EXPECT_EQ(*media, c.expected);
  }
}

TEST(BodyMedia, OtherTypesAreUnsupported) {
  const std::vector<std::string> types = {
      "text/plain",      "application/geo+json", "application/json-patch+json",
      "application/xml", "application/jsonx",    "*/*"};
  for (const auto& t : types) {
    SCOPED_TRACE(t);
    auto media = body_media(t);
    ASSERT_FALSE(media.has_value());
    EXPECT_EQ(media.error().kind, ErrorKind::UnsupportedMediaType);
    EXPECT_EQ(media.error().message, "Content-Type '" + t +
                                         "' is not supported; use application/json or "
                                         "application/ld+json");
  }
}

TEST(BodyMedia, MissingContentTypeIsUnsupported) {
  for (std::optional<std::string_view> ct :
       {std::optional<std::string_view>{}, std::optional<std::string_view>{""},
        std::optional<std::string_view>{" \t"}}) {
    auto media = body_media(ct);
    ASSERT_FALSE(media.has_value());
    EXPECT_EQ(media.error().kind, ErrorKind::UnsupportedMediaType);
    EXPECT_NE(media.error().message.find("the request has a body but no Content-Type"),
              std::string::npos)
        << media.error().message;
  }
}

TEST(MediaTypeName, NamesEveryMedia) {
  EXPECT_EQ(media_type_name(Media::Json), "application/json");
  EXPECT_EQ(media_type_name(Media::JsonLd), "application/ld+json");
  EXPECT_EQ(media_type_name(Media::GeoJson), "application/geo+json");
}

}  // namespace
}  // namespace tsunagu::api::ngsild
