#pragma once
// Access tokens (docs/design/identity.md, "Tokens"): JWTs signed with the key ring's current
// key, verified locally against the ring, and revocable before they expire (RFC 7009) through
// a set of revoked ids kept in memory and in the platform database.
//
// Thread-safety: every method may be called from any thread; revoked_ is guarded by mu_.

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "identity/key_ring.hpp"
#include "model/time.hpp"
#include "store/identity_store.hpp"

namespace tsunagu::identity {

struct TokenSettings {
  std::string issuer;    // the issuer URL, also the default audience
  std::string audience;  // the resource the tokens are for (the broker)
  std::chrono::seconds access_lifetime{600};
};

struct IssuedToken {
  std::string access_token;
  std::chrono::seconds expires_in{};
  std::vector<std::string> scopes;
};

// Who a verified token speaks for, and what it was granted.
struct Principal {
  std::string subject;
  std::string client_id;
  std::string jti;
  std::set<std::string> scopes;
  std::optional<std::vector<std::string>> tenants;  // unset: every tenant
  std::optional<std::vector<std::string>> types;    // unset: every entity type
  model::Timestamp issued{};
  model::Timestamp expires{};

  bool has(std::string_view scope) const { return scopes.contains(std::string(scope)); }
};

class TokenService {
 public:
  TokenService(KeyRing& keys, store::IdentityStore& store, TokenSettings settings,
               const model::Clock& clock)
      : keys_(keys),
        store_(store),
        settings_(std::make_shared<const TokenSettings>(std::move(settings))),
        clock_(clock) {}

  std::shared_ptr<const TokenSettings> settings() const { return settings_.load(); }
  // For an issuer known only once the server listens (a port chosen by the system): sets the
  // issuer, and the audience when it was the issuer's.
  void set_issuer(std::string issuer);

  // Loads the revocations of tokens that have not expired.
  Status load_revocations();

  // A token for the client itself (the client_credentials grant). `requested`: the scopes asked
  // for, all the client may have when none; asking for one it may not have is an error (title
  // "invalid_scope").
  Result<IssuedToken> issue_for_client(const store::ClientRecord& client,
                                       const std::vector<std::string>& requested);

  // Unauthorized naming the problem for a token that is malformed, not ours, expired, not for
  // this audience or revoked.
  Result<Principal> verify(std::string_view token);

  // The principal of an Authorization header value "Bearer <token>" (RFC 6750 2.1). A missing
  // header is Unauthorized with the message kNoToken (the challenge then carries no error code).
  Result<Principal> verify_bearer(std::optional<std::string_view> authorization);
  static constexpr std::string_view kNoToken = "this request needs a bearer token";

  // Revokes a token this service issued (RFC 7009: a token that cannot be verified is ignored).
  Status revoke(std::string_view token);

 private:
  bool revoked(const std::string& jti);

  KeyRing& keys_;
  store::IdentityStore& store_;
  std::atomic<std::shared_ptr<const TokenSettings>> settings_;
  const model::Clock& clock_;

  std::mutex mu_;
  std::unordered_map<std::string, model::Timestamp> revoked_;  // jti -> expiry; guarded by mu_
};

}  // namespace tsunagu::identity
