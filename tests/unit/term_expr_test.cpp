#include "query/term_expr.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tsunagu::query {
namespace {

Result<TermExpr> parse(std::string_view text) {
  return parse_term_expr(text, "type", [](std::string_view, std::size_t) { return ok(); });
}

std::string nested(std::size_t depth, std::string_view inner) {
  return std::string(depth, '(') + std::string(inner) + std::string(depth, ')');
}

// ---- valid expressions ----

struct Valid {
  std::string_view input;
  std::string_view canonical;  // to_string of the tree
};

void PrintTo(const Valid& v, std::ostream* os) {
  *os << v.input;
}

class TermExprValid : public testing::TestWithParam<Valid> {};

TEST_P(TermExprValid, GivesTheCanonicalTree) {
  const auto parsed = parse(GetParam().input);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(to_string(*parsed), GetParam().canonical);
}

INSTANTIATE_TEST_SUITE_P(
    Operators, TermExprValid,
    testing::Values(Valid{"A", "A"}, Valid{"A;B", "A;B"}, Valid{"A|B", "A|B"}, Valid{"A,B", "A|B"},
                    Valid{"A,B|C", "A|B|C"}, Valid{"A;B;C", "A;B;C"},
                    Valid{"https://ex.org/ns#Shelter|ex:Park", "https://ex.org/ns#Shelter|ex:Park"},
                    Valid{"避難所;公園", "避難所;公園"}));

// AND binds tighter than OR, whichever comes first; ',' is an OR like '|'.
INSTANTIATE_TEST_SUITE_P(Precedence, TermExprValid,
                         testing::Values(Valid{"A;B|C", "A;B|C"}, Valid{"A|B;C", "A|B;C"},
                                         Valid{"A,B;C", "A|B;C"}, Valid{"A;B,C;D", "A;B|C;D"},
                                         Valid{"A,(B;C);D", "A|B;C;D"}));

INSTANTIATE_TEST_SUITE_P(Parentheses, TermExprValid,
                         testing::Values(Valid{"(A)", "A"}, Valid{"((A))", "A"},
                                         Valid{"(A|B);C", "(A|B);C"}, Valid{"A;(B|C)", "A;(B|C)"},
                                         Valid{"A;(B,C)", "A;(B|C)"}, Valid{"(A;B)|C", "A;B|C"},
                                         Valid{"A;(B;C)", "A;B;C"}, Valid{"(A|B)|(C,D)", "A|B|C|D"},
                                         Valid{"((A|B);(C|D))|E", "(A|B);(C|D)|E"},
                                         Valid{"(A;(B|(C;D)))", "A;(B|C;D)"}));

TEST(TermExpr, TreeShape) {
  const auto e = parse("A;B|(C|D);E|F");
  ASSERT_TRUE(e.has_value()) << e.error().message;
  ASSERT_EQ(e->kind, TermExpr::Kind::Or);
  ASSERT_EQ(e->children.size(), 3u);
  EXPECT_EQ(e->children[0].kind, TermExpr::Kind::And);
  EXPECT_EQ(to_string(e->children[0]), "A;B");
  // "(C|D);E" is an And whose first child is an Or: not flattened into the top Or.
  EXPECT_EQ(e->children[1].kind, TermExpr::Kind::And);
  EXPECT_EQ(to_string(e->children[1]), "(C|D);E");
  EXPECT_EQ(e->children[2].kind, TermExpr::Kind::Atom);
  EXPECT_EQ(e->children[2].atom, "F");
  EXPECT_TRUE(e->children[2].children.empty());
}

// ---- invalid expressions ----

struct Invalid {
  std::string_view input;
  std::string_view message;  // exactly
};

void PrintTo(const Invalid& v, std::ostream* os) {
  *os << v.input;
}

class TermExprInvalid : public testing::TestWithParam<Invalid> {};

TEST_P(TermExprInvalid, NamesTheParameterTheProblemAndThePosition) {
  const auto parsed = parse(GetParam().input);
  ASSERT_FALSE(parsed.has_value()) << to_string(*parsed);
  EXPECT_EQ(parsed.error().kind, ErrorKind::BadRequestData);
  EXPECT_EQ(parsed.error().message, GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    MissingTerms, TermExprInvalid,
    testing::Values(Invalid{"", "type: the expression is empty"},
                    Invalid{";", "type: missing term before ';' at position 1"},
                    Invalid{"|A", "type: missing term before '|' at position 1"},
                    Invalid{"A;", "type: missing term after ';' at position 2"},
                    Invalid{"A|B|", "type: missing term after '|' at position 4"},
                    Invalid{"A,", "type: missing term after ',' at position 2"},
                    Invalid{"A,,B", "type: missing term before ',' at position 3"},
                    Invalid{"A;|B", "type: missing term before '|' at position 3"},
                    Invalid{"(;A)", "type: missing term before ';' at position 2"},
                    Invalid{"(A;)", "type: missing term before ')' at position 4"}));

INSTANTIATE_TEST_SUITE_P(
    Parentheses, TermExprInvalid,
    testing::Values(Invalid{"()", "type: empty parentheses at position 1"},
                    Invalid{"A;()", "type: empty parentheses at position 3"},
                    Invalid{"(", "type: missing term after '(' at position 1"},
                    Invalid{"(A", "type: unclosed '(' at position 1"},
                    Invalid{"(A;(B|C)", "type: unclosed '(' at position 1"},
                    Invalid{"A;((B)", "type: unclosed '(' at position 3"},
                    Invalid{")", "type: unmatched ')' at position 1"},
                    Invalid{"A)", "type: unmatched ')' at position 2"},
                    Invalid{"A;)", "type: unmatched ')' at position 3"},
                    Invalid{"(A))", "type: unmatched ')' at position 4"},
                    Invalid{"A(B)", "type: missing operator before '(' at position 2"},
                    Invalid{"(A)(B)", "type: missing operator before '(' at position 4"},
                    Invalid{"(A)B", "type: missing operator after ')' at position 3"}));

// Positions count characters, not bytes: 大 and 阪 are three bytes each.
INSTANTIATE_TEST_SUITE_P(
    Characters, TermExprInvalid,
    testing::Values(Invalid{"A B", "type: unexpected space at position 2"},
                    Invalid{" A", "type: unexpected space at position 1"},
                    Invalid{"A;\tB", "type: unexpected control character 0x09 at position 3"},
                    Invalid{"A\n", "type: unexpected control character 0x0A at position 2"},
                    Invalid{"A;\x7f", "type: unexpected control character 0x7F at position 3"},
                    Invalid{"A;\xff", "type: invalid UTF-8 at position 3"},
                    Invalid{"大阪;\xe5\xa4", "type: invalid UTF-8 at position 4"},
                    Invalid{"大阪;", "type: missing term after ';' at position 3"},
                    Invalid{"大阪|(", "type: missing term after '(' at position 4"},
                    Invalid{"(大阪;京都", "type: unclosed '(' at position 1"},
                    Invalid{"大阪;京都)", "type: unmatched ')' at position 6"}));

// ---- limits ----

TEST(TermExpr, LengthCap) {
  const std::string longest(kMaxTermExprLength, 'A');
  EXPECT_TRUE(parse(longest).has_value());
  const auto too_long = parse(longest + "A");
  ASSERT_FALSE(too_long.has_value());
  EXPECT_EQ(too_long.error().message, "type: the expression is longer than 4096 bytes");
}

TEST(TermExpr, NestingCap) {
  const auto deepest = parse(nested(kMaxTermExprDepth, "A|B"));
  ASSERT_TRUE(deepest.has_value()) << deepest.error().message;
  EXPECT_EQ(to_string(*deepest), "A|B");
  const auto too_deep = parse("A;" + nested(kMaxTermExprDepth + 1, "B"));
  ASSERT_FALSE(too_deep.has_value());
  EXPECT_EQ(too_deep.error().message,
            "type: parentheses nested deeper than 32 levels at position 35");
  // Depth counts open parentheses, not every parenthesis seen.
  std::string siblings;
  for (int i = 0; i < 100; ++i) siblings += (i ? "|" : "") + nested(2, "A");
  EXPECT_TRUE(parse(siblings).has_value());
}

// ---- atom checks ----

TEST(TermExpr, ChecksEachAtomWithItsCharacterPosition) {
  std::vector<std::pair<std::string, std::size_t>> seen;
  const auto parsed =
      parse_term_expr("A;大阪|(BC,大)", "type", [&seen](std::string_view atom, std::size_t pos) {
        seen.emplace_back(atom, pos);
        return ok();
      });
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  const std::vector<std::pair<std::string, std::size_t>> expected = {
      {"A", 1}, {"大阪", 3}, {"BC", 7}, {"大", 10}};
  EXPECT_EQ(seen, expected);
}

TEST(TermExpr, AtomErrorsAreReturnedAsTheyAre) {
  int calls = 0;
  const auto parsed = parse_term_expr(
      "A|bad|C", "scopeQ", [&calls](std::string_view atom, std::size_t pos) -> Status {
        ++calls;
        if (atom != "bad") return ok();
        return fail(ErrorKind::BadRequestData,
                    "scopeQ: no good at position " + std::to_string(pos));
      });
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().message, "scopeQ: no good at position 3");
  EXPECT_EQ(calls, 2);  // parsing stops at the first bad atom
}

// ---- evaluation ----

struct Evaluation {
  std::string_view expr;
  std::set<std::string> true_atoms;
  bool expected;
};

void PrintTo(const Evaluation& v, std::ostream* os) {
  *os << v.expr;
}

class TermExprEvaluate : public testing::TestWithParam<Evaluation> {};

TEST_P(TermExprEvaluate, FollowsPrecedenceAndParentheses) {
  const auto e = parse(GetParam().expr);
  ASSERT_TRUE(e.has_value()) << e.error().message;
  const auto& truth = GetParam().true_atoms;
  EXPECT_EQ(evaluate(*e, [&truth](const std::string& a) { return truth.contains(a); }),
            GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TermExprEvaluate,
    testing::Values(Evaluation{"A", {"A"}, true}, Evaluation{"A", {"B"}, false},
                    Evaluation{"A;B", {"A"}, false}, Evaluation{"A;B", {"A", "B"}, true},
                    Evaluation{"A|B", {"B"}, true}, Evaluation{"A,B", {"B"}, true},
                    Evaluation{"A|B", {}, false},
                    // A;B|C is (A;B)|C ...
                    Evaluation{"A;B|C", {"C"}, true}, Evaluation{"A;B|C", {"A"}, false},
                    // ... while A;(B|C) needs A.
                    Evaluation{"A;(B|C)", {"C"}, false}, Evaluation{"A;(B|C)", {"A", "C"}, true},
                    Evaluation{"A|B;C", {"A"}, true}, Evaluation{"A|B;C", {"B"}, false},
                    Evaluation{"(A|B);(C|D)", {"B", "C"}, true},
                    Evaluation{"(A|B);(C|D)", {"A", "B"}, false}));

TEST(TermExpr, EvaluationStopsWhenTheValueIsKnown) {
  const auto e = parse("A|B;C");
  ASSERT_TRUE(e.has_value());
  std::vector<std::string> asked;
  EXPECT_TRUE(evaluate(*e, [&asked](const std::string& a) {
    asked.push_back(a);
    return a == "A";
  }));
  EXPECT_EQ(asked, std::vector<std::string>{"A"});
}

// ---- helpers ----

TEST(TermExpr, AsAnyOf) {
  using Atoms = std::vector<std::string>;
  const std::vector<std::pair<std::string_view, std::optional<Atoms>>> cases = {
      {"A", Atoms{"A"}},
      {"A|B", Atoms{"A", "B"}},
      {"B,A|B", Atoms{"B", "A"}},
      {"(A|B)", Atoms{"A", "B"}},
      {"(A),(B|C)", Atoms{"A", "B", "C"}},
      {"A;B", std::nullopt},
      {"A|(B;C)", std::nullopt},
      {"(A|B);C", std::nullopt},
  };
  for (const auto& [text, expected] : cases) {
    SCOPED_TRACE(text);
    const auto e = parse(text);
    ASSERT_TRUE(e.has_value()) << e.error().message;
    EXPECT_EQ(as_any_of(*e), expected);
  }
}

TEST(TermExpr, ForEachAtomRewritesInPlaceLeftToRight) {
  auto e = parse("A;(B|C),D");
  ASSERT_TRUE(e.has_value());
  std::vector<std::string> order;
  for_each_atom(*e, [&order](std::string& atom) {
    order.push_back(atom);
    atom = "ex:" + atom;
  });
  EXPECT_EQ(order, (std::vector<std::string>{"A", "B", "C", "D"}));
  EXPECT_EQ(to_string(*e), "ex:A;(ex:B|ex:C)|ex:D");
}

TEST(TermExpr, CharacterCount) {
  EXPECT_EQ(character_count(""), 0u);
  EXPECT_EQ(character_count("abc"), 3u);
  EXPECT_EQ(character_count("/大阪/北区"), 6u);
}

}  // namespace
}  // namespace tsunagu::query
