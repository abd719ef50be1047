#include "http/router.hpp"

#include <algorithm>
#include <memory>

namespace tsunagu::http {
namespace {

bool is_param(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else if (c != '%') {
      out.push_back(c);
    } else {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    }
  }
  return out;
}

void Router::add(std::string method, std::string_view pattern, Handler handler) {
  Route route{std::move(method), {}, std::move(handler)};
  for (auto s : split_path(pattern)) route.segments.emplace_back(s);
  routes_.push_back(std::move(route));
}

void Router::wrap(std::string_view prefix, const Wrapper& wrapper) {
  const auto want = split_path(prefix);
  for (auto& route : routes_) {
    if (route.segments.size() < want.size() ||
        !std::equal(want.begin(), want.end(), route.segments.begin())) {
      continue;
    }
    std::string pattern;
    for (const auto& s : route.segments) pattern += "/" + s;
    route.handler = wrapper(route.method, pattern, std::move(route.handler));
  }
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  Match result;
  const auto segments = split_path(path);
  for (const auto& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    std::map<std::string, std::string> params;
    bool matched = true;
    bool bad_encoding = false;
    for (std::size_t i = 0; i < segments.size() && matched; ++i) {
      const auto& want = route.segments[i];
      if (is_param(want)) {
        auto decoded = percent_decode(segments[i]);
        bad_encoding = bad_encoding || !decoded;
        params[want.substr(1, want.size() - 2)] = decoded.value_or(std::string());
      } else {
        matched = want == segments[i];
      }
    }
    if (!matched) continue;
    result.bad_encoding = result.bad_encoding || bad_encoding;
    if (route.method != method) {
      if (std::find(result.allowed_methods.begin(), result.allowed_methods.end(), route.method) ==
          result.allowed_methods.end()) {
        result.allowed_methods.push_back(route.method);
      }
      continue;
    }
    result.handler = &route.handler;
    result.params = std::move(params);
    result.allowed_methods.clear();
    return result;
  }
  return result;
}

Handler offloaded(Handler handler, Runner run) {
  return [handler = std::move(handler), run = std::move(run)](Request&& req, Responder respond) {
    auto shared = std::make_shared<Request>(std::move(req));
    run([handler, shared, respond = std::move(respond)]() mutable {
      handler(std::move(*shared), std::move(respond));
    });
  };
}

}  // namespace tsunagu::http
