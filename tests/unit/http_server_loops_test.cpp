// The HTTP server runs one event loop per thread and its handlers must not wait: what may wait is
// handed to another thread with http::offloaded. These tests run the real server on loopback.

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "http/router.hpp"
#include "http/server.hpp"

namespace tsunagu::http {
namespace {
namespace net = boost::asio;
namespace bhttp = boost::beast::http;

Response text(std::string body) {
  Response res;
  res.status = 200;
  res.header("Content-Type", "text/plain");
  res.body = std::move(body);
  return res;
}

Response error_page(int status, std::string_view message) {
  auto res = text(std::to_string(status) + " " + std::string(message));
  res.status = status;
  return res;
}

// A blocking client on its own connection.
class Client {
 public:
  explicit Client(const std::string& address) : socket_(io_) {
    const auto colon = address.rfind(':');
    net::ip::tcp::resolver resolver(io_);
    net::connect(socket_, resolver.resolve(address.substr(0, colon), address.substr(colon + 1)));
  }
  void send(const std::string& target) {
    bhttp::request<bhttp::empty_body> req(bhttp::verb::get, target, 11);
    req.set(bhttp::field::host, "127.0.0.1");
    bhttp::write(socket_, req);
  }
  std::string receive() {
    bhttp::response<bhttp::string_body> res;
    bhttp::read(socket_, buffer_, res);
    return res.body();
  }

 private:
  net::io_context io_;
  net::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

class ServerLoops : public ::testing::TestWithParam<unsigned> {
 protected:
  void start(Router router) {
    ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.threads = GetParam();
    options.shutdown_grace = std::chrono::seconds(5);
    server_ = std::make_unique<Server>(options, std::move(router), error_page);
    auto address = server_->start();
    ASSERT_TRUE(address.has_value()) << address.error().message;
    address_ = *address;
    runner_ = std::thread([this] { server_->run(); });
  }
  void TearDown() override {
    if (!server_) return;
    server_->stop();
    runner_.join();
  }

  std::unique_ptr<Server> server_;
  std::string address_;
  std::thread runner_;
};

TEST_P(ServerLoops, AnOffloadedHandlerThatWaitsHoldsUpNoOtherConnection) {
  // /slow waits until /fast has been answered. Had the waiting handler held its loop, /fast (on
  // the same loop when there is one) would be answered only after /slow gave up waiting, and
  // /slow would say so.
  std::promise<void> fast_answered;
  auto released = fast_answered.get_future().share();
  std::vector<std::thread> waiting;
  Router router;
  router.add(
      "GET", "/slow",
      offloaded(
          [released](Request&&, Responder respond) {
            const bool in_time =
                released.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
            respond(text(in_time ? "slow" : "gave up waiting"));
          },
          [&waiting](std::function<void()> task) { waiting.emplace_back(std::move(task)); }));
  router.add("GET", "/fast", [](Request&&, Responder respond) { respond(text("fast")); });
  start(std::move(router));

  Client slow(address_), fast(address_);
  slow.send("/slow");
  fast.send("/fast");
  EXPECT_EQ(fast.receive(), "fast");
  fast_answered.set_value();
  EXPECT_EQ(slow.receive(), "slow");
  for (auto& t : waiting) t.join();
}

TEST_P(ServerLoops, ManyConnectionsOverTheLoopsAreAllServedAndTheServerStops) {
  Router router;
  router.add("GET", "/echo/{n}",
             [](Request&& req, Responder respond) { respond(text(req.param("n"))); });
  start(std::move(router));
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 9; ++i) clients.push_back(std::make_unique<Client>(address_));
  for (int round = 0; round < 3; ++round) {
    for (std::size_t i = 0; i < clients.size(); ++i) {
      clients[i]->send("/echo/" + std::to_string(round * 100 + i));
    }
    for (std::size_t i = 0; i < clients.size(); ++i) {
      EXPECT_EQ(clients[i]->receive(), std::to_string(round * 100 + i));
    }
  }
  // TearDown stops the server with the connections still open: run() must return.
}

INSTANTIATE_TEST_SUITE_P(Threads, ServerLoops, ::testing::Values(1u, 2u, 3u));

}  // namespace
}  // namespace tsunagu::http
