#include "http/fetch.hpp"

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <optional>
#include <utility>

#include "model/uri.hpp"

namespace tsunagu::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using Deadline = std::chrono::steady_clock::time_point;

using Endpoint = model::HttpUrl;

struct Reply {
  unsigned status = 0;
  std::string content_type;
  std::string location;
  std::string body;
};

// The system trust store is read once; an SSL_CTX may be shared by concurrent connections.
asio::ssl::context& client_tls_context() {
  static asio::ssl::context ctx = [] {
    asio::ssl::context c(asio::ssl::context::tls_client);
    c.set_default_verify_paths();
    c.set_verify_mode(asio::ssl::verify_peer);
    return c;
  }();
  return ctx;
}

// Blocking calls with a deadline: each step runs as an asynchronous operation on a private
// io_context, which is run until the step completes or the deadline passes; then the step is
// cancelled and its handler drained. (Beast's stream timeouts apply only to async operations,
// and name resolution has none at all.)
class Exchange {
 public:
  Exchange(const FetchOptions& options, Deadline deadline)
      : options_(options), deadline_(deadline) {}

  Result<Reply> get(const Endpoint& endpoint) {
    auto endpoints = resolve(endpoint);
    if (!endpoints) return std::unexpected(endpoints.error());
    if (!endpoint.tls) {
      beast::tcp_stream stream(ioc_);
      if (auto s = connect(stream, endpoint, *endpoints); !s) return std::unexpected(s.error());
      return request(stream, endpoint);
    }
    beast::ssl_stream<beast::tcp_stream> stream(ioc_, client_tls_context());
    if (auto s = connect(beast::get_lowest_layer(stream), endpoint, *endpoints); !s) {
      return std::unexpected(s.error());
    }
    if (auto s = handshake(stream, endpoint); !s) return std::unexpected(s.error());
    return request(stream, endpoint);
  }

 private:
  template <typename Start, typename Cancel>
  error_code run(Start start, Cancel cancel) {
    std::optional<error_code> result;
    start([&result](error_code ec) { result = ec; });
    ioc_.restart();
    ioc_.run_until(deadline_);
    if (result) return *result;
    cancel();
    ioc_.restart();
    ioc_.run();
    return asio::error::timed_out;
  }

  std::unexpected<Error> failure(const std::string& what, const error_code& ec) const {
    if (ec == asio::error::timed_out) {
      return fail(ErrorKind::InternalError,
                  "timed out after " + std::to_string(options_.timeout.count()) + " ms");
    }
    return fail(ErrorKind::InternalError, what + ": " + ec.message());
  }

  Result<tcp::resolver::results_type> resolve(const Endpoint& endpoint) {
    tcp::resolver resolver(ioc_);
    tcp::resolver::results_type results;
    auto ec = run(
        [&](auto done) {
          resolver.async_resolve(endpoint.host, endpoint.port,
                                 [&results, done](error_code e, tcp::resolver::results_type r) {
                                   results = std::move(r);
                                   done(e);
                                 });
        },
        [&] { resolver.cancel(); });
    if (ec) return failure("cannot resolve " + endpoint.host, ec);
    return results;
  }

  Status connect(beast::tcp_stream& stream, const Endpoint& endpoint,
                 const tcp::resolver::results_type& endpoints) {
    auto ec = run(
        [&](auto done) {
          stream.async_connect(endpoints, [done](error_code e, const tcp::endpoint&) { done(e); });
        },
        [&] { stream.close(); });
    if (ec) return failure("cannot connect to " + endpoint.host_header, ec);
    return ok();
  }

  Status handshake(beast::ssl_stream<beast::tcp_stream>& stream, const Endpoint& endpoint) {
    // SNI, which RFC 6066 reserves for host names, not address literals.
    // SSL_set_tlsext_host_name is a macro with a C-style cast, so call what it expands to.
    boost::system::error_code not_an_address;
    asio::ip::make_address(endpoint.host, not_an_address);
    if (not_an_address) {
      SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               const_cast<char*>(endpoint.host.c_str()));
    }
    stream.set_verify_callback(asio::ssl::host_name_verification(endpoint.host));
    auto ec = run(
        [&](auto done) {
          stream.async_handshake(asio::ssl::stream_base::client, [done](error_code e) { done(e); });
        },
        [&] { beast::get_lowest_layer(stream).close(); });
    if (ec) return failure("TLS handshake with " + endpoint.host_header + " failed", ec);
    return ok();
  }

  template <typename Stream>
  Result<Reply> request(Stream& stream, const Endpoint& endpoint) {
    bhttp::request<bhttp::string_body> req(bhttp::string_to_verb(options_.method), endpoint.target,
                                           11);
    req.set(bhttp::field::host, endpoint.host_header);
    req.set(bhttp::field::user_agent, "tsunagu/" TSUNAGU_VERSION);
    req.set(bhttp::field::accept, options_.accept);
    req.set(bhttp::field::connection, "close");
    if (!options_.authorization.empty()) {
      req.set(bhttp::field::authorization, options_.authorization);
    }
    if (options_.method != "GET") {
      req.set(bhttp::field::content_type, options_.content_type);
      req.body() = options_.body;
      req.prepare_payload();
    }
    auto cancel = [&] { beast::get_lowest_layer(stream).close(); };
    auto ec = run(
        [&](auto done) {
          bhttp::async_write(stream, req, [done](error_code e, std::size_t) { done(e); });
        },
        cancel);
    if (ec) return failure("cannot send the request to " + endpoint.host_header, ec);
    return read_reply(stream, endpoint, cancel);
  }

  template <typename Stream, typename Cancel>
  Result<Reply> read_reply(Stream& stream, const Endpoint& endpoint, Cancel cancel) {
    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(options_.max_body_bytes);
    auto ec = run(
        [&](auto done) {
          bhttp::async_read(stream, buffer, parser, [done](error_code e, std::size_t) { done(e); });
        },
        cancel);
    if (ec == bhttp::error::body_limit) {
      return fail(
          ErrorKind::PayloadTooLarge,
          "the response body exceeds " + std::to_string(options_.max_body_bytes) + " bytes");
    }
    if (ec) return failure("cannot read the response of " + endpoint.host_header, ec);
    // The TLS close_notify exchange is skipped: the parser has the complete message already.
    auto res = parser.release();
    return Reply{res.result_int(), std::string(res[bhttp::field::content_type]),
                 std::string(res[bhttp::field::location]), std::move(res.body())};
  }

  const FetchOptions& options_;
  const Deadline deadline_;
  asio::io_context ioc_;
};

bool is_redirect(unsigned status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

Result<std::string> redirect_target(const std::string& from, std::string_view location) {
  auto base = boost::urls::parse_uri(from);
  auto ref = boost::urls::parse_uri_reference(location);
  boost::urls::url resolved;
  if (!base || !ref || !boost::urls::resolve(*base, *ref, resolved)) {
    return fail(ErrorKind::InternalError,
                "redirect to an invalid location '" + std::string(location) + "'");
  }
  resolved.remove_fragment();
  return std::string(resolved.buffer());
}

}  // namespace

Result<FetchResponse> fetch(std::string_view url, const FetchOptions& options) {
  const Deadline deadline = std::chrono::steady_clock::now() + options.timeout;
  std::string current(url);
  for (int redirects = 0;; ++redirects) {
    auto endpoint = model::parse_http_url(current);
    if (!endpoint) return std::unexpected(endpoint.error());
    auto reply = Exchange(options, deadline).get(*endpoint);
    if (!reply) return std::unexpected(reply.error());
    if (!is_redirect(reply->status) || options.method != "GET") {
      return FetchResponse{reply->status, std::move(reply->content_type), std::move(reply->body),
                           std::move(current)};
    }
    if (redirects == options.max_redirects) {
      return fail(ErrorKind::InternalError,
                  "more than " + std::to_string(options.max_redirects) + " redirects");
    }
    if (reply->location.empty()) {
      return fail(ErrorKind::InternalError,
                  "redirect (HTTP status " + std::to_string(reply->status) + ") without Location");
    }
    auto next = redirect_target(current, reply->location);
    if (!next) return std::unexpected(next.error());
    current = std::move(*next);
  }
}

}  // namespace tsunagu::http
