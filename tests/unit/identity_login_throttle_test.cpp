// Brute-force protection of sign-in (identity/login_throttle.hpp): account locks after
// consecutive failures, the sliding window per address, forgetting, the bound on memory, and
// use from several threads. Time is driven by a ManualClock.

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "identity/login_throttle.hpp"

namespace tsunagu::identity {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

const model::Timestamp kStart{milliseconds(1'767'225'600'000LL)};  // 2026-01-01T00:00:00Z

class LoginThrottleTest : public testing::Test {
 protected:
  model::ManualClock clock_{kStart};

  // Fails `n` times for `account`, each from a different address, one second apart.
  static void fail_times(LoginThrottle& throttle, model::ManualClock& clock,
                         std::string_view account, unsigned n) {
    for (unsigned i = 0; i < n; ++i) {
      throttle.failed(account, "192.0.2." + std::to_string(i));
      clock.advance(seconds(1));
    }
  }
};

// ---- accounts --------------------------------------------------------------------------------

TEST_F(LoginThrottleTest, LocksAnAccountAfterExactlyFiveFailures) {
  LoginThrottle throttle(clock_);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(throttle.blocked("hanako@example.jp", "192.0.2.1"), std::nullopt) << i;
    throttle.failed("hanako@example.jp", "192.0.2." + std::to_string(i));
  }
  EXPECT_EQ(throttle.blocked("hanako@example.jp", "192.0.2.1"), std::nullopt);
  throttle.failed("hanako@example.jp", "192.0.2.9");
  // Locked for 15 minutes, from any address.
  EXPECT_EQ(throttle.blocked("hanako@example.jp", "192.0.2.1"), seconds(900));
  EXPECT_EQ(throttle.blocked("hanako@example.jp", "198.51.100.7"), seconds(900));
  // Other accounts are not affected.
  EXPECT_EQ(throttle.blocked("taro@example.jp", "192.0.2.1"), std::nullopt);
}

TEST_F(LoginThrottleTest, ReportsTheRemainingTimeRoundedUp) {
  LoginThrottle throttle(clock_);
  for (int i = 0; i < 5; ++i) throttle.failed("hanako@example.jp", "192.0.2.1");
  clock_.advance(milliseconds(1));
  EXPECT_EQ(throttle.blocked("hanako@example.jp", "192.0.2.1"), seconds(900));
  clock_.advance(milliseconds(999));
  EXPECT_EQ(throttle.blocked("hanako@example.jp", "192.0.2.1"), seconds(899));
  clock_.advance(minutes(10));
  EXPECT_EQ(throttle.blocked("hanako@example.jp", "192.0.2.1"), seconds(299));
  clock_.advance(seconds(298) + milliseconds(500));
  EXPECT_EQ(throttle.blocked("hanako@example.jp", "192.0.2.1"), seconds(1));
  clock_.advance(milliseconds(499));
  EXPECT_EQ(throttle.blocked("hanako@example.jp", "192.0.2.1"), seconds(1));
}

TEST_F(LoginThrottleTest, UnlocksWhenTheLockIsServedAndCountsAfresh) {
  LoginThrottle throttle(clock_);
  for (int i = 0; i < 5; ++i) throttle.failed("hanako@example.jp", "192.0.2.1");
  clock_.advance(seconds(900) - milliseconds(1));
  EXPECT_EQ(throttle.blocked("hanako@example.jp", "192.0.2.1"), seconds(1));
  clock_.advance(milliseconds(1));
  EXPECT_EQ(throttle.blocked("hanako@example.jp", "192.0.2.1"), std::nullopt);
  EXPECT_EQ(throttle.tracked_accounts(), 0U);
  // Four more failures do not lock again; the fifth does.
  for (int i = 0; i < 4; ++i) throttle.failed("hanako@example.jp", "192.0.2.1");
  EXPECT_EQ(throttle.blocked("hanako@example.jp", "192.0.2.1"), std::nullopt);
  throttle.failed("hanako@example.jp", "192.0.2.1");
  EXPECT_EQ(throttle.blocked("hanako@example.jp", "192.0.2.1"), seconds(900));
}

TEST_F(LoginThrottleTest, FailuresDuringALockDoNotExtendIt) {
  LoginThrottle throttle(clock_);
  for (int i = 0; i < 5; ++i) throttle.failed("hanako@example.jp", "192.0.2.1");
  clock_.advance(minutes(10));
  for (int i = 0; i < 10; ++i) throttle.failed("hanako@example.jp", "192.0.2.1");
  EXPECT_EQ(throttle.blocked("hanako@example.jp", "192.0.2.1"), seconds(300));
}

TEST_F(LoginThrottleTest, SuccessResetsTheAccountsCount) {
  LoginThrottle throttle(clock_);
  for (int i = 0; i < 4; ++i) throttle.failed("hanako@example.jp", "192.0.2.1");
  throttle.succeeded("hanako@example.jp", "192.0.2.1");
  EXPECT_EQ(throttle.tracked_accounts(), 0U);
  for (int i = 0; i < 4; ++i) throttle.failed("hanako@example.jp", "192.0.2.1");
  EXPECT_EQ(throttle.blocked("hanako@example.jp", "192.0.2.1"), std::nullopt);
  throttle.failed("hanako@example.jp", "192.0.2.1");
  EXPECT_NE(throttle.blocked("hanako@example.jp", "192.0.2.1"), std::nullopt);
}

TEST_F(LoginThrottleTest, ForgetsACountThatStopsGrowing) {
  LoginThrottle throttle(clock_);
  for (int i = 0; i < 4; ++i) throttle.failed("hanako@example.jp", "192.0.2.1");
  clock_.advance(seconds(899));
  throttle.failed("hanako@example.jp", "192.0.2.1");  // the fifth in a row: within 900 s
  EXPECT_EQ(throttle.blocked("hanako@example.jp", "192.0.2.1"), seconds(900));

  LoginThrottle other(clock_);
  for (int i = 0; i < 4; ++i) other.failed("taro@example.jp", "192.0.2.1");
  clock_.advance(seconds(900));
  EXPECT_EQ(other.tracked_accounts(), 1U);
  other.failed("taro@example.jp", "192.0.2.1");  // the first of a new count
  EXPECT_EQ(other.blocked("taro@example.jp", "192.0.2.1"), std::nullopt);
}

TEST_F(LoginThrottleTest, ComparesAccountsIgnoringAsciiCase) {
  LoginThrottle throttle(clock_);
  throttle.failed("Hanako@Example.JP", "192.0.2.1");
  throttle.failed("hanako@example.jp", "192.0.2.1");
  throttle.failed("HANAKO@EXAMPLE.JP", "192.0.2.1");
  throttle.failed("hAnAkO@eXaMpLe.Jp", "192.0.2.1");
  throttle.failed("hanako@EXAMPLE.jp", "192.0.2.1");
  EXPECT_EQ(throttle.blocked("hanako@example.jp", "192.0.2.1"), seconds(900));
  EXPECT_EQ(throttle.blocked("HANAKO@example.jp", "192.0.2.1"), seconds(900));
  EXPECT_EQ(throttle.tracked_accounts(), 1U);
  throttle.succeeded("Hanako@example.JP", "192.0.2.1");
  EXPECT_EQ(throttle.blocked("hanako@example.jp", "192.0.2.1"), std::nullopt);
}

TEST_F(LoginThrottleTest, HonoursOtherSettings) {
  LoginThrottle throttle(clock_, {.account_failures = 3, .account_lock = seconds(60)});
  for (int i = 0; i < 2; ++i) throttle.failed("hanako@example.jp", "192.0.2.1");
  EXPECT_EQ(throttle.blocked("hanako@example.jp", "192.0.2.1"), std::nullopt);
  throttle.failed("hanako@example.jp", "192.0.2.1");
  EXPECT_EQ(throttle.blocked("hanako@example.jp", "192.0.2.1"), seconds(60));
}

TEST_F(LoginThrottleTest, ALimitOfZeroTurnsItOff) {
  LoginThrottle throttle(clock_, {.account_failures = 0, .address_failures = 0});
  for (int i = 0; i < 100; ++i) throttle.failed("hanako@example.jp", "192.0.2.1");
  EXPECT_EQ(throttle.blocked("hanako@example.jp", "192.0.2.1"), std::nullopt);
  EXPECT_EQ(throttle.tracked_accounts(), 0U);
  EXPECT_EQ(throttle.tracked_addresses(), 0U);
}

TEST_F(LoginThrottleTest, DoesNotTrackEmptyAccountsOrAddresses) {
  LoginThrottle throttle(clock_);
  for (int i = 0; i < 30; ++i) throttle.failed("", "");
  EXPECT_EQ(throttle.blocked("", ""), std::nullopt);
  EXPECT_EQ(throttle.tracked_accounts(), 0U);
  EXPECT_EQ(throttle.tracked_addresses(), 0U);
}

// ---- addresses -------------------------------------------------------------------------------

TEST_F(LoginThrottleTest, BlocksAnAddressAfterTwentyFailuresAcrossAccounts) {
  LoginThrottle throttle(clock_);
  for (int i = 0; i < 19; ++i) {
    throttle.failed("resident" + std::to_string(i) + "@example.jp", "203.0.113.5");
  }
  EXPECT_EQ(throttle.blocked("someone@example.jp", "203.0.113.5"), std::nullopt);
  throttle.failed("resident19@example.jp", "203.0.113.5");
  // Blocked for any account, including ones it never tried; no account is locked.
  EXPECT_EQ(throttle.blocked("someone@example.jp", "203.0.113.5"), seconds(600));
  EXPECT_EQ(throttle.blocked("resident0@example.jp", "203.0.113.5"), seconds(600));
  // Those accounts are fine from elsewhere.
  EXPECT_EQ(throttle.blocked("resident0@example.jp", "203.0.113.6"), std::nullopt);
}

TEST_F(LoginThrottleTest, AddressWindowSlides) {
  LoginThrottle throttle(clock_);
  // Failures at 0, 30, 60, ..., 570 s: twenty within ten minutes.
  for (int i = 0; i < 20; ++i) {
    throttle.failed("resident" + std::to_string(i) + "@example.jp", "203.0.113.5");
    if (i < 19) clock_.advance(seconds(30));
  }
  // Now is 570 s; the oldest (at 0 s) leaves the window at 600 s.
  EXPECT_EQ(throttle.blocked("x@example.jp", "203.0.113.5"), seconds(30));
  clock_.advance(seconds(30) - milliseconds(1));
  EXPECT_EQ(throttle.blocked("x@example.jp", "203.0.113.5"), seconds(1));
  clock_.advance(milliseconds(1));
  EXPECT_EQ(throttle.blocked("x@example.jp", "203.0.113.5"), std::nullopt);
  // One more failure makes twenty in the window again (30 s .. 600 s): blocked until the
  // failure at 30 s leaves, at 630 s.
  throttle.failed("x@example.jp", "203.0.113.5");
  EXPECT_EQ(throttle.blocked("x@example.jp", "203.0.113.5"), seconds(30));
  clock_.advance(seconds(30));
  EXPECT_EQ(throttle.blocked("x@example.jp", "203.0.113.5"), std::nullopt);
}

TEST_F(LoginThrottleTest, OldAddressFailuresDoNotCount) {
  LoginThrottle throttle(clock_);
  for (int i = 0; i < 19; ++i) throttle.failed("a" + std::to_string(i), "203.0.113.5");
  clock_.advance(seconds(600));
  throttle.failed("b", "203.0.113.5");
  EXPECT_EQ(throttle.blocked("c", "203.0.113.5"), std::nullopt);
  for (int i = 0; i < 18; ++i) throttle.failed("b" + std::to_string(i), "203.0.113.5");
  EXPECT_EQ(throttle.blocked("c", "203.0.113.5"), std::nullopt);
  throttle.failed("b19", "203.0.113.5");
  EXPECT_EQ(throttle.blocked("c", "203.0.113.5"), seconds(600));
}

TEST_F(LoginThrottleTest, SuccessDoesNotClearAnAddress) {
  LoginThrottle throttle(clock_);
  for (int i = 0; i < 19; ++i) {
    throttle.failed("victim" + std::to_string(i) + "@example.jp", "203.0.113.5");
    throttle.succeeded("attacker@example.jp", "203.0.113.5");
  }
  throttle.failed("victim19@example.jp", "203.0.113.5");
  EXPECT_EQ(throttle.blocked("attacker@example.jp", "203.0.113.5"), seconds(600));
}

TEST_F(LoginThrottleTest, GivesTheLongerOfAccountLockAndAddressBlock) {
  LoginThrottle throttle(clock_);
  for (int i = 0; i < 5; ++i) throttle.failed("hanako@example.jp", "203.0.113.5");
  for (int i = 0; i < 15; ++i) throttle.failed("r" + std::to_string(i), "203.0.113.5");
  EXPECT_EQ(throttle.blocked("hanako@example.jp", "203.0.113.5"), seconds(900));
  EXPECT_EQ(throttle.blocked("other@example.jp", "203.0.113.5"), seconds(600));
  EXPECT_EQ(throttle.blocked("hanako@example.jp", "198.51.100.1"), seconds(900));
}

TEST_F(LoginThrottleTest, FailuresFromABlockedAddressDoNotExtendTheBlock) {
  LoginThrottle throttle(clock_);
  for (int i = 0; i < 20; ++i) throttle.failed("r" + std::to_string(i), "203.0.113.5");
  clock_.advance(seconds(500));
  for (int i = 0; i < 20; ++i) throttle.failed("s" + std::to_string(i), "203.0.113.5");
  EXPECT_EQ(throttle.blocked("t", "203.0.113.5"), seconds(100));
  clock_.advance(seconds(100));
  EXPECT_EQ(throttle.blocked("t", "203.0.113.5"), std::nullopt);
}

// ---- memory ----------------------------------------------------------------------------------

TEST_F(LoginThrottleTest, ForgetsExpiredEntries) {
  LoginThrottle throttle(clock_);
  for (int i = 0; i < 50; ++i) {
    throttle.failed("a" + std::to_string(i), "192.0.2." + std::to_string(i));
  }
  EXPECT_EQ(throttle.tracked_accounts(), 50U);
  EXPECT_EQ(throttle.tracked_addresses(), 50U);
  clock_.advance(seconds(600));  // the address window
  EXPECT_EQ(throttle.blocked("x", "y"), std::nullopt);
  EXPECT_EQ(throttle.tracked_accounts(), 50U);
  EXPECT_EQ(throttle.tracked_addresses(), 0U);
  clock_.advance(seconds(300));  // the account lock
  throttle.failed("", "");
  EXPECT_EQ(throttle.tracked_accounts(), 0U);
}

TEST_F(LoginThrottleTest, BoundsMemoryByDroppingWhatExpiresSoonest) {
  LoginThrottle throttle(clock_, {.max_tracked = 3});
  // An account is locked first; newer failures follow.
  fail_times(throttle, clock_, "locked@example.jp", 5);
  ASSERT_NE(throttle.blocked("locked@example.jp", "198.51.100.1"), std::nullopt);
  throttle.failed("b@example.jp", "203.0.113.2");
  clock_.advance(seconds(1));
  throttle.failed("c@example.jp", "203.0.113.3");
  clock_.advance(seconds(1));
  EXPECT_EQ(throttle.tracked_accounts(), 3U);
  EXPECT_EQ(throttle.tracked_addresses(), 3U);
  // A fourth account pushes out the one whose last failure is oldest: the locked one, which
  // is let in sooner; nobody is locked out by the drop.
  throttle.failed("d@example.jp", "203.0.113.4");
  EXPECT_EQ(throttle.tracked_accounts(), 3U);
  EXPECT_EQ(throttle.tracked_addresses(), 3U);
  EXPECT_EQ(throttle.blocked("locked@example.jp", "198.51.100.1"), std::nullopt);
  // The newest counts are kept: four more failures lock b.
  for (int i = 0; i < 4; ++i) throttle.failed("b@example.jp", "198.51.100.9");
  EXPECT_NE(throttle.blocked("b@example.jp", "198.51.100.1"), std::nullopt);
}

TEST_F(LoginThrottleTest, StaysWithinTheBoundUnderAFloodOfNewKeys) {
  LoginThrottle throttle(clock_, {.max_tracked = 100});
  for (int i = 0; i < 10'000; ++i) {
    throttle.failed("resident" + std::to_string(i) + "@example.jp",
                    "2001:db8::" + std::to_string(i));
    if (i % 100 == 0) clock_.advance(milliseconds(1));
  }
  EXPECT_EQ(throttle.tracked_accounts(), 100U);
  EXPECT_EQ(throttle.tracked_addresses(), 100U);
  // A resident who failed once long before is not locked out by the flood.
  EXPECT_EQ(throttle.blocked("resident0@example.jp", "2001:db8::1"), std::nullopt);
}

TEST_F(LoginThrottleTest, ZeroCapacityTracksNothing) {
  LoginThrottle throttle(clock_, {.max_tracked = 0});
  for (int i = 0; i < 30; ++i) throttle.failed("hanako@example.jp", "192.0.2.1");
  EXPECT_EQ(throttle.blocked("hanako@example.jp", "192.0.2.1"), std::nullopt);
  EXPECT_EQ(throttle.tracked_accounts(), 0U);
}

// ---- threads ---------------------------------------------------------------------------------

TEST_F(LoginThrottleTest, CountsEveryFailureFromManyThreads) {
  // Four threads fail one account 250 times in all and each its own account 100 times; with a
  // lost update the shared account would stay unlocked.
  const ThrottleSettings settings{.account_failures = 1000, .address_failures = 1'000'000};
  LoginThrottle exact(clock_, settings);
  LoginThrottle short_of_it(clock_, settings);
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      const std::string own = "own" + std::to_string(t) + "@example.jp";
      const std::string address = "192.0.2." + std::to_string(t);
      for (int i = 0; i < 250; ++i) {
        exact.failed("shared@example.jp", address);
        if (i < 249) short_of_it.failed("Shared@Example.jp", address);
        (void)exact.blocked(own, address);
        if (i % 2 == 0) exact.failed(own, address);
        if (i % 50 == 49) exact.succeeded(own, address);
      }
    });
  }
  go = true;
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(exact.blocked("shared@example.jp", "198.51.100.1"), seconds(900));
  EXPECT_EQ(short_of_it.blocked("shared@example.jp", "198.51.100.1"), std::nullopt);
  EXPECT_EQ(exact.tracked_addresses(), 4U);
  // Each own account ended with a success after its last failure.
  EXPECT_EQ(exact.tracked_accounts(), 1U);
}

TEST_F(LoginThrottleTest, SurvivesConcurrentUseWithEviction) {
  LoginThrottle throttle(clock_, {.max_tracked = 16});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        const auto key = std::to_string((t * 7 + i) % 40);
        throttle.failed("a" + key, "b" + key);
        (void)throttle.blocked("a" + key, "b" + key);
        if (i % 13 == 0) throttle.succeeded("a" + key, "b" + key);
        if (t == 0 && i % 100 == 0) clock_.advance(seconds(7));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_LE(throttle.tracked_accounts(), 16U);
  EXPECT_LE(throttle.tracked_addresses(), 16U);
}

}  // namespace
}  // namespace tsunagu::identity
