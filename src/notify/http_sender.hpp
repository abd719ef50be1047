#pragma once
// Delivers notifications by HTTP(S) POST (Boost.Beast). Every attempt is asynchronous on the
// sender's own I/O thread and bounded by one deadline that covers name resolution, connect, TLS
// handshake, writing the request and reading the response. Connections are kept alive and reused:
// a small pool of idle connections per scheme, host and port, closed after an idle timeout. HTTPS
// verifies the certificate chain against the system trust store and the host name, with SNI.
//
// The request: POST to the endpoint's path and query, Content-Type from the notification, then the
// notification's headers (receiverInfo, Link, NGSILD-Tenant) in their order, User-Agent tsunagu.
// Headers that frame the message (Host, Content-Length, Transfer-Encoding, Connection, ...) or the
// Content-Type itself cannot be set through the notification's headers. Any 2xx answer is a
// delivery; other statuses are classified by http_delivery_result().

#include <chrono>
#include <cstddef>
#include <memory>
#include <string_view>

#include "model/error.hpp"
#include "notify/sender.hpp"

namespace tsunagu::notify {

struct HttpSenderOptions {
  std::chrono::milliseconds timeout{5000};        // one attempt, from resolution to the response
  std::chrono::milliseconds idle_timeout{30000};  // an idle kept-alive connection is closed after
  std::size_t max_idle_per_host = 4;              // idle connections kept per scheme, host, port
  std::size_t max_response_bytes = 64 * 1024;     // a longer answer is read no further (not kept)
  TlsOptions tls;
};

class HttpSender final : public Sender {
 public:
  // Fails (InvalidRequest) when tls.ca_file cannot be loaded.
  static Result<std::unique_ptr<HttpSender>> create(HttpSenderOptions options = {});
  ~HttpSender() override;

  HttpSender(const HttpSender&) = delete;
  HttpSender& operator=(const HttpSender&) = delete;

  bool accepts(std::string_view scheme) const override;
  void send(const Notification& notification, Completion done) override;
  void stop() override;

  // Connections opened so far (tests of keep-alive reuse).
  std::size_t connections_opened() const;

  struct Impl;

 private:
  explicit HttpSender(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The result of an HTTP answer with this status from `peer` (host:port, for the message):
// 2xx delivered; 408, 425, 429 and 5xx transient; everything else permanent.
DeliveryResult http_delivery_result(unsigned status, std::string_view peer);

}  // namespace tsunagu::notify
