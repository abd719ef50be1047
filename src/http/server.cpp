#include "http/server.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <random>
#include <thread>

namespace tsunagu::http {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;

namespace {

std::string new_request_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(16, '0');
  auto bits = rng();
  for (auto& c : id) {
    c = kHex[bits & 0xf];
    bits >>= 4;
  }
  return id;
}

// A client's X-Request-Id is kept when it is short printable ASCII, so that logs of a caller
// and of Tsunagu can be joined; anything else is replaced.
std::string request_id_for(const bhttp::fields& headers) {
  auto it = headers.find("X-Request-Id");
  if (it != headers.end()) {
    auto v = it->value();
    if (!v.empty() && v.size() <= 128 &&
        std::all_of(v.begin(), v.end(), [](char c) { return c > 0x20 && c < 0x7f; })) {
      return std::string(v);
    }
  }
  return new_request_id();
}

void split_target(std::string_view target, Request& req) {
  auto q = target.find('?');
  req.path = std::string(target.substr(0, q));
  if (q == std::string_view::npos) return;
  auto rest = target.substr(q + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    auto pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq));
    auto value = percent_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    // An undecodable parameter is kept raw; the handler's validation names it.
    req.query.emplace_back(key.value_or(std::string(pair.substr(0, eq))),
                           value.value_or(std::string(pair.substr(eq + 1))));
  }
}

}  // namespace

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, net::io_context& loop, Server& server)
      : stream_(std::move(socket)), loop_(loop), server_(server) {}

  void start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

  // Called on stop(): closes the connection unless a request is being served.
  void close_if_idle() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) self->close();
    });
  }

 private:
  void read() {
    if (server_.stopping_) return close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options_.header_limit));
    parser_->body_limit(server_.options_.body_limit);
    stream_.expires_after(server_.options_.read_timeout);
    bhttp::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == beast::error::timeout || ec == net::error::connection_reset ||
        ec == net::error::eof) {
      return close();
    }
    started_ = std::chrono::steady_clock::now();
    if (ec) return reject_malformed(ec);
    busy_ = true;
    auto msg = parser_->release();
    keep_alive_ = msg.keep_alive();
    dispatch(std::move(msg));
  }

  void reject_malformed(beast::error_code ec) {
    keep_alive_ = false;
    head_ = false;
    busy_ = true;
    request_id_ = new_request_id();
    method_ = "-";
    target_ = "-";
    if (ec == bhttp::error::header_limit) {
      return send(server_.render_error_(
          431,
          "request headers exceed " + std::to_string(server_.options_.header_limit) + " bytes"));
    }
    if (ec == bhttp::error::body_limit) {
      return send(server_.render_error_(
          413, "request body exceeds " + std::to_string(server_.options_.body_limit) + " bytes"));
    }
    send(server_.render_error_(400, "malformed HTTP request: " + ec.message()));
  }

  void dispatch(bhttp::request<bhttp::string_body>&& msg) {
    Request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    split_target(req.target, req);
    req.body = std::move(msg.body());
    req.headers = std::move(msg.base());
    req.request_id = request_id_for(req.headers);
    req.peer = peer();
    request_id_ = req.request_id;
    method_ = req.method;
    target_ = req.target;

    // HEAD is GET without the body (RFC 9110 section 9.3.2): routed as GET, body dropped in send().
    head_ = req.method == "HEAD";
    auto match = server_.router_.match(head_ ? "GET" : req.method, req.path);
    if (match.bad_encoding) {
      return send(server_.render_error_(400, "the request path is not valid percent-encoding"));
    }
    if (match.handler == nullptr) return no_route(match);
    req.params = std::move(match.params);
    invoke(*match.handler, std::move(req));
  }

  // The client's address, asked of the kernel once per connection, not per request.
  const std::string& peer() {
    if (!peer_) {
      beast::error_code ec;
      const auto endpoint = stream_.socket().remote_endpoint(ec);
      peer_ = ec ? std::string() : endpoint.address().to_string();
    }
    return *peer_;
  }

  void no_route(const Router::Match& match) {
    if (match.allowed_methods.empty()) {
      return send(server_.render_error_(404, "no resource at " + target_));
    }
    std::string allow;
    for (const auto& m : match.allowed_methods) allow += (allow.empty() ? "" : ", ") + m;
    auto res = server_.render_error_(
        405, "method " + method_ + " is not allowed on " + target_ + "; allowed: " + allow);
    res.header("Allow", allow);
    send(std::move(res));
  }

  void invoke(const Handler& handler, Request&& req) {
    // The work guard keeps the loop running while a handler waits on another thread.
    auto guard = net::make_work_guard(loop_);
    Responder respond = [self = shared_from_this(), guard](Response res) mutable {
      net::post(self->stream_.get_executor(),
                [self, res = std::move(res)]() mutable { self->send(std::move(res)); });
      guard.reset();
    };
    try {
      handler(std::move(req), std::move(respond));
    } catch (const std::exception& ex) {
      spdlog::error("request {} failed: {}", request_id_, ex.what());
      send(server_.render_error_(500, "internal error"));
    }
  }

  // The status line and headers are written into a buffer the session keeps, and sent with
  // the body in one gathered write: no per-response header container, no copy of the body.
  void send(Response res) {
    const bool keep_alive = keep_alive_ && !server_.stopping_;
    const auto status = static_cast<unsigned>(res.status);
    auto& h = head_buffer_;
    h.clear();
    h += "HTTP/1.1 ";
    h += std::to_string(status);
    h += ' ';
    h += bhttp::obsolete_reason(bhttp::int_to_status(status));
    h += "\r\nServer: tsunagu\r\n";
    for (const auto& [name, value] : res.headers) append_header(name, value);
    append_header("X-Request-Id", request_id_);
    // RFC 9110 section 8.6: no Content-Length in 1xx and 204 answers; HEAD gets what GET would.
    if (status >= 200 && status != 204 && status != 304) {
      h += "Content-Length: ";
      h += std::to_string(res.body.size());
      h += "\r\n";
    }
    if (!keep_alive) h += "Connection: close\r\n";
    h += "\r\n";
    body_ = head_ ? std::string() : std::move(res.body);
    stream_.expires_after(server_.options_.write_timeout);
    const std::array<net::const_buffer, 2> buffers{net::buffer(head_buffer_), net::buffer(body_)};
    net::async_write(
        stream_, buffers,
        [self = shared_from_this(), status, keep_alive](beast::error_code ec, std::size_t bytes) {
          self->on_write(ec, bytes, status, keep_alive);
        });
  }

  void append_header(std::string_view name, std::string_view value) {
    append_header_line(head_buffer_, name, value);
  }

  void on_write(beast::error_code ec, std::size_t bytes, unsigned status, bool keep_alive) {
    const auto ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_)
            .count();
    spdlog::info("access method={} target=\"{}\" status={} bytes={} ms={:.2f} request_id={}",
                 method_, target_, status, bytes, ms, request_id_);
    busy_ = false;
    if (ec || !keep_alive) return close();
    read();
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.close();
    server_.session_ended(this);
  }

  beast::tcp_stream stream_;
  net::io_context& loop_;  // the loop the connection belongs to; its one thread runs it all
  Server& server_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bool keep_alive_ = true;
  bool busy_ = false;
  bool head_ = false;
  std::chrono::steady_clock::time_point started_;
  std::string request_id_, method_, target_;
  std::optional<std::string> peer_;
  std::string head_buffer_, body_;  // of the response being written
};

namespace {

std::vector<std::unique_ptr<net::io_context>> make_loops(unsigned threads) {
  std::vector<std::unique_ptr<net::io_context>> loops;
  // Concurrency hint 1: each loop is run by one thread, so asio may skip its locking.
  for (unsigned i = 0; i < std::max(1u, threads); ++i) {
    loops.push_back(std::make_unique<net::io_context>(1));
  }
  return loops;
}

}  // namespace

Server::Server(ServerOptions options, Router router, ErrorRenderer render_error)
    : options_(std::move(options)),
      router_(std::move(router)),
      render_error_(std::move(render_error)),
      loops_(make_loops(options_.threads)),
      acceptor_(*loops_.front()),
      grace_timer_(*loops_.front()) {
  for (auto& loop : loops_) idle_.push_back(net::make_work_guard(*loop));
}

Server::~Server() = default;

Result<std::string> Server::start() {
  beast::error_code ec;
  auto address = net::ip::make_address(options_.host, ec);
  if (ec) return fail(ErrorKind::InvalidRequest, "invalid listen address '" + options_.host + "'");
  tcp::endpoint endpoint(address, options_.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return fail(ErrorKind::InternalError, "cannot listen on " + options_.host + ":" +
                                              std::to_string(options_.port) + ": " + ec.message());
  }
  accept();
  auto bound = acceptor_.local_endpoint();
  return bound.address().to_string() + ":" + std::to_string(bound.port());
}

net::io_context& Server::next_loop() {
  auto& loop = *loops_[next_];
  next_ = (next_ + 1) % loops_.size();
  return loop;
}

void Server::accept() {
  auto& loop = next_loop();
  acceptor_.async_accept(loop, [this, &loop](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec != net::error::operation_aborted && !stopping_) accept();
      return;
    }
    std::shared_ptr<Session> session;
    {
      std::lock_guard lock(mu_);
      if (sessions_.size() < options_.max_connections) {
        session = std::make_shared<Session>(std::move(socket), loop, *this);
        sessions_.emplace(session.get(), session);
      }
    }
    if (session) {
      session->start();
    } else {
      spdlog::warn("connection limit of {} reached: refusing a connection",
                   options_.max_connections);
      beast::error_code ignored;
      socket.close(ignored);
    }
    accept();
  });
}

void Server::session_ended(Session* s) {
  std::lock_guard lock(mu_);
  sessions_.erase(s);
  // The timer belongs to the first loop; this may run on another.
  if (stopping_ && sessions_.empty()) net::post(*loops_.front(), [this] { grace_timer_.cancel(); });
}

void Server::run() {
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < loops_.size(); ++i) {
    threads.emplace_back([this, i] { loops_[i]->run(); });
  }
  loops_.front()->run();
  for (auto& t : threads) t.join();
}

void Server::stop() {
  net::post(*loops_.front(), [this] {
    if (stopping_.exchange(true)) return;
    beast::error_code ec;
    acceptor_.close(ec);
    // Each loop ends once its last connection has: nothing else keeps it running now.
    for (auto& guard : idle_) guard.reset();
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard lock(mu_);
      for (auto& [raw, weak] : sessions_) {
        if (auto s = weak.lock()) live.push_back(std::move(s));
      }
      if (live.empty()) return;
    }
    for (auto& s : live) s->close_if_idle();
    grace_timer_.expires_after(options_.shutdown_grace);
    grace_timer_.async_wait([this](beast::error_code wait_ec) {
      if (!wait_ec) {
        spdlog::warn("requests still running after the shutdown grace period; stopping");
        for (auto& loop : loops_) loop->stop();
      }
    });
  });
}

}  // namespace tsunagu::http
