#pragma once
// An asynchronous HTTP/1.1 server on Boost.Beast: keep-alive, limits on header and body size,
// a timeout per read and write, a cap on open connections, a request id on every response, a
// structured access log, and a graceful stop that finishes requests in flight.
//
// Threads: each of `threads` threads runs an event loop of its own (an io_context), as nginx's
// workers do, and each connection belongs to one loop, assigned in turn as connections come: a
// session's state needs no lock, and no request pays for a scheduler shared between threads
// (measured: a GET by id cost 37 us of CPU on two threads sharing one io_context, 26 on one).
// Handlers therefore must not block: work that may wait (a password hash, a remote call, a
// synchronous database write) is handed to another thread by the application. A handler may
// answer from any thread (e.g. the storage writer); the answer is posted back to the
// connection's loop.

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "http/message.hpp"
#include "http/router.hpp"
#include "model/error.hpp"

namespace tsunagu::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 1026;
  unsigned threads = 2;
  std::size_t header_limit = 16 * 1024;   // bytes of request line + headers; 431 beyond
  std::size_t body_limit = 1024 * 1024;   // bytes; 413 beyond
  std::chrono::seconds read_timeout{30};  // for each request, including keep-alive idle time
  std::chrono::seconds write_timeout{30};
  std::size_t max_connections = 10000;      // further connections are closed at once
  std::chrono::seconds shutdown_grace{15};  // in-flight requests get this long on stop()
};

class Session;

class Server {
 public:
  Server(ServerOptions options, Router router, ErrorRenderer render_error);
  ~Server();

  // Binds and starts accepting. Returns the bound "host:port" (useful with port 0).
  Result<std::string> start();
  // Runs the io threads until the server has stopped. Blocks.
  void run();
  // Stops accepting, lets requests in flight finish (up to shutdown_grace), closes idle
  // connections. Safe to call from any thread and more than once.
  void stop();

  // The first loop, which also accepts connections: for the application's signal handling.
  boost::asio::io_context& io() { return *loops_.front(); }

 private:
  friend class Session;
  void accept();
  void session_ended(Session* s);
  boost::asio::io_context& next_loop();

  const ServerOptions options_;
  const Router router_;
  const ErrorRenderer render_error_;
  std::vector<std::unique_ptr<boost::asio::io_context>> loops_;
  // Keeps every loop running while it has no connection; released on stop().
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> idle_;
  std::size_t next_ = 0;  // the loop of the next connection; used on the first loop only
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer grace_timer_;
  std::atomic<bool> stopping_{false};

  std::mutex mu_;
  std::map<Session*, std::weak_ptr<Session>> sessions_;  // guarded by mu_
};

}  // namespace tsunagu::http
