#include "app/context_loader.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "http/fetch.hpp"
#include "jsonld/resolver.hpp"

namespace tsunagu::app {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

constexpr const char* kContextBody = R"({"@context": {"speed": "http://ex.org/speed"}})";

// A loopback HTTP/1.1 server on 127.0.0.1 and a free port, run by one background thread, with
// fixed routes for the cases the loader must handle.
class TestServer {
 public:
  TestServer() : acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    accept();
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~TestServer() {
    ioc_.stop();
    thread_.join();
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + path;
  }
  int hits(const std::string& path) {
    std::lock_guard lock(mutex_);
    return hits_[path];
  }

 private:
  using Response = bhttp::response<bhttp::string_body>;

  class Session : public std::enable_shared_from_this<Session> {
   public:
    Session(tcp::socket socket, TestServer& server)
        : socket_(std::move(socket)), timer_(socket_.get_executor()), server_(server) {}

    void start() {
      bhttp::async_read(socket_, buffer_, request_,
                        [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                          if (!ec) self->route();
                        });
    }

   private:
    void route() {
      std::string target(request_.target());
      server_.count(target);
      if (target == "/slow") {
        timer_.expires_after(2s);
        timer_.async_wait([self = shared_from_this()](boost::system::error_code) {
          self->respond(bhttp::status::ok, "application/ld+json", kContextBody);
        });
        return;
      }
      if (target == "/ctx.jsonld")
        return respond(bhttp::status::ok, "application/ld+json", kContextBody);
      if (target == "/not-json") return respond(bhttp::status::ok, "text/html", "<html>hi</html>");
      if (target == "/no-context")
        return respond(bhttp::status::ok, "application/json", R"({"a":1})");
      if (target == "/big")
        return respond(bhttp::status::ok, "application/json", std::string(5000, ' '));
      if (target == "/redirect") return redirect("/ctx.jsonld");
      if (target == "/relative-redirect") return redirect("ctx.jsonld");
      if (target == "/redirect-loop") return redirect("/redirect-loop");
      respond(bhttp::status::not_found, "text/plain", "not found");
    }

    void redirect(const std::string& location) {
      response_.set(bhttp::field::location, location);
      respond(bhttp::status::found, "text/plain", "");
    }

    void respond(bhttp::status status, const std::string& content_type, std::string body) {
      response_.result(status);
      response_.version(11);
      response_.set(bhttp::field::content_type, content_type);
      response_.body() = std::move(body);
      response_.prepare_payload();
      bhttp::async_write(socket_, response_,
                         [self = shared_from_this()](boost::system::error_code, std::size_t) {
                           boost::system::error_code ignored;
                           self->socket_.shutdown(tcp::socket::shutdown_both, ignored);
                         });
    }

    tcp::socket socket_;
    asio::steady_timer timer_;
    TestServer& server_;
    boost::beast::flat_buffer buffer_;
    bhttp::request<bhttp::string_body> request_;
    Response response_;
  };

  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec) return;
      std::make_shared<Session>(std::move(socket), *this)->start();
      accept();
    });
  }

  void count(const std::string& path) {
    std::lock_guard lock(mutex_);
    ++hits_[path];
  }

  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::mutex mutex_;
  std::map<std::string, int> hits_;
};

class ContextLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() / ("tsunagu-context-loader-" + std::to_string(::getpid()) +
                                        "-" + std::to_string(counter++));
    fs::create_directories(dir_ / "models" / "sub");
    fs::create_directories(dir_ / "other");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

  ContextLoader loader(bool allow_remote = true) {
    ContextLoaderOptions options;
    options.allow_remote = allow_remote;
    options.fetch.timeout = 300ms;
    options.fetch.max_body_bytes = 1000;
    options.local_files = files_;
    return ContextLoader(options);
  }

  std::string error_of(std::string_view url, bool allow_remote = true) {
    auto result = loader(allow_remote).load(url);
    EXPECT_FALSE(result);
    if (result) return "no error";
    EXPECT_EQ(result.error().kind, ErrorKind::LdContextNotAvailable);
    return result.error().message;
  }

  static std::string speed_of(const Result<boost::json::value>& doc) {
    if (!doc) return "error: " + doc.error().message;
    return boost::json::serialize(doc->at("@context").at("speed"));
  }

  TestServer server_;
  fs::path dir_;
  std::map<std::string, fs::path> files_;
};

// ---- remote documents ----

TEST_F(ContextLoaderTest, FetchesAndParsesAContext) {
  auto doc = loader().load(server_.url("/ctx.jsonld"));
  EXPECT_EQ(speed_of(doc), "\"http://ex.org/speed\"");
  EXPECT_EQ(server_.hits("/ctx.jsonld"), 1);
}

TEST_F(ContextLoaderTest, HttpErrorStatus) {
  EXPECT_EQ(error_of(server_.url("/missing")),
            "@context " + server_.url("/missing") + " is not available: HTTP status 404");
}

TEST_F(ContextLoaderTest, SlowServerTimesOut) {
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(error_of(server_.url("/slow")),
            "@context " + server_.url("/slow") + " is not available: timed out after 300 ms");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1500ms);
}

TEST_F(ContextLoaderTest, BodyThatIsNotJson) {
  boost::system::error_code ec;
  boost::json::parse("<html>hi</html>", ec);
  EXPECT_EQ(error_of(server_.url("/not-json")),
            "@context " + server_.url("/not-json") +
                " is not available: the document is not JSON (" + ec.message() + ")");
}

TEST_F(ContextLoaderTest, JsonWithoutContextMember) {
  EXPECT_EQ(error_of(server_.url("/no-context")),
            "@context " + server_.url("/no-context") +
                " is not available: the document has no @context member");
}

TEST_F(ContextLoaderTest, BodyLargerThanTheLimit) {
  EXPECT_EQ(error_of(server_.url("/big")),
            "@context " + server_.url("/big") +
                " is not available: the response body exceeds 1000 bytes");
}

TEST_F(ContextLoaderTest, FollowsRedirects) {
  EXPECT_EQ(speed_of(loader().load(server_.url("/redirect"))), "\"http://ex.org/speed\"");
  EXPECT_EQ(speed_of(loader().load(server_.url("/relative-redirect"))), "\"http://ex.org/speed\"");
  EXPECT_EQ(server_.hits("/ctx.jsonld"), 2);
}

TEST_F(ContextLoaderTest, StopsAfterThreeRedirects) {
  EXPECT_EQ(
      error_of(server_.url("/redirect-loop")),
      "@context " + server_.url("/redirect-loop") + " is not available: more than 3 redirects");
  EXPECT_EQ(server_.hits("/redirect-loop"), 4);
}

TEST_F(ContextLoaderTest, RemoteLoadingCanBeDisabled) {
  EXPECT_EQ(error_of(server_.url("/ctx.jsonld"), false),
            "@context " + server_.url("/ctx.jsonld") +
                " is not available: remote @context loading is disabled and no local file is "
                "mapped");
  EXPECT_EQ(server_.hits("/ctx.jsonld"), 0);
}

TEST_F(ContextLoaderTest, ConnectionRefused) {
  std::string url;
  {
    asio::io_context ioc;
    tcp::acceptor closed(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    url = "http://127.0.0.1:" + std::to_string(closed.local_endpoint().port()) + "/ctx.jsonld";
  }
  auto host = url.substr(7, url.find('/', 7) - 7);
  EXPECT_EQ(error_of(url), "@context " + url + " is not available: cannot connect to " + host +
                               ": Connection refused");
}

TEST_F(ContextLoaderTest, UnsupportedScheme) {
  EXPECT_EQ(error_of("urn:example:ctx"),
            "@context urn:example:ctx is not available: 'urn:example:ctx' is not an http(s) URL");
}

// ---- local files ----

TEST_F(ContextLoaderTest, ExactUrlMapsToAFile) {
  write(dir_ / "pinned.jsonld", R"({"@context": {"speed": "http://pinned.org/speed"}})");
  files_["https://example.org/ctx.jsonld"] = dir_ / "pinned.jsonld";
  EXPECT_EQ(speed_of(loader(false).load("https://example.org/ctx.jsonld")),
            "\"http://pinned.org/speed\"");
}

TEST_F(ContextLoaderTest, PrefixMapsToADirectoryAndTheLongestPrefixWins) {
  write(dir_ / "models" / "sub" / "a.jsonld", R"({"@context": {"speed": "http://models/a"}})");
  write(dir_ / "other" / "b.jsonld", R"({"@context": {"speed": "http://other/b"}})");
  files_["https://example.org/"] = dir_ / "other";
  files_["https://example.org/models/"] = dir_ / "models";
  EXPECT_EQ(speed_of(loader(false).load("https://example.org/models/sub/a.jsonld")),
            "\"http://models/a\"");
  EXPECT_EQ(speed_of(loader(false).load("https://example.org/models/sub/a.jsonld?v=2")),
            "\"http://models/a\"");
  EXPECT_EQ(speed_of(loader(false).load("https://example.org/b.jsonld")), "\"http://other/b\"");
}

TEST_F(ContextLoaderTest, PrefixMappingCannotEscapeItsDirectory) {
  write(dir_ / "secret.jsonld", R"({"@context": {}})");
  files_["https://example.org/models/"] = dir_ / "models";
  EXPECT_EQ(error_of("https://example.org/models/../secret.jsonld", false),
            "@context https://example.org/models/../secret.jsonld is not available: the URL does "
            "not name a file below its mapped directory");
}

TEST_F(ContextLoaderTest, MissingOrBrokenLocalFile) {
  files_["https://example.org/gone.jsonld"] = dir_ / "gone.jsonld";
  EXPECT_EQ(error_of("https://example.org/gone.jsonld", false),
            "@context https://example.org/gone.jsonld is not available: its mapped local file "
            "cannot be read (No such file or directory)");
  write(dir_ / "broken.jsonld", "{\"@context\": ");
  files_["https://example.org/broken.jsonld"] = dir_ / "broken.jsonld";
  boost::system::error_code ec;
  boost::json::parse("{\"@context\": ", ec);
  EXPECT_EQ(error_of("https://example.org/broken.jsonld", false),
            "@context https://example.org/broken.jsonld is not available: the document is not "
            "JSON (" +
                ec.message() + ")");
  write(dir_ / "large.jsonld", R"({"@context": {}, "pad": ")" + std::string(1000, 'x') + "\"}");
  files_["https://example.org/large.jsonld"] = dir_ / "large.jsonld";
  EXPECT_EQ(error_of("https://example.org/large.jsonld", false),
            "@context https://example.org/large.jsonld is not available: its mapped local file "
            "exceeds 1000 bytes");
}

// ---- the HTTP client itself ----

TEST_F(ContextLoaderTest, FetchReportsStatusTypeAndFinalUrl) {
  auto redirected = http::fetch(server_.url("/redirect"));
  ASSERT_TRUE(redirected) << redirected.error().message;
  EXPECT_EQ(redirected->status, 200u);
  EXPECT_EQ(redirected->content_type, "application/ld+json");
  EXPECT_EQ(redirected->url, server_.url("/ctx.jsonld"));
  EXPECT_EQ(redirected->body, kContextBody);
  auto missing = http::fetch(server_.url("/missing"));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404u);
  EXPECT_EQ(missing->body, "not found");
  http::FetchOptions small;
  small.max_body_bytes = 100;
  auto big = http::fetch(server_.url("/big"), small);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().kind, ErrorKind::PayloadTooLarge);
}

// ---- end to end with the resolver ----

TEST_F(ContextLoaderTest, ResolverLoadsThroughIt) {
  ContextLoaderOptions options;
  options.fetch.timeout = 2s;
  jsonld::ContextResolver resolver(std::make_unique<ContextLoader>(options));
  auto ctx = resolver.resolve(boost::json::value(server_.url("/ctx.jsonld")));
  ASSERT_TRUE(ctx) << ctx.error().message;
  EXPECT_EQ((*ctx)->expand("speed"), "http://ex.org/speed");
  EXPECT_EQ((*ctx)->expand("Property"), "https://uri.etsi.org/ngsi-ld/Property");
  auto missing = resolver.resolve(boost::json::value(server_.url("/missing")));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::LdContextNotAvailable);
  EXPECT_EQ(missing.error().message,
            "@context " + server_.url("/missing") + " is not available: HTTP status 404");
}

}  // namespace
}  // namespace tsunagu::app
