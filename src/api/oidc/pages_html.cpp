#include "api/oidc/pages_html.hpp"

namespace tsunagu::api::oidc::pages {

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

Html& Html::markup(std::string_view literal) {
  out_ += literal;
  return *this;
}

Html& Html::text(std::string_view value) {
  out_ += escape_html(value);
  return *this;
}

template <typename Range>
Html& Html::open_range(std::string_view tag, const Range& attributes) {
  out_ += '<';
  out_ += tag;
  for (const Attribute& attribute : attributes) {
    out_ += ' ';
    out_ += attribute.name;
    if (!attribute.value) continue;
    out_ += "=\"";
    out_ += escape_html(*attribute.value);
    out_ += '"';
  }
  out_ += '>';
  return *this;
}

Html& Html::open(std::string_view tag, std::initializer_list<Attribute> attributes) {
  return open_range(tag, attributes);
}

Html& Html::open(std::string_view tag, const std::vector<Attribute>& attributes) {
  return open_range(tag, attributes);
}

Html& Html::close(std::string_view tag) {
  out_ += "</";
  out_ += tag;
  out_ += '>';
  return *this;
}

Html& Html::element(std::string_view tag, std::initializer_list<Attribute> attributes,
                    std::string_view text) {
  return open(tag, attributes).text(text).close(tag);
}

}  // namespace tsunagu::api::oidc::pages
