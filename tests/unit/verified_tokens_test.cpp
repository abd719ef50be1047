// The cache of verified access tokens (identity/verified_tokens.hpp): found once put, bounded,
// oldest forgotten first. What is checked on every hit (expiry, revocation) is tested through
// TokenService (identity_token_service_test.cpp), which verifies before it expires or revokes.

#include "identity/verified_tokens.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tsunagu::identity {
namespace {

TEST(VerifiedTokens, FindsWhatWasPutAndNothingElse) {
  VerifiedTokens<int> cache(3);
  cache.put("a", 1);
  EXPECT_EQ(cache.find("a"), 1);
  EXPECT_FALSE(cache.find("b"));
  EXPECT_FALSE(cache.find("a "));  // the whole token is the key
  cache.put("a", 2);               // a token is verified to the same principal: the first stays
  EXPECT_EQ(cache.find("a"), 1);
}

TEST(VerifiedTokens, KeepsAtMostItsCapacityOldestGoingFirst) {
  VerifiedTokens<int> cache(3);
  for (int i = 0; i < 5; ++i) cache.put("t" + std::to_string(i), i);
  EXPECT_FALSE(cache.find("t0"));
  EXPECT_FALSE(cache.find("t1"));
  EXPECT_EQ(cache.find("t2"), 2);
  EXPECT_EQ(cache.find("t4"), 4);
}

TEST(VerifiedTokens, ClearForgetsEverything) {
  VerifiedTokens<int> cache(3);
  cache.put("a", 1);
  cache.clear();
  EXPECT_FALSE(cache.find("a"));
  cache.put("a", 3);
  EXPECT_EQ(cache.find("a"), 3);
}

}  // namespace
}  // namespace tsunagu::identity
