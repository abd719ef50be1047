#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "jsonld/core_context.hpp"
#include "jsonld/resolver.hpp"

namespace tsunagu::jsonld {
namespace {

using namespace std::chrono_literals;
using TimePoint = std::chrono::steady_clock::time_point;

const std::string kDefault = "https://uri.etsi.org/ngsi-ld/default-context/";

// Serves documents from a map and counts the loads per URL; shared with the test through a
// shared_ptr because the resolver owns the loader.
struct FakeWeb {
  std::mutex mutex;
  std::map<std::string, std::string> documents;  // URL -> JSON text
  std::map<std::string, int> loads;

  int loads_of(const std::string& url) {
    std::lock_guard lock(mutex);
    return loads[url];
  }
  int total_loads() {
    std::lock_guard lock(mutex);
    int n = 0;
    for (const auto& [url, count] : loads) n += count;
    return n;
  }
};

class FakeLoader : public DocumentLoader {
 public:
  explicit FakeLoader(std::shared_ptr<FakeWeb> web) : web_(std::move(web)) {}

  Result<boost::json::value> load(std::string_view url) override {
    std::lock_guard lock(web_->mutex);
    ++web_->loads[std::string(url)];
    auto it = web_->documents.find(std::string(url));
    if (it == web_->documents.end()) {
      return fail(ErrorKind::LdContextNotAvailable, std::string(url) + ": HTTP status 404");
    }
    return boost::json::parse(it->second);
  }

 private:
  std::shared_ptr<FakeWeb> web_;
};

class ResolverTest : public ::testing::Test {
 protected:
  ContextResolver& resolver(ResolverLimits limits = {}) {
    resolver_ = std::make_unique<ContextResolver>(std::make_unique<FakeLoader>(web_), limits,
                                                  [this] { return now_; });
    return *resolver_;
  }

  void serve(const std::string& url, const std::string& context_json) {
    web_->documents[url] = R"({"@context": )" + context_json + "}";
  }

  std::shared_ptr<const Context> ok_resolve(const std::string& json) {
    auto result = resolver_->resolve(boost::json::parse(json));
    EXPECT_TRUE(result) << result.error().message;
    return result ? *result : nullptr;
  }

  Error error_of(const std::string& json) {
    auto result = resolver_->resolve(boost::json::parse(json));
    EXPECT_FALSE(result);
    return result ? Error{ErrorKind::InternalError, "no error", {}} : result.error();
  }

  std::shared_ptr<FakeWeb> web_ = std::make_shared<FakeWeb>();
  TimePoint now_ = TimePoint{} + 1000h;
  std::unique_ptr<ContextResolver> resolver_;
};

TEST_F(ResolverTest, NoContextMeansTheCore) {
  auto& r = resolver();
  auto result = r.resolve(boost::json::value(nullptr));
  ASSERT_TRUE(result);
  EXPECT_EQ(*result, r.core());
  EXPECT_EQ((*result)->expand("Property"), "https://uri.etsi.org/ngsi-ld/Property");
  EXPECT_EQ(web_->total_loads(), 0);
}

TEST_F(ResolverTest, CoreUrlsAreBuiltInAndNeverLoaded) {
  resolver();
  std::vector<std::string> urls = {"https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld"};
  for (int minor = 3; minor <= 8; ++minor) {
    urls.push_back("https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1." +
                   std::to_string(minor) + ".jsonld");
  }
  for (const auto& url : urls) {
    auto ctx = ok_resolve("\"" + url + "\"");
    ASSERT_NE(ctx, nullptr) << url;
    EXPECT_EQ(ctx->expand("observedAt"), "https://uri.etsi.org/ngsi-ld/observedAt");
    EXPECT_EQ(ctx->expand("speed"), kDefault + "speed");
  }
  EXPECT_EQ(web_->total_loads(), 0);
}

TEST_F(ResolverTest, LinkUrlIsLoadedOnceAndTheProcessedContextReused) {
  auto& r = resolver();
  serve("http://ex.org/ctx.jsonld", R"({"speed": "http://ex.org/speed"})");
  auto first = ok_resolve(R"("http://ex.org/ctx.jsonld")");
  auto second = ok_resolve(R"("http://ex.org/ctx.jsonld")");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->expand("speed"), "http://ex.org/speed");
  EXPECT_EQ(first, second);  // the very same processed context: one hash lookup
  EXPECT_EQ(web_->loads_of("http://ex.org/ctx.jsonld"), 1);
  auto stats = r.stats();
  EXPECT_EQ(stats.loads, 1u);
  EXPECT_EQ(stats.context_hits, 1u);
  EXPECT_EQ(stats.context_misses, 1u);
  EXPECT_EQ(stats.cached_documents, 1u);
  EXPECT_EQ(stats.cached_contexts, 1u);
}

TEST_F(ResolverTest, DocumentCacheServesDifferentRequestContexts) {
  resolver();
  serve("http://ex.org/ctx.jsonld", R"({"speed": "http://ex.org/speed"})");
  ok_resolve(R"("http://ex.org/ctx.jsonld")");
  auto ctx = ok_resolve(R"(["http://ex.org/ctx.jsonld", {"name": "https://schema.org/name"}])");
  EXPECT_EQ(ctx->expand("speed"), "http://ex.org/speed");
  EXPECT_EQ(ctx->expand("name"), "https://schema.org/name");
  EXPECT_EQ(web_->loads_of("http://ex.org/ctx.jsonld"), 1);
}

TEST_F(ResolverTest, DocumentsExpireAfterTheirTtl) {
  ResolverLimits limits;
  limits.document_ttl = 60s;
  resolver(limits);
  serve("http://ex.org/ctx.jsonld", R"({"speed": "http://ex.org/speed"})");
  ok_resolve(R"("http://ex.org/ctx.jsonld")");
  now_ += 59s;
  ok_resolve(R"("http://ex.org/ctx.jsonld")");
  EXPECT_EQ(web_->loads_of("http://ex.org/ctx.jsonld"), 1);
  serve("http://ex.org/ctx.jsonld", R"({"speed": "http://ex.org/v2/speed"})");
  now_ += 2s;
  auto ctx = ok_resolve(R"("http://ex.org/ctx.jsonld")");
  EXPECT_EQ(web_->loads_of("http://ex.org/ctx.jsonld"), 2);
  EXPECT_EQ(ctx->expand("speed"), "http://ex.org/v2/speed");
}

TEST_F(ResolverTest, ArraysApplyInOrder) {
  resolver();
  serve("http://ex.org/a.jsonld", R"({"speed": "http://a.org/speed"})");
  auto later_inline = ok_resolve(R"(["http://ex.org/a.jsonld", {"speed": "http://b.org/speed"}])");
  EXPECT_EQ(later_inline->expand("speed"), "http://b.org/speed");
  auto later_url = ok_resolve(R"([{"speed": "http://b.org/speed"}, "http://ex.org/a.jsonld"])");
  EXPECT_EQ(later_url->expand("speed"), "http://a.org/speed");
}

TEST_F(ResolverTest, ExplicitCoreUrlReappliesTheCoreVocab) {
  resolver();
  const std::string core = std::string(kCoreContextUrl);
  auto core_last = ok_resolve(R"([{"@vocab": "http://v.org/"}, ")" + core + "\"]");
  EXPECT_EQ(core_last->expand("speed"), kDefault + "speed");
  auto core_first = ok_resolve("[\"" + core + R"(", {"@vocab": "http://v.org/"}])");
  EXPECT_EQ(core_first->expand("speed"), "http://v.org/speed");
  auto no_core = ok_resolve(R"({"@vocab": "http://v.org/"})");
  EXPECT_EQ(no_core->expand("speed"), "http://v.org/speed");
}

TEST_F(ResolverTest, NestedRemoteContextsIncludingRelativeUrls) {
  resolver();
  serve("http://ex.org/ctx/a.jsonld", R"(["b.jsonld", {"a": "http://ex.org/a"}])");
  serve("http://ex.org/ctx/b.jsonld", R"({"b": "http://ex.org/b", "a": "http://ex.org/old-a"})");
  auto ctx = ok_resolve(R"("http://ex.org/ctx/a.jsonld")");
  EXPECT_EQ(ctx->expand("a"), "http://ex.org/a");
  EXPECT_EQ(ctx->expand("b"), "http://ex.org/b");
  EXPECT_EQ(web_->loads_of("http://ex.org/ctx/b.jsonld"), 1);
}

TEST_F(ResolverTest, SharedNestedContextIsNotACycle) {
  resolver();
  serve("http://ex.org/a", R"(["http://ex.org/b", "http://ex.org/c"])");
  serve("http://ex.org/b", R"(["http://ex.org/d", {"b": "http://ex.org/b#"}])");
  serve("http://ex.org/c", R"(["http://ex.org/d", {"c": "http://ex.org/c#"}])");
  serve("http://ex.org/d", R"({"d": "http://ex.org/d#"})");
  auto ctx = ok_resolve(R"("http://ex.org/a")");
  EXPECT_EQ(ctx->expand("d"), "http://ex.org/d#");
  EXPECT_EQ(ctx->expand("c"), "http://ex.org/c#");
  EXPECT_EQ(web_->loads_of("http://ex.org/d"), 1);
}

TEST_F(ResolverTest, CyclesAreRejected) {
  resolver();
  serve("http://ex.org/a", R"(["http://ex.org/b"])");
  serve("http://ex.org/b", R"(["http://ex.org/a"])");
  auto e = error_of(R"("http://ex.org/a")");
  EXPECT_EQ(e.kind, ErrorKind::BadRequestData);
  EXPECT_EQ(e.message,
            "cyclic @context reference: http://ex.org/a -> http://ex.org/b -> http://ex.org/a");
  serve("http://ex.org/self", R"("http://ex.org/self")");
  EXPECT_EQ(error_of(R"("http://ex.org/self")").message,
            "cyclic @context reference: http://ex.org/self -> http://ex.org/self");
}

TEST_F(ResolverTest, NestingDepthIsLimited) {
  ResolverLimits limits;
  limits.max_depth = 3;
  resolver(limits);
  // d1 -> d2 -> d3 is three levels deep; e1 -> e2 -> e3 -> e4 is four.
  serve("http://ex.org/d1", R"(["http://ex.org/d2"])");
  serve("http://ex.org/d2", R"(["http://ex.org/d3"])");
  serve("http://ex.org/d3", R"({"deep": "http://ex.org/deep"})");
  auto three = ok_resolve(R"("http://ex.org/d1")");
  EXPECT_EQ(three->expand("deep"), "http://ex.org/deep");
  serve("http://ex.org/e1", R"(["http://ex.org/e2"])");
  serve("http://ex.org/e2", R"(["http://ex.org/e3"])");
  serve("http://ex.org/e3", R"(["http://ex.org/e4"])");
  serve("http://ex.org/e4", R"({"deep": "http://ex.org/deep"})");
  auto e = error_of(R"(["http://ex.org/d1", "http://ex.org/e1"])");
  EXPECT_EQ(e.kind, ErrorKind::BadRequestData);
  EXPECT_EQ(e.message, "@context references nest deeper than 3 levels at http://ex.org/e4");
  EXPECT_EQ(web_->loads_of("http://ex.org/e4"), 0);
}

TEST_F(ResolverTest, NumberOfContextsPerResolutionIsLimited) {
  ResolverLimits limits;
  limits.max_contexts_per_resolution = 3;
  resolver(limits);
  ok_resolve(R"([{"a": "http://x.org/a"}, {"b": "http://x.org/b"}, {"c": "http://x.org/c"}])");
  auto e = error_of(R"([{"a": "http://x.org/a"}, {}, {}, {}])");
  EXPECT_EQ(e.kind, ErrorKind::BadRequestData);
  EXPECT_EQ(e.message, "@context has more than 3 contexts and references");
}

TEST_F(ResolverTest, LoadFailuresAreRememberedBriefly) {
  ResolverLimits limits;
  limits.failure_ttl = 10s;
  resolver(limits);
  auto e = error_of(R"("http://ex.org/missing")");
  EXPECT_EQ(e.kind, ErrorKind::LdContextNotAvailable);
  EXPECT_EQ(e.message, "http://ex.org/missing: HTTP status 404");
  now_ += 9s;
  EXPECT_EQ(error_of(R"("http://ex.org/missing")").message,
            "http://ex.org/missing: HTTP status 404");
  EXPECT_EQ(web_->loads_of("http://ex.org/missing"), 1);
  serve("http://ex.org/missing", R"({"speed": "http://ex.org/speed"})");
  now_ += 2s;
  auto ctx = ok_resolve(R"("http://ex.org/missing")");
  EXPECT_EQ(ctx->expand("speed"), "http://ex.org/speed");
  EXPECT_EQ(web_->loads_of("http://ex.org/missing"), 2);
}

TEST_F(ResolverTest, FailuresAreNotRememberedWithZeroFailureTtl) {
  ResolverLimits limits;
  limits.failure_ttl = 0s;
  resolver(limits);
  error_of(R"("http://ex.org/missing")");
  error_of(R"("http://ex.org/missing")");
  EXPECT_EQ(web_->loads_of("http://ex.org/missing"), 2);
}

TEST_F(ResolverTest, DocumentWithoutContextMemberIsNotAvailable) {
  resolver();
  web_->documents["http://ex.org/plain.json"] = R"({"speed": "http://ex.org/speed"})";
  web_->documents["http://ex.org/array.json"] = R"([1, 2])";
  auto e = error_of(R"("http://ex.org/plain.json")");
  EXPECT_EQ(e.kind, ErrorKind::LdContextNotAvailable);
  EXPECT_EQ(e.message,
            "@context http://ex.org/plain.json is not available: the document has no @context "
            "member");
  EXPECT_EQ(error_of(R"("http://ex.org/array.json")").kind, ErrorKind::LdContextNotAvailable);
}

TEST_F(ResolverTest, MalformedRemoteContextNamesTheDocument) {
  resolver();
  serve("http://ex.org/outer", R"(["http://ex.org/bad"])");
  serve("http://ex.org/bad", R"({"speed": 42})");
  auto e = error_of(R"("http://ex.org/outer")");
  EXPECT_EQ(e.kind, ErrorKind::BadRequestData);
  EXPECT_EQ(e.message,
            "invalid @context: term 'speed': a definition must be a string, an object or null "
            "(in @context http://ex.org/bad)");
}

TEST_F(ResolverTest, MalformedRequestContexts) {
  resolver();
  auto relative = error_of(R"("ctx.jsonld")");
  EXPECT_EQ(relative.kind, ErrorKind::BadRequestData);
  EXPECT_EQ(relative.message, "@context URL 'ctx.jsonld' is not an absolute URL");
  auto number = error_of("42");
  EXPECT_EQ(number.kind, ErrorKind::BadRequestData);
  EXPECT_EQ(number.message,
            "invalid @context: a @context must be a URL, an object, an array or null, not 42");
  EXPECT_EQ(error_of(R"({"a": 1})").message,
            "invalid @context: term 'a': a definition must be a string, an object or null");
}

TEST_F(ResolverTest, DocumentCacheIsBounded) {
  ResolverLimits limits;
  limits.max_cached_documents = 2;
  limits.max_cached_contexts = 0;  // so that every resolve() reaches the document cache
  auto& r = resolver(limits);
  for (const char* name : {"a", "b", "c"}) {
    serve(std::string("http://ex.org/") + name, R"({})");
    ok_resolve(std::string("\"http://ex.org/") + name + "\"");
  }
  EXPECT_EQ(r.stats().cached_documents, 2u);
  ok_resolve(R"("http://ex.org/c")");
  ok_resolve(R"("http://ex.org/a")");
  EXPECT_EQ(web_->loads_of("http://ex.org/c"), 1);
  EXPECT_EQ(web_->loads_of("http://ex.org/a"), 2);  // evicted as the least recently used
  EXPECT_EQ(r.stats().cached_contexts, 0u);
}

TEST_F(ResolverTest, ConcurrentResolutionsAgree) {
  resolver();
  serve("http://ex.org/ctx.jsonld", R"({"speed": "http://ex.org/speed"})");
  std::vector<std::thread> threads;
  std::mutex failures_mutex;
  int failures = 0;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        auto ctx = resolver_->resolve(boost::json::value("http://ex.org/ctx.jsonld"));
        if (!ctx || (*ctx)->expand("speed") != "http://ex.org/speed") {
          std::lock_guard lock(failures_mutex);
          ++failures;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_GE(web_->loads_of("http://ex.org/ctx.jsonld"), 1);
  EXPECT_LE(web_->loads_of("http://ex.org/ctx.jsonld"), 4);
}

}  // namespace
}  // namespace tsunagu::jsonld
