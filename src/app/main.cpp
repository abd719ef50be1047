// The tsunagu command line: `tsunagu serve [options]`, `tsunagu --version`, and the
// administration subcommands of app/admin_commands.hpp.

#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>
#include <optional>

#include "app/admin_commands.hpp"
#include "app/config.hpp"
#include "app/serve.hpp"

namespace {

using tsunagu::app::Config;

struct ServeFlags {
  std::string config_file, listen, data_dir, store, ready_file, log_level, issuer, node_lease_ms;
  std::vector<std::string> context_maps;
  unsigned threads = 0;
  std::size_t max_body = 0, batch_max = 0;
  bool no_remote_contexts = false, demo_data = false, no_history = false, insecure = false;
  unsigned history_retention_days = 0;
};

void add_serve_flags(CLI::App& serve, ServeFlags& f) {
  serve.add_option("--config", f.config_file, "TOML configuration file");
  serve.add_option("--listen", f.listen, "HOST:PORT to listen on (default 127.0.0.1:1026)");
  serve.add_option("--data-dir", f.data_dir, "directory of the databases (default ./var)");
  serve.add_option("--store", f.store,
                   "tenants' data: 'sqlite' (default, under --data-dir) or a postgresql:// URL");
  serve.add_option("--node-lease-ms", f.node_lease_ms,
                   "with several nodes on PostgreSQL: a node silent this long is taken for dead "
                   "(default 15000)");
  serve.add_option("--threads", f.threads, "HTTP worker threads (default: one per core)");
  serve.add_option("--ready-file", f.ready_file, "file to write HOST:PORT to once listening");
  serve.add_option("--max-body-bytes", f.max_body, "largest request body (default 1 MiB)");
  serve.add_option("--batch-max", f.batch_max, "most entities in one batch (default 1000)");
  serve.add_option("--context-map", f.context_maps, "serve the @context URL from a file: URL=FILE");
  serve.add_flag("--no-remote-contexts", f.no_remote_contexts,
                 "never fetch @context URLs over the network");
  serve.add_flag("--demo-data", f.demo_data, "load the demo data set on first start");
  serve.add_flag("--no-history", f.no_history, "keep no history of changes (every tenant)");
  serve.add_flag("--insecure-no-auth", f.insecure,
                 "serve without requiring tokens (only when listening on loopback)");
  serve.add_option("--history-retention-days", f.history_retention_days,
                   "erase history recorded longer ago than this (default 0: keep it)");
  serve.add_option("--issuer", f.issuer,
                   "oneID's public URL (default http://<listen address>); see docs/security.md");
  serve.add_option("--log-level", f.log_level, "trace, debug, info, warn, error");
}

tsunagu::Status apply_flags(const ServeFlags& f, Config& c) {
  if (!f.listen.empty()) {
    if (auto st = tsunagu::app::set_listen(c, f.listen); !st) return st;
  }
  if (!f.data_dir.empty()) c.data_dir = f.data_dir;
  if (!f.store.empty()) {
    if (auto st = tsunagu::app::set_store(c, f.store); !st) return st;
  }
  if (!f.issuer.empty()) {
    if (auto st = tsunagu::app::set_issuer(c, f.issuer); !st) return st;
  }
  if (!f.node_lease_ms.empty()) {
    if (auto st = tsunagu::app::set_node_lease(c, f.node_lease_ms); !st) return st;
  }
  if (!f.ready_file.empty()) c.ready_file = f.ready_file;
  if (!f.log_level.empty()) c.log_level = f.log_level;
  if (f.threads) c.threads = f.threads;
  if (f.max_body) c.max_body_bytes = f.max_body;
  if (f.batch_max) c.batch_max = f.batch_max;
  if (f.no_remote_contexts) c.allow_remote_contexts = false;
  if (f.demo_data) c.demo_data = true;
  if (f.insecure) c.require_tokens = false;
  if (f.no_history) {
    c.history.enabled = false;
    for (auto& [tenant, rule] : c.history_tenants) rule.enabled = false;
  }
  if (f.history_retention_days) c.history.retention_days = f.history_retention_days;
  for (const auto& m : f.context_maps) {
    if (auto st = tsunagu::app::add_context_mapping(c, m); !st) return st;
  }
  return tsunagu::ok();
}

// Flags every subcommand shares: where the configuration and the data are.
struct CommonFlags {
  std::string config_file, data_dir, store;
};

void add_common_flags(CLI::App& cmd, CommonFlags& f) {
  cmd.add_option("--config", f.config_file, "TOML configuration file");
  cmd.add_option("--data-dir", f.data_dir, "directory of the databases (default ./var)");
  cmd.add_option("--store", f.store,
                 "where the platform's data is: 'sqlite' (default, under --data-dir) or the "
                 "postgresql:// URL the servers use");
}

// The configuration: defaults, the file, the environment; then `more` (the subcommand's flags).
std::optional<Config> load_config(const std::string& file,
                                  const std::function<tsunagu::Status(Config&)>& more) {
  Config config;
  if (!file.empty()) {
    if (auto st = tsunagu::app::load_config_file(file, config); !st) {
      std::cerr << "tsunagu: " << st.error().message << "\n";
      return std::nullopt;
    }
  }
  for (auto st : {tsunagu::app::apply_environment(config), more(config)}) {
    if (!st) {
      std::cerr << "tsunagu: " << st.error().message << "\n";
      return std::nullopt;
    }
  }
  return config;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Tsunagu: an open regional data-linkage platform (NGSI-LD context broker)"};
  app.set_version_flag("--version", std::string("tsunagu ") + TSUNAGU_VERSION);
  app.require_subcommand(1);
  ServeFlags flags;
  auto* serve = app.add_subcommand("serve", "run the server");
  add_serve_flags(*serve, flags);

  CommonFlags common;
  auto* keys = app.add_subcommand("keys", "oneID's signing keys");
  keys->require_subcommand(1);
  auto* rotate = keys->add_subcommand("rotate", "make a new signing key; the old one retires");
  add_common_flags(*rotate, common);

  auto* clients = app.add_subcommand("clients", "oneID's clients (service providers)");
  clients->require_subcommand(1);
  tsunagu::app::ClientFlags client;
  auto* add = clients->add_subcommand("add", "register a client and print its id and secret");
  add_common_flags(*add, common);
  add->add_option("--name", client.name, "what the client is called")->required();
  add->add_option("--scope", client.scopes, "a scope it may ask for (repeat for several)");
  add->add_option("--tenant", client.tenants, "a tenant it may use (default: all)");
  add->add_option("--type", client.types, "an entity type IRI it may use (default: all)");
  add->add_option("--redirect-uri", client.redirect_uris, "a redirect URI it may use");
  add->add_flag("--public", client.is_public, "a public client (no secret; PKCE required)");
  auto* list = clients->add_subcommand("list", "list the clients");
  add_common_flags(*list, common);
  std::string client_id;
  auto* remove = clients->add_subcommand("remove", "remove a client");
  add_common_flags(*remove, common);
  remove->add_option("id", client_id, "the client id")->required();

  auto* audit = app.add_subcommand("audit", "the audit log of accesses to personal data");
  audit->require_subcommand(1);
  auto* verify = audit->add_subcommand("verify", "check the audit log's hash chain");
  add_common_flags(*verify, common);
  auto* export_log = audit->add_subcommand("export", "print the audit log as JSON Lines");
  add_common_flags(*export_log, common);
  CLI11_PARSE(app, argc, argv);

  if (serve->parsed()) {
    auto config = load_config(flags.config_file, [&](Config& c) { return apply_flags(flags, c); });
    return config ? tsunagu::app::serve(*config) : 2;
  }
  auto config = load_config(common.config_file, [&](Config& c) {
    if (!common.data_dir.empty()) c.data_dir = common.data_dir;
    if (!common.store.empty()) return tsunagu::app::set_store(c, common.store);
    return tsunagu::ok();
  });
  if (!config) return 2;
  if (rotate->parsed()) return tsunagu::app::rotate_keys(*config, std::cout);
  if (add->parsed()) return tsunagu::app::add_client(*config, client, std::cout);
  if (list->parsed()) return tsunagu::app::list_clients(*config, std::cout);
  if (remove->parsed()) return tsunagu::app::remove_client(*config, client_id, std::cout);
  if (verify->parsed()) return tsunagu::app::verify_audit(*config, std::cout);
  if (export_log->parsed()) return tsunagu::app::export_audit(*config, std::cout);
  return 2;
}
