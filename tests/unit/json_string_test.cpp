// append_json_string tests eight bytes at a time; these compare it with the plain rule, one byte
// at a time, for every byte value at every place of strings shorter and longer than a word.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>

#include "model/json_text.hpp"

namespace tsunagu::model {
namespace {

std::string escaped_byte_by_byte(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

TEST(JsonString, EveryByteAtEveryPlaceIsEscapedAsTheRuleSays) {
  int checked = 0;
  for (std::size_t length : {1u, 7u, 8u, 9u, 16u, 17u, 23u}) {
    for (std::size_t at = 0; at < length; ++at) {
      for (int b = 0; b < 256; ++b) {
        // Neighbours just above and below the limits, and bytes of UTF-8 sequences.
        std::string s(length, b % 3 == 0 ? ' ' : (b % 3 == 1 ? '~' : '\xe5'));
        s[at] = static_cast<char>(b);
        std::string out;
        append_json_string(out, s);
        ASSERT_EQ(out, escaped_byte_by_byte(s)) << "byte " << b << " at " << at << " of " << length;
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, (1 + 7 + 8 + 9 + 16 + 17 + 23) * 256);
}

TEST(JsonString, TheTextReadsBackToTheSameString) {
  const std::string s = "北の避難所 \"A\"\\\n\t\x01\x1f end of a long-ish string";
  std::string out;
  append_json_string(out, s);
  EXPECT_EQ(boost::json::parse(out).as_string(), s);
}

}  // namespace
}  // namespace tsunagu::model
