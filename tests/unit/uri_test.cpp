#include "model/uri.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tsunagu::model {
namespace {

class ValidUri : public testing::TestWithParam<std::string_view> {};

TEST_P(ValidUri, IsAccepted) {
  const auto status = validate_uri(GetParam());
  EXPECT_TRUE(status.has_value()) << status.error().message;
  EXPECT_TRUE(is_absolute_iri(GetParam()));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ValidUri,
    testing::Values("urn:ngsi-ld:Shelter:001", "urn:ngsi-ld:Shelter:osaka-kita-001",
                    "URN:NGSI-LD:Vehicle:A4567", "urn:ngsi-ld:Building:%E5%A4%A7%E9%98%AA",
                    "urn:ngsi-ld:Sensor:a.b_c~d!$&'()*+,;=@:x", "http://example.org/shelters/1",
                    "https://data.city.osaka.lg.jp/entities/1?lang=ja#top",
                    "http://[2001:db8::1]:1026/ngsi-ld/v1/entities", "http://localhost:1026",
                    "http://user:secret@example.org:8080/a:b", "http://example.org:/x",
                    "mailto:info@example.org", "tag:example.org,2024:shelter-1",
                    "did:web:example.org", "a+b-c.d:x", "urn:ngsi-ld:Link:http://example.org:x"));

struct InvalidUri {
  std::string input;
  std::string_view fragment;  // expected somewhere in the error message
};

class InvalidUriTest : public testing::TestWithParam<InvalidUri> {};

TEST_P(InvalidUriTest, IsRejectedWithAPreciseMessage) {
  const auto status = validate_uri(GetParam().input);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().kind, ErrorKind::BadRequestData);
  EXPECT_NE(status.error().message.find(GetParam().fragment), std::string::npos)
      << status.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, InvalidUriTest,
    testing::Values(
        InvalidUri{"", "it is empty"},
        InvalidUri{"urn:ngsi-ld:Shelter 001", "it contains a space at offset 19"},
        InvalidUri{" urn:ngsi-ld:Shelter:001", "it contains a space at offset 0"},
        InvalidUri{"urn:ngsi-ld:Shelter:001\n",
                   "it contains a control character 0x0A at offset 23"},
        InvalidUri{"urn:ngsi-ld:Shelter:\t1", "it contains a control character 0x09 at offset 20"},
        InvalidUri{std::string("urn:a:b\0c", 9), "control character 0x00 at offset 7"},
        InvalidUri{"urn:ngsi-ld:Shelter:\x7F", "control character 0x7F at offset 20"},
        InvalidUri{"urn:ngsi-ld:<Shelter>", "it contains '<' at offset 12"},
        InvalidUri{"urn:ngsi-ld:Shelter>", "it contains '>' at offset 19"},
        InvalidUri{"urn:ngsi-ld:\"x\"", "it contains '\"' at offset 12"},
        InvalidUri{"urn:ngsi-ld:{id}", "it contains '{' at offset 12"},
        InvalidUri{"urn:ngsi-ld:a}", "it contains '}' at offset 13"},
        InvalidUri{"urn:ngsi-ld:a|b", "it contains '|' at offset 13"},
        InvalidUri{"urn:ngsi-ld:a\\b", "it contains '\\' at offset 13"},
        InvalidUri{"urn:ngsi-ld:a^b", "it contains '^' at offset 13"},
        InvalidUri{"urn:ngsi-ld:a`b", "it contains '`' at offset 13"},
        InvalidUri{"urn:ngsi-ld:避難所:1", "non-ASCII character at offset 12; percent-encode it"},
        InvalidUri{"urn:ngsi-ld:a%2", "'%' at offset 13 is not followed by two hexadecimal digits"},
        InvalidUri{"urn:ngsi-ld:a%zz", "'%' at offset 13 is not followed by two hexadecimal"},
        InvalidUri{"Shelter001", "it has no scheme"},
        InvalidUri{":ngsi-ld:Shelter", "it has no scheme"},
        InvalidUri{"/entities/urn:x", "it has no scheme"},
        InvalidUri{"//example.org/a:b", "it has no scheme"},
        InvalidUri{"1urn:ngsi-ld:x", "its scheme '1urn' does not start with a letter"},
        InvalidUri{"-urn:x:y", "its scheme '-urn' does not start with a letter"},
        InvalidUri{"ur_n:x:y", "its scheme 'ur_n' contains '_'"},
        InvalidUri{"urn:", "it has nothing after the scheme"},
        InvalidUri{"urn:ngsi-ld", "a URN needs a namespace and a specific part"},
        InvalidUri{"urn:ngsi-ld:", "a URN needs a namespace and a specific part"},
        InvalidUri{"urn:x:Shelter", "a URN needs a namespace and a specific part"},
        InvalidUri{"urn:-ngsi:Shelter", "a URN needs a namespace and a specific part"},
        InvalidUri{"urn:ngsi.ld:Shelter", "a URN needs a namespace and a specific part"},
        InvalidUri{"http://", "an http URI needs a host"},
        InvalidUri{"https:///path", "an https URI needs a host"},
        InvalidUri{"http://example.org:80a/", "its port '80a' is not a number"},
        InvalidUri{"http://user:pw@example.org:x", "its port 'x' is not a number"},
        InvalidUri{"http://[::1]:1o26/", "its port '1o26' is not a number"},
        InvalidUri{"http://[::1/x", "it does not follow RFC 3986"},
        InvalidUri{"urn:a:b#c#d", "it does not follow RFC 3986"},
        InvalidUri{"urn:ngsi-ld:Shelter:" + std::string(2030, 'a'),
                   "it is 2050 bytes long; the limit is 2048"}));

TEST(ValidateUri, AcceptsTheLongestAllowedId) {
  const std::string id = "urn:ngsi-ld:Shelter:" + std::string(kMaxUriLength - 20, 'a');
  ASSERT_EQ(id.size(), kMaxUriLength);
  EXPECT_TRUE(validate_uri(id).has_value());
}

TEST(ValidateUri, MessageNamesTheFieldAndQuotesTheInput) {
  const auto status = validate_uri("Shelter 1", "id");
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().message,
            "id: 'Shelter 1' is not a valid URI: it contains a space at offset 7");
}

TEST(ValidateUri, LongInputIsCutInTheMessage) {
  const auto status = validate_uri(std::string(5000, 'x'));
  ASSERT_FALSE(status.has_value());
  EXPECT_LT(status.error().message.size(), 200u) << status.error().message;
}

struct IriCase {
  std::string_view input;
  bool absolute;
};

class IsAbsoluteIri : public testing::TestWithParam<IriCase> {};

TEST_P(IsAbsoluteIri, ClassifiesTheInput) {
  EXPECT_EQ(is_absolute_iri(GetParam().input), GetParam().absolute) << GetParam().input;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, IsAbsoluteIri,
    testing::Values(IriCase{"https://uri.etsi.org/ngsi-ld/location", true},
                    IriCase{"urn:ngsi-ld:避難所:001", true},
                    IriCase{"https://example.org/語彙#収容人数", true},
                    IriCase{"urn:ngsi-ld:Shelter:001", true},
                    // No NGSI-LD rules here: a bare scheme or an unusual URN is still an IRI.
                    IriCase{"urn:x", true}, IriCase{"ex:term", true}, IriCase{"name", false},
                    IriCase{"", false}, IriCase{"a b:c", false}, IriCase{"1a:b", false},
                    IriCase{"ex:a b", false}, IriCase{"ex:<a>", false}, IriCase{"@context", false},
                    IriCase{"/relative/path", false},
                    // Malformed UTF-8: a lone continuation byte, a truncated sequence, an
                    // overlong encoding of '/', and an encoded surrogate.
                    IriCase{"ex:\x80", false}, IriCase{"ex:\xE3\x81", false},
                    IriCase{"ex:\xC0\xAF", false}, IriCase{"ex:\xED\xA0\x80", false},
                    // C1 controls and noncharacters are not ucschar.
                    IriCase{"ex:\xC2\x85", false}, IriCase{"ex:\xEF\xBF\xBF", false}));

}  // namespace
}  // namespace tsunagu::model

namespace tsunagu::model {
namespace {

TEST(ParseHttpUrl, SplitsWhatAClientNeeds) {
  auto u = parse_http_url("https://example.org:8443/notify?x=1");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host, "example.org");
  EXPECT_EQ(u->port, "8443");
  EXPECT_EQ(u->host_header, "example.org:8443");
  EXPECT_EQ(u->target, "/notify?x=1");
  auto v = parse_http_url("http://[::1]");
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->tls);
  EXPECT_EQ(v->host, "::1");
  EXPECT_EQ(v->port, "80");
  EXPECT_EQ(v->target, "/");
}

TEST(ParseHttpUrl, RefusesWhatIsNotAnHttpUrlWithAHost) {
  for (const char* bad : {"ftp://example.org/", "not a url", "http:///path", "mqtt://h/t"}) {
    auto u = parse_http_url(bad);
    ASSERT_FALSE(u) << bad;
    EXPECT_EQ(u.error().kind, ErrorKind::InvalidRequest);
    EXPECT_NE(u.error().message.find(bad), std::string::npos) << u.error().message;
  }
}

}  // namespace
}  // namespace tsunagu::model
