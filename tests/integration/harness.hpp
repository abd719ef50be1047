#pragma once
// Harness of the integration suite: the real `tsunagu` binary as a child process on a free port,
// a small synchronous HTTP/1.1 client, and a loopback HTTP server that plays a remote @context
// host.
//
// It depends on Boost, GoogleTest and POSIX only, never on src/: the suite describes the server
// from the outside (the NGSI-LD spec and the server's command-line contract), so it keeps compiling
// whatever happens inside src/.

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace tsunagu::it {

namespace http = boost::beast::http;
using Headers = std::vector<std::pair<std::string, std::string>>;
using namespace std::chrono_literals;

struct Response {
  int status = 0;
  Headers headers;
  std::string body;

  // The first value of a header (case-insensitive name), or "" when absent.
  std::string header(std::string_view name) const;
  bool has_header(std::string_view name) const;
  // The body parsed as JSON, numbers made canonical (see canonical_numbers); throws
  // std::runtime_error quoting the body when it is not JSON.
  boost::json::value json() const;
};

// Turns every double that holds an integer (135.0) into an integer (135), recursively. JSON has one
// number type, so 135.0 and 135 are the same value, but boost::json compares them as different:
// test expectations and server answers are both made canonical before they are compared.
void canonical_numbers(boost::json::value& value);

// A synchronous HTTP/1.1 client that keeps its connection alive between requests. Not thread-safe:
// give each thread its own client.
class HttpClient {
 public:
  HttpClient(std::string host, unsigned short port);
  HttpClient(HttpClient&&) noexcept;
  ~HttpClient();

  // Throws std::runtime_error on a network failure (refused, reset, timeout). When the body is not
  // empty and no Content-Type is given, Content-Type is application/json.
  Response request(http::verb method, std::string_view target, const Headers& headers = {},
                   std::string_view body = {});
  Response get(std::string_view target, const Headers& headers = {});
  Response post(std::string_view target, std::string_view body, const Headers& headers = {});
  Response put(std::string_view target, std::string_view body, const Headers& headers = {});
  Response patch(std::string_view target, std::string_view body, const Headers& headers = {});
  Response del(std::string_view target, const Headers& headers = {});

  // How many TCP connections this client has opened so far (keep-alive tests).
  int connections_opened() const { return connections_opened_; }
  void close();

 private:
  void connect();

  std::string host_;
  unsigned short port_;
  std::unique_ptr<boost::asio::io_context> io_;
  std::optional<boost::beast::tcp_stream> stream_;
  boost::beast::flat_buffer buffer_;
  int connections_opened_ = 0;
};

// Opens a connection, sends `bytes` as they are, and returns everything the server sends back until
// it closes the connection or `timeout` passes. For requests that a well-behaved client cannot
// send.
std::string raw_exchange(const std::string& host, unsigned short port, std::string_view bytes,
                         std::chrono::milliseconds timeout = 5000ms);

// The path of the tsunagu binary under test ($TSUNAGU_BINARY, else the one CMake built).
std::string tsunagu_binary();

// A loopback TCP port on which nothing listens (bound once, then released).
unsigned short closed_port();

// A fresh directory under the system's temporary directory, named <prefix>XXXXXX.
std::filesystem::path make_temp_dir(std::string_view prefix);

// Starts args[0] with args[1..] as a child process: stdin from /dev/null, stdout and stderr
// appended to `log`, no inherited descriptors, killed when the test binary dies. Returns its pid.
int spawn_process(std::vector<std::string> args, const std::filesystem::path& log);

// The contents of a file, or "" when it cannot be read.
std::string read_text_file(const std::filesystem::path& path);

// The PostgreSQL database of the server whose data directory is `data_dir` ("" for none): the
// admin commands run on a server's data (`tsunagu clients add --data-dir …`) are given its
// --store too (run_tsunagu), so that they reach the platform database the server uses.
std::string store_of_data_dir(const std::filesystem::path& data_dir);

// The `tsunagu serve` child process. Each instance owns a fresh temporary directory holding the
// data directory, the ready file and the captured stdout+stderr (appended across restarts).
class ServerProcess {
 public:
  explicit ServerProcess(std::vector<std::string> extra_args = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Flags added after the standard ones (--listen, --data-dir, --ready-file); set before start().
  void set_extra_args(std::vector<std::string> args) { extra_args_ = std::move(args); }
  // Without it the server runs with --insecure-no-auth; set before start().
  void set_require_tokens(bool require) { require_tokens_ = require; }
  // Tenants' data in this PostgreSQL database instead of the run's default (several nodes on one
  // database); set before start().
  void set_store_url(std::string url);
  // The PostgreSQL database of this server ("" on SQLite). With TSUNAGU_TEST_STORE=postgresql
  // every server gets a new database of its own, kept across restarts.
  const std::string& store_url() const { return store_url_; }
  // Listen on this loopback port instead of one the system picks (for a URL that must be known
  // before start, e.g. a redirect URI registered elsewhere); set before start().
  void set_listen_port(unsigned short port) { listen_port_ = port; }

  // Starts the binary and waits until it has written its ready file. Throws std::runtime_error
  // (quoting the server's log) when it exits or is not ready in time.
  void start(std::chrono::milliseconds timeout = 30000ms);
  // Sends `signal` (SIGTERM by default), waits for the exit and returns the exit code, or -N when
  // the process was ended by signal N. Sends SIGKILL and returns -SIGKILL after `timeout`.
  int stop(int signal = 15, std::chrono::milliseconds timeout = 30000ms);
  // SIGKILL, then wait: a crash at the worst moment.
  void kill();
  // stop() if running, then start() again on the same data directory.
  void restart();

  // True while the child has not exited (reaps it when it has).
  bool alive();
  // The wait status text of the last exit ("exit code 0", "killed by signal 11").
  const std::string& last_exit() const { return last_exit_; }

  const std::string& host() const { return host_; }
  unsigned short port() const { return port_; }
  HttpClient client() const { return HttpClient(host_, port_); }

  const std::filesystem::path& work_dir() const { return root_; }
  std::filesystem::path data_dir() const { return root_ / "data"; }
  std::string log() const;
  std::string log_tail(std::size_t max_bytes = 6000) const;

 private:
  void wait_ready(std::chrono::milliseconds timeout);
  void record_exit(int wait_status);

  std::filesystem::path root_;
  std::vector<std::string> extra_args_;
  bool require_tokens_ = false;
  unsigned short listen_port_ = 0;
  std::string store_url_;
  int pid_ = -1;
  int starts_ = 0;
  std::string host_;
  unsigned short port_ = 0;
  std::string last_exit_;
};

// A loopback HTTP server in its own threads that serves JSON-LD documents at given paths, counts
// requests per path, and can answer with an error status or only after a delay. As a
// notification receiver it records every request; a delay longer than the test makes an endpoint
// that accepts the connection and never answers.
//
// Thread-safety: the public methods may be called from any thread; routes_ and open_sockets_ are
// guarded by mutex_. Each connection is served by its own thread, joined by the destructor.
class ContextServer {
 public:
  // Listens on `port`, or on a free one when 0 (a receiver that comes up on a port announced
  // earlier, where nothing listened). `receiving` are paths answered 200 with an empty body from
  // the first request on: serve() after the constructor could come after a request.
  explicit ContextServer(unsigned short port = 0, const std::vector<std::string>& receiving = {});
  ~ContextServer();
  ContextServer(const ContextServer&) = delete;
  ContextServer& operator=(const ContextServer&) = delete;

  void serve(const std::string& path, std::string body,
             std::string content_type = "application/ld+json");
  void fail(const std::string& path, int status);
  void delay(const std::string& path, std::chrono::milliseconds delay);

  std::string url(std::string_view path) const;
  int hits(const std::string& path) const;

  // Every request to a path, as received (a notification receiver's view).
  struct Received {
    std::string method;
    std::string body;
    std::map<std::string, std::string> headers;  // names lower-cased
    int status = 0;                              // what it was answered (or is being)
  };
  std::vector<Received> received(const std::string& path) const;
  // Waits until `count` requests to the path have arrived, or `timeout` passed; returns them.
  std::vector<Received> wait_for(const std::string& path, std::size_t count,
                                 std::chrono::milliseconds timeout = 20000ms);
  // Waits until `done` holds for the requests to the path, or `timeout` passed; returns them.
  // `done` runs under the server's lock: it must not call the server.
  std::vector<Received> wait_until(const std::string& path,
                                   const std::function<bool(const std::vector<Received>&)>& done,
                                   std::chrono::milliseconds timeout = 20000ms);
  unsigned short port() const { return port_; }

 private:
  struct Route {
    std::string body = "{}";
    std::string content_type = "application/ld+json";
    int status = 200;
    std::chrono::milliseconds delay{0};
    int hits = 0;
    std::vector<Received> received;
  };

  void accept_loop();
  void serve_connection(boost::asio::ip::tcp::socket socket);
  // Returns (status, content type, body) for one request and counts the hit.
  Route answer(const std::string& target, Received request);

  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread accept_thread_;

  mutable std::mutex mutex_;
  std::condition_variable received_;          // a request arrived
  std::map<std::string, Route> routes_;       // guarded by mutex_
  std::vector<int> open_sockets_;             // guarded by mutex_
  std::vector<std::thread> session_threads_;  // guarded by mutex_
};

// A loopback TCP listener that accepts connections and then neither reads nor answers: a peer
// that hangs before speaking any protocol (an MQTT broker that never sends CONNACK, say).
//
// Thread-safety: connections() may be called from any thread; the sockets belong to the
// listener's own thread.
class SilentServer {
 public:
  SilentServer();
  ~SilentServer();
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;

  unsigned short port() const { return port_; }
  // How many connections it has accepted.
  int connections() const { return connections_; }

 private:
  void accept_next();

  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::vector<boost::asio::ip::tcp::socket> held_;  // only touched by thread_
  std::atomic<int> connections_{0};
  std::thread thread_;
};

}  // namespace tsunagu::it
