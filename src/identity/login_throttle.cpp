#include "identity/login_throttle.hpp"

#include <algorithm>

namespace tsunagu::identity {

namespace {

using std::chrono::milliseconds;

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The longer of two waits, either of which may be absent.
std::optional<milliseconds> longer(std::optional<milliseconds> a, std::optional<milliseconds> b) {
  if (!a) return b;
  if (!b) return a;
  return std::max(*a, *b);
}

}  // namespace

// ---- Table -----------------------------------------------------------------------------------

template <typename State>
void LoginThrottle::Table<State>::forget_expired(model::Timestamp now) {
  while (!by_expiry_.empty() && by_expiry_.begin()->first <= now) {
    const auto entry = entries_.find(std::string(by_expiry_.begin()->second));
    by_expiry_.erase(by_expiry_.begin());
    entries_.erase(entry);
  }
}

template <typename State>
const State* LoginThrottle::Table<State>::find(const std::string& key) const {
  const auto at = entries_.find(key);
  return at == entries_.end() ? nullptr : &at->second.state;
}

template <typename State>
void LoginThrottle::Table<State>::put(const std::string& key, State state,
                                      model::Timestamp expires) {
  if (const auto at = entries_.find(key); at != entries_.end()) {
    by_expiry_.erase({at->second.expires, at->first});
    at->second = Entry{std::move(state), expires};
    by_expiry_.emplace(expires, at->first);
    return;
  }
  if (capacity_ == 0) return;
  if (entries_.size() >= capacity_) erase(std::string(by_expiry_.begin()->second));
  const auto [at, inserted] = entries_.emplace(key, Entry{std::move(state), expires});
  by_expiry_.emplace(expires, at->first);
}

template <typename State>
void LoginThrottle::Table<State>::erase(const std::string& key) {
  const auto at = entries_.find(key);
  if (at == entries_.end()) return;
  by_expiry_.erase({at->second.expires, at->first});
  entries_.erase(at);
}

// ---- LoginThrottle ---------------------------------------------------------------------------

LoginThrottle::LoginThrottle(const model::Clock& clock, ThrottleSettings settings)
    : clock_(clock),
      settings_(settings),
      accounts_(settings.max_tracked),
      addresses_(settings.max_tracked) {}

std::optional<std::chrono::seconds> LoginThrottle::blocked(std::string_view account,
                                                           std::string_view address) {
  const std::lock_guard lock(mutex_);
  const auto now = clock_.now();
  forget_expired(now);
  const auto wait =
      longer(account_wait(ascii_lower(account), now), address_wait(std::string(address), now));
  if (!wait) return std::nullopt;
  return std::chrono::ceil<std::chrono::seconds>(*wait);
}

void LoginThrottle::failed(std::string_view account, std::string_view address) {
  const std::lock_guard lock(mutex_);
  const auto now = clock_.now();
  forget_expired(now);
  const auto account_key = ascii_lower(account);
  if (!account_key.empty() && settings_.account_failures > 0 && !account_wait(account_key, now)) {
    const auto* known = accounts_.find(account_key);
    AccountState state = known ? *known : AccountState{};
    ++state.failures;
    state.last_failure = now;
    // A lock starts at the failure that reaches the limit and ends when the entry expires.
    accounts_.put(account_key, state, now + settings_.account_lock);
  }
  const std::string address_key(address);
  if (!address_key.empty() && settings_.address_failures > 0 && !address_wait(address_key, now)) {
    const auto* known = addresses_.find(address_key);
    AddressState state = known ? *known : AddressState{};
    auto& failures = state.failures;
    while (!failures.empty() && failures.front() + settings_.address_window <= now) {
      failures.pop_front();
    }
    failures.push_back(now);
    while (failures.size() > settings_.address_failures) failures.pop_front();
    addresses_.put(address_key, std::move(state), now + settings_.address_window);
  }
}

void LoginThrottle::succeeded(std::string_view account, std::string_view /*address*/) {
  const std::lock_guard lock(mutex_);
  accounts_.erase(ascii_lower(account));
}

std::size_t LoginThrottle::tracked_accounts() const {
  const std::lock_guard lock(mutex_);
  return accounts_.size();
}

std::size_t LoginThrottle::tracked_addresses() const {
  const std::lock_guard lock(mutex_);
  return addresses_.size();
}

std::optional<milliseconds> LoginThrottle::account_wait(const std::string& account,
                                                        model::Timestamp now) const {
  const auto* state = accounts_.find(account);
  if (!state || settings_.account_failures == 0 || state->failures < settings_.account_failures) {
    return std::nullopt;
  }
  const auto wait = state->last_failure + settings_.account_lock - now;
  return wait > milliseconds::zero() ? std::optional(wait) : std::nullopt;
}

std::optional<milliseconds> LoginThrottle::address_wait(const std::string& address,
                                                        model::Timestamp now) const {
  const auto* state = addresses_.find(address);
  if (!state || settings_.address_failures == 0) return std::nullopt;
  const auto& failures = state->failures;
  // Failures are kept oldest first: those still in the window are a suffix.
  const auto first_counted = std::find_if(
      failures.begin(), failures.end(), [&](auto t) { return t + settings_.address_window > now; });
  const auto counted = static_cast<std::size_t>(failures.end() - first_counted);
  if (counted < settings_.address_failures) return std::nullopt;
  return *first_counted + settings_.address_window - now;
}

void LoginThrottle::forget_expired(model::Timestamp now) {
  accounts_.forget_expired(now);
  addresses_.forget_expired(now);
}

}  // namespace tsunagu::identity
