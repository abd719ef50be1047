#pragma once
// Access tokens whose signature and claims were checked once, so that the next request with the
// same token costs a lookup instead of an ES256 verification (about 70 µs of CPU here, more
// than serving a GET by id). What can change while a token is cached, its expiry, its
// revocation and the clock, the caller checks on every hit; what cannot (signature, issuer,
// audience, type) is not checked again.
//
// Bounded: at most `capacity` tokens, the oldest forgotten first.
// Thread-safe: map_ and order_ are guarded by mu_.

#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tsunagu::identity {

template <typename Principal>
class VerifiedTokens {
 public:
  explicit VerifiedTokens(std::size_t capacity) : capacity_(capacity) {}

  std::optional<Principal> find(std::string_view token) const {
    std::lock_guard lock(mu_);
    const auto it = map_.find(std::string(token));
    if (it == map_.end()) return std::nullopt;
    return it->second;
  }

  void put(std::string_view token, const Principal& principal) {
    std::lock_guard lock(mu_);
    if (!map_.emplace(std::string(token), principal).second) return;
    order_.emplace_back(token);
    while (order_.size() > capacity_) {
      map_.erase(order_.front());
      order_.pop_front();
    }
  }

  void clear() {
    std::lock_guard lock(mu_);
    map_.clear();
    order_.clear();
  }

 private:
  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Principal> map_;  // guarded by mu_
  std::deque<std::string> order_;                   // guarded by mu_; oldest first
};

}  // namespace tsunagu::identity
