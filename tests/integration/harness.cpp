#include "harness.hpp"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>

#include "pg/test_database.hpp"

#ifndef TSUNAGU_BINARY
#error "TSUNAGU_BINARY must name the server binary (set by CMakeLists.txt)"
#endif

namespace tsunagu::it {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

// Closes every descriptor above stderr in the child, so the server does not inherit the test's
// sockets (a listening socket kept open by the child would change what other tests observe).
void close_inherited_fds() {
#ifdef SYS_close_range
  if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0) return;
#endif
  for (int fd = 3; fd < 4096; ++fd) ::close(fd);
}

// Runs the io_context until the started asynchronous operation has finished. The operations
// go through a beast::tcp_stream whose expiry (set by the caller) bounds them: synchronous calls
// would ignore it and could block a test forever on a server that hangs.
void run_to_completion(asio::io_context& io) {
  io.restart();
  io.run();
}

}  // namespace

// $TSUNAGU_BINARY overrides the path compiled in (to test another build without recompiling).
std::string tsunagu_binary() {
  if (const char* env = std::getenv("TSUNAGU_BINARY"); env != nullptr && *env != '\0') return env;
  return TSUNAGU_BINARY;
}

// ---------------------------------------------------------------------------------------------
// Response

std::string Response::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return {};
}

bool Response::has_header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return true;
  }
  return false;
}

boost::json::value Response::json() const {
  boost::system::error_code ec;
  auto value = boost::json::parse(body, ec);
  if (ec) {
    throw std::runtime_error("response body is not JSON (" + ec.message() + "), status " +
                             std::to_string(status) + ": " + body.substr(0, 2000));
  }
  canonical_numbers(value);
  return value;
}

void canonical_numbers(boost::json::value& value) {
  if (value.is_double()) {
    const double d = value.get_double();
    constexpr double kLimit = 9007199254740992.0;  // 2^53: every integer below is exact
    if (std::trunc(d) == d && d > -kLimit && d < kLimit) value = static_cast<std::int64_t>(d);
  } else if (value.is_uint64()) {
    if (value.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
      value = static_cast<std::int64_t>(value.get_uint64());
    }
  } else if (value.is_array()) {
    for (auto& item : value.get_array()) canonical_numbers(item);
  } else if (value.is_object()) {
    for (auto& member : value.get_object()) canonical_numbers(member.value());
  }
}

// ---------------------------------------------------------------------------------------------
// HttpClient

HttpClient::HttpClient(std::string host, unsigned short port)
    : host_(std::move(host)), port_(port), io_(std::make_unique<asio::io_context>()) {}

HttpClient::HttpClient(HttpClient&&) noexcept = default;

HttpClient::~HttpClient() {
  close();
}

void HttpClient::close() {
  if (!stream_) return;
  beast::error_code ec;
  stream_->socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.reset();
  buffer_.clear();
}

void HttpClient::connect() {
  stream_.emplace(*io_);
  buffer_.clear();
  stream_->expires_after(10s);
  beast::error_code ec;
  stream_->async_connect(tcp::endpoint(asio::ip::make_address(host_), port_),
                         [&ec](beast::error_code e) { ec = e; });
  run_to_completion(*io_);
  if (ec) {
    stream_.reset();
    throw std::runtime_error("cannot connect to " + host_ + ":" + std::to_string(port_) + ": " +
                             ec.message());
  }
  ++connections_opened_;
}

Response HttpClient::request(http::verb method, std::string_view target, const Headers& headers,
                             std::string_view body) {
  http::request<http::string_body> req{method, std::string(target), 11};
  req.set(http::field::host, host_ + ":" + std::to_string(port_));
  bool has_content_type = false;
  for (const auto& [name, value] : headers) {
    req.insert(name, value);
    has_content_type = has_content_type || iequals(name, "Content-Type");
  }
  if (!body.empty() && !has_content_type) req.set(http::field::content_type, "application/json");
  req.body() = std::string(body);
  req.prepare_payload();

  const std::string what = std::string(http::to_string(method)) + " " + std::string(target);
  for (int attempt = 0;; ++attempt) {
    const bool reused = stream_.has_value();
    if (!reused) connect();
    stream_->expires_after(60s);
    beast::error_code write_ec;
    http::async_write(*stream_, req,
                      [&write_ec](beast::error_code e, std::size_t) { write_ec = e; });
    run_to_completion(*io_);
    // A kept-alive connection may have been closed by the server while idle: retry once on a
    // fresh one, but only when the request cannot have been processed (nothing was written).
    if (write_ec && reused && attempt == 0) {
      close();
      continue;
    }
    // After a write error the server may still have answered (e.g. 413 before reading the body).
    http::response_parser<http::string_body> parser;
    parser.body_limit(256 * 1024 * 1024);
    parser.header_limit(1024 * 1024);
    beast::error_code read_ec;
    stream_->expires_after(60s);
    http::async_read(*stream_, buffer_, parser,
                     [&read_ec](beast::error_code e, std::size_t) { read_ec = e; });
    run_to_completion(*io_);
    if (read_ec == http::error::end_of_stream && reused && attempt == 0 && !write_ec) {
      close();
      continue;
    }
    if (read_ec) {
      close();
      throw std::runtime_error(what + ": no response (" + read_ec.message() +
                               (write_ec ? ", write: " + write_ec.message() : "") + ")");
    }
    auto res = parser.release();
    Response out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& field : res) {
      out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    out.body = std::move(res.body());
    if (!res.keep_alive() || write_ec) close();
    return out;
  }
}

Response HttpClient::get(std::string_view target, const Headers& headers) {
  return request(http::verb::get, target, headers);
}
Response HttpClient::post(std::string_view target, std::string_view body, const Headers& headers) {
  return request(http::verb::post, target, headers, body);
}
Response HttpClient::put(std::string_view target, std::string_view body, const Headers& headers) {
  return request(http::verb::put, target, headers, body);
}
Response HttpClient::patch(std::string_view target, std::string_view body, const Headers& headers) {
  return request(http::verb::patch, target, headers, body);
}
Response HttpClient::del(std::string_view target, const Headers& headers) {
  return request(http::verb::delete_, target, headers);
}

std::string raw_exchange(const std::string& host, unsigned short port, std::string_view bytes,
                         std::chrono::milliseconds timeout) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(timeout);
  beast::error_code ec;
  stream.async_connect(tcp::endpoint(asio::ip::make_address(host), port),
                       [&ec](beast::error_code e) { ec = e; });
  run_to_completion(io);
  if (ec) throw std::runtime_error("raw_exchange: cannot connect: " + ec.message());
  asio::async_write(stream, asio::buffer(bytes.data(), bytes.size()),
                    [](beast::error_code, std::size_t) {});
  run_to_completion(io);
  // Reads until the server closes the connection or the time is up.
  std::string received;
  std::array<char, 4096> chunk{};
  std::function<void()> read_more = [&] {
    stream.async_read_some(asio::buffer(chunk), [&](beast::error_code e, std::size_t n) {
      received.append(chunk.data(), n);
      if (!e) read_more();
    });
  };
  read_more();
  run_to_completion(io);
  return received;
}

std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::filesystem::path make_temp_dir(std::string_view prefix) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / (std::string(prefix) + "XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed: " + std::string(std::strerror(errno)));
  }
  return pattern;
}

int spawn_process(std::vector<std::string> args, const std::filesystem::path& log) {
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (log_fd < 0 || null_fd < 0) throw std::runtime_error("cannot open " + log.string());

  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed: " + std::string(std::strerror(errno)));
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    ::dup2(null_fd, 0);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    close_inherited_fds();
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test binary
    ::execv(argv[0], argv.data());
    static const char msg[] = "exec failed\n";
    [[maybe_unused]] auto n = ::write(2, msg, sizeof msg - 1);
    ::_exit(127);
  }
  ::close(log_fd);
  ::close(null_fd);
  return pid;
}

unsigned short closed_port() {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const auto port = acceptor.local_endpoint().port();
  acceptor.close();
  return port;
}

// ---------------------------------------------------------------------------------------------
// ServerProcess

namespace {

std::mutex stores_mutex;
std::map<std::filesystem::path, std::string> stores_by_data_dir;  // guarded by stores_mutex

void remember_store(const std::filesystem::path& data_dir, const std::string& url) {
  std::lock_guard lock(stores_mutex);
  stores_by_data_dir[data_dir] = url;
}

}  // namespace

std::string store_of_data_dir(const std::filesystem::path& data_dir) {
  std::lock_guard lock(stores_mutex);
  auto it = stores_by_data_dir.find(data_dir);
  return it == stores_by_data_dir.end() ? std::string() : it->second;
}

ServerProcess::ServerProcess(std::vector<std::string> extra_args)
    : root_(make_temp_dir("tsunagu-it-")), extra_args_(std::move(extra_args)) {
  std::filesystem::create_directories(data_dir());
  // Known before start: a test registers clients on a server's data before starting it.
  if (tsunagu::testing::integration_store_is_postgres()) {
    set_store_url(tsunagu::testing::new_test_database("it"));
  }
}

void ServerProcess::set_store_url(std::string url) {
  store_url_ = std::move(url);
  remember_store(data_dir(), store_url_);
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) kill();
  // TSUNAGU_IT_KEEP=1 keeps the data directories and logs for a post-mortem.
  const char* keep = std::getenv("TSUNAGU_IT_KEEP");
  if (keep == nullptr || std::string_view(keep) != "1") {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
}

void ServerProcess::start(std::chrono::milliseconds timeout) {
  if (pid_ > 0) throw std::runtime_error("ServerProcess::start: already running");
  const auto ready = root_ / "ready";
  const auto log_path = root_ / "server.log";
  std::filesystem::remove(ready);

  std::vector<std::string> args = {tsunagu_binary(), "serve",
                                   "--listen",       "127.0.0.1:" + std::to_string(listen_port_),
                                   "--data-dir",     data_dir().string(),
                                   "--ready-file",   ready.string()};
  // Tests of the NGSI-LD API run without tokens (loopback only); those of oneID ask for them.
  if (!require_tokens_) args.emplace_back("--insecure-no-auth");
  if (!store_url_.empty()) {
    args.emplace_back("--store");
    args.emplace_back(store_url_);
  }
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  {
    std::ofstream log(log_path, std::ios::app);
    log << "---- start #" << ++starts_ << ":";
    for (const auto& arg : args) log << ' ' << arg;
    log << '\n';
  }
  pid_ = spawn_process(std::move(args), log_path);
  wait_ready(timeout);
}

void ServerProcess::wait_ready(std::chrono::milliseconds timeout) {
  const auto ready = root_ / "ready";
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!alive()) {
      throw std::runtime_error("tsunagu exited before it was ready (" + last_exit_ +
                               "); its log:\n" + log_tail());
    }
    const std::string text = read_text_file(ready);
    const auto newline = text.find('\n');
    if (newline != std::string::npos) {
      const std::string line = text.substr(0, newline);
      const auto colon = line.rfind(':');
      if (colon == std::string::npos) {
        throw std::runtime_error("ready file does not hold host:port: '" + line + "'");
      }
      host_ = line.substr(0, colon);
      port_ = static_cast<unsigned short>(std::stoi(line.substr(colon + 1)));
      return;
    }
    std::this_thread::sleep_for(10ms);
  }
  kill();
  throw std::runtime_error("tsunagu did not write its ready file within " +
                           std::to_string(timeout.count()) + " ms; its log:\n" + log_tail());
}

void ServerProcess::record_exit(int wait_status) {
  if (WIFEXITED(wait_status)) {
    last_exit_ = "exit code " + std::to_string(WEXITSTATUS(wait_status));
  } else if (WIFSIGNALED(wait_status)) {
    last_exit_ = "killed by signal " + std::to_string(WTERMSIG(wait_status));
  } else {
    last_exit_ = "wait status " + std::to_string(wait_status);
  }
  pid_ = -1;
}

bool ServerProcess::alive() {
  if (pid_ <= 0) return false;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == 0) return true;
  record_exit(status);
  return false;
}

int ServerProcess::stop(int signal, std::chrono::milliseconds timeout) {
  if (pid_ <= 0) throw std::runtime_error("ServerProcess::stop: not running");
  ::kill(pid_, signal);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    const pid_t pid = pid_;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      record_exit(status);
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      return WIFSIGNALED(status) ? -WTERMSIG(status) : -1000;
    }
    std::this_thread::sleep_for(10ms);
  }
  kill();
  last_exit_ = "did not stop within " + std::to_string(timeout.count()) + " ms; killed";
  return -SIGKILL;
}

void ServerProcess::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  record_exit(status);
}

void ServerProcess::restart() {
  if (alive()) stop();
  start();
}

std::string ServerProcess::log() const {
  return read_text_file(root_ / "server.log");
}

std::string ServerProcess::log_tail(std::size_t max_bytes) const {
  std::string text = log();
  if (text.size() > max_bytes) text = "...\n" + text.substr(text.size() - max_bytes);
  return text;
}

// ---------------------------------------------------------------------------------------------
// ContextServer

ContextServer::ContextServer(unsigned short port, const std::vector<std::string>& receiving)
    : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), port)) {
  port_ = acceptor_.local_endpoint().port();
  for (const auto& path : receiving) serve(path, "", "application/json");
  accept_thread_ = std::thread([this] { accept_loop(); });
}

ContextServer::~ContextServer() {
  stopping_ = true;
  // Wake the blocking accept() with a connection of our own, then unblock every session.
  try {
    asio::io_context io;
    tcp::socket waker(io);
    waker.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
  } catch (const std::exception&) {
  }
  accept_thread_.join();
  std::vector<std::thread> sessions;
  {
    std::lock_guard lock(mutex_);
    for (int fd : open_sockets_) ::shutdown(fd, SHUT_RDWR);
    sessions.swap(session_threads_);
  }
  for (auto& thread : sessions) thread.join();
}

void ContextServer::serve(const std::string& path, std::string body, std::string content_type) {
  std::lock_guard lock(mutex_);
  auto& route = routes_[path];
  route.body = std::move(body);
  route.content_type = std::move(content_type);
  route.status = 200;
}

void ContextServer::fail(const std::string& path, int status) {
  std::lock_guard lock(mutex_);
  routes_[path].status = status;
}

void ContextServer::delay(const std::string& path, std::chrono::milliseconds delay) {
  std::lock_guard lock(mutex_);
  routes_[path].delay = delay;
}

std::string ContextServer::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

int ContextServer::hits(const std::string& path) const {
  std::lock_guard lock(mutex_);
  const auto it = routes_.find(path);
  return it == routes_.end() ? 0 : it->second.hits;
}

void ContextServer::accept_loop() {
  while (!stopping_) {
    beast::error_code ec;
    tcp::socket socket(io_);
    acceptor_.accept(socket, ec);
    if (stopping_) return;
    if (ec) continue;
    std::lock_guard lock(mutex_);
    open_sockets_.push_back(socket.native_handle());
    session_threads_.emplace_back(
        [this, s = std::move(socket)]() mutable { serve_connection(std::move(s)); });
  }
}

ContextServer::Route ContextServer::answer(const std::string& target, Received request) {
  const std::string path = target.substr(0, target.find('?'));
  std::lock_guard lock(mutex_);
  auto [it, inserted] = routes_.try_emplace(path);
  if (inserted) it->second.status = 404;  // a path nobody served
  ++it->second.hits;
  request.status = it->second.status;
  it->second.received.push_back(std::move(request));
  received_.notify_all();
  Route out = it->second;
  out.received.clear();
  return out;
}

std::vector<ContextServer::Received> ContextServer::received(const std::string& path) const {
  std::lock_guard lock(mutex_);
  auto it = routes_.find(path);
  return it == routes_.end() ? std::vector<Received>{} : it->second.received;
}

std::vector<ContextServer::Received> ContextServer::wait_for(const std::string& path,
                                                             std::size_t count,
                                                             std::chrono::milliseconds timeout) {
  return wait_until(
      path, [count](const std::vector<Received>& got) { return got.size() >= count; }, timeout);
}

std::vector<ContextServer::Received> ContextServer::wait_until(
    const std::string& path, const std::function<bool(const std::vector<Received>&)>& done,
    std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  const auto requests = [&]() -> const std::vector<Received>& {
    static const std::vector<Received> kNone;
    const auto it = routes_.find(path);
    return it == routes_.end() ? kNone : it->second.received;
  };
  received_.wait_for(lock, timeout, [&] { return done(requests()); });
  return requests();
}

void ContextServer::serve_connection(tcp::socket socket) {
  const int fd = socket.native_handle();
  beast::flat_buffer buffer;
  while (!stopping_) {
    http::request<http::string_body> req;
    beast::error_code ec;
    http::read(socket, buffer, req, ec);
    if (ec) break;
    Received request{std::string(req.method_string()), req.body(), {}};
    for (const auto& field : req) {
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      request.headers[name] = std::string(field.value());
    }
    const Route route = answer(std::string(req.target()), std::move(request));
    for (auto waited = 0ms; waited < route.delay && !stopping_; waited += 10ms) {
      std::this_thread::sleep_for(10ms);
    }
    http::response<http::string_body> res{static_cast<http::status>(route.status), req.version()};
    res.set(http::field::content_type, route.content_type);
    res.keep_alive(req.keep_alive());
    res.body() = route.status == 200 ? route.body : R"({"error":"simulated failure"})";
    res.prepare_payload();
    http::write(socket, res, ec);
    if (ec || !res.keep_alive()) break;
  }
  std::lock_guard lock(mutex_);
  std::erase(open_sockets_, fd);
  beast::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

// ---------------------------------------------------------------------------------------------
// SilentServer

SilentServer::SilentServer()
    : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
      port_(acceptor_.local_endpoint().port()) {
  accept_next();
  thread_ = std::thread([this] { io_.run(); });
}

SilentServer::~SilentServer() {
  io_.stop();
  thread_.join();
}

void SilentServer::accept_next() {
  acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (ec) return;
    held_.push_back(std::move(socket));
    ++connections_;
    accept_next();
  });
}

}  // namespace tsunagu::it
