#include "app/identity_setup.hpp"

#include "api/oidc/mail_composer.hpp"
#include "http/fetch.hpp"

namespace tsunagu::app {

Result<Identity> open_identity(const Config& config, const model::Clock& clock) {
  Identity id;
  auto db = open_platform_store(config);
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

Status open_residents(Identity& id, const Config& config, const model::Clock& clock) {
  auto outbox = notify::MailOutbox::open(std::filesystem::path(config.data_dir) / "outbox",
                                         config.mail_from, clock);
  if (!outbox) return std::unexpected(outbox.error());
  id.outbox = std::move(*outbox);
  if (!config.smtp_url.empty()) {
    notify::SmtpSettings smtp;
    smtp.url = config.smtp_url;
    smtp.username = config.smtp_username;
    smtp.password = config.smtp_password;
    smtp.require_tls = config.smtp_require_tls;
    smtp.timeout = config.smtp_timeout;
    auto relay = notify::SmtpRelay::create(id.outbox->directory(), std::move(smtp));
    if (!relay) return std::unexpected(relay.error());
    id.relay = std::move(*relay);
    id.outbox->on_send([relay = id.relay.get()] { relay->wake(); });
    id.relay->start();
  }
  id.throttle = std::make_unique<identity::LoginThrottle>(clock);
  id.accounts = std::make_unique<identity::AccountService>(
      *id.db, *id.throttle, api::oidc::make_mailer(*id.outbox, *id.tokens), clock);
  id.authorization =
      std::make_unique<identity::AuthorizationService>(*id.db, *id.clients, *id.tokens, clock);
  // The upstream providers' discovery, JWKS and token endpoints, over the HTTP client.
  auto web = [](const identity::WebRequest& r) -> Result<identity::WebReply> {
    http::FetchOptions options;
    options.accept = "application/json";
    options.method = r.method;
    options.body = r.body;
    options.content_type = r.content_type;
    options.authorization = r.authorization;
    auto reply = http::fetch(r.url, options);
    if (!reply) return std::unexpected(reply.error());
    return identity::WebReply{reply->status, std::move(reply->body)};
  };
  for (const auto& u : config.upstreams) {
    identity::UpstreamSettings s;
    s.id = u.id;
    s.name = u.name;
    s.issuer = u.issuer;
    s.client_id = u.client_id;
    s.client_secret = u.client_secret;
    id.upstreams.push_back(
        std::make_unique<identity::UpstreamProvider>(std::move(s), *id.db, web, clock));
  }
  return ok();
}

bool is_loopback(std::string_view host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.starts_with("127.");
}

}  // namespace tsunagu::app
