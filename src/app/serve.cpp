#include "app/serve.hpp"

#include <spdlog/async.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <fstream>
#include <thread>

#include "api/consent/consent_api.hpp"
#include "api/ngsild/access.hpp"
#include "api/ngsild/api.hpp"
#include "api/ngsild/notification_deliverer.hpp"
#include "api/ngsild/problem.hpp"
#include "api/ngsild/usage.hpp"
#include "api/oidc/oidc.hpp"
#include "app/context_loader.hpp"
#include "app/demo_data.hpp"
#include "app/health.hpp"
#include "app/identity_setup.hpp"
#include "app/node_name.hpp"
#include "app/periodic.hpp"
#include "app/platform_refresh.hpp"
#include "app/resident_erasure.hpp"
#include "broker/entity_service.hpp"
#include "broker/history_recorder.hpp"
#include "broker/history_retention.hpp"
#include "broker/subject_data.hpp"
#include "broker/subscription_service.hpp"
#include "broker/temporal_service.hpp"
#include "consent/access_policy.hpp"
#include "consent/audit_trail.hpp"
#include "consent/consent_service.hpp"
#include "http/server.hpp"
#include "jsonld/resolver.hpp"
#include "model/time.hpp"
#include "notify/dispatcher.hpp"
#include "notify/http_sender.hpp"
#include "notify/mqtt_sender.hpp"
#include "store/postgres/connection.hpp"
#include "store/postgres/pg_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace tsunagu::app {
namespace {

constexpr std::size_t kBlockingThreads = 16;
constexpr std::size_t kQueryThreads = 8;  // TenantDbOptions::max_readers
// Routes that may wait (http/server.hpp): a few Argon2id hashes at 64 MiB each at once at most.
constexpr std::size_t kWaitingRouteThreads = 4;

http::ServerOptions server_options(const Config& c) {
  http::ServerOptions o;
  o.host = c.host;
  o.port = c.port;
  o.threads = c.threads ? c.threads : std::max(2u, std::thread::hardware_concurrency());
  o.body_limit = c.max_body_bytes;
  o.header_limit = c.max_header_bytes;
  o.read_timeout = c.read_timeout;
  o.max_connections = c.max_connections;
  return o;
}

// Written to a temporary name and renamed, so a reader never sees a partial address.
Status write_ready_file(const std::filesystem::path& file, const std::string& address) {
  auto tmp = file;
  tmp += ".tmp";
  {
    std::ofstream out(tmp);
    out << address << "\n";
    if (!out) return fail(ErrorKind::InternalError, "cannot write " + tmp.string());
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  if (ec) return fail(ErrorKind::InternalError, "cannot write " + file.string());
  return ok();
}

std::unique_ptr<jsonld::DocumentLoader> document_loader(const Config& c) {
  ContextLoaderOptions options;
  options.local_files = c.context_map;
  options.allow_remote = c.allow_remote_contexts;
  options.fetch.timeout = c.context_fetch_timeout;
  return std::make_unique<ContextLoader>(std::move(options));
}

// Log lines are written by a thread of their own, so an access log line per request costs the
// HTTP threads a copy of the message, not a write to stderr. When the queue is full, callers
// wait rather than lose lines.
void use_async_logging(const std::string& level) {
  spdlog::init_thread_pool(16384, 1);
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::async_logger>(
      "tsunagu", std::move(sink), spdlog::thread_pool(), spdlog::async_overflow_policy::block);
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
  spdlog::flush_every(std::chrono::seconds(1));
}

int serve_until_stopped(const Config& config);

broker::HistoryPolicy history_policy_of(const Config& c) {
  auto rule = [](const Config::HistoryRule& r) {
    broker::HistoryPolicy::Rule out;
    out.enabled = r.enabled;
    if (r.retention_days > 0) out.retention_days = r.retention_days;
    return out;
  };
  broker::HistoryPolicy policy;
  policy.defaults = rule(c.history);
  for (const auto& [name, r] : c.history_tenants) {
    policy.tenants[name == "_default" ? std::string() : name] = rule(r);
  }
  return policy;
}

// [[personal_data.<tenant>]] over what the admin API stored for those tenants.
Status apply_personal_data_config(const Config& config, consent::ConsentService& consents) {
  for (const auto& [label, json] : config.personal_data) {
    auto rules = consent::rules_from_terms(json);
    if (!rules) {
      return fail(ErrorKind::BadRequestData, "tenant '" + label + "': " + rules.error().message);
    }
    if (auto st = consents.set_rules(model::tenant_key(label), std::move(*rules)); !st) return st;
  }
  return ok();
}

}  // namespace

int serve(const Config& config) {
  use_async_logging(config.log_level);
  const int code = serve_until_stopped(config);
  spdlog::shutdown();  // writes what is queued
  return code;
}

namespace {

// Tenants' data: the SQLite files under the data directory, or PostgreSQL.
Result<std::unique_ptr<store::Store>> open_store(const Config& config) {
  if (config.store.empty()) {
    auto s = store::sqlite::SqliteStore::open(config.data_dir);
    if (!s) return std::unexpected(s.error());
    return std::unique_ptr<store::Store>(std::move(*s));
  }
  auto node = node_name(config.data_dir);
  if (!node) return std::unexpected(node.error());
  auto s = store::postgres::PgStore::open(config.store,
                                          {.node = *node, .leases = {.lease = config.node_lease}});
  if (!s) return std::unexpected(s.error());
  return std::unique_ptr<store::Store>(std::move(*s));
}

int serve_until_stopped(const Config& config) {
  const auto started = std::chrono::steady_clock::now();

  auto store = open_store(config);
  if (!store) {
    spdlog::critical("{}", store.error().message);
    return 1;
  }
  model::SystemClock clock;
  if (!config.require_tokens && !is_loopback(config.host)) {
    spdlog::critical("--insecure-no-auth is only allowed when listening on loopback, not on {}",
                     config.host);
    return 2;
  }
  auto identity = open_identity(config, clock);
  if (identity) {
    if (auto st = open_residents(*identity, config, clock); !st) {
      identity = std::unexpected(st.error());
    }
  }
  if (!identity) {
    spdlog::critical("oneID: {}", identity.error().message);
    return 1;
  }
  // Consent: the rules and grants in memory, the policy every read of personal data goes
  // through, and the audit it writes.
  consent::RuleBook rule_book;
  consent::GrantIndex grant_index;
  const consent::AccessPolicy policy(rule_book, grant_index, clock);
  consent::AuditTrail audit(*identity->db, clock);
  consent::ConsentService consents(
      *identity->db, rule_book, grant_index, clock,
      [&identity](std::string_view id) { return identity->clients->get(id).has_value(); },
      [&identity](std::string_view subject) {
        auto account = identity->db->account(subject);
        return account && account->has_value();
      });
  if (auto st = consents.load(); !st) {
    spdlog::critical("consent: {}", st.error().message);
    return 1;
  }
  if (auto st = apply_personal_data_config(config, consents); !st) {
    spdlog::critical("[personal_data]: {}", st.error().message);
    return 1;
  }

  jsonld::ContextResolver contexts(document_loader(config));
  broker::EntityService entities(**store, clock);
  entities.check_personal_data(rule_book);
  broker::SubjectData subject_data(**store, rule_book);
  identity->accounts->before_delete([&](std::string_view subject) {
    return erase_resident(subject, consents, subject_data, *identity->db, clock);
  });
  // History first, so that everything written from here on, demo data included, is recorded.
  const auto history_policy = history_policy_of(config);
  broker::HistoryRecorder history(history_policy, clock);
  entities.add_observer(&history);
  broker::TemporalService temporal(**store, clock);
  broker::HistoryRetention retention(**store, history_policy, clock);
  // Requests that may wait on a remote @context run here, never on the HTTP threads.
  boost::asio::thread_pool blocking_pool(kBlockingThreads);
  // Queries (which may scan) run here; as many threads as a tenant has reader connections.
  boost::asio::thread_pool query_pool(kQueryThreads);
  const api::ngsild::ApiDeps deps{
      entities,
      contexts,
      {config.batch_max, config.default_page_size, config.max_page_size},
      [&blocking_pool](std::function<void()> task) {
        boost::asio::post(blocking_pool, std::move(task));
      },
      [&query_pool](std::function<void()> task) { boost::asio::post(query_pool, std::move(task)); },
      &policy,
      &audit};

  if (config.demo_data) {
    if (auto st = load_demo_data(config.demo_dir, config.data_dir, entities, contexts); !st) {
      spdlog::warn("demo data not loaded: {}", st.error().message);
    }
  }

  // Notifications: senders behind one dispatcher (a queue per endpoint), the NGSI-LD renderer,
  // and the subscription service, which owes notifications inside each write's transaction.
  auto http_sender = notify::HttpSender::create();
  if (!http_sender) {
    spdlog::critical("{}", http_sender.error().message);
    return 1;
  }
  std::vector<std::unique_ptr<notify::Sender>> senders;
  senders.push_back(std::move(*http_sender));
  senders.push_back(std::make_unique<notify::MqttSender>());
  notify::Dispatcher dispatcher({}, std::move(senders));
  api::ngsild::NotificationDeliverer deliverer(dispatcher, contexts, clock, deps.run_blocking);
  deliverer.guard_personal_data(policy, audit);
  // Declared before the subscriptions, whose stop() ends the coordination's calls to it.
  PlatformRefresh platform_refresh(*identity->keys, *identity->tokens, consents);
  (*store)->coordination().watch(platform_refresh);
  broker::SubscriptionService subscriptions(**store, clock, deliverer);
  if (auto st = subscriptions.start(); !st) {
    spdlog::critical("subscriptions not loaded: {}", st.error().message);
    return 1;
  }
  entities.add_observer(&subscriptions);

  http::Router router;
  register_health(router, started);
  api::ngsild::register_routes(router, deps);
  api::ngsild::register_subscription_routes(router, deps, subscriptions, clock);
  api::ngsild::register_temporal_routes(router, deps, temporal);
  // Metering inside the token check, which must have named the client first.
  metering::UsageMeter meter(*identity->db, clock);
  api::ngsild::meter_usage(router, meter);
  if (config.require_tokens) api::ngsild::require_tokens(router, *identity->tokens);
  const api::oidc::OidcDeps oidc{*identity->tokens,
                                 *identity->keys,
                                 *identity->clients,
                                 *identity->accounts,
                                 *identity->authorization,
                                 identity->upstreams,
                                 config.require_tokens,
                                 config.issuer.starts_with("https://"),
                                 &consents,
                                 identity->db.get()};
  api::oidc::register_oauth_routes(router, oidc);
  api::oidc::register_admin_routes(router, oidc);
  api::oidc::register_browser_routes(router, oidc);
  const api::consent_api::ConsentDeps consent_deps{consents,          *identity->db,
                                                   *identity->tokens, *identity->clients,
                                                   subject_data,      config.require_tokens};
  api::consent_api::register_consent_routes(router, consent_deps);
  api::consent_api::register_personal_data_routes(router, consent_deps);
  const api::consent_api::UsageDeps usage_deps{meter, *identity->db, *identity->tokens, clock,
                                               config.require_tokens};
  api::consent_api::register_usage_routes(router, usage_deps);
  // The HTTP loops never wait (http/server.hpp). What may is run on threads of its own: oneID's
  // password hashes and remote sign-ins, the synchronous writes of the platform database, and
  // with PostgreSQL every read, which is a round trip. NGSI-LD on the embedded store reads from
  // memory and writes through the group commit's callbacks: it stays on the loops, as does the
  // health check.
  boost::asio::thread_pool waiting_pool(kWaitingRouteThreads);
  const bool postgres = !config.store.empty();
  router.wrap(
      "/",
      [&waiting_pool, postgres](const std::string&, const std::string& pattern,
                                http::Handler handler) -> http::Handler {
        const bool stays = pattern == "/health" || (!postgres && pattern.starts_with("/ngsi-ld/"));
        if (stays) return handler;
        return http::offloaded(std::move(handler), [&waiting_pool](std::function<void()> task) {
          boost::asio::post(waiting_pool, std::move(task));
        });
      });
  http::Server server(server_options(config), std::move(router), api::ngsild::transport_problem);
  auto address = server.start();
  if (!address) {
    spdlog::critical("{}", address.error().message);
    return 1;
  }
  boost::asio::signal_set signals(server.io(), SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("signal {} received: finishing requests in flight, then stopping", signal);
    server.stop();
  });
  if (config.issuer.empty()) identity->tokens->set_issuer("http://" + *address);
  spdlog::info(
      "tsunagu {} serving NGSI-LD on http://{} (data in {}{}); oneID issuer {}", TSUNAGU_VERSION,
      *address, config.data_dir.string(),
      config.store.empty() ? "" : ", tenants in " + store::postgres::redacted(config.store),
      identity->tokens->settings()->issuer);
  if (!config.require_tokens) {
    spdlog::warn(
        "tokens are NOT required (--insecure-no-auth): anyone who can reach {} may "
        "read and write every tenant; never use this beyond a developer's machine",
        *address);
  }
  if (config.ready_file) {
    if (auto st = write_ready_file(*config.ready_file, *address); !st) {
      spdlog::critical("{}", st.error().message);
      return 1;
    }
  }
  // Expired sessions, pending requests, codes, refresh and mailed tokens are refused as soon as
  // they expire; this only forgets them.
  Periodic identity_housekeeping(std::chrono::hours(1), [&identity, &clock] {
    if (auto st = identity->db->prune(clock.now()); !st) {
      spdlog::warn("oneID: forgetting expired records failed: {}", st.error().message);
    }
  });
  Periodic usage_writer(std::chrono::minutes(1), [&meter] {
    if (auto st = meter.flush(); !st) {
      spdlog::warn("metering: writing usage failed (kept for the next try): {}",
                   st.error().message);
    }
  });
  retention.start();
  identity_housekeeping.start();
  usage_writer.start();
  server.run();
  usage_writer.stop();
  if (auto st = meter.flush(); !st) {
    spdlog::warn("metering: the last minute of usage was not written: {}", st.error().message);
  }
  identity_housekeeping.stop();
  retention.stop();
  query_pool.join();
  blocking_pool.join();
  waiting_pool.join();
  // Notifications stop being handed out, delivery stops (what was not delivered stays owed),
  // and the counters and settlements reported until then are written.
  subscriptions.stop();
  dispatcher.stop();
  subscriptions.flush();
  (*store)->close();
  spdlog::info("stopped cleanly");
  return 0;
}

}  // namespace
}  // namespace tsunagu::app
