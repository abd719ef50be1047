#include "app/admin_commands.hpp"

#include <iostream>

#include "app/identity_setup.hpp"

namespace tsunagu::app {

namespace {

int failed(const Error& e) {
  std::cerr << "tsunagu: " << e.message << "\n";
  return 1;
}

std::string joined(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& s : list) out += (out.empty() ? "" : " ") + s;
  return out;
}

}  // namespace

int rotate_keys(const Config& config, std::ostream& out) {
  model::SystemClock clock;
  auto identity = open_identity(config, clock);
  if (!identity) return failed(identity.error());
  auto kid = identity->keys->rotate();
  if (!kid) return failed(kid.error());
  out << "new signing key " << *kid << "; the previous one verifies for "
      << config.access_token_lifetime.count() << " s more (running servers switch within 30 s)\n";
  return 0;
}

int add_client(const Config& config, const ClientFlags& flags, std::ostream& out) {
  model::SystemClock clock;
  auto identity = open_identity(config, clock);
  if (!identity) return failed(identity.error());
  identity::NewClient c;
  c.name = flags.name;
  c.scopes = flags.scopes;
  if (!flags.tenants.empty()) c.tenants = flags.tenants;
  if (!flags.types.empty()) c.types = flags.types;
  c.redirect_uris = flags.redirect_uris;
  c.confidential = !flags.is_public;
  auto created = identity->clients->create(std::move(c));
  if (!created) return failed(created.error());
  out << "client_id=" << created->record.id << "\n";
  if (!created->secret.empty()) {
    out << "client_secret=" << created->secret << "\n"
        << "(the secret is shown this once; keep it safe)\n";
  }
  return 0;
}

int list_clients(const Config& config, std::ostream& out) {
  model::SystemClock clock;
  auto identity = open_identity(config, clock);
  if (!identity) return failed(identity.error());
  auto clients = identity->clients->list();
  if (!clients) return failed(clients.error());
  for (const auto& c : *clients) {
    out << c.id << "  " << c.name << "  scopes: " << joined(c.scopes);
    if (c.tenants) out << "  tenants: " << joined(*c.tenants);
    out << "\n";
  }
  return 0;
}

int remove_client(const Config& config, const std::string& id, std::ostream& out) {
  model::SystemClock clock;
  auto identity = open_identity(config, clock);
  if (!identity) return failed(identity.error());
  if (auto st = identity->clients->remove(id); !st) return failed(st.error());
  out << "client " << id << " removed\n";
  return 0;
}

}  // namespace tsunagu::app
