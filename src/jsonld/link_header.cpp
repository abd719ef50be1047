#include "jsonld/link_header.hpp"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <cctype>

namespace tsunagu::jsonld {
namespace {

std::unexpected<Error> malformed(std::string_view why) {
  return fail(ErrorKind::BadRequestData, "invalid Link header: " + std::string(why));
}

bool is_tchar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), lower);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

// "rel" holds space-separated relation types.
bool has_relation(std::string_view rel, std::string_view wanted) {
  while (!rel.empty()) {
    auto space = rel.find(' ');
    if (iequals(rel.substr(0, space), wanted)) return true;
    if (space == std::string_view::npos) break;
    rel.remove_prefix(space + 1);
  }
  return false;
}

class LinkParser {
 public:
  explicit LinkParser(std::string_view text) : s_(text) {}

  Result<std::vector<LinkValue>> parse() {
    std::vector<LinkValue> links;
    while (true) {
      skip_ows();
      if (at_end()) break;
      if (eat(',')) continue;  // RFC 9110 lists tolerate empty elements
      auto link = link_value();
      if (!link) return std::unexpected(link.error());
      links.push_back(std::move(*link));
      skip_ows();
      if (!at_end() && !eat(',')) return malformed("expected ',' between links");
    }
    if (links.empty()) return malformed("no link");
    return links;
  }

 private:
  Result<LinkValue> link_value() {
    if (!eat('<')) return malformed("a link must start with '<'");
    auto close = s_.find('>', pos_);
    if (close == std::string_view::npos) return malformed("missing '>'");
    LinkValue link{std::string(s_.substr(pos_, close - pos_)), {}};
    pos_ = close + 1;
    while (true) {
      skip_ows();
      if (!eat(';')) break;
      skip_ows();
      if (at_end() || peek() == ',') break;  // tolerate a trailing ';'
      auto p = param();
      if (!p) return std::unexpected(p.error());
      link.params.push_back(std::move(*p));
    }
    return link;
  }

  Result<std::pair<std::string, std::string>> param() {
    auto name = token();
    if (name.empty()) return malformed("expected a parameter name");
    skip_ows();
    if (!eat('=')) return std::pair{to_lower(name), std::string()};
    skip_ows();
    if (eat('"')) {
      auto value = quoted_rest();
      if (!value) return std::unexpected(value.error());
      return std::pair{to_lower(name), std::move(*value)};
    }
    auto value = bare_value();
    if (value.empty()) return malformed("parameter '" + std::string(name) + "' has no value");
    return std::pair{to_lower(name), std::string(value)};
  }

  std::string_view token() {
    auto start = pos_;
    while (!at_end() && is_tchar(s_[pos_])) ++pos_;
    return s_.substr(start, pos_ - start);
  }

  // RFC 8288 wants a token or a quoted string; clients that leave a URI such as the JSON-LD
  // relation type unquoted are understood anyway: the value runs to the next separator.
  std::string_view bare_value() {
    auto start = pos_;
    while (!at_end() && std::string_view(" \t;,").find(s_[pos_]) == std::string_view::npos) ++pos_;
    return s_.substr(start, pos_ - start);
  }

  // After the opening quote: up to the closing one, with backslash escapes removed.
  Result<std::string> quoted_rest() {
    std::string out;
    while (!at_end()) {
      char c = s_[pos_++];
      if (c == '"') return out;
      if (c == '\\') {
        if (at_end()) break;
        c = s_[pos_++];
      }
      out += c;
    }
    return malformed("unterminated quoted string");
  }

  void skip_ows() {
    while (!at_end() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
  }
  bool eat(char c) {
    if (at_end() || s_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  char peek() const { return s_[pos_]; }
  bool at_end() const { return pos_ >= s_.size(); }

  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace

std::optional<std::string_view> LinkValue::param(std::string_view name) const {
  for (const auto& [key, value] : params) {
    if (key == name) return value;
  }
  return std::nullopt;
}

Result<std::vector<LinkValue>> parse_link_header(std::string_view header) {
  return LinkParser(header).parse();
}

Result<std::optional<std::string>> parse_context_link(std::string_view header) {
  auto links = parse_link_header(header);
  if (!links) return std::unexpected(links.error());
  std::optional<std::string> url;
  for (auto& link : *links) {
    auto rel = link.param("rel");
    if (!rel || !has_relation(*rel, kJsonLdContextRel)) continue;
    if (url) return malformed("more than one JSON-LD context link");
    if (!boost::urls::parse_uri(link.target)) {
      return malformed("context URL '" + link.target + "' is not an absolute URL");
    }
    url = std::move(link.target);
  }
  return url;
}

std::string format_context_link(std::string_view url) {
  return "<" + std::string(url) + ">; rel=\"" + std::string(kJsonLdContextRel) +
         "\"; type=\"application/ld+json\"";
}

}  // namespace tsunagu::jsonld
