#include "store/history_types.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>

#include "model/json_text.hpp"

namespace tsunagu::store {
namespace json = boost::json;

std::vector<std::string> parse_types(std::string_view text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  std::vector<std::string> types;
  if (ec || !v.is_array()) return types;
  for (const auto& t : v.get_array()) {
    if (t.is_string()) types.emplace_back(t.get_string());
  }
  return types;
}

std::string types_text(const std::vector<std::string>& types) {
  json::array a;
  for (const auto& t : types) a.emplace_back(t);
  return model::to_json_text(a);
}

std::optional<std::vector<std::string>> united_types(std::vector<std::string> stored,
                                                     const std::vector<std::string>& more) {
  bool grew = false;
  for (const auto& t : more) {
    if (std::find(stored.begin(), stored.end(), t) != stored.end()) continue;
    stored.push_back(t);
    grew = true;
  }
  if (!grew) return std::nullopt;
  return stored;
}

}  // namespace tsunagu::store
