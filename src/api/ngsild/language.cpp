#include "api/ngsild/language.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "model/ascii.hpp"

namespace tsunagu::api::ngsild {
namespace {

// RFC 4647 basic language range: "*" or 1-8 letters, then "-" and 1-8 letters or digits.
bool valid_range(std::string_view tag) {
  if (tag == "*") return true;
  std::size_t part = 0;
  bool first = true;
  for (char c : tag) {
    if (c == '-') {
      if (part == 0) return false;
      part = 0;
      first = false;
      continue;
    }
    const auto u = static_cast<unsigned char>(c);
    if (!(std::isalpha(u) || (!first && std::isdigit(u)))) return false;
    if (++part > 8) return false;
  }
  return part > 0;
}

// q=0 .. q=1 with at most three decimals (RFC 9110 qvalue).
std::optional<double> parse_weight(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  if (text[0] != '0' && text[0] != '1') return std::nullopt;
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value > 1) return std::nullopt;
  return value;
}

std::unexpected<Error> bad(std::string message) {
  return fail(ErrorKind::BadRequestData, std::move(message));
}

bool range_matches(const std::string& range, std::string_view key) {
  if (range == "*") return key != "@none";
  const std::string k = model::ascii_lower(key);
  return k == range || (k.size() > range.size() && k.starts_with(range) && k[range.size()] == '-');
}

}  // namespace

Result<LanguagePreference> parse_language_preference(std::string_view text) {
  LanguagePreference out;
  std::string_view rest = text;
  while (true) {
    const auto comma = rest.find(',');
    std::string_view item = model::trim_ows(rest.substr(0, comma));
    std::string_view tag = item;
    double weight = 1.0;
    if (auto semi = item.find(';'); semi != std::string_view::npos) {
      tag = model::trim_ows(item.substr(0, semi));
      auto param = model::trim_ows(item.substr(semi + 1));
      if (!param.starts_with("q=")) {
        return bad("lang: '" + std::string(item) + "' has a parameter other than q=");
      }
      auto w = parse_weight(param.substr(2));
      if (!w) {
        return bad("lang: the weight of '" + std::string(tag) +
                   "' must be a number from 0 to 1 with at most three decimals");
      }
      weight = *w;
    }
    if (!valid_range(tag)) {
      return bad("lang: '" + std::string(tag) +
                 "' is not a language tag (such as ja, en or ja-JP)");
    }
    if (weight > 0) out.ranges.push_back({model::ascii_lower(tag), weight});
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  std::stable_sort(out.ranges.begin(), out.ranges.end(),
                   [](const auto& a, const auto& b) { return a.weight > b.weight; });
  return out;
}

std::optional<std::string> choose_language(const LanguagePreference& preference,
                                           const boost::json::object& language_map) {
  if (language_map.empty()) return std::nullopt;
  for (const auto& range : preference.ranges) {
    // An exact tag wins over a longer one the range also covers ("en" over "en-GB").
    for (const auto& kv : language_map) {
      if (model::ascii_lower(kv.key()) == range.tag) return std::string(kv.key());
    }
    for (const auto& kv : language_map) {
      if (range_matches(range.tag, kv.key())) return std::string(kv.key());
    }
  }
  if (language_map.contains("@none")) return std::string("@none");
  return std::string(language_map.begin()->key());
}

}  // namespace tsunagu::api::ngsild
