#include "app/identity_setup.hpp"

namespace tsunagu::app {

Result<Identity> open_identity(const Config& config, const model::Clock& clock) {
  Identity id;
  auto db = store::sqlite::PlatformDb::open(config.data_dir);
  if (!db) return std::unexpected(db.error());
  id.db = std::move(*db);
  id.keys = std::make_unique<identity::KeyRing>(*id.db, clock, config.access_token_lifetime);
  if (auto st = id.keys->load(); !st) return std::unexpected(st.error());
  identity::TokenSettings settings;
  settings.issuer = config.issuer;
  settings.audience = config.issuer;
  settings.access_lifetime = config.access_token_lifetime;
  id.tokens = std::make_unique<identity::TokenService>(*id.keys, *id.db, settings, clock);
  if (auto st = id.tokens->load_revocations(); !st) return std::unexpected(st.error());
  id.clients = std::make_unique<identity::ClientRegistry>(*id.db, clock);
  return id;
}

bool is_loopback(std::string_view host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.starts_with("127.");
}

}  // namespace tsunagu::app
