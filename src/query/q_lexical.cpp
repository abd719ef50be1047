#include "query/q_lexical.hpp"

#include <re2/re2.h>

#include <charconv>
#include <cstdio>

#include "model/excerpt.hpp"
#include "model/time.hpp"
#include "model/uri.hpp"

namespace tsunagu::query {
namespace {

using std::size_t;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Length of the valid UTF-8 sequence at text[i], or 0 (overlong forms and surrogates are invalid).
size_t utf8_length_at(std::string_view text, size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  if (lead < 0x80) return 1;
  size_t len = 0;
  unsigned cp = 0;
  if ((lead & 0xE0) == 0xC0) {
    len = 2, cp = lead & 0x1Fu;
  } else if ((lead & 0xF0) == 0xE0) {
    len = 3, cp = lead & 0x0Fu;
  } else if ((lead & 0xF8) == 0xF0) {
    len = 4, cp = lead & 0x07u;
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(text[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3Fu);
  }
  static constexpr unsigned kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

std::string hex_byte(unsigned char b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", b);
  return buf;
}

std::string utf8(unsigned cp) {
  std::string out;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

// Four hex digits at text[pos], or -1.
long hex4(std::string_view text, size_t pos) {
  if (pos + 4 > text.size()) return -1;
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data() + pos, text.data() + pos + 4, value, 16);
  if (ec != std::errc{} || end != text.data() + pos + 4) return -1;
  return static_cast<long>(value);
}

std::expected<Escape, std::string> unicode_escape(std::string_view text, size_t pos) {
  const long unit = hex4(text, pos + 2);
  if (unit < 0) return std::unexpected("'\\u' must be followed by four hex digits");
  if (unit >= 0xDC00 && unit <= 0xDFFF) {
    return std::unexpected("'\\u' escape of a lone low surrogate");
  }
  if (unit < 0xD800 || unit > 0xDBFF) return Escape{utf8(static_cast<unsigned>(unit)), 6};
  // A high surrogate must be followed by an escaped low one (RFC 8259, section 7).
  const long low = text.substr(pos + 6).starts_with("\\u") ? hex4(text, pos + 8) : -1;
  if (low < 0xDC00 || low > 0xDFFF) {
    return std::unexpected("'\\u' escape of a high surrogate without a low surrogate after it");
  }
  const auto cp = 0x10000 + ((static_cast<unsigned>(unit) - 0xD800) << 10) +
                  (static_cast<unsigned>(low) - 0xDC00);
  return Escape{utf8(cp), 12};
}

// The shape of "YYYY-MM-DD" at the start of `t`.
bool starts_like_date(std::string_view t) {
  if (t.size() < 10 || t[4] != '-' || t[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!is_digit(t[i])) return false;
  }
  return true;
}

bool starts_like_time(std::string_view t) {
  return t.size() >= 3 && is_digit(t[0]) && is_digit(t[1]) && t[2] == ':';
}

bool is_json_number(std::string_view t) {
  size_t i = 0;
  auto digits = [&] {
    const size_t from = i;
    while (i < t.size() && is_digit(t[i])) ++i;
    return i > from;
  };
  if (i < t.size() && t[i] == '-') ++i;
  if (i < t.size() && t[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < t.size() && t[i] == '.' && (++i, !digits())) return false;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == t.size();
}

std::string quoted(std::string_view t) {
  return "'" + model::excerpt(t) + "'";
}

std::expected<Value, std::string> number_value(std::string_view t) {
  if (!is_json_number(t)) return std::unexpected(quoted(t) + " is not a number, date or time");
  double d = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), d);
  if (ec != std::errc{} || end != t.data() + t.size()) {
    return std::unexpected("the number " + quoted(t) + " is out of range");
  }
  return d;
}

// model's messages quote the text and say what is wrong with it.
std::expected<Value, std::string> temporal_value(std::string_view t) {
  if (starts_like_date(t) && t.size() > 10 && (t[10] == 'T' || t[10] == 't')) {
    auto v = model::parse_datetime(t);
    if (v) return *v;
    return std::unexpected(v.error().message);
  }
  if (starts_like_date(t)) {
    auto v = model::parse_date(t);
    if (v) return Date{*v};
    return std::unexpected(v.error().message);
  }
  auto v = model::parse_time(t);
  if (v) return TimeOfDay{*v};
  return std::unexpected(v.error().message);
}

// RFC 3986 scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ':'.
bool has_scheme(std::string_view t) {
  for (size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (c == ':') return i > 0;
    if (!is_alpha(c) && (i == 0 || (!is_digit(c) && c != '+' && c != '-' && c != '.'))) {
      return false;
    }
  }
  return false;
}

}  // namespace

size_t invalid_utf8_at(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t len = utf8_length_at(text, i);
    if (len == 0) return i;
    i += len;
  }
  return std::string_view::npos;
}

std::string describe_at(std::string_view text, size_t pos) {
  if (pos >= text.size()) return "the end of the expression";
  const auto c = static_cast<unsigned char>(text[pos]);
  if (c == ' ') return "a space";
  if (c < 0x20 || c == 0x7F) return "control character " + hex_byte(c);
  const size_t len = utf8_length_at(text, pos);
  if (len == 0) return "byte " + hex_byte(c);
  return "'" + std::string(text.substr(pos, len)) + "'";
}

bool is_word_byte(char c, bool key) {
  return is_alpha(c) || is_digit(c) || c == '_' || (key && c == '-') ||
         static_cast<unsigned char>(c) >= 0x80;
}

std::string_view scan_word(std::string_view text, size_t& pos, bool key) {
  const size_t start = pos;
  while (pos < text.size() && is_word_byte(text[pos], key)) ++pos;
  return text.substr(start, pos - start);
}

bool is_attr_name(std::string_view word) {
  static const RE2 kAttrName(R"(\p{L}[\p{L}\p{N}_]*)");
  return RE2::FullMatch(word, kAttrName);
}

bool is_key_name(std::string_view word) {
  static const RE2 kKeyName(R"(\p{L}[\p{L}\p{N}_\-]*)");
  return RE2::FullMatch(word, kKeyName);
}

std::expected<Value, std::string> classify_value(std::string_view token) {
  if (token == "true") return true;
  if (token == "false") return false;
  if (token.empty()) return std::unexpected("expected a value");
  if (starts_like_date(token) || starts_like_time(token)) return temporal_value(token);
  if (is_digit(token[0]) || token[0] == '-') return number_value(token);
  if (has_scheme(token)) {
    if (model::is_absolute_iri(token)) return Uri{std::string(token)};
    return std::unexpected(quoted(token) + " is not a valid URI");
  }
  return std::unexpected(quoted(token) + " is not a value (strings are quoted: \"" +
                         model::excerpt(token) + "\")");
}

std::expected<Escape, std::string> decode_escape(std::string_view text, size_t pos) {
  if (pos + 1 >= text.size()) return std::unexpected("unterminated escape sequence");
  switch (text[pos + 1]) {
    case '"':
      return Escape{"\"", 2};
    case '\\':
      return Escape{"\\", 2};
    case '/':
      return Escape{"/", 2};
    case 'b':
      return Escape{"\b", 2};
    case 'f':
      return Escape{"\f", 2};
    case 'n':
      return Escape{"\n", 2};
    case 'r':
      return Escape{"\r", 2};
    case 't':
      return Escape{"\t", 2};
    case 'u':
      return unicode_escape(text, pos);
    default:
      break;
  }
  const char c = text[pos + 1];
  if (c > 0x20 && c < 0x7F) return std::unexpected(std::string("invalid escape '\\") + c + "'");
  return std::unexpected("invalid escape: '\\' before " + describe_at(text, pos + 1));
}

size_t pattern_end(std::string_view text, size_t pos) {
  size_t depth = 0;
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == '\\') {
      pos += 2;
      continue;
    }
    if (c == '[') {
      // A bracket expression: ']' right after '[' or '[^' is a member, "[:alpha:]" a class name.
      size_t j = pos + 1;
      if (j < text.size() && text[j] == '^') ++j;
      if (j < text.size() && text[j] == ']') ++j;
      while (j < text.size() && text[j] != ']') {
        if (text[j] == '[' && j + 1 < text.size() && text[j + 1] == ':') {
          const size_t close = text.find(":]", j + 2);
          j = close == std::string_view::npos ? text.size() : close + 2;
        } else {
          j += text[j] == '\\' ? 2 : 1;
        }
      }
      pos = j + 1;
      continue;
    }
    if (c == ')' && depth == 0) break;
    if ((c == ';' || c == '|') && depth == 0) break;
    if (c == '(') ++depth;
    if (c == ')') --depth;
    ++pos;
  }
  return std::min(pos, text.size());
}

}  // namespace tsunagu::query
