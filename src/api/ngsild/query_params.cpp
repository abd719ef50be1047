#include "api/ngsild/query_params.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "api/ngsild/entity_parser.hpp"

namespace tsunagu::api::ngsild {
namespace {

template <typename List>
std::string join(const List& items) {
  std::string out;
  for (auto i : items) out += (out.empty() ? "" : ", ") + std::string(i);
  return out;
}

std::unexpected<Error> bad(std::string message) {
  return fail(ErrorKind::BadRequestData, std::move(message));
}

// Entity members that pick= and omit= name as they are; any other name is an attribute.
constexpr std::array<std::string_view, 5> kEntityMembers = {"id", "type", "scope", "createdAt",
                                                            "modifiedAt"};

Result<std::set<std::string>> projection_members(std::string_view text, std::string_view param,
                                                 const jsonld::Context& context) {
  if (text.find_first_of("{}") != std::string_view::npos) {
    return fail(ErrorKind::OperationNotSupported,
                std::string(param) +
                    ": nested projections ('{...}') apply to linked entity retrieval, which this "
                    "broker does not offer");
  }
  auto names = comma_list(text, param);
  if (!names) return std::unexpected(names.error());
  std::set<std::string> out;
  for (const auto& n : *names) {
    if (std::find(kEntityMembers.begin(), kEntityMembers.end(), n) != kEntityMembers.end()) {
      out.insert(n);
      continue;
    }
    auto iri = expand_name(n, context, "attribute");
    if (!iri) return std::unexpected(iri.error());
    out.insert(std::move(*iri));
  }
  return out;
}

// pick= and omit= (clause 4.21): one or the other, never both.
Status parse_projection(const http::Request& req, const jsonld::Context& context,
                        RenderOptions& out) {
  auto pick = req.query_param("pick");
  auto omit = req.query_param("omit");
  if (pick && omit) return bad("pick and omit cannot be used together");
  if (pick) {
    auto members = projection_members(*pick, "pick", context);
    if (!members) return std::unexpected(members.error());
    out.pick = std::move(*members);
  }
  if (omit) {
    auto members = projection_members(*omit, "omit", context);
    if (!members) return std::unexpected(members.error());
    out.omit = std::move(*members);
  }
  return ok();
}

}  // namespace

Status check_params(const http::Request& req, std::initializer_list<std::string_view> allowed) {
  return check_params(req, std::vector<std::string_view>(allowed));
}

Status check_params(const http::Request& req, const std::vector<std::string_view>& allowed) {
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
  if (auto st = parse_selection_options(req, context, out); !st) return std::unexpected(st.error());
  return out;
}

Status parse_selection_options(const http::Request& req, const jsonld::Context& context,
                               RenderOptions& out) {
  if (auto st = parse_projection(req, context, out); !st) return st;
  if (auto lang = req.query_param("lang")) {
    auto preference = parse_language_preference(*lang);
    if (!preference) return std::unexpected(preference.error());
    out.lang = std::move(*preference);
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
  return ok();
}

Result<std::string> geometry_property(const http::Request& req, const jsonld::Context& context) {
  return expand_name(req.query_param("geometryProperty").value_or("location"), context,
                     "geometryProperty");
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
