#include "notify_test_support.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cctype>
#include <fstream>
#include <memory>
#include <random>
#include <stdexcept>

namespace tsunagu::notify::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
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

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_ctrl(bio, BIO_CTRL_INFO, 0, static_cast<void*>(&data));
  return std::string(data, static_cast<std::size_t>(size));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Certificates, directories, ports

TlsIdentity make_self_signed_identity() {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), &EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), &X509_free);
  if (!key || !cert) throw std::runtime_error("cannot create a key or a certificate");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()),
                   static_cast<long>(std::random_device{}() & 0x7fffffff));
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "IP:127.0.0.1");
  if (san == nullptr) throw std::runtime_error("cannot make the subjectAltName extension");
  X509_add_ext(cert.get(), san, -1);
  X509_EXTENSION_free(san);
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    throw std::runtime_error("cannot sign the certificate");
  }
  std::unique_ptr<BIO, decltype(&BIO_free)> cert_bio(BIO_new(BIO_s_mem()), &BIO_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> key_bio(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_X509(cert_bio.get(), cert.get());
  PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  return {bio_text(cert_bio.get()), bio_text(key_bio.get())};
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "tsunagu-notify-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::filesystem::path TempDir::write(const std::string& name, const std::string& content) const {
  const auto file = path_ / name;
  std::ofstream out(file, std::ios::binary);
  out << content;
  return file;
}

unsigned short closed_port() {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const auto port = acceptor.local_endpoint().port();
  acceptor.close();
  return port;
}

bool wait_until(const std::function<bool()>& predicate, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!predicate()) {
    if (std::chrono::steady_clock::now() >= deadline) return predicate();
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// ReceivedRequest

std::vector<std::string> ReceivedRequest::values(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) out.push_back(value);
  }
  return out;
}

std::string ReceivedRequest::header(std::string_view name) const {
  auto all = values(name);
  return all.empty() ? std::string() : all.front();
}

// ---------------------------------------------------------------------------------------------
// Receiver

Receiver::Receiver(std::optional<TlsIdentity> tls)
    : tls_(std::move(tls)), acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
  port_ = acceptor_.local_endpoint().port();
  accept_thread_ = std::thread([this] { accept_loop(); });
}

Receiver::~Receiver() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  try {  // wake the blocking accept() with a connection of our own
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

std::string Receiver::url(std::string_view path) const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) +
         std::string(path);
}

void Receiver::set_default(Action action) {
  std::lock_guard lock(mutex_);
  default_action_ = action;
}

void Receiver::queue(Action action, int times) {
  std::lock_guard lock(mutex_);
  for (int i = 0; i < times; ++i) actions_.push_back(action);
}

void Receiver::close_after_answer(bool close) {
  std::lock_guard lock(mutex_);
  close_after_answer_ = close;
}

std::vector<ReceivedRequest> Receiver::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::size_t Receiver::request_count() const {
  std::lock_guard lock(mutex_);
  return requests_.size();
}

int Receiver::connections() const {
  std::lock_guard lock(mutex_);
  return connections_;
}

bool Receiver::wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
}

void Receiver::accept_loop() {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket(io_);
    acceptor_.accept(socket, ec);
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    if (ec) continue;
    const int connection = ++connections_;
    open_sockets_.push_back(socket.native_handle());
    session_threads_.emplace_back(
        [this, s = std::move(socket), connection]() mutable { serve(std::move(s), connection); });
  }
}

void Receiver::serve(tcp::socket socket, int connection) {
  const int fd = socket.native_handle();
  if (tls_) {
    asio::ssl::context context(asio::ssl::context::tls_server);
    context.use_certificate_chain(asio::buffer(tls_->certificate_pem));
    context.use_private_key(asio::buffer(tls_->private_key_pem), asio::ssl::context::pem);
    asio::ssl::stream<tcp::socket> stream(std::move(socket), context);
    boost::system::error_code ec;
    stream.handshake(asio::ssl::stream_base::server, ec);
    if (!ec) exchange_loop(stream, connection);
    std::lock_guard lock(mutex_);
    std::erase(open_sockets_, fd);
    stream.next_layer().close(ec);
    return;
  }
  exchange_loop(socket, connection);
  std::lock_guard lock(mutex_);
  std::erase(open_sockets_, fd);
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

template <typename Stream>
void Receiver::exchange_loop(Stream& stream, int connection) {
  beast::flat_buffer buffer;
  for (;;) {
    bhttp::request<bhttp::string_body> req;
    boost::system::error_code ec;
    bhttp::read(stream, buffer, req, ec);
    if (ec) return;
    ReceivedRequest record;
    record.method = std::string(req.method_string());
    record.target = std::string(req.target());
    for (const auto& field : req) {
      record.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    record.body = req.body();
    record.connection = connection;
    Action action;
    bool close_after = false;
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(std::move(record));
      action = actions_.empty() ? default_action_ : actions_.front();
      if (!actions_.empty()) actions_.pop_front();
      close_after = close_after_answer_;
    }
    changed_.notify_all();
    if (action.kind == Action::Kind::Close) return;
    if (action.kind == Action::Kind::Hang) {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return stopping_; });
      return;
    }
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(action.status), 11};
    res.set(bhttp::field::content_type, "text/plain");
    res.keep_alive(true);
    res.body() = "status " + std::to_string(action.status);
    res.prepare_payload();
    bhttp::write(stream, res, ec);
    if (ec || close_after || !req.keep_alive()) return;
  }
}

// ---------------------------------------------------------------------------------------------
// Results

// Notifies under the lock: a waiter that sees the result may destroy this object at once.
void Results::add(const DeliveryResult& result) {
  std::lock_guard lock(mutex_);
  results_.push_back(result);
  changed_.notify_all();
}

std::function<void(const DeliveryResult&)> Results::callback() {
  return [this](const DeliveryResult& result) { add(result); };
}

std::vector<DeliveryResult> Results::all() const {
  std::lock_guard lock(mutex_);
  return results_;
}

std::size_t Results::size() const {
  std::lock_guard lock(mutex_);
  return results_.size();
}

bool Results::wait_for(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return results_.size() >= n; });
}

}  // namespace tsunagu::notify::testing
