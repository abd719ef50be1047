#include "api/ngsild/query_params.hpp"

#include <algorithm>
#include <charconv>

#include "api/ngsild/entity_parser.hpp"

namespace tsunagu::api::ngsild {
namespace {

std::string join(std::initializer_list<std::string_view> items) {
  std::string out;
  for (auto i : items) out += (out.empty() ? "" : ", ") + std::string(i);
  return out;
}

std::unexpected<Error> bad(std::string message) {
  return fail(ErrorKind::BadRequestData, std::move(message));
}

}  // namespace

Status check_params(const http::Request& req, std::initializer_list<std::string_view> allowed) {
  for (const auto& [name, value] : req.query) {
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      return bad("unknown query parameter '" + name + "'" +
                 (allowed.size() ? "; this endpoint accepts: " + join(allowed) : ""));
    }
    if (req.query_count(name) > 1) return bad("query parameter '" + name + "' is given twice");
  }
  return ok();
}

Result<std::vector<std::string>> comma_list(std::string_view text, std::string_view param) {
  std::vector<std::string> out;
  while (true) {
    auto comma = text.find(',');
    auto item = text.substr(0, comma);
    if (item.empty()) return bad("parameter '" + std::string(param) + "' has an empty item");
    out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    text = text.substr(comma + 1);
  }
  return out;
}

Result<std::set<std::string>> parse_options(const http::Request& req,
                                            std::initializer_list<std::string_view> allowed) {
  std::set<std::string> out;
  auto options = req.query_param("options");
  if (!options) return out;
  auto items = comma_list(*options, "options");
  if (!items) return std::unexpected(items.error());
  for (auto& item : *items) {
    if (std::find(allowed.begin(), allowed.end(), item) == allowed.end()) {
      return bad("unknown option '" + item + "'" +
                 (allowed.size() ? "; valid here: " + join(allowed) : "; this endpoint has none"));
    }
    out.insert(std::move(item));
  }
  return out;
}

Result<RenderOptions> parse_render_options(const http::Request& req, const jsonld::Context& context,
                                           std::initializer_list<std::string_view> more_options) {
  std::vector<std::string_view> allowed{"keyValues", "sysAttrs", "concise", "normalized"};
  allowed.insert(allowed.end(), more_options.begin(), more_options.end());
  std::set<std::string> flags;
  if (auto options = req.query_param("options")) {
    auto items = comma_list(*options, "options");
    if (!items) return std::unexpected(items.error());
    for (auto& item : *items) {
      if (std::find(allowed.begin(), allowed.end(), item) == allowed.end()) {
        std::string valid;
        for (auto a : allowed) valid += (valid.empty() ? "" : ", ") + std::string(a);
        return bad("unknown option '" + item + "'; valid here: " + valid);
      }
      flags.insert(std::move(item));
    }
  }
  RenderOptions out;
  out.sys_attrs = flags.contains("sysAttrs");
  if (flags.contains("keyValues")) out.format = Format::Simplified;
  if (flags.contains("concise")) out.format = Format::Concise;
  if (auto format = req.query_param("format")) {
    if (*format == "normalized") {
      out.format = Format::Normalized;
    } else if (*format == "concise") {
      out.format = Format::Concise;
    } else if (*format == "simplified" || *format == "keyValues") {
      out.format = Format::Simplified;
    } else {
      return bad("unknown format '" + std::string(*format) +
                 "'; use normalized, concise or simplified");
    }
  }
  if (auto attrs = req.query_param("attrs")) {
    auto names = comma_list(*attrs, "attrs");
    if (!names) return std::unexpected(names.error());
    out.attrs.emplace();
    for (const auto& n : *names) {
      auto iri = expand_name(n, context, "attribute");
      if (!iri) return std::unexpected(iri.error());
      out.attrs->insert(*iri);
    }
  }
  return out;
}

Result<std::size_t> parse_size(std::string_view text, std::string_view param, std::size_t max) {
  std::size_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) {
    return bad("parameter '" + std::string(param) + "' must be a non-negative integer, not '" +
               std::string(text) + "'");
  }
  if (value > max) {
    return bad("parameter '" + std::string(param) + "' must not exceed " + std::to_string(max));
  }
  return value;
}

Result<bool> parse_bool(std::string_view text, std::string_view param) {
  if (text == "true") return true;
  if (text == "false") return false;
  return bad("parameter '" + std::string(param) + "' must be true or false");
}

}  // namespace tsunagu::api::ngsild
