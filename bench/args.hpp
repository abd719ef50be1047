#pragma once
// The command lines of the benchmark tools: `--name value` pairs, read by name, so that
// bench/run.sh can pass them in any order. Every tool fails on a missing or malformed value
// instead of guessing.

#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

namespace tsunagu::bench {

class Args {
 public:
  // The pairs from argv[first] on (2 after a subcommand, 1 without).
  Args(int argc, char** argv, int first = 2) {
    for (int i = first; i + 1 < argc; i += 2) {
      std::string key = argv[i];
      if (!key.starts_with("--")) throw std::runtime_error("unexpected argument " + key);
      values_[key.substr(2)] = argv[i + 1];
    }
  }

  std::string str(const std::string& key, std::optional<std::string> fallback = {}) const {
    auto it = values_.find(key);
    if (it != values_.end()) return it->second;
    if (fallback) return *fallback;
    throw std::runtime_error("missing --" + key);
  }

  std::uint64_t num(const std::string& key, std::optional<std::uint64_t> fallback = {}) const {
    auto it = values_.find(key);
    if (it == values_.end()) {
      if (fallback) return *fallback;
      throw std::runtime_error("missing --" + key);
    }
    std::uint64_t v = 0;
    const auto& s = it->second;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) {
      throw std::runtime_error("--" + key + " takes a whole number, not '" + s + "'");
    }
    return v;
  }

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace tsunagu::bench
