#include "mail_test_support.hpp"

#include <stdexcept>

namespace tsunagu::notify::testing {

std::string base64_decode(std::string_view text) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (char c : text) {
    if (c == '\r' || c == '\n') continue;
    if (c == '=') break;
    const auto value = kAlphabet.find(c);
    if (value == std::string_view::npos) throw std::invalid_argument("not base64");
    bits = (bits << 6) | static_cast<unsigned>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xFFu);
    }
  }
  return out;
}

std::vector<std::string> lines(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const auto eol = text.find("\r\n");
    out.emplace_back(text.substr(0, eol));
    if (eol == std::string_view::npos) break;
    text.remove_prefix(eol + 2);
  }
  return out;
}

std::pair<std::string, std::string> split_message(std::string_view message) {
  const auto end = message.find("\r\n\r\n");
  if (end == std::string_view::npos) return {std::string(message), ""};
  return {std::string(message.substr(0, end + 2)), std::string(message.substr(end + 4))};
}

std::map<std::string, std::string> header_lines(std::string_view head) {
  std::map<std::string, std::string> out;
  std::string name, value;
  auto flush = [&] {
    if (!name.empty()) out.emplace(name, value);
    name.clear();
  };
  for (const auto& line : lines(head)) {
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      value += line;
      continue;
    }
    flush();
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    name = line.substr(0, colon);
    value = line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.erase(0, 1);
  }
  flush();
  return out;
}

namespace {

std::vector<std::string> words(std::string_view value) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= value.size()) {
    auto space = value.find_first_of(" \t", start);
    if (space == std::string_view::npos) space = value.size();
    out.emplace_back(value.substr(start, space - start));
    start = space + 1;
  }
  return out;
}

bool is_encoded_word(std::string_view word) {
  return word.size() > 12 && word.starts_with("=?UTF-8?B?") && word.ends_with("?=");
}

}  // namespace

std::vector<std::string> encoded_words(std::string_view value) {
  std::vector<std::string> out;
  for (auto& w : words(value)) {
    if (is_encoded_word(w)) out.push_back(w);
  }
  return out;
}

std::string decode_words(std::string_view value) {
  std::string out;
  bool previous_encoded = false;
  bool first = true;
  for (const auto& w : words(value)) {
    const bool encoded = is_encoded_word(w);
    if (!first && !(encoded && previous_encoded)) out += ' ';
    out += encoded ? base64_decode(std::string_view(w).substr(10, w.size() - 12)) : w;
    previous_encoded = encoded;
    first = false;
  }
  return out;
}

bool is_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t n = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
    if (n == 0 || i + n > text.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0u) != 0x80u) return false;
    }
    i += n;
  }
  return true;
}

}  // namespace tsunagu::notify::testing
