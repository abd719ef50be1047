#pragma once
// Brute-force protection of residents' sign-in, in memory: a limit per account, against guessing
// one resident's password from many addresses, and a limit per client address, against trying
// a few common passwords on many accounts from one place.
//
// How a sign-in uses it: refuse while blocked() says so (without checking the password, and
// without calling failed()); otherwise check the password and report failed() or succeeded().
//
// - An account that fails `account_failures` times in a row (from any address) is locked for
//   `account_lock`. A success resets its count. A count that has not grown for `account_lock`
//   is forgotten, as is a lock that has been served. Accounts are the e-mail addresses residents
//   type, compared ignoring ASCII case.
// - An address with `address_failures` failures within the last `address_window` (for any
//   accounts) is blocked until the oldest of them leaves the window. A success does not clear
//   an address: an attacker who owns one account could otherwise reset the count between
//   guesses by signing in to it.
// - A failure reported while its account or address is blocked is not counted: it was not an
//   attempt that checked a password, and counting it would let the block grow without end.
// - A limit of 0 failures turns that limit off. An empty account or address is not tracked.
//
// Memory is bounded: at most `max_tracked` accounts and as many addresses. When a table is full,
// the entry that would be forgotten soonest is dropped to make room; that is also the one whose
// last failure is the oldest. Dropping state can only let an attacker try sooner, never lock a
// resident out, so a flood of new addresses or accounts costs protection, not availability.
//
// The state lives in one process: with several nodes each counts its own sign-ins, which
// multiplies the limits by the number of nodes at most.

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "model/time.hpp"

namespace tsunagu::identity {

struct ThrottleSettings {
  unsigned account_failures = 5;
  std::chrono::seconds account_lock{900};
  unsigned address_failures = 20;
  std::chrono::seconds address_window{600};
  std::size_t max_tracked = 100'000;
};

// Thread-safe: every method may be called from any thread.
class LoginThrottle {
 public:
  explicit LoginThrottle(const model::Clock& clock, ThrottleSettings settings = {});

  // How long a sign-in to `account` from `address` must wait (the longer of the account's and
  // the address's block, rounded up to whole seconds), or nullopt when it may go ahead.
  std::optional<std::chrono::seconds> blocked(std::string_view account, std::string_view address);
  // A sign-in whose password (or second factor) was wrong.
  void failed(std::string_view account, std::string_view address);
  // A sign-in that succeeded: the account's count of failures starts again.
  void succeeded(std::string_view account, std::string_view address);

  // How many accounts and addresses are remembered (for tests and metrics).
  std::size_t tracked_accounts() const;
  std::size_t tracked_addresses() const;

 private:
  // Failures in a row; locked once `account_failures` is reached.
  struct AccountState {
    unsigned failures = 0;
    model::Timestamp last_failure{};
  };
  // The latest failures of one address, oldest first; at most `address_failures` are kept,
  // since no more can matter.
  struct AddressState {
    std::deque<model::Timestamp> failures;
  };

  // States by key, each forgotten at its expiry, at most `capacity` of them. Defined in the .cpp,
  // the only place that uses it.
  template <typename State>
  class Table {
   public:
    explicit Table(std::size_t capacity) : capacity_(capacity) {}
    void forget_expired(model::Timestamp now);
    // The state of `key`, or nullptr; valid until the table is next changed.
    const State* find(const std::string& key) const;
    // Stores `state` for `key` until `expires`; when the table is full, first drops the entry
    // that expires soonest.
    void put(const std::string& key, State state, model::Timestamp expires);
    void erase(const std::string& key);
    std::size_t size() const { return entries_.size(); }

   private:
    struct Entry {
      State state;
      model::Timestamp expires;
    };
    std::size_t capacity_;
    std::unordered_map<std::string, Entry> entries_;
    // (expiry, key) of every entry; the keys view entries_' keys, which stay in place.
    std::set<std::pair<model::Timestamp, std::string_view>> by_expiry_;
  };

  std::optional<std::chrono::milliseconds> account_wait(const std::string& account,
                                                        model::Timestamp now) const;
  std::optional<std::chrono::milliseconds> address_wait(const std::string& address,
                                                        model::Timestamp now) const;
  void forget_expired(model::Timestamp now);

  // Constant after construction.
  const model::Clock& clock_;
  const ThrottleSettings settings_;

  mutable std::mutex mutex_;
  Table<AccountState> accounts_;   // guarded by mutex_; keys lower-cased
  Table<AddressState> addresses_;  // guarded by mutex_
};

}  // namespace tsunagu::identity
