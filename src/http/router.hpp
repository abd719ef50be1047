#pragma once
// Maps (method, path) to a handler. Patterns are literal segments and {name} parameters, e.g.
// "/ngsi-ld/v1/entities/{entityId}/attrs/{attrId}". A parameter matches one segment and is
// percent-decoded (so "urn%3Angsi-ld%3AX" and "urn:ngsi-ld:X" name the same entity); a trailing
// slash is ignored, as clients commonly send one on collection URLs.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace tsunagu::http {

class Router {
 public:
  void add(std::string method, std::string_view pattern, Handler handler);

  struct Match {
    const Handler* handler = nullptr;  // null when no route matched
    std::map<std::string, std::string> params;
    std::vector<std::string> allowed_methods;  // set when the path matched but not the method
    bool bad_encoding = false;                 // a parameter was not valid percent-encoding
  };
  Match match(std::string_view method, std::string_view path) const;

  // Replaces the handler of every route registered so far whose pattern starts with the segments
  // of `prefix` by wrap(method, pattern, handler): how an application puts a check (such as
  // authentication) in front of a whole API without each route knowing it.
  using Wrapper = std::function<Handler(const std::string& method, const std::string& pattern,
                                        Handler handler)>;
  void wrap(std::string_view prefix, const Wrapper& wrapper);

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;  // "{name}" for parameters
    Handler handler;
  };
  std::vector<Route> routes_;
};

// Runs a task on some other thread (a pool's post).
using Runner = std::function<void(std::function<void()>)>;
// `handler` run by `run` instead of on the connection's loop: for handlers that may wait.
Handler offloaded(Handler handler, Runner run);

// Splits "/a/b/" into {"a", "b"}.
std::vector<std::string_view> split_path(std::string_view path);

// Percent-decodes; nullopt when an escape is malformed or decodes to a NUL byte.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space = false);

}  // namespace tsunagu::http
