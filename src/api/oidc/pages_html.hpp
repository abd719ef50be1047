#pragma once
// Writing HTML so that no value can become markup. The pages build their documents through Html:
// markup() takes only literal tags written in this module, while text() and attribute values are
// always escaped, so a value from a view (an e-mail address, a client's name, a scope) is inert
// wherever it lands, in text or inside a quoted attribute.

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tsunagu::api::oidc::pages {

// & < > " ' as character references: safe in text and in a quoted attribute value.
std::string escape_html(std::string_view text);

struct Attribute {
  std::string_view name;
  std::optional<std::string_view> value;  // nullopt: a boolean attribute, written bare (required)
};

class Html {
 public:
  // Literal markup of this module; never pass a value through here.
  Html& markup(std::string_view literal);
  Html& text(std::string_view value);
  // <tag a="v" ...>; values escaped.
  Html& open(std::string_view tag, std::initializer_list<Attribute> attributes = {});
  Html& open(std::string_view tag, const std::vector<Attribute>& attributes);
  Html& close(std::string_view tag);
  // <tag ...>text</tag>
  Html& element(std::string_view tag, std::initializer_list<Attribute> attributes,
                std::string_view text);

  const std::string& str() const { return out_; }
  std::string take() && { return std::move(out_); }

 private:
  template <typename Range>
  Html& open_range(std::string_view tag, const Range& attributes);

  std::string out_;
};

}  // namespace tsunagu::api::oidc::pages
