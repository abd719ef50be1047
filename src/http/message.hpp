#pragma once
// Requests and responses as handlers see them. Transport only: nothing here knows NGSI-LD.

#include <any>
#include <boost/beast/http/fields.hpp>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tsunagu::http {

struct Request {
  std::string method;  // upper case, e.g. "GET"
  std::string target;  // as received, e.g. "/ngsi-ld/v1/entities?type=Shelter"
  std::string path;    // the target's path, not decoded
  std::vector<std::pair<std::string, std::string>> query;  // percent-decoded, in order
  boost::beast::http::fields headers;
  std::string body;
  std::map<std::string, std::string> params;  // path parameters, percent-decoded
  std::string request_id;
  std::string peer;  // the client's IP address, as the socket sees it (a proxy's, behind one)
  // Who sent the request, set by an application's authentication wrapper (Router::wrap) for the
  // handlers behind it; http never reads it.
  std::any auth;
  // What an application's metering wrapper counts this request's answer in; http never reads it.
  std::any metering;

  std::optional<std::string_view> header(std::string_view name) const;
  // The value of a query parameter given once; nullopt when absent.
  std::optional<std::string_view> query_param(std::string_view name) const;
  std::size_t query_count(std::string_view name) const;
  const std::string& param(const std::string& name) const { return params.at(name); }
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  Response& header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

// Appends "name: value\r\n" to a response head. CR and LF in the value become spaces, so that
// no value can end its line and start another header (response splitting).
void append_header_line(std::string& head, std::string_view name, std::string_view value);

// Sends the response. May be called from any thread, exactly once.
using Responder = std::function<void(Response)>;
using Handler = std::function<void(Request&&, Responder)>;

// Builds the body of a transport-level error (no route, body too large, ...). The application
// installs one that speaks its API's error format.
using ErrorRenderer = std::function<Response(int status, std::string_view message)>;

}  // namespace tsunagu::http
