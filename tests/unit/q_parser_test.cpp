#include "query/q_parser.hpp"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <boost/json/parse.hpp>
#include <string>
#include <string_view>

#include "jsonld/core_context.hpp"

namespace tsunagu::query {
namespace {

// A stand-in for a request's @context: every term expands to "ex:<term>", except the keywords
// and a term mapped to null, and the "schema:" prefix.
std::string expand(std::string_view term) {
  if (term == "id") return "@id";
  if (term == "type") return "@type";
  if (term == "nulled") return "";
  if (term.starts_with("schema:")) return "https://schema.org/" + std::string(term.substr(7));
  return "ex:" + std::string(term);
}

Result<Expr> parse(std::string_view text, const QLimits& limits = {}) {
  return parse_q(text, TermExpander(expand), limits);
}

struct Valid {
  std::string_view input;
  std::string_view canonical;  // to_string of the tree
};

void PrintTo(const Valid& v, std::ostream* os) {
  *os << v.input;
}

class ParseValid : public testing::TestWithParam<Valid> {};

TEST_P(ParseValid, GivesTheCanonicalTree) {
  const auto parsed = parse(GetParam().input);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(to_string(*parsed), GetParam().canonical);
}

INSTANTIATE_TEST_SUITE_P(Operators, ParseValid,
                         testing::Values(Valid{"temperature", "<ex:temperature>"},
                                         Valid{"!temperature", "!<ex:temperature>"},
                                         Valid{"temperature==20", "<ex:temperature>==20"},
                                         Valid{"temperature!=20", "<ex:temperature>!=20"},
                                         Valid{"speed>50", "<ex:speed>>50"},
                                         Valid{"speed>=50", "<ex:speed>>=50"},
                                         Valid{"speed<50", "<ex:speed><50"},
                                         Valid{"speed<=50", "<ex:speed><=50"},
                                         Valid{"name~=Mer.*", "<ex:name>~=\"Mer.*\""},
                                         Valid{"name!~=Mer.*", "<ex:name>!~=\"Mer.*\""}));

INSTANTIATE_TEST_SUITE_P(
    Numbers, ParseValid,
    testing::Values(Valid{"a==20.5", "<ex:a>==20.5"}, Valid{"a==-3", "<ex:a>==-3"},
                    Valid{"a==0", "<ex:a>==0"}, Valid{"a==-0.25", "<ex:a>==-0.25"},
                    Valid{"a==1e3", "<ex:a>==1000"}, Valid{"a>-0.5E-2", "<ex:a>>-0.005"},
                    Valid{"a<1E+2", "<ex:a><100"}, Valid{"a==0.1", "<ex:a>==0.1"}));

INSTANTIATE_TEST_SUITE_P(
    Strings, ParseValid,
    testing::Values(Valid{R"(brandName=="Mercedes")", R"(<ex:brandName>=="Mercedes")"},
                    Valid{R"(brandName!="Mercedes")", R"(<ex:brandName>!="Mercedes")"},
                    Valid{R"(a=="")", R"(<ex:a>=="")"},
                    Valid{R"(a=="a;b|c)d,e..f")", R"(<ex:a>=="a;b|c)d,e..f")"},
                    Valid{R"(a=="with space")", R"(<ex:a>=="with space")"},
                    Valid{R"(a=="q\"b\\c\/d")", R"(<ex:a>=="q\"b\\c/d")"},
                    Valid{R"(a=="\n\t\b\f\r")", R"(<ex:a>=="\u000a\u0009\u0008\u000c\u000d")"},
                    Valid{R"(a=="\u00e9\u65e5")", "<ex:a>==\"\u00e9\u65e5\""},
                    Valid{R"(a=="\ud83d\ude00")", "<ex:a>==\"\U0001F600\""},
                    Valid{"a==\"\u5927\u962a\"", "<ex:a>==\"\u5927\u962a\""},
                    Valid{R"(a>"m")", R"(<ex:a>>"m")"}));

INSTANTIATE_TEST_SUITE_P(
    OtherValues, ParseValid,
    testing::Values(Valid{"isParked==true", "<ex:isParked>==true"},
                    Valid{"isParked!=false", "<ex:isParked>!=false"},
                    Valid{"isParked==urn:ngsi-ld:OffStreetParking:Downtown1",
                          "<ex:isParked>==urn:ngsi-ld:OffStreetParking:Downtown1"},
                    Valid{"rel!=https://example.org/a?b=c#d",
                          "<ex:rel>!=https://example.org/a?b=c#d"},
                    Valid{"a==2024-01-01T00:00:00Z", "<ex:a>==2024-01-01T00:00:00.000Z"},
                    Valid{"a>2024-01-01T09:00:00+09:00", "<ex:a>>2024-01-01T00:00:00.000Z"},
                    Valid{"a<2024-01-01t00:00:00.5z", "<ex:a><2024-01-01T00:00:00.500Z"},
                    Valid{"a==2024-02-29", "<ex:a>==2024-02-29"},
                    Valid{"a<12:30:00", "<ex:a><12:30:00.000Z"},
                    Valid{"a>=08:00:00.25Z", "<ex:a>>=08:00:00.250Z"}));

INSTANTIATE_TEST_SUITE_P(
    RangesAndLists, ParseValid,
    testing::Values(Valid{"temperature==10..20", "<ex:temperature>==10..20"},
                    Valid{"temperature!=10..20", "<ex:temperature>!=10..20"},
                    Valid{"a==-5..-1", "<ex:a>==-5..-1"}, Valid{"a==1.5..2.5", "<ex:a>==1.5..2.5"},
                    Valid{R"(a=="a".."m")", R"(<ex:a>=="a".."m")"},
                    Valid{"a==2024-01-01T00:00:00Z..2024-12-31T23:59:59.999Z",
                          "<ex:a>==2024-01-01T00:00:00.000Z..2024-12-31T23:59:59.999Z"},
                    Valid{"a==2024-01-01..2024-12-31", "<ex:a>==2024-01-01..2024-12-31"},
                    Valid{"a==08:00:00..17:00:00", "<ex:a>==08:00:00.000Z..17:00:00.000Z"},
                    Valid{"a==20..10", "<ex:a>==20..10"},
                    Valid{R"(color=="black","red")", R"(<ex:color>=="black","red")"},
                    Valid{"a==1,2,3", "<ex:a>==1,2,3"}, Valid{"a!=1,2", "<ex:a>!=1,2"},
                    Valid{R"(a==1,"x",true)", R"(<ex:a>==1,"x",true)"},
                    Valid{"rel==urn:a:1,urn:b:2", "<ex:rel>==urn:a:1,urn:b:2"},
                    Valid{"a==2024-01-01,2024-01-02", "<ex:a>==2024-01-01,2024-01-02"}));

INSTANTIATE_TEST_SUITE_P(Patterns, ParseValid,
                         testing::Values(Valid{"name~=^a[;|)]b$", R"(<ex:name>~="^a[;|)]b$")"},
                                         Valid{"name~=(x|y)", R"q(<ex:name>~="(x|y)")q"},
                                         Valid{R"(name~="x|y")", R"(<ex:name>~="x|y")"},
                                         Valid{R"(name~=a\)b)", R"(<ex:name>~="a\\)b")"},
                                         Valid{"(name~=a(b)c;x)", R"(<ex:name>~="a(b)c";<ex:x>)"},
                                         Valid{"name~=x|y", R"(<ex:name>~="x"|<ex:y>)"},
                                         Valid{"name~=(?i)mer.*", R"(<ex:name>~="(?i)mer.*")"},
                                         Valid{"name~=[[:alpha:]]+;b",
                                               R"(<ex:name>~="[[:alpha:]]+";<ex:b>)"},
                                         Valid{"name~=a b", R"(<ex:name>~="a b")"}));

INSTANTIATE_TEST_SUITE_P(
    Logic, ParseValid,
    testing::Values(
        Valid{"a;b", "<ex:a>;<ex:b>"}, Valid{"a|b", "<ex:a>|<ex:b>"},
        // AND binds tighter than OR (clause 4.9).
        Valid{"a;b|c", "<ex:a>;<ex:b>|<ex:c>"}, Valid{"a|b;c", "<ex:a>|<ex:b>;<ex:c>"},
        Valid{"(a|b);c", "(<ex:a>|<ex:b>);<ex:c>"}, Valid{"a;(b|c)", "<ex:a>;(<ex:b>|<ex:c>)"},
        Valid{"a;(b;c)", "<ex:a>;<ex:b>;<ex:c>"}, Valid{"(a|b)|c", "<ex:a>|<ex:b>|<ex:c>"},
        Valid{"((a))", "<ex:a>"}, Valid{"(a;b)|c", "<ex:a>;<ex:b>|<ex:c>"},
        // The clause's examples 4, 6 and 7.
        Valid{R"(speed>50;brandName!="Mercedes")", R"(<ex:speed>>50;<ex:brandName>!="Mercedes")"},
        Valid{R"(((speed>50|rpm>3000);brandName=="Mercedes"))",
              R"((<ex:speed>>50|<ex:rpm>>3000);<ex:brandName>=="Mercedes")"},
        Valid{"(temperature>=20;temperature<=25)|capacity<=10",
              "<ex:temperature>>=20;<ex:temperature><=25|<ex:capacity><=10"},
        Valid{"a;(b|(c;(d|e)))", "<ex:a>;(<ex:b>|<ex:c>;(<ex:d>|<ex:e>))"}));

INSTANTIATE_TEST_SUITE_P(
    Paths, ParseValid,
    testing::Values(Valid{"a.b", "<ex:a>.<ex:b>"}, Valid{"a.b.c==1", "<ex:a>.<ex:b>.<ex:c>==1"},
                    Valid{R"(address[city]=="Berlin")", R"(<ex:address>[city]=="Berlin")"},
                    Valid{"sensor.rawdata[airquality.particulate]==40",
                          "<ex:sensor>.<ex:rawdata>[airquality.particulate]==40"},
                    Valid{"a[b][c]", "<ex:a>[b.c]"}, Valid{"a[b_1.c-d]", "<ex:a>[b_1.c-d]"},
                    Valid{R"(name[en-GB]=="red")", R"(<ex:name>[en-GB]=="red")"},
                    Valid{R"(name[*]=="red")", R"(<ex:name>[*]=="red")"},
                    Valid{R"(schema:name=="x")", R"(<https://schema.org/name>=="x")"},
                    Valid{"\u6e29\u5ea6>20", "<ex:\u6e29\u5ea6>>20"},
                    Valid{"temp\u00e9rature_2", "<ex:temp\u00e9rature_2>"},
                    Valid{"!a.b[c]", "!<ex:a>.<ex:b>[c]"}));

INSTANTIATE_TEST_SUITE_P(
    Metadata, ParseValid,
    testing::Values(
        Valid{"temperature.observedAt>=2017-12-24T12:00:00Z",
              "<ex:temperature>.observedAt>=2017-12-24T12:00:00.000Z"},
        Valid{R"(a.b.unitCode=="CEL")", R"(<ex:a>.<ex:b>.unitCode=="CEL")"},
        Valid{"a.datasetId==urn:ngsi-ld:d:1", "<ex:a>.datasetId==urn:ngsi-ld:d:1"},
        Valid{"a.createdAt<2024-01-01T00:00:00Z", "<ex:a>.createdAt<2024-01-01T00:00:00.000Z"},
        Valid{"a.modifiedAt", "<ex:a>.modifiedAt"}, Valid{"!a.observedAt", "!<ex:a>.observedAt"},
        Valid{"createdAt>2024-01-01T00:00:00Z", "createdAt>2024-01-01T00:00:00.000Z"},
        Valid{"modifiedAt<=2024-01-01T00:00:00Z", "modifiedAt<=2024-01-01T00:00:00.000Z"}));

struct Invalid {
  std::string_view input;
  std::size_t position;
  std::string_view fragment;  // expected somewhere in the message
};

void PrintTo(const Invalid& v, std::ostream* os) {
  *os << v.input;
}

class ParseInvalid : public testing::TestWithParam<Invalid> {};

TEST_P(ParseInvalid, NamesThePositionAndTheProblem) {
  const auto parsed = parse(GetParam().input);
  ASSERT_FALSE(parsed.has_value()) << to_string(*parsed);
  EXPECT_EQ(parsed.error().kind, ErrorKind::BadRequestData);
  const std::string prefix = "q: position " + std::to_string(GetParam().position) + ": ";
  EXPECT_TRUE(parsed.error().message.starts_with(prefix)) << parsed.error().message;
  EXPECT_NE(parsed.error().message.find(GetParam().fragment), std::string::npos)
      << parsed.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Structure, ParseInvalid,
    testing::Values(Invalid{"", 0, "expected an attribute name"},
                    Invalid{"a==1;", 5, "expected an attribute name"},
                    Invalid{"a;;b", 2, "expected an attribute name"},
                    Invalid{"a|", 2, "found the end"},
                    Invalid{"(a", 2, "missing ')' for the '(' at position 0"},
                    Invalid{"(a;(b|c)", 8, "missing ')' for the '(' at position 0"},
                    Invalid{"a)", 1, "')' without a matching '('"},
                    Invalid{"()", 1, "expected an attribute name"},
                    Invalid{"(a b)", 2, "unexpected a space; expected ';', '|' or ')'"},
                    Invalid{"a b", 1, "unexpected a space; expected ';', '|' or the end"},
                    Invalid{"a-b==1", 1, "unexpected '-'"}, Invalid{"a:", 1, "unexpected ':'"},
                    Invalid{"!(a)", 1, "expected an attribute name"},
                    Invalid{"a==\"\xff\"", 4, "invalid UTF-8"}));

INSTANTIATE_TEST_SUITE_P(
    Operators, ParseInvalid,
    testing::Values(Invalid{"a=1", 1, "'=' is not an operator"},
                    Invalid{"a=~x", 1, "the pattern operator is '~='"},
                    Invalid{"a~x", 1, "'~' is not an operator"},
                    Invalid{"a!x", 1, "'!' is not an operator"},
                    Invalid{"!a==1", 2, "takes no operator"},
                    Invalid{"a==", 3, "expected a value after '=='"},
                    Invalid{"speed==1;a>", 11, "expected a value after '>'"},
                    Invalid{"a!=;b", 3, "expected a value after '!='"},
                    Invalid{"a== 1", 3, "expected a value after '==', found a space"},
                    Invalid{"a>true", 2, "'>' compares numbers, strings, dates and times only"},
                    Invalid{"a<=urn:x:y", 3, "'<=' compares"},
                    Invalid{"a>1..5", 3, "ranges and lists are allowed only after"},
                    Invalid{"a<1,2", 3, "ranges and lists are allowed only after"}));

INSTANTIATE_TEST_SUITE_P(
    Values, ParseInvalid,
    testing::Values(
        Invalid{"a==Mercedes", 3, "'Mercedes' is not a value (strings are quoted"},
        Invalid{"a==null", 3, "'null' is not a value"}, Invalid{"a==1 ", 4, "unexpected a space"},
        Invalid{"a==01", 3, "'01' is not a number"}, Invalid{"a==1.", 3, "'1.' is not a number"},
        Invalid{"a==.5", 3, "is not a value"}, Invalid{"a==+5", 3, "'+5' is not a value"},
        Invalid{"a==1e999", 3, "out of range"}, Invalid{"a==0x10", 3, "is not a number"},
        Invalid{"a==2024-13-01", 3, "'2024-13-01' is not a valid ISO 8601 date"},
        Invalid{"a==2024-01-01T25:00:00Z", 3, "is not a valid ISO 8601 date-time"},
        Invalid{"a==2024-01-01T00:00:00", 3, "time zone"},
        Invalid{"a==25:00:00", 3, "is not a valid ISO 8601 time"},
        Invalid{"a==\"abc", 3, "unterminated string"},
        Invalid{R"(a=="a\qb")", 5, "invalid escape '\\q'"},
        Invalid{R"(a=="\u12")", 4, "four hex digits"},
        Invalid{R"(a=="\ud800")", 4, "high surrogate"},
        Invalid{R"(a=="\udc00x")", 4, "lone low surrogate"},
        Invalid{"a==\"x\ty\"", 5, "control character in a string must be escaped"},
        Invalid{"a==1..", 6, "expected a value after '..'"},
        Invalid{R"(a==1.."z")", 6, "same type"}, Invalid{"a==true..false", 3, "a range needs"},
        Invalid{"a==urn:a:b..urn:c:d", 3, "a range needs"},
        Invalid{"a==1,", 5, "expected a value after ','"},
        Invalid{"a==1,,2", 5, "expected a value after ','"},
        Invalid{"a==(1)", 3, "is not a value"}));

INSTANTIATE_TEST_SUITE_P(Patterns, ParseInvalid,
                         testing::Values(Invalid{"a~=", 3, "expected a pattern after '~='"},
                                         Invalid{"a!~=;b", 4, "expected a pattern after '!~='"},
                                         Invalid{"a~=(", 3, "invalid pattern '('"},
                                         Invalid{"a~=[a", 3, "invalid pattern '[a'"},
                                         Invalid{R"(a~="(")", 3, "invalid pattern '('"},
                                         Invalid{"a~=x)", 4, "')' without a matching '('"},
                                         Invalid{"a~=a{2000}", 3, "invalid pattern"}));

INSTANTIATE_TEST_SUITE_P(
    Paths, ParseInvalid,
    testing::Values(Invalid{"1abc", 0, "expected an attribute name"},
                    Invalid{"_a", 0, "expected an attribute name"},
                    Invalid{"a.", 2, "expected a name after '.'"},
                    Invalid{"a..b", 2, "expected a name after '.'"},
                    Invalid{"a[", 2, "expected a key"},
                    Invalid{"a[b", 3, "expected ']' to close the '[' at position 1"},
                    Invalid{"a[]", 2, "expected a key"}, Invalid{"a[b.]", 4, "expected a key"},
                    Invalid{"a[1]", 2, "expected a key"},
                    Invalid{"a[*][b]", 6, "'[*]' stands alone"},
                    Invalid{"a[b]c", 4, "unexpected 'c'"},
                    Invalid{"observedAt>2024-01-01T00:00:00Z", 0, "is a member of an attribute"},
                    Invalid{"unitCode", 0, "is a member of an attribute"},
                    Invalid{"a.observedAt.b", 2, "'observedAt' must end the path"},
                    Invalid{"a.datasetId[x]", 11, "has no members"},
                    Invalid{"createdAt[x]", 9, "has no members"},
                    Invalid{"id==urn:x:1", 0, "'id' is not an attribute name (it means @id)"},
                    Invalid{R"(type=="T")", 0, "'type' is not an attribute name"},
                    Invalid{"a.type", 2, "'type' is not an attribute name"},
                    Invalid{"nulled", 0, "the @context maps it to null"},
                    Invalid{"1:a", 0, "expected an attribute name"}));

// ---- limits ----

TEST(ParseLimits, AcceptsAnExpressionAtTheLengthLimit) {
  const std::string text = "a==\"" + std::string(4096 - 5, 'x') + "\"";
  ASSERT_EQ(text.size(), 4096u);
  EXPECT_TRUE(parse(text).has_value());
}

TEST(ParseLimits, RejectsAnExpressionLongerThanTheLimit) {
  const std::string text = "a==\"" + std::string(4096 - 4, 'x') + "\"";
  const auto parsed = parse(text);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().message, "q: position 4096: the expression is longer than 4096 bytes");
}

std::string nested(std::size_t depth) {
  return std::string(depth, '(') + "a" + std::string(depth, ')');
}

TEST(ParseLimits, NestingUpToTheLimitIsAccepted) {
  const auto parsed = parse(nested(32));
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(to_string(*parsed), "<ex:a>");
}

TEST(ParseLimits, NestingBeyondTheLimitIsRejectedAtTheOffendingParenthesis) {
  const auto parsed = parse(nested(33));
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().message, "q: position 32: parentheses nest deeper than 32 levels");
}

std::string terms(std::size_t n) {
  std::string text = "a";
  for (std::size_t i = 1; i < n; ++i) text += ";a";
  return text;
}

TEST(ParseLimits, TermsUpToTheLimitAreAccepted) {
  EXPECT_TRUE(parse(terms(256)).has_value());
}

TEST(ParseLimits, TooManyTermsAreRejectedAtTheFirstOneTooMany) {
  const auto parsed = parse(terms(257));
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().message, "q: position 512: more than 256 query terms");
}

TEST(ParseLimits, LimitsAreConfigurable) {
  const QLimits tight{.max_length = 64, .max_depth = 1, .max_terms = 2, .max_pattern_memory = 1};
  EXPECT_TRUE(parse("(a;b)", tight).has_value());
  EXPECT_FALSE(parse("((a))", tight).has_value());
  EXPECT_FALSE(parse("a;b;c", tight).has_value());
  EXPECT_FALSE(parse(std::string(65, 'a'), tight).has_value());
}

TEST(ParseLimits, PatternsThatNeedTooMuchMemoryAreRejected) {
  // RE2 refuses nested repetitions that multiply beyond 1000 whatever the budget.
  const auto nested_repeat = parse("a~=((.{1000}){1000}){1000}");
  ASSERT_FALSE(nested_repeat.has_value());
  EXPECT_TRUE(nested_repeat.error().message.starts_with("q: position 3: invalid pattern"))
      << nested_repeat.error().message;
  // A large program fits the default budget and not a small one.
  EXPECT_TRUE(parse("a~=.{1000}").has_value());
  QLimits small;
  small.max_pattern_memory = 16 * 1024;
  const auto big = parse("a~=.{1000}", small);
  ASSERT_FALSE(big.has_value());
  EXPECT_EQ(big.error().message,
            "q: position 3: invalid pattern '.{1000}': pattern too large - compile failed");
}

// ---- the tree itself ----

TEST(ParseTree, TypesEveryValue) {
  const auto parsed = parse(R"(a==1,true,"s",urn:x:y,2024-01-01T00:00:00Z,2024-01-01,10:00:00)");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  const auto& values = parsed->leaf.values;
  ASSERT_EQ(values.size(), 7u);
  EXPECT_EQ(std::get<double>(values[0]), 1.0);
  EXPECT_EQ(std::get<bool>(values[1]), true);
  EXPECT_EQ(std::get<Text>(values[2]).value, "s");
  EXPECT_EQ(std::get<Uri>(values[3]).value, "urn:x:y");
  EXPECT_EQ(model::format_datetime(std::get<model::Timestamp>(values[4])),
            "2024-01-01T00:00:00.000Z");
  EXPECT_EQ(std::get<Date>(values[5]).day, std::chrono::sys_days{std::chrono::year{2024} / 1 / 1});
  EXPECT_EQ(std::get<TimeOfDay>(values[6]).since_midnight, std::chrono::hours(10));
}

TEST(ParseTree, StringsCarryTheirVocabularyExpansion) {
  const auto parsed = parse(R"(gender=="Male")");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(std::get<Text>(parsed->leaf.values.front()).vocab_iri, "ex:Male");
}

TEST(ParseTree, PathsKeepIrisAndUnexpandedMembers) {
  const auto parsed = parse("a.b.c.observedAt");
  ASSERT_TRUE(parsed.has_value());
  const AttrPath& path = parsed->leaf.path;
  EXPECT_EQ(path.attr, "ex:a");
  EXPECT_EQ(path.sub_attrs, (std::vector<std::string>{"ex:b", "ex:c"}));
  EXPECT_EQ(path.metadata, Metadata::ObservedAt);
  EXPECT_TRUE(path.json_keys.empty());
}

TEST(ParseTree, PatternsAreCompiledOnceAndKeepTheirSource) {
  const auto parsed = parse("a~=x.*");
  ASSERT_TRUE(parsed.has_value());
  ASSERT_NE(parsed->leaf.pattern, nullptr);
  EXPECT_EQ(parsed->leaf.pattern->pattern(), "x.*");
  const Expr copy = *parsed;
  EXPECT_EQ(copy.leaf.pattern.get(), parsed->leaf.pattern.get());
}

TEST(ParseTree, FlattensGroupsOfTheSameKind) {
  const auto parsed = parse("a;(b;(c;d))|e");
  ASSERT_TRUE(parsed.has_value());
  ASSERT_EQ(parsed->kind, Expr::Kind::Or);
  ASSERT_EQ(parsed->children.size(), 2u);
  EXPECT_EQ(parsed->children[0].kind, Expr::Kind::And);
  EXPECT_EQ(parsed->children[0].children.size(), 4u);
}

// ---- with a real @context ----

std::shared_ptr<const jsonld::Context> user_context() {
  jsonld::ContextBuilder builder(*jsonld::core_context());
  auto st = builder.apply(boost::json::parse(
      R"({"Vehicle": "https://ex.org/Vehicle", "speed": "https://ex.org/speed",
          "Male": "https://ex.org/Male", "schema": "https://schema.org/"})"));
  EXPECT_TRUE(st) << st.error().message;
  return std::move(builder).build();
}

TEST(ParseWithContext, ExpandsTermsButNotMetadata) {
  const auto ctx = user_context();
  const auto parsed =
      parse_q("speed.observedAt>2024-01-01T00:00:00Z;temperature;location;schema:name", *ctx);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(to_string(*parsed),
            "<https://ex.org/speed>.observedAt>2024-01-01T00:00:00.000Z;"
            "<https://uri.etsi.org/ngsi-ld/default-context/temperature>;"
            "<https://uri.etsi.org/ngsi-ld/location>;<https://schema.org/name>");
}

TEST(ParseWithContext, ExpandsStringsForVocabProperties) {
  const auto ctx = user_context();
  const auto parsed = parse_q(R"(gender=="Male")", *ctx);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(std::get<Text>(parsed->leaf.values.front()).vocab_iri, "https://ex.org/Male");
}

TEST(ParseWithContext, RejectsKeywordsAsAttributes) {
  const auto ctx = user_context();
  const auto parsed = parse_q("type==\"Vehicle\"", *ctx);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().message,
            "q: position 0: 'type' is not an attribute name (it means @type)");
}

}  // namespace
}  // namespace tsunagu::query
