#include "query/scope_query.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tsunagu::query {
namespace {

TermExpr parse_ok(std::string_view text) {
  auto e = parse_scope_query(text);
  EXPECT_TRUE(e.has_value()) << text << ": " << e.error().message;
  return e ? *e : TermExpr{};
}

model::Entity entity_with_scope(std::optional<std::string_view> scope_json) {
  model::Entity e;
  e.id = "urn:ngsi-ld:Shelter:1";
  e.types = {"https://ex.org/Shelter"};
  if (scope_json) e.scope = boost::json::parse(*scope_json);
  return e;
}

// ---- scopes of entities ----

TEST(ScopeQuery, ValidScope) {
  const std::vector<std::string_view> valid = {
      "/Osaka", "/Osaka/Kita", "/Osaka/Kita/Umeda", "/大阪/北区", "/a-b_c.d~e:f@g!h$i&j'k*l=m",
      "/C",     "/1/2/3"};
  for (auto s : valid) {
    SCOPED_TRACE(s);
    EXPECT_TRUE(valid_scope(s));
    // Every valid scope can be queried as itself and then matches itself.
    const auto e = parse_scope_query(s);
    ASSERT_TRUE(e.has_value()) << e.error().message;
    EXPECT_TRUE(scope_matches(e->atom, s));
  }
  const std::vector<std::string_view> invalid = {
      "",     "/",    "Osaka",    "Osaka/Kita", "/Osaka/", "//Osaka", "/Osaka//Kita",
      "/+",   "/#",   "/Osaka/+", "/a+",        "/a#b",    "/a b",    "/a;b",
      "/a,b", "/a|b", "/a(b)",    "/a\tb",      "/a\x7f",  "/\xff",   "/Osaka/Kita/"};
  for (auto s : invalid) {
    SCOPED_TRACE(s);
    EXPECT_FALSE(valid_scope(s));
  }
}

// ---- parsing scopeQ ----

TEST(ScopeQuery, ParsesPatternsAndOperators) {
  const std::vector<std::pair<std::string_view, std::string_view>> valid = {
      {"/Osaka", "/Osaka"},
      {"/Osaka/Kita", "/Osaka/Kita"},
      {"/Osaka/#", "/Osaka/#"},
      {"/#", "/#"},
      {"/+", "/+"},
      {"/+/Kita", "/+/Kita"},
      {"/Osaka/+/Umeda", "/Osaka/+/Umeda"},
      {"/+/#", "/+/#"},
      {"/大阪/+/#", "/大阪/+/#"},
      {"/Osaka/#;/Tourism/+", "/Osaka/#;/Tourism/+"},
      {"/Osaka/#,/Kyoto/#", "/Osaka/#|/Kyoto/#"},
      {"(/a|/b);/c/#", "(/a|/b);/c/#"},
  };
  for (const auto& [text, canonical] : valid) {
    SCOPED_TRACE(text);
    EXPECT_EQ(to_string(parse_ok(text)), canonical);
  }
}

struct Invalid {
  std::string_view input;
  std::string_view message;  // exactly
};

void PrintTo(const Invalid& v, std::ostream* os) {
  *os << v.input;
}

class ScopeQueryInvalid : public testing::TestWithParam<Invalid> {};

TEST_P(ScopeQueryInvalid, NamesTheProblemAndThePosition) {
  const auto parsed = parse_scope_query(GetParam().input);
  ASSERT_FALSE(parsed.has_value()) << to_string(*parsed);
  EXPECT_EQ(parsed.error().kind, ErrorKind::BadRequestData);
  EXPECT_EQ(parsed.error().message, GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Levels, ScopeQueryInvalid,
    testing::Values(Invalid{"Osaka", "scopeQ: a scope must start with '/' at position 1"},
                    Invalid{"/a|Osaka", "scopeQ: a scope must start with '/' at position 4"},
                    Invalid{"#", "scopeQ: a scope must start with '/' at position 1"},
                    Invalid{"/", "scopeQ: empty level after the '/' at position 1"},
                    Invalid{"//", "scopeQ: empty level after the '/' at position 1"},
                    Invalid{"/Osaka/", "scopeQ: empty level after the '/' at position 7"},
                    Invalid{"/Osaka//Kita", "scopeQ: empty level after the '/' at position 7"},
                    Invalid{"/Osaka/#/", "scopeQ: '#' must be the last level at position 8"}));

INSTANTIATE_TEST_SUITE_P(
    Wildcards, ScopeQueryInvalid,
    testing::Values(Invalid{"/Osaka/#/Kita", "scopeQ: '#' must be the last level at position 8"},
                    Invalid{"/a/b|/c/#/d", "scopeQ: '#' must be the last level at position 9"},
                    Invalid{"/#/#", "scopeQ: '#' must be the last level at position 2"},
                    Invalid{"/a+", "scopeQ: '+' must be a whole level at position 3"},
                    Invalid{"/+a", "scopeQ: '+' must be a whole level at position 2"},
                    Invalid{"/a/b+c/d", "scopeQ: '+' must be a whole level at position 5"},
                    Invalid{"/Osaka#", "scopeQ: '#' must be a whole level at position 7"},
                    Invalid{"/++", "scopeQ: '+' must be a whole level at position 2"},
                    Invalid{"/##", "scopeQ: '#' must be a whole level at position 2"},
                    // positions count characters: 大 and 阪 are three bytes each
                    Invalid{"/大阪/#/北区", "scopeQ: '#' must be the last level at position 5"},
                    Invalid{"/大阪+", "scopeQ: '+' must be a whole level at position 4"}));

INSTANTIATE_TEST_SUITE_P(Grammar, ScopeQueryInvalid,
                         testing::Values(Invalid{"", "scopeQ: the expression is empty"},
                                         Invalid{"/a;",
                                                 "scopeQ: missing term after ';' at position 3"},
                                         Invalid{"(/a|/b", "scopeQ: unclosed '(' at position 1"},
                                         Invalid{"/a /b", "scopeQ: unexpected space at position 3"},
                                         Invalid{"/a)", "scopeQ: unmatched ')' at position 3"}));

// ---- matching ----

struct Match {
  std::string_view pattern;
  std::string_view scope;
  bool expected;
};

void PrintTo(const Match& m, std::ostream* os) {
  *os << m.pattern << " ~ " << m.scope;
}

const std::vector<Match>& match_cases() {
  static const std::vector<Match> cases = {
      // exact
      {"/Osaka/Kita", "/Osaka/Kita", true},
      {"/Osaka/Kita", "/Osaka", false},
      {"/Osaka/Kita", "/Osaka/Kita/Umeda", false},
      {"/Osaka", "/OsakaKita", false},
      {"/osaka", "/Osaka", false},
      {"/大阪/北区", "/大阪/北区", true},
      // '#': the scope and everything below it
      {"/Osaka/#", "/Osaka", true},
      {"/Osaka/#", "/Osaka/Kita", true},
      {"/Osaka/#", "/Osaka/Kita/Umeda", true},
      {"/Osaka/#", "/OsakaKita", false},
      {"/Osaka/#", "/Kyoto", false},
      {"/Osaka/Kita/#", "/Osaka", false},
      {"/#", "/Osaka", true},
      {"/#", "/a/b/c", true},
      // '+': exactly one level
      {"/+", "/Osaka", true},
      {"/+", "/Osaka/Kita", false},
      {"/+/Kita", "/Osaka/Kita", true},
      {"/+/Kita", "/Kyoto/Kita", true},
      {"/+/Kita", "/Kita", false},
      {"/+/Kita", "/Osaka/Kita/Umeda", false},
      {"/Osaka/+/Umeda", "/Osaka/Kita/Umeda", true},
      {"/Osaka/+/Umeda", "/Osaka/Umeda", false},
      {"/Osaka/+/Umeda", "/Osaka/Kita/Nakazaki", false},
      {"/+/+", "/Osaka/Kita", true},
      {"/+/#", "/Osaka", true},
      {"/Osaka/+/#", "/Osaka", false},
      {"/Osaka/+/#", "/Osaka/Kita", true},
      {"/Osaka/+/#", "/Osaka/Kita/Umeda", true},
      // stored text that is not a valid scope is compared as it is, level by level
      {"/Osaka", "/Osaka/", false},
      {"/Osaka/#", "/Osaka/", true},
      {"/Osaka/#", "/Osaka//Kita", true},
      {"/#", "Osaka", false},
      {"/#", "", false},
  };
  return cases;
}

class ScopeMatches : public testing::TestWithParam<Match> {};

TEST_P(ScopeMatches, LevelByLevel) {
  EXPECT_EQ(scope_matches(GetParam().pattern, GetParam().scope), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(Cases, ScopeMatches, testing::ValuesIn(match_cases()));

TEST(ScopeQuery, MatchesAnyScopeOfTheEntity) {
  const model::Entity one = entity_with_scope(R"("/Osaka/Kita")");
  const model::Entity many = entity_with_scope(R"(["/Osaka/Kita", "/Tourism/Food"])");
  const model::Entity none = entity_with_scope(std::nullopt);
  const model::Entity odd = entity_with_scope(R"([5, null, "/Kyoto"])");
  const model::Entity empty = entity_with_scope("[]");
  struct Case {
    std::string_view query;
    bool one, many, none, odd, empty;
  };
  const std::vector<Case> cases = {
      {"/#", true, true, false, true, false},
      {"/Osaka/Kita", true, true, false, false, false},
      {"/Osaka", false, false, false, false, false},
      {"/Osaka/#", true, true, false, false, false},
      {"/Tourism/+", false, true, false, false, false},
      // ';' asks for each pattern to be matched by some scope, not by the same one
      {"/Osaka/#;/Tourism/#", false, true, false, false, false},
      {"/Osaka/#;/Kyoto/#", false, false, false, false, false},
      {"/Kyoto|/Tourism/Food", false, true, false, true, false},
      {"(/Kyoto,/Osaka/+);/+/Kita", true, true, false, false, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.query);
    const TermExpr q = parse_ok(c.query);
    EXPECT_EQ(matches_scope(q, one), c.one);
    EXPECT_EQ(matches_scope(q, many), c.many);
    EXPECT_EQ(matches_scope(q, none), c.none);
    EXPECT_EQ(matches_scope(q, odd), c.odd);
    EXPECT_EQ(matches_scope(q, empty), c.empty);
  }
}

// ---- index prefixes ----

TEST(ScopeQuery, IndexPrefix) {
  struct Case {
    std::string_view pattern;
    std::string_view prefix;
    bool exact;
  };
  const std::vector<Case> cases = {
      {"/Osaka/Kita", "/Osaka/Kita", true},
      {"/Osaka", "/Osaka", true},
      {"/Osaka/#", "/Osaka", false},
      {"/Osaka/Kita/#", "/Osaka/Kita", false},
      {"/Osaka/+/Umeda", "/Osaka", false},
      {"/Osaka/+", "/Osaka", false},
      {"/+/Kita", "/", false},
      {"/#", "/", false},
      {"/+", "/", false},
      {"/大阪/+/#", "/大阪", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.pattern);
    const ScopeIndexKey key = scope_index_prefix(c.pattern);
    EXPECT_EQ(key.prefix, c.prefix);
    EXPECT_EQ(key.exact, c.exact);
  }
}

TEST(ScopeQuery, IsCandidate) {
  EXPECT_TRUE(is_candidate({"/Osaka/Kita", true}, "/Osaka/Kita"));
  EXPECT_FALSE(is_candidate({"/Osaka/Kita", true}, "/Osaka/Kita/Umeda"));
  EXPECT_TRUE(is_candidate({"/Osaka", false}, "/Osaka"));
  EXPECT_TRUE(is_candidate({"/Osaka", false}, "/Osaka/Kita"));
  EXPECT_FALSE(is_candidate({"/Osaka", false}, "/OsakaKita"));
  EXPECT_FALSE(is_candidate({"/Osaka", false}, "/Kyoto"));
  EXPECT_TRUE(is_candidate({"/", false}, "/Kyoto"));
  EXPECT_FALSE(is_candidate({"/", false}, "Kyoto"));
}

// The index never loses a match: over every pattern and scope of the matching table, a match is
// always a candidate.
TEST(ScopeQuery, EveryMatchIsACandidate) {
  std::vector<std::string_view> scopes;
  for (const auto& m : match_cases()) scopes.push_back(m.scope);
  for (const auto& m : match_cases()) {
    const ScopeIndexKey key = scope_index_prefix(m.pattern);
    for (auto scope : scopes) {
      if (scope_matches(m.pattern, scope)) {
        EXPECT_TRUE(is_candidate(key, scope)) << m.pattern << " ~ " << scope;
      }
    }
  }
}

}  // namespace
}  // namespace tsunagu::query
