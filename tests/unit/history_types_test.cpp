// The types of a history entity as every backend keeps them (store/history_types.hpp): the JSON
// text read and written, and the union that grows only when a change brings a new type.

#include "store/history_types.hpp"

#include <gtest/gtest.h>

namespace tsunagu::store {
namespace {

using Types = std::vector<std::string>;

const std::string kA = "https://example.org/A";
const std::string kB = "https://example.org/B";
const std::string kC = "https://example.org/C";

TEST(HistoryTypes, TheTextIsAJsonArrayReadBackAsItWasWritten) {
  const Types types{kA, kB};
  EXPECT_EQ(types_text(types), R"(["https://example.org/A","https://example.org/B"])");
  EXPECT_EQ(parse_types(types_text(types)), types);
  EXPECT_EQ(parse_types(types_text({})), Types{});
}

TEST(HistoryTypes, WhatIsNotAnArrayOfStringsGivesNoType) {
  EXPECT_EQ(parse_types("not json"), Types{});
  EXPECT_EQ(parse_types(R"({"a": 1})"), Types{});
  EXPECT_EQ(parse_types(R"(["https://example.org/A", 1, null])"), Types{kA});
}

TEST(HistoryTypes, TheUnionGrowsOnlyWithTypesItLacks) {
  EXPECT_FALSE(united_types({kA, kB}, {kB, kA}).has_value());
  EXPECT_FALSE(united_types({kA, kB}, {}).has_value());
  EXPECT_EQ(united_types({kB}, {kC, kA, kB}), (Types{kB, kC, kA}));
  EXPECT_EQ(united_types({}, {kA, kA}), Types{kA});
}

}  // namespace
}  // namespace tsunagu::store
