#pragma once
// Turns the @context a request supplied (a Link header URL, an inline object, an array of both, or
// nothing) into a processed Context, loading remote documents through a DocumentLoader.
//
// Two caches make the common case cheap. Remote documents are kept by URL for a TTL, so a
// popular context is fetched once per TTL, not once per request. Processed contexts are kept by
// the serialized @context value of the request, so a repeated `Link: <url>` costs one hash lookup
// and no term processing. A processed context expires with the earliest document it was built
// from. Failed loads are remembered only for a short time (failure_ttl), long enough to spare a
// broken server a request flood, short enough that a fix is seen quickly.
//
// Thread-safety: resolve() and the other members may be called from any thread. One mutex guards
// both caches; it is never held while the loader runs, so two threads missing the same URL at
// the same time may both load it (the second result simply replaces the first).

#include <boost/json/value.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>

#include "jsonld/context.hpp"
#include "jsonld/document_loader.hpp"
#include "jsonld/expiring_cache.hpp"
#include "model/error.hpp"

namespace tsunagu::jsonld {

struct ResolverLimits {
  std::chrono::seconds document_ttl{3600};
  std::chrono::seconds failure_ttl{10};  // 0: failed loads are not remembered at all
  std::size_t max_cached_documents = 256;
  std::size_t max_cached_contexts = 1024;
  // How deep URL references may nest: a request's URL is depth 1, a URL inside it depth 2, ...
  int max_depth = 8;
  // URL references plus inline objects in one resolution, against a context that fans out.
  std::size_t max_contexts_per_resolution = 64;
};

// Injectable for tests that step time forward.
using SteadyClock = std::function<std::chrono::steady_clock::time_point()>;

class ContextResolver {
 public:
  // An empty `clock` means std::chrono::steady_clock::now.
  explicit ContextResolver(std::unique_ptr<DocumentLoader> loader, ResolverLimits limits = {},
                           SteadyClock clock = {});

  // `context` is what the request supplied: a URL string, an object, an array mixing them, or
  // null when it supplied none (the core context alone). The core context is always included,
  // first, and its terms cannot be redefined (see context.hpp); naming one of the core context
  // URLs applies it again at that position, which matters only for @vocab.
  // Errors: LdContextNotAvailable when a document cannot be loaded or is not a JSON-LD context;
  // BadRequestData for a malformed context, a cycle, or nesting beyond the limits.
  Result<std::shared_ptr<const Context>> resolve(const boost::json::value& context);

  std::shared_ptr<const Context> core() const { return core_; }

  // The processed context for `context` when it is in the cache now, else nullptr. Never loads:
  // callers use it to tell whether resolve() could have to wait on the network.
  std::shared_ptr<const Context> cached(const boost::json::value& context);

  struct Stats {
    std::size_t cached_documents = 0;
    std::size_t cached_contexts = 0;
    std::uint64_t loads = 0;  // calls to the loader
    std::uint64_t context_hits = 0;
    std::uint64_t context_misses = 0;
  };
  Stats stats() const;

 private:
  friend class Resolution;
  using TimePoint = std::chrono::steady_clock::time_point;

  struct CachedDocument {
    std::shared_ptr<const boost::json::value> context;  // the document's "@context" member
    std::optional<Error> failure;                       // set instead when the load failed
  };

  // The "@context" of the document at `url`; lowers `expires` to the document's expiry.
  Result<std::shared_ptr<const boost::json::value>> document(const std::string& url, TimePoint now,
                                                             TimePoint& expires);
  Result<std::shared_ptr<const boost::json::value>> load(const std::string& url, TimePoint now,
                                                         TimePoint& expires);

  // Constant after construction.
  const std::unique_ptr<DocumentLoader> loader_;
  const ResolverLimits limits_;
  const SteadyClock clock_;
  const std::shared_ptr<const Context> core_;

  mutable std::mutex mutex_;
  ExpiringCache<CachedDocument> documents_;                 // GUARDED_BY(mutex_)
  ExpiringCache<std::shared_ptr<const Context>> contexts_;  // GUARDED_BY(mutex_)
  Stats counters_;  // GUARDED_BY(mutex_); the cache sizes in it are filled in by stats()
};

}  // namespace tsunagu::jsonld
