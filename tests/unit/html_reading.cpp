#include "html_reading.hpp"

#include <regex>
#include <utility>

namespace tsunagu::testing::html {

std::string unescape(std::string text) {
  const std::pair<std::string_view, std::string_view> references[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}};
  for (const auto& [reference, character] : references) {
    for (auto at = text.find(reference); at != std::string::npos;
         at = text.find(reference, at + character.size())) {
      text.replace(at, reference.size(), character);
    }
  }
  return text;
}

namespace {

// Where each <name ...> or <name> starts (not <name-longer ...>).
std::vector<std::size_t> starts(std::string_view html, std::string_view name) {
  std::vector<std::size_t> out;
  const std::string open = "<" + std::string(name);
  for (auto at = html.find(open); at != std::string_view::npos; at = html.find(open, at + 1)) {
    const char next = html[at + open.size()];
    if (next == ' ' || next == '>') out.push_back(at);
  }
  return out;
}

}  // namespace

std::vector<Attributes> tags(std::string_view html, std::string_view name) {
  static const std::regex attribute(R"re(\s([a-z-]+)(?:="([^"]*)")?)re");
  std::vector<Attributes> found;
  for (const auto at : starts(html, name)) {
    const std::string tag(html.substr(at, html.find('>', at) - at));
    Attributes attributes;
    for (std::sregex_iterator it(tag.begin(), tag.end(), attribute), end; it != end; ++it) {
      attributes[(*it)[1]] = unescape((*it)[2]);
    }
    found.push_back(std::move(attributes));
  }
  return found;
}

std::vector<std::string> inner(std::string_view html, std::string_view name) {
  std::vector<std::string> found;
  const std::string close = "</" + std::string(name) + ">";
  for (const auto at : starts(html, name)) {
    const auto start = html.find('>', at) + 1;
    found.emplace_back(html.substr(start, html.find(close, start) - start));
  }
  return found;
}

std::vector<std::string> contents(std::string_view html, std::string_view name) {
  auto found = inner(html, name);
  for (auto& text : found) text = unescape(std::move(text));
  return found;
}

std::vector<std::string> forms(std::string_view html) {
  std::vector<std::string> found;
  for (auto at = html.find("<form"); at != std::string_view::npos;
       at = html.find("<form", at + 1)) {
    found.emplace_back(html.substr(at, html.find("</form>", at) + 7 - at));
  }
  return found;
}

}  // namespace tsunagu::testing::html
