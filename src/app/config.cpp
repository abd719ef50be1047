#include "app/config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <boost/url/parse.hpp>
#include <charconv>
#include <cstdlib>
#include <set>

#include "notify/mail.hpp"
#include "notify/smtp_relay.hpp"

namespace tsunagu::app {
namespace {

std::unexpected<Error> bad_config(std::string message) {
  return fail(ErrorKind::InvalidRequest, "configuration: " + std::move(message));
}

template <typename T>
Result<T> parse_number(std::string_view text, std::string_view what) {
  T value{};
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) {
    return bad_config(std::string(what) + " must be a number, not '" + std::string(text) + "'");
  }
  return value;
}

// Every key of every table must be one we know.
Status check_keys(const toml::table& root) {
  static const std::map<std::string, std::set<std::string>> kKnown = {
      {"server",
       {"listen", "threads", "max_body_bytes", "max_header_bytes", "read_timeout_seconds",
        "max_connections"}},
      {"storage", {"data_dir", "store", "node_lease_ms"}},
      {"ngsild", {"batch_max", "default_page_size", "max_page_size"}},
      {"contexts", {"allow_remote", "fetch_timeout_ms", "map"}},
      {"history", {"enabled", "retention_days", "tenants"}},
      {"auth", {"issuer", "access_token_lifetime_seconds", "upstream"}},
      {"mail",
       {"from", "smtp_url", "smtp_username", "smtp_password", "smtp_require_tls",
        "smtp_timeout_ms"}},
      {"demo", {"load", "dir"}},
      {"log", {"level"}},
  };
  for (const auto& [section, node] : root) {
    if (section.str() == "personal_data" && node.is_table()) continue;  // keys are tenants
    auto known = kKnown.find(std::string(section.str()));
    if (known == kKnown.end() || !node.is_table()) {
      return bad_config("unknown section [" + std::string(section.str()) + "]");
    }
    for (const auto& [key, value] : *node.as_table()) {
      if (!known->second.contains(std::string(key.str()))) {
        return bad_config("unknown key '" + std::string(key.str()) + "' in [" +
                          std::string(section.str()) + "]");
      }
    }
  }
  return ok();
}

Result<Config::HistoryRule> history_rule(const toml::table& t, const std::string& where,
                                         Config::HistoryRule rule) {
  for (const auto& [key, value] : t) {
    if (key.str() != "enabled" && key.str() != "retention_days") {
      return bad_config("unknown key '" + std::string(key.str()) + "' in [" + where + "]");
    }
  }
  if (const auto* v = t.get("enabled")) {
    auto b = v->value<bool>();
    if (!b) return bad_config(where + ".enabled must be true or false");
    rule.enabled = *b;
  }
  if (const auto* v = t.get("retention_days")) {
    auto days = v->value<std::int64_t>();
    if (!days || *days < 0 || *days > 365 * 1000) {
      return bad_config(where + ".retention_days must be a number of days from 0 (forever) up");
    }
    rule.retention_days = static_cast<unsigned>(*days);
  }
  return rule;
}

Status read_upstreams(const toml::table& t, Config& c) {
  const auto* all = t.at_path("auth.upstream").as_table();
  if (!all) return ok();
  for (const auto& [id, node] : *all) {
    const std::string where = "auth.upstream." + std::string(id.str());
    const auto* u = node.as_table();
    if (!u) return bad_config("[" + where + "] must be a table");
    const bool id_ok =
        !id.str().empty() && std::all_of(id.str().begin(), id.str().end(), [](char ch) {
          return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
        });
    if (!id_ok) return bad_config("[" + where + "]: the name may have a-z, 0-9 and '-' only");
    Config::Upstream up{std::string(id.str()), {}, {}, {}, {}};
    for (const auto& [key, value] : *u) {
      const auto k = std::string(key.str());
      auto v = value.value<std::string>();
      if (!v) return bad_config(where + "." + k + " must be a string");
      if (k == "name")
        up.name = *v;
      else if (k == "issuer")
        up.issuer = *v;
      else if (k == "client_id")
        up.client_id = *v;
      else if (k == "client_secret")
        up.client_secret = *v;
      else
        return bad_config("unknown key '" + k + "' in [" + where + "]");
    }
    if (up.issuer.empty() || up.client_id.empty() || up.client_secret.empty()) {
      return bad_config("[" + where + "] needs issuer, client_id and client_secret");
    }
    Config probe;
    if (auto st = set_issuer(probe, up.issuer); !st) return st;
    up.issuer = probe.issuer;
    if (up.name.empty()) up.name = up.id;
    c.upstreams.push_back(std::move(up));
  }
  return ok();
}

Status read_history(const toml::table& t, Config& c) {
  const auto* history = t.get_as<toml::table>("history");
  if (!history) return ok();
  toml::table defaults = *history;
  defaults.erase("tenants");
  auto rule = history_rule(defaults, "history", c.history);
  if (!rule) return std::unexpected(rule.error());
  c.history = *rule;
  const auto* tenants = history->get("tenants");
  if (!tenants) return ok();
  if (!tenants->is_table()) return bad_config("[history.tenants] must be a table of tenants");
  for (const auto& [name, node] : *tenants->as_table()) {
    const std::string where = "history.tenants." + std::string(name.str());
    if (!node.is_table()) return bad_config("[" + where + "] must be a table");
    auto tenant = history_rule(*node.as_table(), where, c.history);
    if (!tenant) return std::unexpected(tenant.error());
    c.history_tenants[std::string(name.str())] = *tenant;
  }
  return ok();
}

// One rule table of [[personal_data.<tenant>]] as the JSON object the admin API takes.
Result<boost::json::object> rule_json(const toml::table& rule, const std::string& where) {
  boost::json::object out;
  for (const auto& [key, node] : rule) {
    const std::string name(key.str());
    if (auto text = node.value<std::string>()) {
      out[name] = *text;
      continue;
    }
    const auto* list = node.as_array();
    if (!list) return bad_config(where + "." + name + " must be a string or an array of strings");
    boost::json::array items;
    for (const auto& item : *list) {
      auto text = item.value<std::string>();
      if (!text) return bad_config(where + "." + name + " must hold strings only");
      items.emplace_back(*text);
    }
    out[name] = std::move(items);
  }
  return out;
}

Status read_personal_data(const toml::table& t, Config& c) {
  const auto* tenants = t.get_as<toml::table>("personal_data");
  if (!tenants) return ok();
  for (const auto& [tenant, node] : *tenants) {
    const std::string where = "personal_data." + std::string(tenant.str());
    if (!model::valid_tenant_label(tenant.str())) {
      return bad_config("[[" + where + "]]: '" + std::string(tenant.str()) +
                        "' is not a tenant name");
    }
    const auto* rules = node.as_array();
    if (!rules) return bad_config("[[" + where + "]] must be an array of tables, one per rule");
    boost::json::array out;
    for (const auto& rule : *rules) {
      if (!rule.is_table()) return bad_config("[[" + where + "]] must hold tables");
      auto json = rule_json(*rule.as_table(), where);
      if (!json) return std::unexpected(json.error());
      out.push_back(std::move(*json));
    }
    c.personal_data[std::string(tenant.str())] = std::move(out);
  }
  return ok();
}

Status set_mail_from(Config& c, const std::string& from) {
  if (auto mailbox = notify::parse_mailbox(from); !mailbox) {
    return bad_config("mail.from '" + from +
                      "' must be an address, or a name and <address>: " + mailbox.error().message);
  }
  c.mail_from = from;
  return ok();
}

Status set_smtp_url(Config& c, const std::string& url, std::string_view where) {
  if (!url.empty()) {
    if (auto st = notify::check_smtp_url(url); !st) {
      return bad_config(std::string(where) + ": " + st.error().message);
    }
  }
  c.smtp_url = url;
  return ok();
}

// A string setting of [mail]; absent leaves `out` as it is.
Status mail_text(const toml::table& mail, std::string_view key, std::string& out) {
  const auto* node = mail.get(key);
  if (node == nullptr) return ok();
  auto text = node->value<std::string>();
  if (!text) return bad_config("mail." + std::string(key) + " must be a string");
  out = *text;
  return ok();
}

Status read_mail(const toml::table& t, Config& c) {
  const auto* mail = t.get_as<toml::table>("mail");
  if (!mail) return ok();
  std::string from = c.mail_from, url = c.smtp_url;
  for (auto [key, out] : {std::pair{"from", &from}, std::pair{"smtp_url", &url},
                          std::pair{"smtp_username", &c.smtp_username},
                          std::pair{"smtp_password", &c.smtp_password}}) {
    if (auto st = mail_text(*mail, key, *out); !st) return st;
  }
  if (auto st = set_mail_from(c, from); !st) return st;
  if (auto st = set_smtp_url(c, url, "mail.smtp_url"); !st) return st;
  if (const auto* v = mail->get("smtp_require_tls")) {
    auto b = v->value<bool>();
    if (!b || !v->is_boolean()) return bad_config("mail.smtp_require_tls must be true or false");
    c.smtp_require_tls = *b;
  }
  if (const auto* v = mail->get("smtp_timeout_ms")) {
    auto ms = v->value<std::int64_t>();
    if (!v->is_integer() || !ms || *ms <= 0 || *ms > 10 * 60 * 1000) {
      return bad_config("mail.smtp_timeout_ms must be a number of milliseconds from 1 to 600000");
    }
    c.smtp_timeout = std::chrono::milliseconds(*ms);
  }
  return ok();
}

void read_sizes(const toml::table& t, Config& c) {
  auto size = [&](std::string_view path, std::size_t& out) {
    if (auto v = t.at_path(path).value<std::int64_t>(); v && *v >= 0) {
      out = static_cast<std::size_t>(*v);
    }
  };
  size("server.max_body_bytes", c.max_body_bytes);
  size("server.max_header_bytes", c.max_header_bytes);
  size("server.max_connections", c.max_connections);
  size("ngsild.batch_max", c.batch_max);
  size("ngsild.default_page_size", c.default_page_size);
  size("ngsild.max_page_size", c.max_page_size);
  if (auto v = t.at_path("server.threads").value<std::int64_t>(); v && *v >= 0) {
    c.threads = static_cast<unsigned>(*v);
  }
  if (auto v = t.at_path("server.read_timeout_seconds").value<std::int64_t>(); v && *v > 0) {
    c.read_timeout = std::chrono::seconds(*v);
  }
  if (auto v = t.at_path("auth.access_token_lifetime_seconds").value<std::int64_t>();
      v && *v > 0 && *v <= 86400) {
    c.access_token_lifetime = std::chrono::seconds(*v);
  }
  if (auto v = t.at_path("contexts.fetch_timeout_ms").value<std::int64_t>(); v && *v > 0) {
    c.context_fetch_timeout = std::chrono::milliseconds(*v);
  }
}

}  // namespace

Status set_listen(Config& config, std::string_view listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return bad_config("listen address '" + std::string(listen) + "' must be HOST:PORT");
  }
  auto host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  auto port = parse_number<unsigned short>(listen.substr(colon + 1), "listen port");
  if (!port) return std::unexpected(port.error());
  config.host = std::string(host);
  config.port = *port;
  return ok();
}

Status set_issuer(Config& config, std::string_view issuer) {
  // OpenID Connect Discovery 1.0 section 3: an https URL with no query or fragment; http is
  // accepted for a server on one machine or behind a proxy on loopback.
  auto url = boost::urls::parse_absolute_uri(issuer);
  if (!url || (url->scheme() != "https" && url->scheme() != "http") || url->host().empty() ||
      url->has_query() || url->has_fragment() || url->has_userinfo()) {
    return bad_config("issuer '" + std::string(issuer) +
                      "' must be an http(s) URL with a host and no query, fragment or user");
  }
  // Clients compare the issuer as a string; "https://id.example/" and "https://id.example" are
  // different issuers, and the endpoints are appended to it.
  while (issuer.ends_with('/')) issuer.remove_suffix(1);
  config.issuer = std::string(issuer);
  return ok();
}

Status set_store(Config& config, std::string_view store) {
  if (store == "sqlite") {
    config.store.clear();
    return ok();
  }
  if (!store.starts_with("postgresql://") && !store.starts_with("postgres://")) {
    return bad_config("store '" + std::string(store.substr(0, 40)) +
                      "' must be 'sqlite' or a postgresql:// URL");
  }
  config.store = std::string(store);
  return ok();
}

Status set_node_lease(Config& config, std::string_view ms) {
  constexpr std::int64_t kShortest = 1000, kLongest = 10 * 60 * 1000;
  auto n = parse_number<std::int64_t>(ms, "node lease");
  if (!n || *n < kShortest || *n > kLongest) {
    return bad_config("node lease '" + std::string(ms.substr(0, 20)) +
                      "' must be a number of milliseconds from 1000 to 600000");
  }
  config.node_lease = std::chrono::milliseconds(*n);
  return ok();
}

Status add_context_mapping(Config& config, std::string_view mapping) {
  auto eq = mapping.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == mapping.size()) {
    return bad_config("context mapping '" + std::string(mapping) + "' must be URL=FILE");
  }
  config.context_map[std::string(mapping.substr(0, eq))] = std::string(mapping.substr(eq + 1));
  return ok();
}

Status load_config_file(const std::filesystem::path& file, Config& config) {
  toml::table t;
  try {
    t = toml::parse_file(file.string());
  } catch (const toml::parse_error& err) {
    return bad_config(file.string() + ": " + std::string(err.description()));
  }
  if (auto st = check_keys(t); !st) return st;
  if (auto v = t.at_path("server.listen").value<std::string>()) {
    if (auto st = set_listen(config, *v); !st) return st;
  }
  if (auto v = t.at_path("storage.data_dir").value<std::string>()) config.data_dir = *v;
  if (auto v = t.at_path("storage.store").value<std::string>()) {
    if (auto st = set_store(config, *v); !st) return st;
  }
  if (const auto* v = t.at_path("storage.node_lease_ms").node()) {
    auto ms = v->value<std::int64_t>();
    if (!v->is_integer() || !ms) return bad_config("storage.node_lease_ms must be a number");
    if (auto st = set_node_lease(config, std::to_string(*ms)); !st) return st;
  }
  if (auto v = t.at_path("contexts.allow_remote").value<bool>()) config.allow_remote_contexts = *v;
  if (auto v = t.at_path("demo.load").value<bool>()) config.demo_data = *v;
  if (auto v = t.at_path("demo.dir").value<std::string>()) config.demo_dir = *v;
  if (auto v = t.at_path("log.level").value<std::string>()) config.log_level = *v;
  if (auto v = t.at_path("auth.issuer").value<std::string>()) {
    if (auto st = set_issuer(config, *v); !st) return st;
  }
  if (const auto* map = t.at_path("contexts.map").as_table()) {
    for (const auto& [url, path] : *map) {
      if (auto p = path.value<std::string>()) config.context_map[std::string(url.str())] = *p;
    }
  }
  read_sizes(t, config);
  if (auto st = read_mail(t, config); !st) return st;
  if (auto st = read_personal_data(t, config); !st) return st;
  if (auto st = read_upstreams(t, config); !st) return st;
  return read_history(t, config);
}

Status apply_environment(Config& config) {
  if (const char* v = std::getenv("TSUNAGU_LISTEN")) {
    if (auto st = set_listen(config, v); !st) return st;
  }
  if (const char* v = std::getenv("TSUNAGU_DATA_DIR")) config.data_dir = v;
  if (const char* v = std::getenv("TSUNAGU_STORE")) {
    if (auto st = set_store(config, v); !st) return st;
  }
  if (const char* v = std::getenv("TSUNAGU_NODE_LEASE_MS")) {
    if (auto st = set_node_lease(config, v); !st) return st;
  }
  if (const char* v = std::getenv("TSUNAGU_THREADS")) {
    auto n = parse_number<unsigned>(v, "TSUNAGU_THREADS");
    if (!n) return std::unexpected(n.error());
    config.threads = *n;
  }
  if (const char* v = std::getenv("TSUNAGU_LOG_LEVEL")) config.log_level = v;
  if (const char* v = std::getenv("TSUNAGU_ISSUER")) {
    if (auto st = set_issuer(config, v); !st) return st;
  }
  if (const char* v = std::getenv("TSUNAGU_SMTP_URL")) {
    if (auto st = set_smtp_url(config, v, "TSUNAGU_SMTP_URL"); !st) return st;
  }
  // The password from the environment keeps it out of a configuration file that may be shared.
  if (const char* v = std::getenv("TSUNAGU_SMTP_PASSWORD")) config.smtp_password = v;
  return ok();
}

}  // namespace tsunagu::app
