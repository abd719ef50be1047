#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>

#include "model/json_text.hpp"

namespace tsunagu::model {
namespace json = boost::json;
namespace {

TEST(JsonText, WritesEveryKindOfValue) {
  json::value v = json::parse(
      R"({"a":null,"b":true,"c":false,"d":-7,"e":18446744073709551615,"f":[],"g":{},"h":[1,"x",{"y":2}]})");
  EXPECT_EQ(to_json_text(v),
            R"({"a":null,"b":true,"c":false,"d":-7,"e":18446744073709551615,"f":[],"g":{},)"
            R"("h":[1,"x",{"y":2}]})");
}

TEST(JsonText, WritesTheShortestDoubleThatReadsBack) {
  EXPECT_EQ(to_json_text(json::value(21.5)), "21.5");
  EXPECT_EQ(to_json_text(json::value(135.5023)), "135.5023");
  EXPECT_EQ(to_json_text(json::value(100.0)), "100");
  EXPECT_EQ(to_json_text(json::value(-0.001)), "-0.001");
}

TEST(JsonText, EscapesWhatJsonRequiresAndNothingElse) {
  const std::string s = std::string("plain \"quoted\" back\\slash /slash\n\r\t\b\f") + '\x01' +
                        '\x1f' + ' ' + '\x7f' + "避難所 é";
  EXPECT_EQ(to_json_text(json::value(s)),
            "\"plain \\\"quoted\\\" back\\\\slash /slash\\n\\r\\t\\b\\f\\u0001\\u001f \x7f"
            "避難所 é\"");
}

TEST(JsonText, EscapesKeysAsStrings) {
  json::object o;
  o["a\"b"] = "c\\d";
  EXPECT_EQ(to_json_text(o), R"({"a\"b":"c\\d"})");
}

TEST(JsonText, ReadsBackToTheSameValueForLongAndMixedStrings) {
  std::string s;
  for (int i = 0; i < 2000; ++i) s += static_cast<char>(i % 128);
  s += "終わり";
  const json::value v{json::string(s)};
  const auto text = to_json_text(v);
  EXPECT_EQ(json::parse(text), v);
}

TEST(JsonText, StringsAtTheStartMiddleAndEndOfARunAreEscaped) {
  EXPECT_EQ(to_json_text(json::value("\"")), R"("\"")");
  EXPECT_EQ(to_json_text(json::value("\"a")), R"("\"a")");
  EXPECT_EQ(to_json_text(json::value("a\"")), R"("a\"")");
  EXPECT_EQ(to_json_text(json::value("")), R"("")");
}

TEST(JsonText, AppendsToWhatIsThere) {
  std::string out = "prefix:";
  append_json_text(out, json::value("v"));
  EXPECT_EQ(out, "prefix:\"v\"");
}

}  // namespace
}  // namespace tsunagu::model
