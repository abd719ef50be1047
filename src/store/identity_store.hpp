#pragma once
// The storage contract of oneID (docs/design/identity.md): the platform's signing keys, the
// registered clients and the access tokens revoked before they expire. Unlike entities these
// belong to no tenant: one platform database holds them. Every write is durable when it
// returns; every method returns errors as values and may be called from any thread.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/error.hpp"
#include "model/time.hpp"

namespace tsunagu::store {

struct StoredKey {
  std::string kid;
  std::string private_pem;
  model::Timestamp created{};
  std::optional<model::Timestamp> retired;  // no longer signs from then on
};

// A client as registered. Lists are expanded names; an unset list allows everything.
struct ClientRecord {
  std::string id;
  std::string name;
  std::string secret_hash;          // base64url SHA-256 of the secret; empty for a public client
  std::vector<std::string> scopes;  // what it may ask for
  std::optional<std::vector<std::string>> tenants;  // "_default" names the default tenant
  std::optional<std::vector<std::string>> types;    // entity types, expanded IRIs
  std::vector<std::string> redirect_uris;
  model::Timestamp created{};
};

struct RevokedToken {
  std::string jti;
  model::Timestamp expires{};  // kept until then
};

class IdentityStore {
 public:
  virtual ~IdentityStore() = default;

  virtual Result<std::vector<StoredKey>> keys() = 0;
  // Adds `key` and retires every other key not yet retired, at key.created.
  virtual Status add_signing_key(const StoredKey& key) = 0;
  // Forgets keys retired before `before` (their tokens have all expired).
  virtual Status forget_keys_retired_before(model::Timestamp before) = 0;

  virtual Result<std::vector<ClientRecord>> clients() = 0;
  virtual Result<std::optional<ClientRecord>> client(std::string_view id) = 0;
  // Inserts, or replaces the client with that id.
  virtual Status put_client(const ClientRecord& client) = 0;
  virtual Result<bool> remove_client(std::string_view id) = 0;

  // Records the revocation, and forgets revocations of tokens expired by `now`.
  virtual Status revoke(const RevokedToken& token, model::Timestamp now) = 0;
  // Those whose `expires` is after `now`.
  virtual Result<std::vector<RevokedToken>> revoked(model::Timestamp now) = 0;
};

}  // namespace tsunagu::store
