#pragma once
// A size-bounded map from string keys to values that expire at a given time, evicting the least
// recently used entry when full. Not thread-safe: the owner guards it (see ContextResolver).

#include <chrono>
#include <cstddef>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace tsunagu::jsonld {

template <typename V>
class ExpiringCache {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  struct Hit {
    V value;
    TimePoint expires;
  };

  // capacity 0 stores nothing.
  explicit ExpiringCache(std::size_t capacity) : capacity_(capacity) {}
  ExpiringCache(const ExpiringCache&) = delete;
  ExpiringCache& operator=(const ExpiringCache&) = delete;

  // The entry under `key` unless it has expired at `now` (it is then dropped).
  std::optional<Hit> get(std::string_view key, TimePoint now) {
    auto it = index_.find(key);
    if (it == index_.end()) return std::nullopt;
    auto node = it->second;
    if (node->expires <= now) {
      index_.erase(it);
      lru_.erase(node);
      return std::nullopt;
    }
    lru_.splice(lru_.begin(), lru_, node);
    return Hit{node->value, node->expires};
  }

  void put(std::string key, V value, TimePoint expires) {
    if (capacity_ == 0) return;
    if (auto it = index_.find(key); it != index_.end()) {
      it->second->value = std::move(value);
      it->second->expires = expires;
      lru_.splice(lru_.begin(), lru_, it->second);
      return;
    }
    lru_.push_front(Node{std::move(key), std::move(value), expires});
    index_.emplace(lru_.front().key, lru_.begin());
    if (lru_.size() > capacity_) evict_oldest();
  }

  std::size_t size() const { return lru_.size(); }

 private:
  struct Node {
    std::string key;
    V value;
    TimePoint expires;
  };

  void evict_oldest() {
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }

  std::size_t capacity_;
  std::list<Node> lru_;  // most recently used first; list nodes never move in memory
  // Keys view the key strings of lru_'s nodes.
  std::unordered_map<std::string_view, typename std::list<Node>::iterator> index_;
};

}  // namespace tsunagu::jsonld
