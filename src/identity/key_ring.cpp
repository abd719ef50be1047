#include "identity/key_ring.hpp"

#include "model/json_text.hpp"

namespace tsunagu::identity {
namespace json = boost::json;

std::string KeyRing::thumbprint(const EcKey& key) {
  const auto jwk = key.public_jwk();
  // RFC 7638: the required members in lexicographic order, no whitespace.
  json::object canonical;
  canonical["crv"] = jwk.at("crv");
  canonical["kty"] = jwk.at("kty");
  canonical["x"] = jwk.at("x");
  canonical["y"] = jwk.at("y");
  return base64url_encode(sha256(model::to_json_text(canonical)));
}

Status KeyRing::reload_locked() {
  auto stored = store_.keys();
  if (!stored) return std::unexpected(stored.error());
  std::vector<Entry> keys;
  for (const auto& s : *stored) {
    auto key = EcKey::from_private_pem(s.private_pem);
    if (!key) return std::unexpected(key.error());
    keys.push_back({s.kid, std::move(*key), s.retired});
  }
  keys_ = std::move(keys);
  loaded_ = clock_.now();
  return ok();
}

void KeyRing::refresh_if_stale_locked() {
  if (clock_.now() - loaded_ < kReloadAfter) return;
  // A failed reload keeps the keys it had: they were good a moment ago.
  (void)reload_locked();
}

Status KeyRing::load() {
  std::lock_guard lock(mu_);
  if (auto st = reload_locked(); !st) return st;
  if (!keys_.empty()) return ok();
  auto key = EcKey::generate();
  if (!key) return std::unexpected(key.error());
  const std::string kid = thumbprint(*key);
  if (auto st = store_.add_signing_key({kid, key->private_pem(), clock_.now(), std::nullopt});
      !st) {
    return st;
  }
  return reload_locked();
}

Result<std::string> KeyRing::rotate() {
  auto key = EcKey::generate();
  if (!key) return std::unexpected(key.error());
  const std::string kid = thumbprint(*key);
  const auto now = clock_.now();
  if (auto st = store_.add_signing_key({kid, key->private_pem(), now, std::nullopt}); !st) {
    return std::unexpected(st.error());
  }
  // Keys retired so long ago that nothing they signed is valid any more are dropped.
  if (auto st = store_.forget_keys_retired_before(now - token_lifetime_ - kClockSkew); !st) {
    return std::unexpected(st.error());
  }
  std::lock_guard lock(mu_);
  if (auto st = reload_locked(); !st) return std::unexpected(st.error());
  return kid;
}

Result<KeyRing::Signer> KeyRing::signer() {
  std::lock_guard lock(mu_);
  refresh_if_stale_locked();
  for (auto it = keys_.rbegin(); it != keys_.rend(); ++it) {
    if (!it->retired) return Signer{it->kid, it->key};
  }
  return fail(ErrorKind::InternalError, "no signing key: the key ring was not loaded");
}

bool KeyRing::verifies_locked(const Entry& e, model::Timestamp now) const {
  return !e.retired || now < *e.retired + token_lifetime_ + kClockSkew;
}

std::optional<EcKey> KeyRing::verifier(std::string_view kid) {
  std::lock_guard lock(mu_);
  refresh_if_stale_locked();
  const auto now = clock_.now();
  auto find = [&]() -> std::optional<EcKey> {
    for (const auto& e : keys_) {
      if (e.kid == kid && verifies_locked(e, now)) return e.key;
    }
    return std::nullopt;
  };
  if (auto key = find()) return key;
  // A key made by another process since the last reload, or a made-up kid: reloading for those
  // is limited so that a flood of them costs no more than one read of a few rows per second.
  if (now - loaded_ < kUnknownKidReloadAfter || !reload_locked()) return std::nullopt;
  return find();
}

json::object KeyRing::jwks() {
  std::lock_guard lock(mu_);
  refresh_if_stale_locked();
  const auto now = clock_.now();
  json::array keys;
  for (const auto& e : keys_) {
    if (!verifies_locked(e, now)) continue;
    auto jwk = e.key.public_jwk();
    jwk["kid"] = e.kid;
    jwk["use"] = "sig";
    jwk["alg"] = "ES256";
    keys.push_back(std::move(jwk));
  }
  return json::object{{"keys", std::move(keys)}};
}

}  // namespace tsunagu::identity
