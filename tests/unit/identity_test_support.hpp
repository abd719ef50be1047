#pragma once
// What the identity tests share: a fixed start time, fresh temporary directories, a platform
// database opened in one, and JWTs taken apart.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "model/time.hpp"
#include "store/sqlite/platform_schema.hpp"
#include "store_backends.hpp"

namespace tsunagu::identity::testing {

inline const model::Timestamp kStart{std::chrono::milliseconds(1'767'225'600'000LL)};  // 2026-01-01
inline constexpr std::int64_t kStartSeconds = 1'767'225'600;

// A path under the system's temporary directory that no other test uses.
inline std::filesystem::path unique_temp_dir(std::string_view what) {
  static std::mt19937_64 rng{std::random_device{}()};
  return std::filesystem::temp_directory_path() /
         ("tsunagu-" + std::string(what) + "-" + std::to_string(rng()));
}

// The header, payload and signature of a compact JWS, as they are (still encoded).
inline std::vector<std::string> jwt_parts(const std::string& token) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (true) {
    const auto dot = token.find('.', i);
    out.push_back(token.substr(i, dot == std::string::npos ? dot : dot - i));
    if (dot == std::string::npos) break;
    i = dot + 1;
  }
  return out;
}

// A fixture with a platform database of its own (on SQLite in a fresh directory, or, when a
// suite's backend() says so, in a fresh PostgreSQL database), and a manual clock.
class WithPlatformDb : public ::testing::Test {
 protected:
  explicit WithPlatformDb(std::string_view what) : dir_(unique_temp_dir(what)) {}
  virtual tsunagu::testing::Backend backend() const { return tsunagu::testing::Backend::Sqlite; }
  void SetUp() override {
    if (backend() == tsunagu::testing::Backend::Sqlite) {
      location_ = {tsunagu::testing::Backend::Sqlite, dir_, {}};
    } else {
      location_ = tsunagu::testing::fresh_location(backend());
    }
    reopen();
  }
  // Opens the database again (a restart), or for the first time.
  void reopen() {
    db_.reset();
    auto db = tsunagu::testing::open_platform(location_);
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_;
  tsunagu::testing::StoreLocation location_;
  std::unique_ptr<store::PlatformDb> db_;
  model::ManualClock clock_{kStart};
};

}  // namespace tsunagu::identity::testing
