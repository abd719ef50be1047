#include "jsonld/link_header.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tsunagu::jsonld {
namespace {

std::optional<std::string> context_of(std::string_view header) {
  auto result = parse_context_link(header);
  EXPECT_TRUE(result) << result.error().message;
  return result ? *result : std::nullopt;
}

std::string error_of(std::string_view header) {
  auto result = parse_context_link(header);
  EXPECT_FALSE(result);
  if (result) return "no error";
  EXPECT_EQ(result.error().kind, ErrorKind::BadRequestData);
  return result.error().message;
}

TEST(LinkHeader, TheNgsiLdForm) {
  EXPECT_EQ(
      context_of("<http://example.org/ctx.jsonld>; rel=\"http://www.w3.org/ns/json-ld#context\";"
                 " type=\"application/ld+json\""),
      "http://example.org/ctx.jsonld");
}

TEST(LinkHeader, SpacingAndParameterFormsVary) {
  // Not RFC 8288 (a URI is not a token and must be quoted), but clients do send it.
  EXPECT_EQ(context_of("<https://ex.org/c.jsonld>;rel=http://www.w3.org/ns/json-ld#context"),
            "https://ex.org/c.jsonld");
  EXPECT_EQ(
      context_of("  <https://ex.org/c.jsonld> ;\trel = \"http://www.w3.org/ns/json-ld#context\" "),
      "https://ex.org/c.jsonld");
  EXPECT_EQ(context_of("<https://ex.org/c.jsonld>; REL=\"HTTP://WWW.W3.ORG/ns/json-ld#context\""),
            "https://ex.org/c.jsonld");
  EXPECT_EQ(context_of("<https://ex.org/c.jsonld>; type=\"application/ld+json\"; "
                       "rel=\"alternate http://www.w3.org/ns/json-ld#context\";"),
            "https://ex.org/c.jsonld");
}

TEST(LinkHeader, OtherLinksAreIgnored) {
  EXPECT_EQ(context_of("<https://ex.org/page2>; rel=\"next\", "
                       "<https://ex.org/c.jsonld>; rel=\"http://www.w3.org/ns/json-ld#context\""),
            "https://ex.org/c.jsonld");
  EXPECT_EQ(context_of("<https://ex.org/page2>; rel=next"), std::nullopt);
  EXPECT_EQ(context_of("<https://ex.org/x>"), std::nullopt);
}

TEST(LinkHeader, CommasInsideTheUrlAndQuotes) {
  EXPECT_EQ(context_of("<https://ex.org/c,1.jsonld>; title=\"a, \\\"b\\\"\"; "
                       "rel=\"http://www.w3.org/ns/json-ld#context\""),
            "https://ex.org/c,1.jsonld");
  auto links = parse_link_header("<https://ex.org/c>; title=\"a, \\\"b\\\"\"; flag");
  ASSERT_TRUE(links);
  ASSERT_EQ(links->size(), 1u);
  EXPECT_EQ((*links)[0].param("title"), "a, \"b\"");
  EXPECT_EQ((*links)[0].param("flag"), "");
  EXPECT_EQ((*links)[0].param("rel"), std::nullopt);
}

TEST(LinkHeader, MoreThanOneContextLinkIsAnError) {
  EXPECT_EQ(error_of("<https://ex.org/a>; rel=\"http://www.w3.org/ns/json-ld#context\", "
                     "<https://ex.org/b>; rel=\"http://www.w3.org/ns/json-ld#context\""),
            "invalid Link header: more than one JSON-LD context link");
}

TEST(LinkHeader, MalformedHeaders) {
  EXPECT_EQ(error_of(""), "invalid Link header: no link");
  EXPECT_EQ(error_of(" , "), "invalid Link header: no link");
  EXPECT_EQ(error_of("https://ex.org/c.jsonld"), "invalid Link header: a link must start with '<'");
  EXPECT_EQ(error_of("<https://ex.org/c.jsonld; rel=\"x\""), "invalid Link header: missing '>'");
  EXPECT_EQ(error_of("<https://ex.org/c>; rel=\"http://www.w3.org/ns/json-ld#context"),
            "invalid Link header: unterminated quoted string");
  EXPECT_EQ(error_of("<https://ex.org/c>; =x"), "invalid Link header: expected a parameter name");
  EXPECT_EQ(error_of("<https://ex.org/c>; rel="),
            "invalid Link header: parameter 'rel' has no value");
  EXPECT_EQ(error_of("<https://ex.org/c> <https://ex.org/d>"),
            "invalid Link header: expected ',' between links");
  EXPECT_EQ(error_of("<ctx.jsonld>; rel=\"http://www.w3.org/ns/json-ld#context\""),
            "invalid Link header: context URL 'ctx.jsonld' is not an absolute URL");
}

TEST(LinkHeader, FormatRoundTrips) {
  std::string header = format_context_link("https://ex.org/c.jsonld");
  EXPECT_EQ(header,
            "<https://ex.org/c.jsonld>; rel=\"http://www.w3.org/ns/json-ld#context\"; "
            "type=\"application/ld+json\"");
  EXPECT_EQ(context_of(header), "https://ex.org/c.jsonld");
}

}  // namespace
}  // namespace tsunagu::jsonld
