#pragma once
// Test support of the notify tests: a loopback HTTP(S) receiver that records requests and can
// be told to fail, hang or drop connections; a self-signed certificate made in memory; a
// temporary directory; and small synchronisation helpers.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "notify/notification.hpp"

namespace tsunagu::notify::testing {

using namespace std::chrono_literals;

// A key and a certificate for 127.0.0.1 (IP subject alternative name), valid for a day.
struct TlsIdentity {
  std::string certificate_pem;
  std::string private_key_pem;
};
TlsIdentity make_self_signed_identity();

// A fresh directory under the system's temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

// A loopback port nothing listens on (bound once, then released).
unsigned short closed_port();

// Polls `predicate` until it holds or `timeout` passes; returns its last value.
bool wait_until(const std::function<bool()>& predicate, std::chrono::milliseconds timeout = 10s);

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int connection = 0;  // which connection carried it, counted from 1

  // The values of a header (case-insensitive name), in order.
  std::vector<std::string> values(std::string_view name) const;
  // The first value, or "" when absent.
  std::string header(std::string_view name) const;
};

// What the receiver does with one request.
struct Action {
  enum class Kind { Respond, Hang, Close } kind = Kind::Respond;
  int status = 200;
  static Action respond(int status) { return {Kind::Respond, status}; }
  static Action hang() { return {Kind::Hang, 0}; }
  static Action close() { return {Kind::Close, 0}; }
};

// An HTTP/1.1 server on 127.0.0.1 and a free port, plain or TLS, one thread per connection.
// Requests are answered by the queued actions, in order, then by the default action.
//
// Thread-safety: every public method may be called from any thread; all state below the mutex
// is guarded by it.
class Receiver {
 public:
  explicit Receiver(std::optional<TlsIdentity> tls = std::nullopt);
  ~Receiver();
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;

  std::string url(std::string_view path) const;
  unsigned short port() const { return port_; }

  void set_default(Action action);
  void queue(Action action, int times = 1);
  // Close the connection after each answer although the answer said keep-alive (a server that
  // drops idle connections).
  void close_after_answer(bool close);

  std::vector<ReceivedRequest> requests() const;
  std::size_t request_count() const;
  int connections() const;
  bool wait_for_requests(std::size_t n, std::chrono::milliseconds timeout = 10s) const;

 private:
  void accept_loop();
  void serve(boost::asio::ip::tcp::socket socket, int connection);
  template <typename Stream>
  void exchange_loop(Stream& stream, int connection);

  std::optional<TlsIdentity> tls_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::thread accept_thread_;

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  bool stopping_ = false;
  Action default_action_ = Action::respond(200);
  std::deque<Action> actions_;
  bool close_after_answer_ = false;
  std::vector<ReceivedRequest> requests_;
  int connections_ = 0;
  std::vector<int> open_sockets_;
  std::vector<std::thread> session_threads_;
};

// Collects results reported from other threads.
class Results {
 public:
  void add(const DeliveryResult& result);
  std::function<void(const DeliveryResult&)> callback();
  std::vector<DeliveryResult> all() const;
  std::size_t size() const;
  bool wait_for(std::size_t n, std::chrono::milliseconds timeout = 10s) const;

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<DeliveryResult> results_;
};

}  // namespace tsunagu::notify::testing
