#pragma once
// The configuration of `tsunagu serve`: defaults, then a TOML file (--config), then TSUNAGU_*
// environment variables, then command-line flags; each later source overrides the earlier.

#include <boost/json/value.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/error.hpp"
#include "model/tenant.hpp"

namespace tsunagu::app {

struct Config {
  // [server]
  std::string host = "127.0.0.1";
  unsigned short port = 1026;
  unsigned threads = 0;  // 0: one per core, at least 2
  std::size_t max_body_bytes = 1024 * 1024;
  std::size_t max_header_bytes = 16 * 1024;
  std::chrono::seconds read_timeout{30};
  std::size_t max_connections = 10000;
  std::optional<std::filesystem::path> ready_file;  // written with "host:port" once listening

  // [storage]
  std::filesystem::path data_dir = "var";
  // Where tenants' data lives: empty for the embedded SQLite files under data_dir, or a
  // postgresql:// URL (docs/postgresql.md), which then also holds oneID, consent and the audit
  // log (the platform database; else <data_dir>/platform.sqlite).
  std::string store;
  // With several nodes on PostgreSQL: a node silent for this long is taken for dead and its
  // subscriptions move to the others (store/postgres/node_leases.hpp).
  std::chrono::milliseconds node_lease{15000};

  // [ngsild]
  std::size_t batch_max = 1000;
  std::size_t default_page_size = 20;
  std::size_t max_page_size = 1000;

  // [contexts]
  bool allow_remote_contexts = true;
  std::chrono::milliseconds context_fetch_timeout{5000};
  std::map<std::string, std::filesystem::path> context_map;  // URL -> local file

  // [auth]
  bool require_tokens = true;  // false only with --insecure-no-auth, and only on loopback
  std::string issuer;          // the public URL of oneID; "http://<listen address>" when empty
  std::chrono::seconds access_token_lifetime{600};
  // [auth.upstream.<id>]: OpenID providers residents may sign in with (docs/security.md).
  struct Upstream {
    std::string id, name, issuer, client_id, client_secret;
  };
  std::vector<Upstream> upstreams;

  // [history], and [history.tenants.<name>] per tenant ("_default" names the default tenant)
  struct HistoryRule {
    bool enabled = true;
    unsigned retention_days = 0;  // 0: kept forever
  };
  HistoryRule history;
  std::map<std::string, HistoryRule> history_tenants;

  // [[personal_data.<tenant>]]: which data of a tenant is personal, one table per rule
  // (docs/consent.md); "_default" names the default tenant. Kept as the JSON the admin API
  // takes, applied at start over what the admin API stored for those tenants.
  std::map<std::string, boost::json::value> personal_data;

  // [mail]: what oneID sends residents. Every mail is spooled in <data_dir>/outbox
  // (notify/mail_outbox.hpp); with an SMTP URL a relay delivers it from there
  // (notify/smtp_relay.hpp).
  std::string mail_from = "Tsunagu oneID <noreply@localhost>";  // the From of every mail
  std::string smtp_url;  // smtp://host:port or smtps://host:port; empty: the outbox only
  std::string smtp_username;
  std::string smtp_password;
  bool smtp_require_tls = false;  // STARTTLS required for smtp://
  std::chrono::milliseconds smtp_timeout{10000};

  // [demo]
  bool demo_data = false;
  std::filesystem::path demo_dir = "data/demo";

  // [log]
  std::string log_level = "info";
};

// Reads a TOML file over `config`. Unknown keys are errors: a misspelt setting must not be
// silently ignored.
Status load_config_file(const std::filesystem::path& file, Config& config);

// Applies TSUNAGU_LISTEN, TSUNAGU_DATA_DIR, TSUNAGU_THREADS, TSUNAGU_LOG_LEVEL, TSUNAGU_ISSUER,
// TSUNAGU_SMTP_URL (empty: the outbox only) and TSUNAGU_SMTP_PASSWORD.
Status apply_environment(Config& config);

// "host:port" (IPv6 as "[::1]:1026").
Status set_listen(Config& config, std::string_view listen);

// "URL=FILE".
// The public URL of oneID: an absolute http(s) URL without query or fragment; a trailing slash
// is dropped.
Status set_issuer(Config& config, std::string_view issuer);
// "sqlite" (the default) or a postgresql:// (postgres://) URL.
Status set_store(Config& config, std::string_view store);
Status set_node_lease(Config& config, std::string_view milliseconds);
Status add_context_mapping(Config& config, std::string_view mapping);

}  // namespace tsunagu::app
