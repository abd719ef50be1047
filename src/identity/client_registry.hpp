#pragma once
// Service providers registered with oneID (docs/design/identity.md): who they are, what they
// may ask for, and how they prove it. A confidential client gets a random 256-bit secret,
// shown once; only its SHA-256 is stored.

#include <optional>
#include <string>
#include <vector>

#include "model/time.hpp"
#include "store/identity_store.hpp"

namespace tsunagu::identity {

struct NewClient {
  std::string name;
  std::vector<std::string> scopes;
  std::optional<std::vector<std::string>> tenants;  // "_default" is the default tenant
  // Entity types: IRIs, or terms that the core context expands (as for a request without a
  // Link header).
  std::optional<std::vector<std::string>> types;
  std::vector<std::string> redirect_uris;
  bool confidential = true;
};

struct CreatedClient {
  store::ClientRecord record;
  std::string secret;  // empty for a public client
};

// Thread-safe: it keeps nothing but references.
class ClientRegistry {
 public:
  ClientRegistry(store::IdentityStore& store, const model::Clock& clock)
      : store_(store), clock_(clock) {}

  // BadRequestData for an empty name, an unknown scope, a tenant name that cannot be one, or a
  // redirect URI that is not an absolute http(s) URI without a fragment.
  Result<CreatedClient> create(NewClient client);
  Result<std::vector<store::ClientRecord>> list();
  // ResourceNotFound when there is no such client.
  Result<store::ClientRecord> get(std::string_view id);
  Status remove(std::string_view id);
  // The client these credentials are; Unauthorized with one message whether the id or the secret
  // is wrong, so that the answer tells nobody which ids exist.
  Result<store::ClientRecord> authenticate(std::string_view id, std::string_view secret);

 private:
  store::IdentityStore& store_;
  const model::Clock& clock_;
};

}  // namespace tsunagu::identity
