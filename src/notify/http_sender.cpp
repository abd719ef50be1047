#include "notify/http_sender.hpp"

#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cctype>
#include <deque>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>

#include "model/uri.hpp"

namespace tsunagu::notify {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using Clock = std::chrono::steady_clock;

// Where a notification goes, from its endpoint URI.
struct Target {
  bool tls = false;
  std::string host;         // for DNS, SNI and the certificate check
  std::string port;         // as a service name for the resolver
  std::string host_header;  // host[:port] as written in the URI
  std::string path;         // path and query
  std::string pool_key() const { return (tls ? "https://" : "http://") + host + ":" + port; }
  std::string peer() const { return host_header; }
};

Result<Target> parse_target(std::string_view uri) {
  auto url = model::parse_http_url(uri);
  if (!url) return std::unexpected(url.error());
  return Target{url->tls, std::move(url->host), std::move(url->port), std::move(url->host_header),
                std::move(url->target)};
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// RFC 9110 token characters: a header name made of anything else would corrupt the request.
bool is_token(std::string_view name) {
  static constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           kSpecials.find(c) != std::string_view::npos;
  });
}

// Headers that frame the message or that the sender sets itself: a receiverInfo entry must not
// be able to change how the receiver reads the request.
bool is_reserved(std::string_view name) {
  static constexpr std::string_view kReserved[] = {
      "Host", "Content-Length", "Transfer-Encoding", "Connection", "Content-Type", "Upgrade",
      "TE",   "Trailer",        "Keep-Alive",        "Expect"};
  return std::any_of(std::begin(kReserved), std::end(kReserved),
                     [&](std::string_view r) { return iequals(r, name); });
}

// CR, LF and NUL in a value would start another header or end the head.
std::string header_value(std::string_view value) {
  std::string out(value);
  for (auto& c : out) {
    if (c == '\r' || c == '\n' || c == '\0') c = ' ';
  }
  return out;
}

bhttp::request<bhttp::string_body> build_request(const Target& target, const Notification& n) {
  bhttp::request<bhttp::string_body> req(bhttp::verb::post, target.path, 11);
  req.set(bhttp::field::host, target.host_header);
  req.set(bhttp::field::user_agent, "tsunagu/" TSUNAGU_VERSION);
  req.set(bhttp::field::content_type,
          n.content_type.empty() ? "application/json" : header_value(n.content_type));
  for (const auto& [name, value] : n.headers) {
    if (!is_token(name) || is_reserved(name)) continue;
    if (iequals(name, "User-Agent")) {
      req.set(bhttp::field::user_agent, header_value(value));
    } else {
      req.insert(name, header_value(value));
    }
  }
  req.keep_alive(true);
  req.body() = n.body;
  req.prepare_payload();
  return req;
}

// One connection, plain or TLS, with the read buffer that belongs to it (bytes a server sent
// after a response stay with the connection).
struct Connection {
  Connection(asio::io_context& io, asio::ssl::context* tls_context) {
    if (tls_context != nullptr) {
      tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(io, *tls_context);
    } else {
      plain = std::make_unique<beast::tcp_stream>(io);
    }
  }
  ~Connection() {
    error_code ignored;
    tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    tcp().close();
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  beast::tcp_stream& tcp() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
  template <typename F>
  void with_stream(F&& f) {
    if (tls) {
      f(*tls);
    } else {
      f(*plain);
    }
  }

  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
};

// Idle kept-alive connections by scheme, host and port; the most recently used is reused first,
// so the oldest ones age out. Used on the I/O thread only.
class Pool {
 public:
  Pool(std::size_t max_per_key, std::chrono::milliseconds idle_timeout)
      : max_per_key_(max_per_key), idle_timeout_(idle_timeout) {}

  std::unique_ptr<Connection> take(const std::string& key) {
    auto it = idle_.find(key);
    if (it == idle_.end()) return nullptr;
    drop_expired(it->second, Clock::now());
    std::unique_ptr<Connection> connection;
    if (!it->second.empty()) {
      connection = std::move(it->second.back().connection);
      it->second.pop_back();
    }
    if (it->second.empty()) idle_.erase(it);
    return connection;
  }

  void put(const std::string& key, std::unique_ptr<Connection> connection) {
    if (max_per_key_ == 0) return;
    auto& list = idle_[key];
    if (list.size() >= max_per_key_) list.pop_front();
    list.push_back({std::move(connection), Clock::now()});
  }

  void sweep() {
    const auto now = Clock::now();
    for (auto it = idle_.begin(); it != idle_.end();) {
      drop_expired(it->second, now);
      it = it->second.empty() ? idle_.erase(it) : std::next(it);
    }
  }

  void clear() { idle_.clear(); }

 private:
  struct Idle {
    std::unique_ptr<Connection> connection;
    Clock::time_point since;
  };

  void drop_expired(std::deque<Idle>& list, Clock::time_point now) const {
    while (!list.empty() && now - list.front().since >= idle_timeout_) list.pop_front();
  }

  const std::size_t max_per_key_;
  const std::chrono::milliseconds idle_timeout_;
  std::unordered_map<std::string, std::deque<Idle>> idle_;
};

}  // namespace

// Threads: one I/O thread runs every handler, so the pool and each exchange are used by one
// thread at a time. send() only posts to it. `stopped` and `connections_opened` are atomics read
// from any thread.
struct HttpSender::Impl {
  Impl(HttpSenderOptions o, std::unique_ptr<asio::ssl::context> tls)
      : options(std::move(o)),
        tls_context(std::move(tls)),
        work(asio::make_work_guard(io)),
        pool(options.max_idle_per_host, options.idle_timeout),
        sweep_timer(io) {}

  void schedule_sweep() {
    sweep_timer.expires_after(std::max(options.idle_timeout / 2, std::chrono::milliseconds(10)));
    sweep_timer.async_wait([this](error_code ec) {
      if (ec || stopped) return;
      pool.sweep();
      schedule_sweep();
    });
  }

  // The TLS context with the system's trust store in it, read on the first call. I/O thread
  // only, so no other connection uses the context while the store is filled.
  asio::ssl::context* tls_for_connection() {
    if (!system_trust_loaded) {
      system_trust_loaded = true;
      error_code ec;
      tls_context->set_default_verify_paths(ec);
      if (ec) {
        spdlog::warn(
            "notifications: cannot read the system's trust store ({}); https receivers "
            "verify against the configured CA file only",
            ec.message());
      }
    }
    return tls_context.get();
  }

  // Declaration order is destruction order reversed: connections (in the pool and in handlers
  // that io drops) must go before the TLS context they use, and the pool before io.
  const HttpSenderOptions options;
  const std::unique_ptr<asio::ssl::context> tls_context;
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work;
  Pool pool;
  asio::steady_timer sweep_timer;
  std::atomic<bool> stopped{false};
  std::atomic<std::size_t> connections_opened{0};
  bool system_trust_loaded = false;  // I/O thread only
  std::thread thread;
};

namespace {

// One delivery attempt: take a pooled connection or open one, write, read the status. A pooled
// connection that the server closed while it was idle fails before any byte of a response
// arrives; then the attempt starts over once on a fresh connection (the request cannot have been
// processed). Lives in the handlers of its asynchronous operations.
class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(HttpSender::Impl& impl, Target target, bhttp::request<bhttp::string_body> request,
           Sender::Completion done)
      : impl_(impl),
        target_(std::move(target)),
        request_(std::move(request)),
        done_(std::move(done)),
        deadline_(Clock::now() + impl.options.timeout),
        resolver_(impl.io),
        timer_(impl.io) {}

  void start() {
    connection_ = impl_.pool.take(target_.pool_key());
    if (connection_) {
      reused_ = true;
      return write();
    }
    resolve();
  }

 private:
  // The resolver has no timeout of its own: a timer cancels it at the deadline.
  void resolve() {
    timer_.expires_at(deadline_);
    timer_.async_wait([self = shared_from_this()](error_code ec) {
      if (ec) return;
      self->timed_out_ = true;
      self->resolver_.cancel();
    });
    resolver_.async_resolve(
        target_.host, target_.port,
        [self = shared_from_this()](error_code ec, tcp::resolver::results_type results) {
          self->timer_.cancel();
          if (ec) return self->failed("cannot resolve", ec);
          self->connect(results);
        });
  }

  void connect(const tcp::resolver::results_type& results) {
    connection_ =
        std::make_unique<Connection>(impl_.io, target_.tls ? impl_.tls_for_connection() : nullptr);
    ++impl_.connections_opened;
    reused_ = false;
    connection_->tcp().expires_at(deadline_);
    connection_->tcp().async_connect(
        results, [self = shared_from_this()](error_code ec, const tcp::endpoint&) {
          if (ec) return self->failed("cannot connect to", ec);
          if (self->target_.tls) return self->handshake();
          self->write();
        });
  }

  void handshake() {
    auto& stream = *connection_->tls;
    // SNI, which RFC 6066 reserves for host names, not address literals.
    // SSL_set_tlsext_host_name is a macro with a C-style cast, so call what it expands to.
    error_code not_an_address;
    asio::ip::make_address(target_.host, not_an_address);
    if (not_an_address) {
      SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               const_cast<char*>(target_.host.c_str()));
    }
    if (impl_.options.tls.verify_peer) {
      stream.set_verify_callback(asio::ssl::host_name_verification(target_.host));
    }
    stream.async_handshake(asio::ssl::stream_base::client,
                           [self = shared_from_this()](error_code ec) {
                             if (ec) return self->failed("TLS handshake failed with", ec);
                             self->write();
                           });
  }

  void write() {
    connection_->tcp().expires_at(deadline_);
    connection_->with_stream([this](auto& stream) {
      bhttp::async_write(stream, request_, [self = shared_from_this()](error_code ec, std::size_t) {
        if (!ec) return self->read();
        if (self->may_retry(ec)) return self->retry_on_fresh_connection();
        self->failed("cannot send the notification to", ec);
      });
    });
  }

  void read() {
    parser_.emplace();
    parser_->body_limit(impl_.options.max_response_bytes);
    connection_->with_stream([this](auto& stream) {
      bhttp::async_read(
          stream, connection_->buffer, *parser_,
          [self = shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); });
    });
  }

  void on_read(error_code ec) {
    // An answer too long to read still has its status; the connection cannot be reused.
    if (ec == bhttp::error::body_limit && parser_->is_header_done()) {
      return finish(parser_->get().result_int(), false);
    }
    if (ec && !parser_->got_some() && may_retry(ec)) return retry_on_fresh_connection();
    if (ec) return failed("no response from", ec);
    finish(parser_->get().result_int(), parser_->get().keep_alive());
  }

  // Only a reused connection, only once, and only for errors that mean "closed by the peer".
  bool may_retry(error_code ec) const {
    if (!reused_ || retried_ || Clock::now() >= deadline_) return false;
    return ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
           ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
           ec == asio::ssl::error::stream_truncated;
  }

  void retry_on_fresh_connection() {
    retried_ = true;
    connection_.reset();
    resolve();
  }

  void finish(unsigned status, bool keep_alive) {
    if (keep_alive && !impl_.stopped) {
      impl_.pool.put(target_.pool_key(), std::move(connection_));
    }
    connection_.reset();
    complete(http_delivery_result(status, target_.peer()));
  }

  void failed(const std::string& what, error_code ec) {
    connection_.reset();
    if (timed_out_ || ec == beast::error::timeout || Clock::now() >= deadline_) {
      return complete(DeliveryResult::transient("timed out after " +
                                                std::to_string(impl_.options.timeout.count()) +
                                                " ms (" + what + " " + target_.peer() + ")"));
    }
    complete(DeliveryResult::transient(what + " " + target_.peer() + ": " + ec.message()));
  }

  void complete(DeliveryResult result) {
    auto done = std::move(done_);
    done_ = nullptr;
    if (done) done(std::move(result));
  }

  HttpSender::Impl& impl_;
  const Target target_;
  bhttp::request<bhttp::string_body> request_;
  Sender::Completion done_;
  const Clock::time_point deadline_;
  tcp::resolver resolver_;
  asio::steady_timer timer_;
  std::unique_ptr<Connection> connection_;
  std::optional<bhttp::response_parser<bhttp::string_body>> parser_;
  bool reused_ = false;
  bool retried_ = false;
  bool timed_out_ = false;
};

}  // namespace

DeliveryResult http_delivery_result(unsigned status, std::string_view peer) {
  if (status >= 200 && status < 300) return DeliveryResult::delivered();
  std::string message = "HTTP " + std::to_string(status);
  if (const auto known = bhttp::int_to_status(status); known != bhttp::status::unknown) {
    message += " " + std::string(bhttp::obsolete_reason(known));
  }
  message += " from " + std::string(peer);
  // 408, 425 and 429 say "not now"; a 5xx is the receiver's trouble, which it may fix.
  if (status == 408 || status == 425 || status == 429 || (status >= 500 && status < 600)) {
    return DeliveryResult::transient(std::move(message));
  }
  return DeliveryResult::permanent(std::move(message));
}

Result<std::unique_ptr<HttpSender>> HttpSender::create(HttpSenderOptions options) {
  std::unique_ptr<asio::ssl::context> tls;
  try {  // the constructor throws when OpenSSL cannot allocate a context
    tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
  } catch (const boost::system::system_error& e) {
    return fail(ErrorKind::InternalError, std::string("cannot create a TLS context: ") + e.what());
  }
  // The system's trust store is added on the first https delivery (Impl::tls_for_connection):
  // reading its some 140 certificates took most of the server's start-up. A CA file of the
  // operator's is read now, so that a wrong path stops the start.
  error_code ec;
  if (!options.tls.ca_file.empty()) tls->load_verify_file(options.tls.ca_file, ec);
  if (ec) {
    return fail(ErrorKind::InvalidRequest,
                "cannot load the trust anchors '" + options.tls.ca_file + "': " + ec.message());
  }
  tls->set_verify_mode(options.tls.verify_peer ? asio::ssl::verify_peer : asio::ssl::verify_none);
  auto impl = std::make_unique<Impl>(std::move(options), std::move(tls));
  impl->schedule_sweep();
  auto* raw = impl.get();
  impl->thread = std::thread([raw] { raw->io.run(); });
  return std::unique_ptr<HttpSender>(new HttpSender(std::move(impl)));
}

HttpSender::HttpSender(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpSender::~HttpSender() {
  stop();
}

bool HttpSender::accepts(std::string_view scheme) const {
  return scheme == "http" || scheme == "https";
}

void HttpSender::send(const Notification& notification, Completion done) {
  if (impl_->stopped) return;
  auto target = parse_target(notification.endpoint);
  if (!target) return done(DeliveryResult::permanent(target.error().message));
  auto request = build_request(*target, notification);
  auto exchange =
      std::make_shared<Exchange>(*impl_, std::move(*target), std::move(request), std::move(done));
  asio::post(impl_->io, [exchange] { exchange->start(); });
}

// Handlers still queued (attempts in progress) are destroyed with io, without their completion.
// Not to be called from a completion: it joins the I/O thread that runs them.
void HttpSender::stop() {
  if (impl_->stopped.exchange(true)) return;
  impl_->work.reset();
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  impl_->pool.clear();
}

std::size_t HttpSender::connections_opened() const {
  return impl_->connections_opened;
}

}  // namespace tsunagu::notify
