// HTTP-level behaviour: health, request ids, content negotiation (ETSI GS CIM 009 v1.8 clause
// 6.3.4: Accept of application/json, application/ld+json, application/geo+json, */* and
// application/*; 406 otherwise; 415 for other request bodies), paths (percent-encoded ids,
// trailing slash on collections), 405 with Allow (RFC 9110), size limits (413, 431), keep-alive,
// and the command line (--version).

#include <cstdio>
#include <regex>

#include "fixture.hpp"

namespace tsunagu::it {
namespace {

class HttpBehaviour : public BrokerTest {};

// The methods listed by an Allow header.
std::set<std::string> allowed(const Response& res) {
  std::set<std::string> methods;
  const std::string allow = res.header("Allow");
  std::size_t start = 0;
  while (start < allow.size()) {
    auto end = allow.find(',', start);
    if (end == std::string::npos) end = allow.size();
    std::string method = allow.substr(start, end - start);
    method.erase(0, method.find_first_not_of(' '));
    method.erase(method.find_last_not_of(' ') + 1);
    if (!method.empty()) methods.insert(method);
    start = end + 1;
  }
  return methods;
}

TEST_F(HttpBehaviour, HealthAnswers200WithStatusOk) {
  const auto res = http().get("/health");
  ASSERT_STATUS(res, 200);
  EXPECT_TRUE(res.header("Content-Type").starts_with("application/json"));
  EXPECT_EQ(res.json().at("status"), "ok");
}

TEST_F(HttpBehaviour, EveryResponseCarriesAGeneratedRequestId) {
  const auto ok = http().get("/health");
  const auto created = create(E(new_id(), R"({"type": "Shelter"})"));
  const auto not_found = http().get(entity_path(new_id()));
  const auto bad = http().post(kEntities, "{");
  std::set<std::string> ids;
  for (const auto* res : {&ok, &created, &not_found, &bad}) {
    const auto id = res->header("X-Request-Id");
    EXPECT_FALSE(id.empty()) << "status " << res->status;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 4U) << "request ids must differ";
}

TEST_F(HttpBehaviour, ClientRequestIdIsEchoed) {
  EXPECT_EQ(http().get("/health", {{"X-Request-Id", "it-7f3a-0001"}}).header("X-Request-Id"),
            "it-7f3a-0001");
  EXPECT_EQ(
      http().get(entity_path(new_id()), {{"X-Request-Id", "it-7f3a-0002"}}).header("X-Request-Id"),
      "it-7f3a-0002");
}

TEST_F(HttpBehaviour, AcceptHeadersMeaningJsonGiveJson) {
  const auto id = new_id();
  ASSERT_STATUS(create(E(id, R"({"type": "Shelter"})")), 201);
  for (const auto* accept : {"", "*/*", "application/*", "application/json",
                             "text/html;q=0.5, application/json", "application/json;q=0.9"}) {
    Headers headers;
    if (*accept != '\0') headers.emplace_back("Accept", accept);
    const auto res = http().get(entity_path(id), headers);
    EXPECT_STATUS(res, 200) << "Accept: " << accept;
    EXPECT_TRUE(res.header("Content-Type").starts_with("application/json"))
        << "Accept: " << accept << " gave " << res.header("Content-Type");
  }
}

TEST_F(HttpBehaviour, AcceptLdJsonGivesLdJson) {
  const auto id = new_id();
  ASSERT_STATUS(create(E(id, R"({"type": "Shelter"})")), 201);
  const auto res = http().get(entity_path(id), {{"Accept", "application/ld+json"}});
  ASSERT_STATUS(res, 200);
  EXPECT_TRUE(res.header("Content-Type").starts_with("application/ld+json"));
}

TEST_F(HttpBehaviour, UnsupportedAcceptIs406) {
  const auto id = new_id();
  ASSERT_STATUS(create(E(id, R"({"type": "Shelter"})")), 201);
  EXPECT_TRUE(IsHttpError(http().get(entity_path(id), {{"Accept", "text/html"}}), 406));
  EXPECT_TRUE(IsHttpError(http().get(entity_path(id), {{"Accept", "application/xml"}}), 406));
  EXPECT_TRUE(IsHttpError(http().get(kEntities + "?type=Shelter", {{"Accept", "text/csv"}}), 406));
}

TEST_F(HttpBehaviour, UnsupportedContentTypeIs415AndWritesNothing) {
  const auto id = new_id();
  const auto body = S(E(id, R"({"type": "Shelter"})"));
  EXPECT_TRUE(IsHttpError(http().post(kEntities, body, {{"Content-Type", "text/plain"}}), 415));
  EXPECT_TRUE(
      IsHttpError(http().post(kEntities, body, {{"Content-Type", "application/xml"}}), 415));
  EXPECT_PROBLEM(http().get(entity_path(id)), 404, "ResourceNotFound");
}

TEST_F(HttpBehaviour, JsonWithCharsetParameterIsAccepted) {
  const auto id = new_id();
  const auto res = http().post(kEntities, S(E(id, R"({"type": "Shelter"})")),
                               {{"Content-Type", "application/json; charset=utf-8"}});
  EXPECT_STATUS(res, 201);
}

TEST_F(HttpBehaviour, TrailingSlashOnTheEntitiesCollection) {
  const auto id = new_id();
  const auto entity = E(id, R"({"type": "Shelter"})");
  ASSERT_STATUS(http().post(kEntities + "/", S(entity)), 201);
  const auto res = http().get(kEntities + "/?id=" + id);
  ASSERT_STATUS(res, 200);
  EXPECT_EQ(res.json(), boost::json::value(boost::json::array{entity}));
}

TEST_F(HttpBehaviour, PercentEncodedIdsWorkLikeRawIds) {
  const auto id = new_id();
  const auto entity = E(id, R"({"type": "Shelter", "name": {"type": "Property", "value": "x"}})");
  ASSERT_STATUS(create(entity), 201);
  const std::string encoded = kEntities + "/" + url_encode(id);
  ASSERT_NE(encoded, entity_path(id));
  auto res = http().get(encoded);
  ASSERT_STATUS(res, 200);
  EXPECT_EQ(res.json(), entity);
  EXPECT_STATUS(http().patch(encoded + "/attrs/name", R"({"value": "y"})"), 204);
  EXPECT_EQ(read(id).at("name"), J(R"({"type": "Property", "value": "y"})"));
  EXPECT_STATUS(http().del(encoded), 204);
  EXPECT_PROBLEM(http().get(entity_path(id)), 404, "ResourceNotFound");
}

TEST_F(HttpBehaviour, EncodedSlashInAnIdStaysInTheId) {
  const auto id = new_id() + "/annex";
  const auto entity = E(id, R"({"type": "Shelter"})");
  ASSERT_STATUS(create(entity), 201);
  const auto res = http().get(kEntities + "/" + url_encode(id));
  ASSERT_STATUS(res, 200);
  EXPECT_EQ(res.json(), entity);
}

TEST_F(HttpBehaviour, WrongMethodIs405WithAllow) {
  auto res = http().del(kEntities);
  EXPECT_TRUE(IsHttpError(res, 405));
  EXPECT_EQ(allowed(res), (std::set<std::string>{"GET", "POST"})) << res.header("Allow");

  const auto id = new_id();
  ASSERT_STATUS(create(E(id, R"({"type": "Shelter"})")), 201);
  res = http().post(entity_path(id), "{}");
  EXPECT_TRUE(IsHttpError(res, 405));
  EXPECT_EQ(allowed(res), (std::set<std::string>{"GET", "PUT", "PATCH", "DELETE"}))
      << res.header("Allow");

  res = http().get(kBatch + "/create");
  EXPECT_TRUE(IsHttpError(res, 405));
  EXPECT_EQ(allowed(res), (std::set<std::string>{"POST"})) << res.header("Allow");
}

TEST_F(HttpBehaviour, UnknownPathIs404) {
  EXPECT_TRUE(IsHttpError(http().get("/ngsi-ld/v1/nothing-here"), 404));
  EXPECT_TRUE(IsHttpError(http().get("/not-ngsi-ld"), 404));
}

TEST_F(HttpBehaviour, BodyOverTheDefaultLimitIs413) {
  // The default --max-body-bytes is 1 MiB.
  const auto id = new_id();
  auto entity = E(id, R"({"type": "Shelter"})");
  entity.as_object()["blob"] =
      boost::json::object{{"type", "Property"}, {"value", std::string(1024 * 1024 + 10, 'x')}};
  EXPECT_TRUE(IsHttpError(create(entity), 413));
  http().close();
  EXPECT_PROBLEM(http().get(entity_path(id)), 404, "ResourceNotFound");
}

TEST_F(HttpBehaviour, HugeHeaderIs431) {
  // 32 KiB: over any sensible header limit, and under Beast's own 64 KiB cap on one field value,
  // which the client side would otherwise hit first.
  const auto res = http().get("/health", {{"X-Padding", std::string(32 * 1024, 'h')}});
  EXPECT_TRUE(IsHttpError(res, 431));
  http().close();
  EXPECT_STATUS(http().get("/health"), 200);
}

TEST_F(HttpBehaviour, ConnectionIsKeptAlive) {
  for (int i = 0; i < 20; ++i) ASSERT_STATUS(http().get("/health"), 200);
  EXPECT_EQ(http().connections_opened(), 1);
}

TEST_F(HttpBehaviour, ConnectionIsKeptAliveAfterErrorAnswers) {
  const auto id = new_id();
  ASSERT_STATUS(create(E(id, R"({"type": "Shelter"})")), 201);
  EXPECT_PROBLEM(http().get(entity_path(new_id())), 404, "ResourceNotFound");
  EXPECT_PROBLEM(http().post(kEntities, "{oops"), 400, "InvalidRequest");
  EXPECT_PROBLEM(create(E(id, R"({"type": "Shelter"})")), 409, "AlreadyExists");
  EXPECT_STATUS(http().get(entity_path(id)), 200);
  EXPECT_EQ(http().connections_opened(), 1);
}

TEST_F(HttpBehaviour, ConnectionCloseIsHonoured) {
  const auto started = std::chrono::steady_clock::now();
  const auto reply =
      raw_exchange(server().host(), server().port(),
                   "GET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", 5000ms);
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 200")) << reply;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s) << "the server kept the connection";
}

TEST_F(HttpBehaviour, PipelinedRequestsAreAnsweredInOrder) {
  const auto reply = raw_exchange(server().host(), server().port(),
                                  "GET /health HTTP/1.1\r\nHost: t\r\n\r\n"
                                  "GET /ngsi-ld/v1/entities/urn:ngsi-ld:X:none HTTP/1.1\r\n"
                                  "Host: t\r\nConnection: close\r\n\r\n",
                                  5000ms);
  const auto first = reply.find("HTTP/1.1 200");
  const auto second = reply.find("HTTP/1.1 404");
  EXPECT_NE(first, std::string::npos) << reply;
  EXPECT_NE(second, std::string::npos) << reply;
  EXPECT_LT(first, second) << reply;
}

TEST_F(HttpBehaviour, ConcurrentClientsAreAllServed) {
  constexpr int kThreads = 6;
  constexpr int kRequests = 15;
  std::atomic<int> ok{0};
  const std::string prefix = new_id() + "-";
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto client = server().client();
      for (int i = 0; i < kRequests; ++i) {
        try {
          const auto id = prefix + std::to_string(t) + "-" + std::to_string(i);
          if (client.post(kEntities, S(E(id, R"({"type": "Shelter"})"))).status == 201 &&
              client.get(entity_path(id)).status == 200) {
            ++ok;
          }
        } catch (const std::exception&) {
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), kThreads * kRequests);
}

TEST_F(HttpBehaviour, ChunkedRequestBodyIsRead) {
  const auto id = new_id();
  const std::string body = S(E(id, R"({"type": "Shelter"})"));
  const std::string half = body.substr(0, body.size() / 2);
  const std::string rest = body.substr(body.size() / 2);
  auto hex = [](std::size_t n) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%zx", n);
    return std::string(buffer);
  };
  const std::string request =
      "POST /ngsi-ld/v1/entities HTTP/1.1\r\nHost: t\r\n"
      "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
      "Connection: close\r\n\r\n" +
      hex(half.size()) + "\r\n" + half + "\r\n" + hex(rest.size()) + "\r\n" + rest +
      "\r\n0\r\n\r\n";
  const auto reply = raw_exchange(server().host(), server().port(), request, 5000ms);
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 201")) << reply;
  EXPECT_STATUS(http().get(entity_path(id)), 200);
}

TEST_F(HttpBehaviour, MediaTypesAreCaseInsensitive) {
  const auto id = new_id();
  EXPECT_STATUS(http().post(kEntities, S(E(id, R"({"type": "Shelter"})")),
                            {{"Content-Type", "Application/JSON"}}),
                201);
  const auto res = http().get(entity_path(id), {{"Accept", "APPLICATION/LD+JSON"}});
  EXPECT_STATUS(res, 200);
  EXPECT_TRUE(res.header("Content-Type").starts_with("application/ld+json"));
}

TEST_F(HttpBehaviour, HeadIsAnsweredLikeGetWithoutBody) {
  // RFC 9110 9.3.2: HEAD is answered like GET, without content. Beast's parser needs to be told
  // that no body follows, so the exchange is checked on a raw connection.
  const auto reply =
      raw_exchange(server().host(), server().port(),
                   "HEAD /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", 5000ms);
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 200")) << reply;
  EXPECT_TRUE(reply.ends_with("\r\n\r\n")) << "a HEAD answer has no body: " << reply;
}

TEST(HttpLimits, MaxBodyBytesFlagSetsTheLimit) {
  ServerProcess server({"--max-body-bytes", "2000"});
  ASSERT_NO_THROW(server.start());
  auto http = server.client();
  auto small = E("urn:ngsi-ld:Shelter:small", R"({"type": "Shelter"})");
  small.as_object()["note"] =
      boost::json::object{{"type", "Property"}, {"value", std::string(1500, 's')}};
  auto large = E("urn:ngsi-ld:Shelter:large", R"({"type": "Shelter"})");
  large.as_object()["note"] =
      boost::json::object{{"type", "Property"}, {"value", std::string(2500, 'l')}};
  EXPECT_STATUS(http.post(kEntities, S(small)), 201);
  EXPECT_TRUE(IsHttpError(http.post(kEntities, S(large)), 413));
  http.close();
  EXPECT_PROBLEM(http.get(entity_path("urn:ngsi-ld:Shelter:large")), 404, "ResourceNotFound");
  http.close();
  EXPECT_EQ(server.stop(), 0) << server.log_tail();
}

TEST(CommandLine, VersionPrintsNameAndVersion) {
  const std::string command = "'" + tsunagu_binary() + "' --version 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  const int status = ::pclose(pipe);
  EXPECT_EQ(status, 0) << output;
  EXPECT_TRUE(std::regex_match(output, std::regex("tsunagu [0-9]+\\.[0-9]+\\.[0-9]+\n")))
      << "'" << output << "'";
}

}  // namespace
}  // namespace tsunagu::it
