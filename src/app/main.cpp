// The tsunagu command line: `tsunagu serve [options]` and `tsunagu --version`.

#include <CLI/CLI.hpp>
#include <iostream>

#include "app/config.hpp"
#include "app/serve.hpp"

namespace {

using tsunagu::app::Config;

struct ServeFlags {
  std::string config_file, listen, data_dir, ready_file, log_level;
  std::vector<std::string> context_maps;
  unsigned threads = 0;
  std::size_t max_body = 0, batch_max = 0;
  bool no_remote_contexts = false, demo_data = false, no_history = false;
  unsigned history_retention_days = 0;
};

void add_serve_flags(CLI::App& serve, ServeFlags& f) {
  serve.add_option("--config", f.config_file, "TOML configuration file");
  serve.add_option("--listen", f.listen, "HOST:PORT to listen on (default 127.0.0.1:1026)");
  serve.add_option("--data-dir", f.data_dir, "directory of the databases (default ./var)");
  serve.add_option("--threads", f.threads, "HTTP worker threads (default: one per core)");
  serve.add_option("--ready-file", f.ready_file, "file to write HOST:PORT to once listening");
  serve.add_option("--max-body-bytes", f.max_body, "largest request body (default 1 MiB)");
  serve.add_option("--batch-max", f.batch_max, "most entities in one batch (default 1000)");
  serve.add_option("--context-map", f.context_maps, "serve the @context URL from a file: URL=FILE");
  serve.add_flag("--no-remote-contexts", f.no_remote_contexts,
                 "never fetch @context URLs over the network");
  serve.add_flag("--demo-data", f.demo_data, "load the demo data set on first start");
  serve.add_flag("--no-history", f.no_history, "keep no history of changes (every tenant)");
  serve.add_option("--history-retention-days", f.history_retention_days,
                   "erase history recorded longer ago than this (default 0: keep it)");
  serve.add_option("--log-level", f.log_level, "trace, debug, info, warn, error");
}

tsunagu::Status apply_flags(const ServeFlags& f, Config& c) {
  if (!f.listen.empty()) {
    if (auto st = tsunagu::app::set_listen(c, f.listen); !st) return st;
  }
  if (!f.data_dir.empty()) c.data_dir = f.data_dir;
  if (!f.ready_file.empty()) c.ready_file = f.ready_file;
  if (!f.log_level.empty()) c.log_level = f.log_level;
  if (f.threads) c.threads = f.threads;
  if (f.max_body) c.max_body_bytes = f.max_body;
  if (f.batch_max) c.batch_max = f.batch_max;
  if (f.no_remote_contexts) c.allow_remote_contexts = false;
  if (f.demo_data) c.demo_data = true;
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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Tsunagu: an open regional data-linkage platform (NGSI-LD context broker)"};
  app.set_version_flag("--version", std::string("tsunagu ") + TSUNAGU_VERSION);
  app.require_subcommand(1);
  ServeFlags flags;
  auto* serve = app.add_subcommand("serve", "run the server");
  add_serve_flags(*serve, flags);
  CLI11_PARSE(app, argc, argv);

  Config config;
  if (!flags.config_file.empty()) {
    if (auto st = tsunagu::app::load_config_file(flags.config_file, config); !st) {
      std::cerr << "tsunagu: " << st.error().message << "\n";
      return 2;
    }
  }
  for (auto st : {tsunagu::app::apply_environment(config), apply_flags(flags, config)}) {
    if (!st) {
      std::cerr << "tsunagu: " << st.error().message << "\n";
      return 2;
    }
  }
  return tsunagu::app::serve(config);
}
