#pragma once
// The lexical pieces of the q language that q_parser.cpp assembles: names, unquoted values, JSON
// string escapes, the extent of an unquoted pattern. Internal to src/query (the parser and its
// tests); errors are plain messages that the parser prefixes with a position.

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>

#include "query/q_ast.hpp"

namespace tsunagu::query {

// Offset of the first byte of `text` that is not valid UTF-8, or npos.
std::size_t invalid_utf8_at(std::string_view text);

// What a message says is at `pos`: "'x'", "a space", "the end of the expression", ...
std::string describe_at(std::string_view text, std::size_t pos);

// Bytes a name may contain before it is checked: ASCII letters and digits, '_', '-' (keys only),
// and every byte of a multi-byte UTF-8 character.
bool is_word_byte(char c, bool key);

// Advances `pos` over word bytes and returns them.
std::string_view scan_word(std::string_view text, std::size_t& pos, bool key);

// AttrName of the ABNF: a Unicode letter, then Unicode letters, digits or '_'.
bool is_attr_name(std::string_view word);
// A bracketed key: AttrName that may also contain '-' after the first letter.
bool is_key_name(std::string_view word);

// An unquoted value: true, false, a DateTime, Date, Time, JSON number or URI.
std::expected<Value, std::string> classify_value(std::string_view token);

struct Escape {
  std::string text;    // UTF-8
  std::size_t length;  // bytes consumed, from the backslash
};

// The JSON escape sequence at text[pos] == '\\'.
std::expected<Escape, std::string> decode_escape(std::string_view text, std::size_t pos);

// Where an unquoted pattern that starts at `pos` ends: at ';' or '|' outside parentheses, at a ')'
// that closes no parenthesis of the pattern, or at the end. Escapes ("\)") and bracket
// expressions ("[;|)]") never end it.
std::size_t pattern_end(std::string_view text, std::size_t pos);

}  // namespace tsunagu::query
