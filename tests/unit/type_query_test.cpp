#include "query/type_query.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tsunagu::query {
namespace {

// Entities hold expanded types; the API layer expands the names of a type query the same way.
// Here every short name expands to "https://ex.org/<name>".
std::string expand(std::string_view name) {
  return name.find(':') == std::string_view::npos ? "https://ex.org/" + std::string(name)
                                                  : std::string(name);
}

TermExpr parse_expanded(std::string_view text) {
  auto e = parse_type_query(text);
  EXPECT_TRUE(e.has_value()) << text << ": " << e.error().message;
  if (!e) return {};
  for_each_atom(*e, [](std::string& atom) { atom = expand(atom); });
  return *e;
}

model::Entity entity(std::vector<std::string> short_types) {
  model::Entity e;
  e.id = "urn:ngsi-ld:Thing:1";
  for (const auto& t : short_types) e.types.push_back(expand(t));
  return e;
}

TEST(TypeQuery, AcceptsTermsCompactAndAbsoluteIris) {
  const std::vector<std::pair<std::string_view, std::string_view>> valid = {
      {"Shelter", "Shelter"},
      {"schema:Place", "schema:Place"},
      {"https://ex.org/ns#Shelter", "https://ex.org/ns#Shelter"},
      {"urn:ngsi-ld:type:a-b_c.d~e", "urn:ngsi-ld:type:a-b_c.d~e"},
      {"https://ex.org/Shelter?x=1&y=2", "https://ex.org/Shelter?x=1&y=2"},
      {"避難所", "避難所"},
      {"Building;(Shelter|https://ex.org/Hospital),ex:Park",
       "Building;(Shelter|https://ex.org/Hospital)|ex:Park"},
  };
  for (const auto& [text, canonical] : valid) {
    SCOPED_TRACE(text);
    const auto e = parse_type_query(text);
    ASSERT_TRUE(e.has_value()) << e.error().message;
    EXPECT_EQ(to_string(*e), canonical);
  }
}

TEST(TypeQuery, ErrorsNameTheTypeParameter) {
  const std::vector<std::pair<std::string_view, std::string_view>> invalid = {
      {"", "type: the expression is empty"},
      {"Shelter;", "type: missing term after ';' at position 8"},
      {"Shelter,,Park", "type: missing term before ',' at position 9"},
      {"(Shelter|Park", "type: unclosed '(' at position 1"},
      {"Shelter Park", "type: unexpected space at position 8"},
  };
  for (const auto& [text, message] : invalid) {
    SCOPED_TRACE(text);
    const auto e = parse_type_query(text);
    ASSERT_FALSE(e.has_value());
    EXPECT_EQ(e.error().kind, ErrorKind::BadRequestData);
    EXPECT_EQ(e.error().message, message);
  }
}

struct Match {
  std::string_view query;
  bool expected;
};

TEST(TypeQuery, MatchesTheEntitysTypes) {
  const model::Entity building_shelter = entity({"Building", "Shelter"});
  const std::vector<Match> cases = {
      {"Shelter", true},
      {"Park", false},
      {"Shelter,Park", true},
      {"Park|Shelter", true},
      {"Building;Shelter", true},
      {"Building;Park", false},
      {"Park;Building|Shelter", true},  // (Park;Building)|Shelter
      {"Park;(Building|Shelter)", false},
      {"(Park|Building);(Shelter|Hospital)", true},
      {"https://ex.org/Shelter", true},  // already an IRI
      {"shelter", false},                // names are case-sensitive
      {"Build", false},                  // no prefix matching
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.query);
    EXPECT_EQ(matches_types(parse_expanded(c.query), building_shelter), c.expected);
  }
}

TEST(TypeQuery, UnexpandedNamesMatchNothing) {
  const auto e = parse_type_query("Shelter");
  ASSERT_TRUE(e.has_value());
  EXPECT_FALSE(matches_types(*e, entity({"Shelter"})));
}

}  // namespace
}  // namespace tsunagu::query
