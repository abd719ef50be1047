#include "notify_receiver.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <thread>
#include <utility>

#include "measure.hpp"

namespace tsunagu::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

// One connection from the server: read a request, hand it over, answer 204, read the next.
// It owns itself through the handlers in flight; an error or a close ends it.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::size_t listener, const Receiver::OnRequest& on_request)
      : stream_(std::move(socket)), listener_(listener), on_request_(on_request) {}

  void read() {
    request_ = {};
    http::async_read(stream_, buffer_, request_,
                     [self = shared_from_this()](error_code ec, std::size_t) {
                       if (!ec) self->answer();
                     });
  }

 private:
  void answer() {
    on_request_(listener_, request_.body(), now_ns());
    response_ = {http::status::no_content, 11};
    response_.keep_alive(request_.keep_alive());
    http::async_write(stream_, response_, [self = shared_from_this()](error_code ec, std::size_t) {
      if (!ec && self->response_.keep_alive()) self->read();
    });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::empty_body> response_;
  const std::size_t listener_;
  const Receiver::OnRequest& on_request_;
};

}  // namespace

struct Receiver::Impl {
  Impl(std::size_t listeners, OnRequest on) : on_request(std::move(on)) {
    acceptors.reserve(listeners);  // accept() finds its acceptor by index, never moved
    for (std::size_t i = 0; i < listeners; ++i) {
      acceptors.emplace_back(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
      accept(i);
    }
    thread = std::thread([this] { io.run(); });
  }

  void accept(std::size_t i) {
    acceptors[i].async_accept([this, i](error_code ec, tcp::socket socket) {
      if (ec) return;
      socket.set_option(tcp::no_delay(true), ec);
      std::make_shared<Session>(std::move(socket), i, on_request)->read();
      accept(i);
    });
  }

  void stop() {
    io.stop();
    if (thread.joinable()) thread.join();
  }

  const OnRequest on_request;
  asio::io_context io;
  std::vector<tcp::acceptor> acceptors;  // constant after construction
  std::thread thread;
};

Receiver::Receiver(std::size_t listeners, OnRequest on_request)
    : impl_(std::make_unique<Impl>(listeners, std::move(on_request))) {}

Receiver::~Receiver() {
  stop();
}

std::vector<unsigned short> Receiver::ports() const {
  std::vector<unsigned short> out;
  for (const auto& a : impl_->acceptors) out.push_back(a.local_endpoint().port());
  return out;
}

void Receiver::stop() {
  impl_->stop();
}

}  // namespace tsunagu::bench
