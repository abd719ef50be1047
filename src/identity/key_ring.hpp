#pragma once
// The platform's signing keys (docs/design/identity.md, "Tokens"): the newest signs; older ones
// still verify until every token they signed has expired, so a rotation never invalidates a
// token in flight. Keys live in the platform database; another process (`tsunagu keys rotate`)
// may add one, and the ring sees it within kReloadAfter (on the ring's clock), or at once when a
// token names a key it does not know yet (one read of a small table, at most once per
// kUnknownKidReloadAfter: tokens with made-up kids must not turn every request into a read).
//
// Thread-safety: every method may be called from any thread. keys_ and loaded_ are guarded by
// mu_; the rest is constant after construction.

#include <boost/json/object.hpp>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "identity/crypto.hpp"
#include "model/time.hpp"
#include "store/identity_store.hpp"

namespace tsunagu::identity {

class KeyRing {
 public:
  static constexpr std::chrono::seconds kReloadAfter{30};
  static constexpr std::chrono::seconds kUnknownKidReloadAfter{1};
  // Tokens are accepted this long past their expiry (clocks of other machines drift).
  static constexpr std::chrono::seconds kClockSkew{30};

  // `token_lifetime`: the longest a token signed by a key lives, which is how long a retired key
  // keeps verifying.
  KeyRing(store::IdentityStore& store, const model::Clock& clock,
          std::chrono::seconds token_lifetime)
      : store_(store), clock_(clock), token_lifetime_(token_lifetime) {}

  // Loads the stored keys; creates and stores the first when there is none.
  Status load();
  // Adds a new signing key; returns its kid. The previous one retires.
  Result<std::string> rotate();

  struct Signer {
    std::string kid;
    EcKey key;
  };
  Result<Signer> signer();
  // The key that verifies tokens naming `kid`, if it may still have unexpired tokens.
  std::optional<EcKey> verifier(std::string_view kid);
  // {"keys": [...]}: the keys that may verify a token now, each with "kid", "use", "alg".
  boost::json::object jwks();

  // The RFC 7638 thumbprint of a public key: its kid.
  static std::string thumbprint(const EcKey& key);

 private:
  struct Entry {
    std::string kid;
    EcKey key;
    std::optional<model::Timestamp> retired;
  };
  Status reload_locked();
  void refresh_if_stale_locked();
  bool verifies_locked(const Entry& e, model::Timestamp now) const;

  store::IdentityStore& store_;
  const model::Clock& clock_;
  const std::chrono::seconds token_lifetime_;

  std::mutex mu_;
  std::vector<Entry> keys_;    // guarded by mu_; oldest first
  model::Timestamp loaded_{};  // guarded by mu_
};

}  // namespace tsunagu::identity
