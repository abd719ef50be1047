// negotiate_locale and language_tag (pages.hpp). Accept-Language is read leniently: a part that is
// not a well-formed language range with an optional weight is skipped rather than failing the
// page, since a resident cannot fix their browser's header.

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "api/oidc/pages.hpp"
#include "model/ascii.hpp"

namespace tsunagu::api::oidc {
namespace {

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// RFC 4647 2.1 language-range (without "*"): 1*8ALPHA *("-" 1*8alphanum).
bool is_language_range(std::string_view tag) {
  std::size_t length = 0;
  bool first = true;
  for (char c : tag) {
    if (c == '-') {
      if (length == 0) return false;
      length = 0;
      first = false;
      continue;
    }
    if (!(is_alpha(c) || (!first && is_digit(c))) || ++length > 8) return false;
  }
  return length > 0;
}

// Japanese for "ja" and "ja-*", English for "en" and "en-*"; nullopt for anything else.
std::optional<Locale> supported(std::string_view tag) {
  if (!is_language_range(tag)) return std::nullopt;
  const std::string lower = model::ascii_lower(tag);
  const std::string_view primary = std::string_view(lower).substr(0, lower.find('-'));
  if (primary == "ja") return Locale::Japanese;
  if (primary == "en") return Locale::English;
  return std::nullopt;
}

std::optional<Locale> from_ui_locales(std::string_view ui_locales) {
  while (!ui_locales.empty()) {
    const std::size_t space = ui_locales.find(' ');
    if (auto locale = supported(ui_locales.substr(0, space))) return locale;
    if (space == std::string_view::npos) break;
    ui_locales.remove_prefix(space + 1);
  }
  return std::nullopt;
}

// RFC 9110 12.4.2 qvalue in thousandths: "0" ["." 0*3DIGIT] / "1" ["." 0*3("0")].
std::optional<int> parse_qvalue(std::string_view text) {
  if (text.empty() || (text[0] != '0' && text[0] != '1')) return std::nullopt;
  int thousandths = text[0] == '1' ? 1000 : 0;
  if (text.size() == 1) return thousandths;
  if (text[1] != '.' || text.size() > 5) return std::nullopt;
  int scale = 100;
  for (char c : text.substr(2)) {
    if (!is_digit(c) || (thousandths == 1000 && c != '0')) return std::nullopt;
    thousandths += (c - '0') * scale;
    scale /= 10;
  }
  return thousandths;
}

// The weight after the range: nothing (1000) or exactly one "q=" parameter.
std::optional<int> parse_weight(std::string_view parameters) {
  if (parameters.empty()) return 1000;
  parameters = model::trim_ows(parameters.substr(1));  // after ';'
  if (parameters.size() < 2 || (parameters[0] != 'q' && parameters[0] != 'Q') ||
      parameters[1] != '=') {
    return std::nullopt;
  }
  return parse_qvalue(parameters.substr(2));
}

struct Range {
  std::string_view tag;  // "*" or a language range
  int weight = 0;
};

std::optional<Range> parse_range(std::string_view part) {
  part = model::trim_ows(part);
  const std::size_t semicolon = part.find(';');
  const std::string_view tag = model::trim_ows(part.substr(0, semicolon));
  auto weight = parse_weight(semicolon == std::string_view::npos ? "" : part.substr(semicolon));
  if (!weight || (tag != "*" && !is_language_range(tag))) return std::nullopt;
  return Range{tag, *weight};
}

template <typename Visit>
void for_each_range(std::string_view header, Visit visit) {
  while (true) {
    const std::size_t comma = header.find(',');
    if (auto range = parse_range(header.substr(0, comma))) visit(*range);
    if (comma == std::string_view::npos) return;
    header.remove_prefix(comma + 1);
  }
}

// "*" stands for every language the header does not name (RFC 4647 3.3.1): our default first.
std::optional<Locale> wildcard_locale(std::string_view header) {
  std::array<bool, 2> named{};
  for_each_range(header, [&](const Range& range) {
    if (auto locale = supported(range.tag)) named[static_cast<std::size_t>(*locale)] = true;
  });
  for (Locale locale : {Locale::Japanese, Locale::English}) {
    if (!named[static_cast<std::size_t>(locale)]) return locale;
  }
  return std::nullopt;
}

std::optional<Locale> from_accept_language(std::string_view header) {
  std::optional<Locale> best;
  int best_weight = 0;  // q=0 means "not acceptable": never chosen
  for_each_range(header, [&](const Range& range) {
    auto locale = range.tag == "*" ? wildcard_locale(header) : supported(range.tag);
    if (locale && range.weight > best_weight) {
      best = locale;
      best_weight = range.weight;
    }
  });
  return best;
}

}  // namespace

Locale negotiate_locale(std::optional<std::string_view> ui_locales,
                        std::optional<std::string_view> accept_language) {
  if (ui_locales) {
    if (auto locale = from_ui_locales(*ui_locales)) return *locale;
  }
  if (accept_language) {
    if (auto locale = from_accept_language(*accept_language)) return *locale;
  }
  return Locale::Japanese;
}

std::string_view language_tag(Locale locale) {
  return locale == Locale::English ? "en" : "ja";
}

}  // namespace tsunagu::api::oidc
