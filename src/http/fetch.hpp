#pragma once
// A small synchronous HTTP(S) client for documents the server itself needs (JSON-LD contexts,
// later other small resources). It blocks the calling thread for at most the timeout, which
// covers the whole exchange including redirects. HTTPS verifies the server certificate against
// the system trust store and the host name, and sends SNI. Knows nothing of JSON-LD.

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "model/error.hpp"

namespace tsunagu::http {

struct FetchOptions {
  std::chrono::milliseconds timeout{5000};  // the whole fetch: DNS, connect, TLS, redirects
  std::size_t max_body_bytes = 1 << 20;
  int max_redirects = 3;
  std::string accept = "application/ld+json, application/json";
  // A POST (e.g. an OAuth 2.0 token request) sends `body` as `content_type`; redirects of a POST
  // are not followed (they answer as they are).
  std::string method = "GET";
  std::string body;
  std::string content_type;
  std::string authorization;  // the Authorization header, when not empty
};

struct FetchResponse {
  unsigned status = 0;
  std::string content_type;  // as sent, parameters included; empty when absent
  std::string body;
  std::string url;  // the URL that answered, after redirects
};

// GETs `url` (http or https). Any final status is a response, 4xx and 5xx included; redirects
// (301, 302, 303, 307, 308) are followed up to max_redirects. Errors: InvalidRequest for a URL
// that is not http(s) or a redirect to one; PayloadTooLarge when the body exceeds the limit;
// InternalError for DNS, connection, TLS and protocol failures, too many redirects and the
// timeout. Messages say what failed, e.g. "timed out after 5000 ms".
Result<FetchResponse> fetch(std::string_view url, const FetchOptions& options = {});

}  // namespace tsunagu::http
