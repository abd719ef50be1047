#pragma once
// oneID as `tsunagu serve` runs it: the platform database, the key ring (a first key made on
// the first start), the token service and the client registry, wired once.

#include <memory>

#include "app/config.hpp"
#include "app/platform_store.hpp"
#include "identity/accounts.hpp"
#include "identity/authorization.hpp"
#include "identity/client_registry.hpp"
#include "identity/key_ring.hpp"
#include "identity/login_throttle.hpp"
#include "identity/token_service.hpp"
#include "identity/upstream.hpp"
#include "notify/mail_outbox.hpp"
#include "notify/smtp_relay.hpp"

namespace tsunagu::app {

struct Identity {
  std::unique_ptr<store::PlatformDb> db;
  std::unique_ptr<identity::KeyRing> keys;
  std::unique_ptr<identity::TokenService> tokens;
  std::unique_ptr<identity::ClientRegistry> clients;
  // The residents' side, made by open_residents() for `tsunagu serve` only. The relay is
  // declared first so that it outlives the outbox, whose callback wakes it.
  std::unique_ptr<notify::SmtpRelay> relay;
  std::unique_ptr<notify::MailOutbox> outbox;
  std::unique_ptr<identity::LoginThrottle> throttle;
  std::unique_ptr<identity::AccountService> accounts;
  std::unique_ptr<identity::AuthorizationService> authorization;
  std::vector<std::unique_ptr<identity::UpstreamProvider>> upstreams;
};

Result<Identity> open_identity(const Config& config, const model::Clock& clock);
// Adds accounts, sign-in and the code flow to `id`, with mail spooled in <data-dir>/outbox.
Status open_residents(Identity& id, const Config& config, const model::Clock& clock);

// Whether `host` names this machine only (127.0.0.0/8, ::1, localhost): the one place where
// serving without tokens is allowed.
bool is_loopback(std::string_view host);

}  // namespace tsunagu::app
