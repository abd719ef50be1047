#include "store/platform/platform_db.hpp"

#include <spdlog/spdlog.h>

#include <boost/json/parse.hpp>

#include "model/json_text.hpp"

namespace tsunagu::store {
namespace json = boost::json;

namespace {

constexpr auto ms = to_ms;
constexpr auto at_ms = from_ms;

json::array strings(const std::vector<std::string>& list) {
  json::array out;
  for (const auto& s : list) out.emplace_back(s);
  return out;
}

std::vector<std::string> strings_of(const json::value* v) {
  std::vector<std::string> out;
  if (!v || !v->is_array()) return out;
  for (const auto& s : v->get_array()) {
    if (s.is_string()) out.emplace_back(s.get_string());
  }
  return out;
}

std::string encode_client(const ClientRecord& c) {
  json::object o;
  o["name"] = c.name;
  o["secretHash"] = c.secret_hash;
  o["scopes"] = strings(c.scopes);
  if (c.tenants) o["tenants"] = strings(*c.tenants);
  if (c.types) o["types"] = strings(*c.types);
  o["redirectUris"] = strings(c.redirect_uris);
  o["created"] = ms(c.created);
  return model::to_json_text(o);
}

Result<ClientRecord> decode_client(std::string id, std::string_view doc) {
  boost::system::error_code ec;
  auto v = json::parse(doc, ec);
  if (ec || !v.is_object()) {
    return fail(ErrorKind::InternalError, "stored client '" + id + "' is corrupt");
  }
  const auto& o = v.get_object();
  ClientRecord c;
  c.id = std::move(id);
  if (const auto* n = o.if_contains("name"); n && n->is_string()) c.name = n->get_string();
  if (const auto* h = o.if_contains("secretHash"); h && h->is_string()) {
    c.secret_hash = h->get_string();
  }
  c.scopes = strings_of(o.if_contains("scopes"));
  if (o.contains("tenants")) c.tenants = strings_of(o.if_contains("tenants"));
  if (o.contains("types")) c.types = strings_of(o.if_contains("types"));
  c.redirect_uris = strings_of(o.if_contains("redirectUris"));
  if (const auto* t = o.if_contains("created"); t && t->is_int64())
    c.created = at_ms(t->get_int64());
  return c;
}

}  // namespace

void PlatformDb::tell_nodes(std::string_view what) {
  if (auto st = session_->announce(what); !st) {
    spdlog::warn("the other nodes were not told of '{}': {}", what, st.error().message);
  }
}

Status PlatformDb::exec_one(std::string_view sql, const SqlBind& bind, std::string_view what) {
  auto changed = run(sql, bind, what);
  return changed ? ok() : Status(std::unexpected(changed.error()));
}

Result<std::vector<StoredKey>> PlatformDb::keys() {
  std::lock_guard lock(mu_);
  return many<StoredKey>(
      "SELECT kid, created, retired, private_pem FROM signing_keys ORDER BY created",
      [](SqlStatement&) {},
      [](SqlStatement& s) {
        StoredKey k{std::string(s.column_text(0)), std::string(s.column_text(3)),
                    at_ms(s.column_int(1)), std::nullopt};
        if (!s.column_null(2)) k.retired = at_ms(s.column_int(2));
        return k;
      },
      "read signing keys");
}

Status PlatformDb::add_signing_key(const StoredKey& key) {
  std::lock_guard lock(mu_);
  return told(add_signing_key_locked(key), kKeysChanged);
}

Status PlatformDb::add_signing_key_locked(const StoredKey& key) {
  return in_transaction([&]() -> Status {
    auto retired = run(
        "UPDATE signing_keys SET retired = ?1 WHERE retired IS NULL",
        [&](SqlStatement& s) { s.bind(1, ms(key.created)); }, "retire signing keys");
    if (!retired) return std::unexpected(retired.error());
    auto added = run(
        "INSERT INTO signing_keys(kid, created, retired, private_pem) VALUES(?1, ?2, NULL, ?3)",
        [&](SqlStatement& s) {
          s.bind(1, key.kid);
          s.bind(2, ms(key.created));
          s.bind(3, key.private_pem);
        },
        "store signing key");
    // Kids are random: one that exists already is a fault, not a request to refuse.
    if (!added && added.error().kind == ErrorKind::AlreadyExists) {
      return fail(ErrorKind::InternalError, "signing key '" + key.kid + "' exists already");
    }
    return added ? ok() : Status(std::unexpected(added.error()));
  });
}

Status PlatformDb::forget_keys_retired_before(model::Timestamp before) {
  std::lock_guard lock(mu_);
  return exec_one(
      "DELETE FROM signing_keys WHERE retired IS NOT NULL AND retired < ?1",
      [&](SqlStatement& s) { s.bind(1, ms(before)); }, "forget signing keys");
}

Result<std::vector<ClientRecord>> PlatformDb::clients() {
  std::lock_guard lock(mu_);
  std::vector<ClientRecord> out;
  Status decoded = ok();
  auto st = session_->query(
      "SELECT id, doc FROM clients ORDER BY id", [](SqlStatement&) {},
      [&](SqlStatement& s) {
        auto c = decode_client(std::string(s.column_text(0)), s.column_text(1));
        if (c) {
          out.push_back(std::move(*c));
        } else if (decoded) {
          decoded = std::unexpected(c.error());
        }
      },
      "read clients");
  if (!st) return std::unexpected(st.error());
  if (!decoded) return std::unexpected(decoded.error());
  return out;
}

Result<std::optional<ClientRecord>> PlatformDb::client(std::string_view id) {
  std::lock_guard lock(mu_);
  auto doc = one<std::string>(
      "SELECT doc FROM clients WHERE id = ?1", [&](SqlStatement& s) { s.bind(1, id); },
      [](SqlStatement& s) { return std::string(s.column_text(0)); }, "read client");
  if (!doc) return std::unexpected(doc.error());
  if (!*doc) return std::optional<ClientRecord>();
  auto c = decode_client(std::string(id), **doc);
  if (!c) return std::unexpected(c.error());
  return std::optional<ClientRecord>(std::move(*c));
}

Status PlatformDb::put_client(const ClientRecord& client) {
  std::lock_guard lock(mu_);
  return exec_one(
      "INSERT INTO clients(id, doc) VALUES(?1, ?2) ON CONFLICT(id) DO UPDATE SET doc = ?2",
      [&](SqlStatement& s) {
        s.bind(1, client.id);
        s.bind(2, encode_client(client));
      },
      "store client");
}

Result<bool> PlatformDb::remove_client(std::string_view id) {
  std::lock_guard lock(mu_);
  auto removed = run(
      "DELETE FROM clients WHERE id = ?1", [&](SqlStatement& s) { s.bind(1, id); },
      "remove client");
  if (!removed) return std::unexpected(removed.error());
  return *removed > 0;
}

Status PlatformDb::revoke(const RevokedToken& token, model::Timestamp now) {
  std::lock_guard lock(mu_);
  return told(revoke_locked(token, now), kRevocationsChanged);
}

Status PlatformDb::revoke_locked(const RevokedToken& token, model::Timestamp now) {
  return in_transaction([&]() -> Status {
    auto added = run(
        "INSERT INTO revoked_tokens(jti, expires) VALUES(?1, ?2) ON CONFLICT(jti) DO NOTHING",
        [&](SqlStatement& s) {
          s.bind(1, token.jti);
          s.bind(2, ms(token.expires));
        },
        "revoke token");
    if (!added) return std::unexpected(added.error());
    // What has expired needs no revocation any more.
    return exec_one(
        "DELETE FROM revoked_tokens WHERE expires < ?1",
        [&](SqlStatement& s) { s.bind(1, ms(now)); }, "prune revoked tokens");
  });
}

Result<std::vector<RevokedToken>> PlatformDb::revoked(model::Timestamp now) {
  std::lock_guard lock(mu_);
  return many<RevokedToken>(
      "SELECT jti, expires FROM revoked_tokens WHERE expires > ?1",
      [&](SqlStatement& s) { s.bind(1, ms(now)); },
      [](SqlStatement& s) {
        return RevokedToken{std::string(s.column_text(0)), at_ms(s.column_int(1))};
      },
      "read revoked tokens");
}

}  // namespace tsunagu::store
