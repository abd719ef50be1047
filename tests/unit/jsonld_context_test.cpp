#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>
#include <vector>

#include "jsonld/context.hpp"
#include "jsonld/core_context.hpp"

namespace tsunagu::jsonld {
namespace {

constexpr const char* kNgsiLd = "https://uri.etsi.org/ngsi-ld/";
constexpr const char* kDefault = "https://uri.etsi.org/ngsi-ld/default-context/";

std::string ngsild(const std::string& s) {
  return kNgsiLd + s;
}
std::string dflt(const std::string& s) {
  return kDefault + s;
}

// The core context with `user` applied on top, as the resolver builds it.
std::shared_ptr<const Context> with(const char* user) {
  ContextBuilder builder(*core_context());
  auto status = builder.apply(boost::json::parse(user));
  EXPECT_TRUE(status) << status.error().message;
  return std::move(builder).build();
}

Error error_of(const char* user) {
  ContextBuilder builder(*core_context());
  auto status = builder.apply(boost::json::parse(user));
  EXPECT_FALSE(status);
  return status ? Error{ErrorKind::InternalError, "no error", {}} : status.error();
}

// ---- the core context ----

TEST(CoreContext, DefinesEveryTermOfTheDocument) {
  const auto& doc = core_context_document().as_object();
  std::size_t terms = 0;
  for (const auto& entry : doc) terms += entry.key().starts_with("@") ? 0 : 1;
  EXPECT_EQ(terms, 181u);
  EXPECT_EQ(core_context()->term_count(), 181u);
  EXPECT_EQ(core_context()->vocab(), std::optional<std::string>(kDefault));
}

TEST(CoreContext, ExpandsTheNgsiLdTerms) {
  auto core = core_context();
  EXPECT_EQ(core->expand("id"), "@id");
  EXPECT_EQ(core->expand("type"), "@type");
  EXPECT_EQ(core->expand("Property"), ngsild("Property"));
  EXPECT_EQ(core->expand("Relationship"), ngsild("Relationship"));
  EXPECT_EQ(core->expand("GeoProperty"), ngsild("GeoProperty"));
  EXPECT_EQ(core->expand("LanguageProperty"), ngsild("LanguageProperty"));
  EXPECT_EQ(core->expand("VocabProperty"), ngsild("VocabProperty"));
  EXPECT_EQ(core->expand("JsonProperty"), ngsild("JsonProperty"));
  EXPECT_EQ(core->expand("ListProperty"), ngsild("ListProperty"));
  EXPECT_EQ(core->expand("ListRelationship"), ngsild("ListRelationship"));
  EXPECT_EQ(core->expand("value"), ngsild("hasValue"));
  EXPECT_EQ(core->expand("object"), ngsild("hasObject"));
  EXPECT_EQ(core->expand("languageMap"), ngsild("hasLanguageMap"));
  EXPECT_EQ(core->expand("vocab"), ngsild("hasVocab"));
  EXPECT_EQ(core->expand("json"), ngsild("hasJSON"));
  EXPECT_EQ(core->expand("valueList"), ngsild("hasValueList"));
  EXPECT_EQ(core->expand("objectList"), ngsild("hasObjectList"));
  EXPECT_EQ(core->expand("location"), ngsild("location"));
  EXPECT_EQ(core->expand("observationSpace"), ngsild("observationSpace"));
  EXPECT_EQ(core->expand("operationSpace"), ngsild("operationSpace"));
  EXPECT_EQ(core->expand("observedAt"), ngsild("observedAt"));
  EXPECT_EQ(core->expand("createdAt"), ngsild("createdAt"));
  EXPECT_EQ(core->expand("modifiedAt"), ngsild("modifiedAt"));
  EXPECT_EQ(core->expand("datasetId"), ngsild("datasetId"));
  EXPECT_EQ(core->expand("unitCode"), ngsild("unitCode"));
  EXPECT_EQ(core->expand("containedBy"), ngsild("isContainedBy"));
  EXPECT_EQ(core->expand("Subscription"), ngsild("Subscription"));
  EXPECT_EQ(core->expand("ContextSourceRegistration"), ngsild("ContextSourceRegistration"));
  EXPECT_EQ(core->expand("watchedAttributes"), ngsild("watchedAttributes"));
  EXPECT_EQ(core->expand("Point"), "https://purl.org/geojson/vocab#Point");
  EXPECT_EQ(core->expand("coordinates"), "https://purl.org/geojson/vocab#coordinates");
  EXPECT_EQ(core->expand("description"), "http://purl.org/dc/terms/description");
  // Defined as itself, so it lands in the default vocabulary.
  EXPECT_EQ(core->expand("attributeCount"), dflt("attributeCount"));
}

TEST(CoreContext, KeepsTypeAndContainerMappings) {
  auto core = core_context();
  EXPECT_EQ(core->type_of(ngsild("observedAt")), ngsild("DateTime"));
  EXPECT_EQ(core->type_of(ngsild("hasObject")), "@id");
  EXPECT_EQ(core->type_of(ngsild("hasVocab")), "@vocab");
  EXPECT_EQ(core->type_of(ngsild("hasJSON")), "@json");
  EXPECT_EQ(core->type_of(ngsild("datasetId")), "@id");
  EXPECT_EQ(core->type_of(ngsild("hasValue")), std::nullopt);
  EXPECT_EQ(core->type_of("https://example.org/unknown"), std::nullopt);
  EXPECT_EQ(core->find("languageMap")->container, std::vector<std::string>{"@language"});
  EXPECT_EQ(core->find("valueList")->container, std::vector<std::string>{"@list"});
  EXPECT_TRUE(core->find("ngsi-ld")->prefix);
  EXPECT_TRUE(core->find("geojson")->prefix);
  EXPECT_FALSE(core->find("Property")->prefix);
  EXPECT_TRUE(core->find("Property")->core);
}

TEST(CoreContext, EveryTermRoundTrips) {
  auto core = core_context();
  for (const auto& entry : core_context_document().as_object()) {
    std::string term(entry.key());
    if (term.starts_with("@")) continue;
    EXPECT_EQ(core->compact(core->expand(term)), term);
  }
}

TEST(CoreContext, KnowsItsUrls) {
  EXPECT_TRUE(is_core_context_url(kCoreContextUrl));
  EXPECT_TRUE(is_core_context_url("https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld"));
  EXPECT_TRUE(
      is_core_context_url("https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.3.jsonld"));
  EXPECT_TRUE(
      is_core_context_url("https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.7.jsonld"));
  EXPECT_FALSE(
      is_core_context_url("https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.2.jsonld"));
  EXPECT_FALSE(
      is_core_context_url("https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.9.jsonld"));
  EXPECT_FALSE(is_core_context_url("https://example.org/ngsi-ld-core-context.jsonld"));
}

// ---- expansion and compaction ----

TEST(Context, UnknownTermsUseVocabBothWays) {
  auto core = core_context();
  EXPECT_EQ(core->expand("temperature"), dflt("temperature"));
  EXPECT_EQ(core->compact(dflt("temperature")), "temperature");
  EXPECT_EQ(core->expand("Shelter"), dflt("Shelter"));
  EXPECT_EQ(core->compact(dflt("Shelter")), "Shelter");
}

TEST(Context, AbsoluteIrisStayAsTheyAre) {
  auto core = core_context();
  EXPECT_EQ(core->expand("https://schema.org/name"), "https://schema.org/name");
  EXPECT_EQ(core->expand("urn:ngsi-ld:Vehicle:A1"), "urn:ngsi-ld:Vehicle:A1");
  EXPECT_EQ(core->compact("http://example.org/x"), "http://example.org/x");
  EXPECT_EQ(core->compact("urn:x:y"), "urn:x:y");
}

TEST(Context, KeywordsAndTheirAliases) {
  auto core = core_context();
  EXPECT_EQ(core->expand("@id"), "@id");
  EXPECT_EQ(core->compact("@id"), "id");
  EXPECT_EQ(core->compact("@type"), "type");
  auto ctx = with(R"({"identifier": "@id"})");
  EXPECT_EQ(ctx->expand("identifier"), "@id");
  EXPECT_EQ(ctx->compact("@id"), "id");  // the shorter alias wins
}

TEST(Context, CompactIrisWithCorePrefixes) {
  auto core = core_context();
  EXPECT_EQ(core->expand("ngsi-ld:foo"), ngsild("foo"));
  EXPECT_EQ(core->compact(ngsild("foo")), "ngsi-ld:foo");
  EXPECT_EQ(core->expand("geojson:Thing"), "https://purl.org/geojson/vocab#Thing");
  EXPECT_EQ(core->compact("https://purl.org/geojson/vocab#Thing"), "geojson:Thing");
  EXPECT_EQ(core->compact(kNgsiLd), "ngsi-ld");
}

TEST(Context, UserPrefixesAndTerms) {
  auto ctx = with(R"({
    "name": "schema:name",
    "schema": "https://schema.org/",
    "Shelter": "https://example.org/types/Shelter",
    "capacity": {"@id": "https://example.org/capacity", "@type": "xsd:integer"},
    "xsd": "http://www.w3.org/2001/XMLSchema#"
  })");
  EXPECT_EQ(ctx->expand("name"), "https://schema.org/name");
  EXPECT_EQ(ctx->compact("https://schema.org/name"), "name");
  EXPECT_EQ(ctx->expand("schema:address"), "https://schema.org/address");
  EXPECT_EQ(ctx->compact("https://schema.org/address"), "schema:address");
  EXPECT_EQ(ctx->expand("Shelter"), "https://example.org/types/Shelter");
  EXPECT_EQ(ctx->compact("https://example.org/types/Shelter"), "Shelter");
  EXPECT_EQ(ctx->type_of("https://example.org/capacity"),
            "http://www.w3.org/2001/XMLSchema#integer");
  EXPECT_EQ(ctx->expand("Property"), ngsild("Property"));
}

TEST(Context, OnlyPrefixTermsMakeCompactIris) {
  auto ctx = with(R"({
    "ex": {"@id": "http://example.org/"},
    "px": {"@id": "http://example.org/p/", "@prefix": true},
    "nd": "http://example.org/no-delimiter"
  })");
  // JSON-LD 1.1: an expanded definition is a prefix only with "@prefix": true, and a simple one
  // only if its IRI ends with a gen-delim character.
  EXPECT_EQ(ctx->expand("ex:a"), "ex:a");
  EXPECT_EQ(ctx->expand("px:a"), "http://example.org/p/a");
  EXPECT_EQ(ctx->expand("nd:a"), "nd:a");
  EXPECT_EQ(ctx->compact("http://example.org/p/a"), "px:a");
  EXPECT_EQ(ctx->compact("http://example.org/q"), "http://example.org/q");
}

TEST(Context, ShortestCompactIriWins) {
  auto ctx = with(R"({"ex": "http://example.org/", "exv": "http://example.org/vocab/"})");
  EXPECT_EQ(ctx->compact("http://example.org/vocab/x"), "exv:x");
  EXPECT_EQ(ctx->compact("http://example.org/other/x"), "ex:other/x");
  EXPECT_EQ(ctx->expand("exv:x"), "http://example.org/vocab/x");
  EXPECT_EQ(ctx->expand("ex:other/x"), "http://example.org/other/x");
}

TEST(Context, CompactIriThatIsATermIsNotUsed) {
  auto ctx = with(R"({"ex": "http://example.org/", "ex:a": "http://other.org/a"})");
  EXPECT_EQ(ctx->expand("ex:a"), "http://other.org/a");
  EXPECT_EQ(ctx->compact("http://other.org/a"), "ex:a");
  EXPECT_EQ(ctx->compact("http://example.org/a"), "http://example.org/a");
  EXPECT_EQ(ctx->compact("http://example.org/b"), "ex:b");
}

TEST(Context, PreferredTermIsShortestThenLeast) {
  auto ctx = with(R"({"speed": "http://x.org/s", "sp": "http://x.org/s", "zz": "http://x.org/t",
                      "aa": "http://x.org/t"})");
  EXPECT_EQ(ctx->compact("http://x.org/s"), "sp");
  EXPECT_EQ(ctx->compact("http://x.org/t"), "aa");
}

TEST(Context, VocabRelativeNameMustNotBeATermWithAnotherMeaning) {
  auto ctx = with(R"({"speed": "http://example.org/speed"})");
  EXPECT_EQ(ctx->compact("http://example.org/speed"), "speed");
  EXPECT_EQ(ctx->compact(dflt("speed")), "ngsi-ld:default-context/speed");
  EXPECT_EQ(ctx->expand("ngsi-ld:default-context/speed"), dflt("speed"));
  // A suffix with a colon would read back as a compact IRI.
  EXPECT_EQ(ctx->compact(dflt("a:b")), "ngsi-ld:default-context/a:b");
  EXPECT_EQ(ctx->expand("ngsi-ld:default-context/a:b"), dflt("a:b"));
}

TEST(Context, UserVocab) {
  auto ctx = with(R"({"@vocab": "https://example.org/vocab#"})");
  EXPECT_EQ(ctx->vocab(), std::optional<std::string>("https://example.org/vocab#"));
  EXPECT_EQ(ctx->expand("speed"), "https://example.org/vocab#speed");
  EXPECT_EQ(ctx->compact("https://example.org/vocab#speed"), "speed");
  EXPECT_EQ(ctx->compact(dflt("speed")), "ngsi-ld:default-context/speed");
  EXPECT_EQ(ctx->expand("Property"), ngsild("Property"));
}

TEST(Context, VocabMayBeACompactIri) {
  auto ctx = with(R"({"@vocab": "ngsi-ld:custom/"})");
  EXPECT_EQ(ctx->expand("speed"), ngsild("custom/speed"));
}

TEST(Context, NullVocabLeavesRelativeTermsAlone) {
  auto ctx = with(R"({"@vocab": null})");
  EXPECT_EQ(ctx->vocab(), std::nullopt);
  EXPECT_EQ(ctx->expand("speed"), "speed");
  EXPECT_EQ(ctx->compact(dflt("speed")), "ngsi-ld:default-context/speed");
}

TEST(Context, NullTermIsUndefined) {
  auto ctx = with(R"([{"name": "https://schema.org/name"}, {"name": null}])");
  ASSERT_NE(ctx->find("name"), nullptr);
  EXPECT_EQ(ctx->find("name")->iri, std::nullopt);
  EXPECT_EQ(ctx->expand("name"), "");
  EXPECT_EQ(ctx->compact("https://schema.org/name"), "https://schema.org/name");
  EXPECT_EQ(ctx->compact(dflt("name")), "ngsi-ld:default-context/name");
  auto with_object = with(R"({"name": {"@id": null}})");
  EXPECT_EQ(with_object->expand("name"), "");
}

TEST(Context, CoreTermsCannotBeRedefined) {
  auto ctx = with(R"({
    "type": "https://example.org/type",
    "value": "https://example.org/value",
    "Property": "https://example.org/Property",
    "location": "https://schema.org/location",
    "observedAt": {"@id": "ngsi-ld:observedAt", "@type": "@id"},
    "unitCode": null,
    "ngsi-ld": "https://example.org/ngsi-ld/",
    "speed": "ngsi-ld:speed"
  })");
  EXPECT_EQ(ctx->expand("type"), "@type");
  EXPECT_EQ(ctx->expand("value"), ngsild("hasValue"));
  EXPECT_EQ(ctx->expand("Property"), ngsild("Property"));
  EXPECT_EQ(ctx->expand("location"), ngsild("location"));
  EXPECT_EQ(ctx->type_of(ngsild("observedAt")), ngsild("DateTime"));
  EXPECT_EQ(ctx->expand("unitCode"), ngsild("unitCode"));
  EXPECT_EQ(ctx->expand("speed"), ngsild("speed"));
  EXPECT_EQ(ctx->compact("https://example.org/value"), "https://example.org/value");
}

TEST(Context, CoreTermMayBeRepeatedWithItsOwnMeaning) {
  auto ctx = with(R"({"location": "https://uri.etsi.org/ngsi-ld/location", "id": "@id"})");
  EXPECT_EQ(ctx->expand("location"), ngsild("location"));
  EXPECT_EQ(ctx->compact(ngsild("location")), "location");
}

TEST(Context, LaterDefinitionsOverrideEarlierOnes) {
  auto ctx = with(R"([{"speed": "http://a.org/speed"}, {"speed": "http://b.org/speed"}])");
  EXPECT_EQ(ctx->expand("speed"), "http://b.org/speed");
  EXPECT_EQ(ctx->compact("http://a.org/speed"), "http://a.org/speed");
  EXPECT_EQ(ctx->compact("http://b.org/speed"), "speed");
}

TEST(Context, NestedArraysApplyInOrderAndSeeEarlierTerms) {
  auto ctx = with(R"([[{"ex": "http://x.org/"}], [[{"a": "ex:a"}], {"b": "a"}]])");
  EXPECT_EQ(ctx->expand("a"), "http://x.org/a");
  EXPECT_EQ(ctx->expand("b"), "http://x.org/a");
}

TEST(Context, TermsOfOneObjectMayReferToEachOtherInAnyOrder) {
  auto ctx = with(R"({"b": "a", "a": "ex:a", "ex": "http://x.org/"})");
  EXPECT_EQ(ctx->expand("b"), "http://x.org/a");
}

TEST(Context, NullContextResetsToTheCore) {
  auto ctx = with(R"([{"speed": "http://a.org/speed", "@vocab": "http://v.org/"}, null])");
  EXPECT_EQ(ctx->expand("speed"), dflt("speed"));
  EXPECT_EQ(ctx->expand("Property"), ngsild("Property"));
}

TEST(Context, UserProtectedTermsFollowJsonLd) {
  auto same = with(R"([{"@protected": true, "speed": "http://a.org/speed"},
                       {"speed": "http://a.org/speed"}])");
  EXPECT_EQ(same->expand("speed"), "http://a.org/speed");
  auto e = error_of(R"([{"@protected": true, "speed": "http://a.org/speed"},
                        {"speed": "http://b.org/speed"}])");
  EXPECT_EQ(e.kind, ErrorKind::BadRequestData);
  EXPECT_EQ(e.message, "invalid @context: term 'speed': protected term redefinition");
  auto per_term = error_of(R"([{"speed": {"@id": "http://a.org/speed", "@protected": true}},
                               {"speed": null}])");
  EXPECT_EQ(per_term.message, "invalid @context: term 'speed': protected term redefinition");
}

TEST(Context, VocabValuesExpandLikeTerms) {
  auto ctx = with(R"({"schema": "https://schema.org/", "Monday": "schema:Monday"})");
  EXPECT_EQ(ctx->type_of(ngsild("hasVocab")), "@vocab");
  EXPECT_EQ(ctx->expand_vocab_value("Monday"), "https://schema.org/Monday");
  EXPECT_EQ(ctx->compact_vocab_value("https://schema.org/Monday"), "Monday");
  EXPECT_EQ(ctx->expand_vocab_value("Tuesday"), dflt("Tuesday"));
  EXPECT_EQ(ctx->compact_vocab_value(dflt("Tuesday")), "Tuesday");
  EXPECT_EQ(ctx->expand_vocab_value("schema:Sunday"), "https://schema.org/Sunday");
}

TEST(Context, ContainerArraysAndIgnoredMembers) {
  auto ctx = with(R"({"tags": {"@id": "http://x.org/tags", "@container": ["@set", "@index"],
                               "@context": {"inner": "http://x.org/inner"},
                               "@language": "ja", "@nest": "n", "@index": "i"}})");
  EXPECT_EQ(ctx->find("tags")->container, (std::vector<std::string>{"@set", "@index"}));
  EXPECT_EQ(ctx->find("inner"), nullptr);
}

TEST(Context, TermWithoutIdUsesVocabOrItsCompactForm) {
  auto ctx = with(R"({"speed": {"@type": "@id"}, "ngsi-ld:x": {"@type": "@vocab"}})");
  EXPECT_EQ(ctx->expand("speed"), dflt("speed"));
  EXPECT_EQ(ctx->type_of(dflt("speed")), "@id");
  EXPECT_EQ(ctx->expand("ngsi-ld:x"), ngsild("x"));
  EXPECT_EQ(ctx->type_of(ngsild("x")), "@vocab");
}

// ---- malformed contexts ----

struct Malformed {
  const char* context;
  const char* message;
};

class MalformedContext : public ::testing::TestWithParam<Malformed> {};

TEST_P(MalformedContext, IsBadRequestData) {
  auto e = error_of(GetParam().context);
  EXPECT_EQ(e.kind, ErrorKind::BadRequestData);
  EXPECT_EQ(e.message, GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, MalformedContext,
    ::testing::Values(
        Malformed{R"({"a": 5})",
                  "invalid @context: term 'a': a definition must be a string, an object or null"},
        Malformed{R"({"a": "b", "b": "a"})", "invalid @context: term 'a': cyclic IRI mapping"},
        Malformed{R"({"@version": 1.0})", "invalid @context: @version must be 1.1"},
        Malformed{R"({"@vocab": 5})", "invalid @context: @vocab must be an IRI or null"},
        Malformed{R"({"@vocab": ""})", "invalid @context: @vocab must be an IRI or null"},
        Malformed{R"({"@protected": "yes"})", "invalid @context: @protected must be true or false"},
        Malformed{R"({"@import": "http://x.org/c"})", "invalid @context: @import is not supported"},
        Malformed{R"({"@id": "http://x.org/id"})",
                  "invalid @context: term '@id': keyword redefinition"},
        Malformed{R"({"": "http://x.org/e"})", "invalid @context: a term must not be empty"},
        Malformed{R"({"a": {"@id": 5}})",
                  "invalid @context: term 'a': @id must be a string or null"},
        Malformed{R"({"a": {"@type": 5}})", "invalid @context: term 'a': @type must be a string"},
        Malformed{R"({"a": {"@container": "@bag"}})",
                  "invalid @context: term 'a': unsupported @container \"@bag\""},
        Malformed{R"({"a": {"@id": "http://x.org/a", "label": "A"}})",
                  "invalid @context: term 'a': unexpected member 'label'"},
        Malformed{R"({"a": {"@reverse": "http://x.org/a"}})",
                  "invalid @context: term 'a': @reverse is not supported"},
        Malformed{R"({"a": {"@prefix": "yes"}})",
                  "invalid @context: term 'a': @prefix must be true or false"},
        Malformed{R"({"a:b": {"@prefix": true}})",
                  "invalid @context: term 'a:b': a compact IRI or IRI cannot be a prefix"},
        Malformed{R"({"a": "@context"})", "invalid @context: term 'a': @context cannot be aliased"},
        Malformed{R"({"a/b": {"@type": "@id"}})",
                  "invalid @context: term 'a/b': a relative IRI needs an @id"},
        Malformed{R"([{"@vocab": null}, {"speed": {"@type": "@id"}}])",
                  "invalid @context: term 'speed': no @id and no @vocab to derive one from"},
        Malformed{R"([{"@vocab": null}, {"speed": "km"}])",
                  "invalid @context: term 'speed': 'km' does not expand to an IRI"},
        Malformed{R"("https://example.org/ctx.jsonld")",
                  "invalid @context: remote context 'https://example.org/ctx.jsonld' was not "
                  "resolved"},
        Malformed{R"([true])",
                  "invalid @context: a @context must be a URL, an object, an array or null, not "
                  "true"}));

}  // namespace
}  // namespace tsunagu::jsonld
