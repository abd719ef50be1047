#pragma once
// oneID as `tsunagu serve` runs it: the platform database, the key ring (a first key made on
// the first start), the token service and the client registry, wired once.

#include <memory>

#include "app/config.hpp"
#include "identity/client_registry.hpp"
#include "identity/key_ring.hpp"
#include "identity/token_service.hpp"
#include "store/sqlite/platform_db.hpp"

namespace tsunagu::app {

struct Identity {
  std::unique_ptr<store::sqlite::PlatformDb> db;
  std::unique_ptr<identity::KeyRing> keys;
  std::unique_ptr<identity::TokenService> tokens;
  std::unique_ptr<identity::ClientRegistry> clients;
};

Result<Identity> open_identity(const Config& config, const model::Clock& clock);

// Whether `host` names this machine only (127.0.0.0/8, ::1, localhost): the one place where
// serving without tokens is allowed.
bool is_loopback(std::string_view host);

}  // namespace tsunagu::app
