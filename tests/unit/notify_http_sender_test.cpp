// HttpSender against a real loopback receiver: the request on the wire, keep-alive reuse, the
// classification of failures, timeouts, and certificate checks of https.

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "notify/http_sender.hpp"
#include "notify_test_support.hpp"

namespace tsunagu::notify {
namespace {

using namespace std::chrono_literals;
using testing::Action;
using testing::Receiver;
using testing::Results;
using Outcome = DeliveryResult::Outcome;

std::unique_ptr<HttpSender> make_sender(HttpSenderOptions options = {}) {
  auto sender = HttpSender::create(std::move(options));
  if (!sender) throw std::runtime_error(sender.error().message);
  return std::move(*sender);
}

Notification notification_to(const std::string& endpoint, std::string body = R"({"n":1})") {
  Notification n;
  n.endpoint = endpoint;
  n.content_type = "application/json";
  n.body = std::move(body);
  return n;
}

// Sends one notification and waits for its result.
DeliveryResult deliver(HttpSender& sender, const Notification& n) {
  Results results;
  sender.send(n, [&](DeliveryResult r) { results.add(r); });
  if (!results.wait_for(1, 20s)) throw std::runtime_error("no result");
  return results.all().front();
}

TEST(HttpSender, PostsBodyAndHeadersAsGiven) {
  Receiver receiver;
  auto sender = make_sender();
  Notification n = notification_to(receiver.url("/notify/here?sub=1"),
                                   R"({"id":"urn:ngsi-ld:Notification:1","data":[]})");
  n.content_type = "application/ld+json";
  n.headers = {
      {"Link", "<https://example.org/ctx.jsonld>; rel=\"http://www.w3.org/ns/json-ld#context\""},
      {"NGSILD-Tenant", "osaka"},
      {"X-Auth-Token", "secret"},
      {"X-Auth-Token", "second"}};
  auto result = deliver(*sender, n);
  ASSERT_TRUE(result.ok()) << result.error;
  ASSERT_EQ(receiver.request_count(), 1u);
  const auto req = receiver.requests().front();
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/notify/here?sub=1");
  EXPECT_EQ(req.body, R"({"id":"urn:ngsi-ld:Notification:1","data":[]})");
  EXPECT_EQ(req.header("Host"), "127.0.0.1:" + std::to_string(receiver.port()));
  EXPECT_EQ(req.values("Content-Type"), std::vector<std::string>{"application/ld+json"});
  EXPECT_EQ(req.header("Content-Length"), std::to_string(req.body.size()));
  EXPECT_EQ(req.header("Link"),
            "<https://example.org/ctx.jsonld>; rel=\"http://www.w3.org/ns/json-ld#context\"");
  EXPECT_EQ(req.header("NGSILD-Tenant"), "osaka");
  EXPECT_EQ(req.values("X-Auth-Token"), (std::vector<std::string>{"secret", "second"}));
  EXPECT_EQ(req.header("User-Agent"), "tsunagu/" TSUNAGU_VERSION);
  EXPECT_TRUE(req.values("Transfer-Encoding").empty());
}

TEST(HttpSender, HeadersCannotChangeTheFraming) {
  Receiver receiver;
  auto sender = make_sender();
  Notification n = notification_to(receiver.url("/n"), "{}");
  n.headers = {{"Content-Length", "999"},         {"Content-Type", "text/html"},
               {"Transfer-Encoding", "chunked"},  {"Host", "elsewhere.example.org"},
               {"X-Split", "a\r\nX-Injected: 1"}, {"Bad Name", "x"}};
  ASSERT_TRUE(deliver(*sender, n).ok());
  const auto req = receiver.requests().front();
  EXPECT_EQ(req.body, "{}");
  EXPECT_EQ(req.values("Content-Length"), std::vector<std::string>{"2"});
  EXPECT_EQ(req.values("Content-Type"), std::vector<std::string>{"application/json"});
  EXPECT_EQ(req.header("Host"), "127.0.0.1:" + std::to_string(receiver.port()));
  EXPECT_TRUE(req.values("Transfer-Encoding").empty());
  EXPECT_TRUE(req.values("X-Injected").empty());
  EXPECT_EQ(req.header("X-Split"), "a  X-Injected: 1");
}

TEST(HttpSender, ReusesOneKeptAliveConnection) {
  Receiver receiver;
  auto sender = make_sender();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(deliver(*sender, notification_to(receiver.url("/n"))).ok());
  }
  EXPECT_EQ(receiver.request_count(), 5u);
  EXPECT_EQ(receiver.connections(), 1);
  EXPECT_EQ(sender->connections_opened(), 1u);
}

TEST(HttpSender, SendsAgainOnAFreshConnectionWhenThePooledOneWasClosed) {
  Receiver receiver;
  receiver.close_after_answer(true);
  auto sender = make_sender();
  for (int i = 0; i < 3; ++i) {
    auto result = deliver(*sender, notification_to(receiver.url("/n")));
    ASSERT_TRUE(result.ok()) << result.error;
  }
  EXPECT_EQ(receiver.request_count(), 3u);  // each notification arrived once
  EXPECT_EQ(receiver.connections(), 3);
}

TEST(HttpSender, IdleConnectionsAreClosedAfterTheIdleTimeout) {
  Receiver receiver;
  HttpSenderOptions options;
  options.idle_timeout = 50ms;
  auto sender = make_sender(options);
  ASSERT_TRUE(deliver(*sender, notification_to(receiver.url("/n"))).ok());
  std::this_thread::sleep_for(150ms);
  ASSERT_TRUE(deliver(*sender, notification_to(receiver.url("/n"))).ok());
  EXPECT_EQ(sender->connections_opened(), 2u);
}

TEST(HttpSender, StatusDecidesTheOutcome) {
  Receiver receiver;
  receiver.queue(Action::respond(503));
  receiver.queue(Action::respond(404));
  receiver.queue(Action::respond(429));
  receiver.queue(Action::respond(201));
  auto sender = make_sender();
  const auto url = receiver.url("/n");
  auto r1 = deliver(*sender, notification_to(url));
  EXPECT_EQ(r1.outcome, Outcome::TransientFailure);
  EXPECT_EQ(r1.error,
            "HTTP 503 Service Unavailable from 127.0.0.1:" + std::to_string(receiver.port()));
  EXPECT_EQ(deliver(*sender, notification_to(url)).outcome, Outcome::PermanentFailure);
  EXPECT_EQ(deliver(*sender, notification_to(url)).outcome, Outcome::TransientFailure);
  EXPECT_TRUE(deliver(*sender, notification_to(url)).ok());
  EXPECT_EQ(receiver.connections(), 1);  // error answers keep the connection
}

TEST(HttpSender, ClosedPortIsTransient) {
  auto sender = make_sender();
  auto result =
      deliver(*sender,
              notification_to("http://127.0.0.1:" + std::to_string(testing::closed_port()) + "/n"));
  EXPECT_EQ(result.outcome, Outcome::TransientFailure);
  EXPECT_NE(result.error.find("cannot connect to"), std::string::npos) << result.error;
}

TEST(HttpSender, ConnectionClosedWithoutAnswerIsTransient) {
  Receiver receiver;
  receiver.set_default(Action::close());
  auto sender = make_sender();
  auto result = deliver(*sender, notification_to(receiver.url("/n")));
  EXPECT_EQ(result.outcome, Outcome::TransientFailure);
  EXPECT_NE(result.error.find("no response from"), std::string::npos) << result.error;
}

TEST(HttpSender, HangingReceiverTimesOut) {
  Receiver receiver;
  receiver.set_default(Action::hang());
  HttpSenderOptions options;
  options.timeout = 200ms;
  auto sender = make_sender(options);
  auto result = deliver(*sender, notification_to(receiver.url("/n")));
  EXPECT_EQ(result.outcome, Outcome::TransientFailure);
  EXPECT_NE(result.error.find("timed out after 200 ms"), std::string::npos) << result.error;
}

TEST(HttpSender, InvalidEndpointIsPermanentAtOnce) {
  auto sender = make_sender();
  std::optional<DeliveryResult> result;
  sender->send(notification_to("http://"), [&](DeliveryResult r) { result = r; });
  ASSERT_TRUE(result);  // reported inside send()
  EXPECT_EQ(result->outcome, Outcome::PermanentFailure);
  EXPECT_TRUE(sender->accepts("https"));
  EXPECT_FALSE(sender->accepts("mqtt"));
}

TEST(HttpSender, StopReturnsWithAHangingReceiverAndDropsTheCompletion) {
  Receiver receiver;
  receiver.set_default(Action::hang());
  auto sender = make_sender();
  Results results;
  sender->send(notification_to(receiver.url("/n")), [&](DeliveryResult r) { results.add(r); });
  ASSERT_TRUE(receiver.wait_for_requests(1));
  sender->stop();
  sender->send(notification_to(receiver.url("/n")), [&](DeliveryResult r) { results.add(r); });
  EXPECT_EQ(results.size(), 0u);
}

// https: the system trust store does not know a self-signed certificate, so verification fails
// unless it is given as a trust anchor or verification is off.
class HttpSenderTls : public ::testing::Test {
 protected:
  testing::TlsIdentity identity = testing::make_self_signed_identity();
  Receiver receiver{identity};
  testing::TempDir dir;
};

TEST_F(HttpSenderTls, VerifiesCertificatesByDefault) {
  auto sender = make_sender();
  auto result = deliver(*sender, notification_to(receiver.url("/n")));
  EXPECT_EQ(result.outcome, Outcome::TransientFailure);
  EXPECT_NE(result.error.find("certificate verify failed"), std::string::npos) << result.error;
  EXPECT_EQ(receiver.request_count(), 0u);
}

TEST_F(HttpSenderTls, AcceptsACertificateOfAGivenTrustAnchor) {
  HttpSenderOptions options;
  options.tls.ca_file = dir.write("ca.pem", identity.certificate_pem).string();
  auto sender = make_sender(options);
  for (int i = 0; i < 2; ++i) {
    auto result = deliver(*sender, notification_to(receiver.url("/n")));
    ASSERT_TRUE(result.ok()) << result.error;
  }
  EXPECT_EQ(receiver.request_count(), 2u);
  EXPECT_EQ(receiver.connections(), 1);
}

TEST_F(HttpSenderTls, HostNameMustMatch) {
  HttpSenderOptions options;
  options.tls.ca_file = dir.write("ca.pem", identity.certificate_pem).string();
  auto sender = make_sender(options);
  // "localhost" resolves to the receiver but is not the name in its certificate.
  auto result = deliver(
      *sender, notification_to("https://localhost:" + std::to_string(receiver.port()) + "/n"));
  EXPECT_EQ(result.outcome, Outcome::TransientFailure) << result.error;
}

TEST_F(HttpSenderTls, VerificationCanBeTurnedOffForTests) {
  HttpSenderOptions options;
  options.tls.verify_peer = false;
  auto sender = make_sender(options);
  auto result = deliver(*sender, notification_to(receiver.url("/n")));
  ASSERT_TRUE(result.ok()) << result.error;
}

TEST(HttpSender, UnreadableTrustAnchorsAreAnError) {
  HttpSenderOptions options;
  options.tls.ca_file = "/nonexistent/ca.pem";
  auto sender = HttpSender::create(options);
  ASSERT_FALSE(sender);
  EXPECT_EQ(sender.error().kind, ErrorKind::InvalidRequest);
}

}  // namespace
}  // namespace tsunagu::notify
