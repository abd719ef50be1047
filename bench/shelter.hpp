#pragma once
// The synthetic Shelter of the benchmarks: the shape of data/demo (LanguageProperty name,
// capacity, occupancy with observedAt, VocabProperty status, GeoProperty location, description),
// filled from bench/shelter.json. The values of entity number i are computed exactly as in
// bench/lua/common.lua, so the loader and the wrk scripts write the same data.

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tsunagu::bench {

class ShelterTemplate {
 public:
  static ShelterTemplate load(const std::string& file) {
    std::ifstream in(file);
    if (!in) throw std::runtime_error("cannot read the entity template " + file);
    std::stringstream text;
    text << in.rdbuf();
    std::string body = text.str();
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
    return ShelterTemplate(std::move(body));
  }

  // The id of entity number i of a data set.
  static std::string id(std::string_view prefix, std::uint64_t i) {
    return "urn:ngsi-ld:Shelter:" + std::string(prefix) + std::to_string(i);
  }

  // Appends the JSON of entity number i to `out`.
  void append(std::string& out, std::string_view prefix, std::uint64_t i) const {
    const std::pair<std::string_view, std::string> values[] = {
        {"ID", id(prefix, i)},
        {"NUM", std::to_string(i)},
        {"CAP", std::to_string(100 + i % 900)},
        {"OCC", std::to_string(i % 97)},
        {"LON", fixed4(135.4 + static_cast<double>(i % 1000) * 0.0002)},
        {"LAT", fixed4(34.6 + static_cast<double>(i / 1000 % 1000) * 0.0002)},
    };
    std::size_t pos = 0;
    while (pos < text_.size()) {
      const auto open = text_.find("{{", pos);
      if (open == std::string::npos) break;
      const auto close = text_.find("}}", open);
      out.append(text_, pos, open - pos);
      const std::string_view name(text_.data() + open + 2, close - open - 2);
      for (const auto& [key, value] : values) {
        if (key == name) out += value;
      }
      pos = close + 2;
    }
    out.append(text_, pos);
  }

 private:
  explicit ShelterTemplate(std::string text) : text_(std::move(text)) {}

  static std::string fixed4(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", v);
    return buf;
  }

  std::string text_;
};

}  // namespace tsunagu::bench
