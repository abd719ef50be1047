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
#include "identity/verified_tokens.hpp"
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
  std::string jti;             // to revoke it without verifying it again
  model::Timestamp expires{};  // its exp
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

// A resident's sign-in as a client received it: what its tokens say.
struct ResidentGrant {
  std::string subject;  // the account id
  std::vector<std::string> scopes;
  model::Timestamp auth_time{};
  std::vector<std::string> amr;
  std::string nonce;       // from the authorization request; empty when none was sent
  std::string session_id;  // "sid": names the browser session without revealing its cookie
};

// What an id_token_hint (RP-initiated logout) says, once its signature and issuer are checked.
struct IdTokenHint {
  std::string subject;
  std::string client_id;
  std::string session_id;
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

  // An access token for a resident, used by `client`: the client's tenant and type grants bound
  // it as they bound the client's own tokens.
  Result<IssuedToken> issue_for_resident(const store::ClientRecord& client,
                                         const ResidentGrant& grant);
  // The ID token (OpenID Connect Core 2) of that sign-in, for `client` (aud), with at_hash of
  // `access_token`.
  Result<std::string> issue_id_token(const store::ClientRecord& client, const ResidentGrant& grant,
                                     std::string_view access_token);
  // An ID token this issuer signed, expired or not (OpenID Connect RP-Initiated Logout 1.0 2:
  // an expired hint is still a hint); Unauthorized otherwise.
  Result<IdTokenHint> verify_id_token_hint(std::string_view token);

  // Unauthorized naming the problem for a token that is malformed, not ours, expired, not for
  // this audience or revoked.
  Result<Principal> verify(std::string_view token);

  // The principal of an Authorization header value "Bearer <token>" (RFC 6750 2.1). A missing
  // header is Unauthorized with the message kNoToken (the challenge then carries no error code).
  Result<Principal> verify_bearer(std::optional<std::string_view> authorization);
  static constexpr std::string_view kNoToken = "this request needs a bearer token";

  // Revokes a token this service issued (RFC 7009: a token that cannot be verified is ignored).
  Status revoke(std::string_view token);
  // Revokes the access token with this id (a replayed code revokes what it granted).
  Status revoke_id(const std::string& jti, model::Timestamp expires);
  // Refuses every access token of `subject` for one token lifetime, long enough for all those
  // issued so far to expire: for a deleted account, which gets no new ones. Kept as the
  // revocation of the id "sub:<subject>", which no jti can be (a jti has no ':').
  Status revoke_subject(const std::string& subject);

 private:
  bool revoked(const std::string& jti);
  boost::json::object common_claims(const store::ClientRecord& client,
                                    const std::vector<std::string>& scopes) const;
  // Signs an access token of these claims (typ at+jwt) with the current key.
  Result<IssuedToken> sign_access(const boost::json::object& claims,
                                  std::vector<std::string> scopes);

  KeyRing& keys_;
  store::IdentityStore& store_;
  std::atomic<std::shared_ptr<const TokenSettings>> settings_;
  const model::Clock& clock_;

  std::mutex mu_;
  std::unordered_map<std::string, model::Timestamp> revoked_;  // jti -> expiry; guarded by mu_
  // Tokens verified once: a few MB at most (a token is under 1 KB).
  static constexpr std::size_t kVerifiedCapacity = 10'000;
  VerifiedTokens<Principal> verified_{kVerifiedCapacity};
};

}  // namespace tsunagu::identity
