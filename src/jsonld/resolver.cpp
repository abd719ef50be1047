#include "jsonld/resolver.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <string>
#include <utility>
#include <vector>

#include "jsonld/core_context.hpp"
#include "jsonld/iri.hpp"

namespace tsunagu::jsonld {
namespace {

std::unexpected<Error> bad_context(std::string message) {
  return fail(ErrorKind::BadRequestData, std::move(message));
}

std::unexpected<Error> unavailable(std::string_view url, std::string_view why) {
  return fail(ErrorKind::LdContextNotAvailable,
              "@context " + std::string(url) + " is not available: " + std::string(why));
}

// A reference found inside the document at `base` may be relative to it (JSON-LD); one in the
// request itself must be absolute, as there is nothing meaningful to resolve it against.
Result<std::string> absolute_url(std::string_view base, std::string_view ref) {
  if (base.empty()) {
    if (is_absolute_iri(ref)) return std::string(ref);
    return bad_context("@context URL '" + std::string(ref) + "' is not an absolute URL");
  }
  auto base_url = boost::urls::parse_uri(base);
  auto ref_url = boost::urls::parse_uri_reference(ref);
  boost::urls::url resolved;
  if (!base_url || !ref_url || !boost::urls::resolve(*base_url, *ref_url, resolved)) {
    return bad_context("@context URL '" + std::string(ref) + "' in " + std::string(base) +
                       " is not a valid URL");
  }
  return std::string(resolved.buffer());
}

std::string describe_chain(const std::vector<std::string>& chain, std::string_view last) {
  std::string out;
  for (const auto& url : chain) out += url + " -> ";
  return out + std::string(last);
}

}  // namespace

// One resolve() call: walks the request's @context depth first, replacing URL references by the
// documents' contents, and applies every inline context to the builder in document order.
class Resolution {
 public:
  Resolution(ContextResolver& resolver, std::chrono::steady_clock::time_point now)
      : resolver_(resolver), now_(now), builder_(*resolver.core_) {}

  Status walk(const boost::json::value& value, std::string_view base, int depth) {
    if (const auto* url = value.if_string()) {
      auto absolute = absolute_url(base, *url);
      if (!absolute) return std::unexpected(absolute.error());
      return walk_url(*absolute, depth + 1);
    }
    if (const auto* array = value.if_array()) {
      for (const auto& item : *array) {
        if (auto s = walk(item, base, depth); !s) return s;
      }
      return ok();
    }
    if (auto s = count(); !s) return s;
    auto status = builder_.apply(value);
    // Say which document holds the malformed context; the request's own needs no pointer.
    if (!status && !chain_.empty())
      status.error().message += " (in @context " + chain_.back() + ")";
    return status;
  }

  std::shared_ptr<const Context> build() && { return std::move(builder_).build(); }
  std::chrono::steady_clock::time_point expires() const { return expires_; }

 private:
  Status count() {
    if (++contexts_ <= resolver_.limits_.max_contexts_per_resolution) return ok();
    return bad_context("@context has more than " +
                       std::to_string(resolver_.limits_.max_contexts_per_resolution) +
                       " contexts and references");
  }

  Status walk_url(const std::string& url, int depth) {
    if (auto s = count(); !s) return s;
    if (is_core_context_url(url)) return builder_.apply(core_context_document(), Origin::Core);
    if (depth > resolver_.limits_.max_depth) {
      return bad_context("@context references nest deeper than " +
                         std::to_string(resolver_.limits_.max_depth) + " levels at " + url);
    }
    if (std::find(chain_.begin(), chain_.end(), url) != chain_.end()) {
      return bad_context("cyclic @context reference: " + describe_chain(chain_, url));
    }
    auto context = resolver_.document(url, now_, expires_);
    if (!context) return std::unexpected(context.error());
    chain_.push_back(url);
    auto status = walk(**context, url, depth);
    chain_.pop_back();
    return status;
  }

  ContextResolver& resolver_;
  const std::chrono::steady_clock::time_point now_;
  ContextBuilder builder_;
  std::chrono::steady_clock::time_point expires_ = std::chrono::steady_clock::time_point::max();
  std::vector<std::string> chain_;  // URLs being walked, outermost first
  std::size_t contexts_ = 0;
};

ContextResolver::ContextResolver(std::unique_ptr<DocumentLoader> loader, ResolverLimits limits,
                                 SteadyClock clock)
    : loader_(std::move(loader)),
      limits_(limits),
      clock_(clock ? std::move(clock) : [] { return std::chrono::steady_clock::now(); }),
      core_(core_context()),
      documents_(limits.max_cached_documents),
      contexts_(limits.max_cached_contexts) {}

Result<std::shared_ptr<const Context>> ContextResolver::resolve(const boost::json::value& context) {
  if (context.is_null()) return core_;
  std::string key = boost::json::serialize(context);
  const auto now = clock_();
  {
    std::lock_guard lock(mutex_);
    if (auto hit = contexts_.get(key, now)) {
      ++counters_.context_hits;
      return hit->value;
    }
    ++counters_.context_misses;
  }
  Resolution resolution(*this, now);
  if (auto s = resolution.walk(context, "", 0); !s) return std::unexpected(s.error());
  const auto expires = resolution.expires();
  auto processed = std::move(resolution).build();
  std::lock_guard lock(mutex_);
  contexts_.put(std::move(key), processed, expires);
  return processed;
}

std::shared_ptr<const Context> ContextResolver::cached(const boost::json::value& context) {
  if (context.is_null()) return core_;
  const std::string key = boost::json::serialize(context);
  std::lock_guard lock(mutex_);
  auto hit = contexts_.get(key, clock_());
  return hit ? hit->value : nullptr;
}

Result<std::shared_ptr<const boost::json::value>> ContextResolver::document(const std::string& url,
                                                                            TimePoint now,
                                                                            TimePoint& expires) {
  {
    std::lock_guard lock(mutex_);
    if (auto hit = documents_.get(url, now)) {
      if (hit->value.failure) return std::unexpected(*hit->value.failure);
      expires = std::min(expires, hit->expires);
      return hit->value.context;
    }
    ++counters_.loads;
  }
  return load(url, now, expires);
}

Result<std::shared_ptr<const boost::json::value>> ContextResolver::load(const std::string& url,
                                                                        TimePoint now,
                                                                        TimePoint& expires) {
  auto loaded = loader_->load(url);
  Result<std::shared_ptr<const boost::json::value>> result;
  if (!loaded) {
    result = fail(ErrorKind::LdContextNotAvailable, std::move(loaded.error().message));
  } else if (auto* member =
                 loaded->is_object() ? loaded->get_object().if_contains("@context") : nullptr;
             member == nullptr) {
    result = unavailable(url, "the document has no @context member");
  } else {
    result = std::make_shared<const boost::json::value>(std::move(*member));
  }
  std::lock_guard lock(mutex_);
  if (result) {
    expires = std::min(expires, now + limits_.document_ttl);
    documents_.put(url, CachedDocument{*result, std::nullopt}, now + limits_.document_ttl);
  } else if (limits_.failure_ttl.count() > 0) {
    documents_.put(url, CachedDocument{nullptr, result.error()}, now + limits_.failure_ttl);
  }
  return result;
}

ContextResolver::Stats ContextResolver::stats() const {
  std::lock_guard lock(mutex_);
  Stats s = counters_;
  s.cached_documents = documents_.size();
  s.cached_contexts = contexts_.size();
  return s;
}

}  // namespace tsunagu::jsonld
