// Residents' accounts in the platform database (store/account_store.hpp): the SQLite side of
// PlatformDb's AccountStore. Lists (amr, scopes) are kept space-separated, as OAuth writes them.

#include <sstream>

#include "store/platform/platform_db.hpp"

namespace tsunagu::store {
namespace {

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

std::vector<std::string> split(std::string_view text) {
  std::vector<std::string> out;
  std::istringstream in{std::string(text)};
  for (std::string w; in >> w;) out.push_back(std::move(w));
  return out;
}

std::string_view purpose_name(MailPurpose p) {
  return p == MailPurpose::VerifyEmail ? "verify" : "reset";
}

void bind_optional(SqlStatement& s, int i, const std::optional<std::string>& v) {
  if (v)
    s.bind(i, *v);
  else
    s.bind_null(i);
}
void bind_optional(SqlStatement& s, int i, const std::optional<std::int64_t>& v) {
  if (v)
    s.bind(i, *v);
  else
    s.bind_null(i);
}

constexpr std::string_view kAccountColumns =
    "id, email, email_verified, password_hash, name, locale, totp_secret, totp_last_step, "
    "created";

AccountRecord account_row(SqlStatement& s) {
  AccountRecord a;
  a.id = s.column_text(0);
  a.email = s.column_text(1);
  a.email_verified = s.column_int(2) != 0;
  a.password_hash = s.column_text(3);
  a.name = s.column_text(4);
  a.locale = s.column_text(5);
  if (!s.column_null(6)) a.totp_secret = std::string(s.column_text(6));
  if (!s.column_null(7)) a.totp_last_step = s.column_int(7);
  a.created = from_ms(s.column_int(8));
  return a;
}

void bind_account(SqlStatement& s, const AccountRecord& a) {
  s.bind(1, a.id);
  s.bind(2, a.email);
  s.bind(3, std::int64_t{a.email_verified});
  s.bind(4, a.password_hash);
  s.bind(5, a.name);
  s.bind(6, a.locale);
  bind_optional(s, 7, a.totp_secret);
  bind_optional(s, 8, a.totp_last_step);
  s.bind(9, to_ms(a.created));
}

SessionRecord session_row(SqlStatement& s) {
  SessionRecord r;
  r.id_hash = s.column_text(0);
  r.account_id = s.column_text(1);
  r.created = from_ms(s.column_int(2));
  r.expires = from_ms(s.column_int(3));
  r.auth_time = from_ms(s.column_int(4));
  r.second_factor_pending = s.column_int(5) != 0;
  r.amr = split(s.column_text(6));
  return r;
}

RefreshTokenRecord refresh_row(SqlStatement& s) {
  RefreshTokenRecord r;
  r.token_hash = s.column_text(0);
  r.family = s.column_text(1);
  r.account_id = s.column_text(2);
  r.client_id = s.column_text(3);
  r.scope = s.column_text(4);
  r.session_hash = s.column_text(5);
  r.auth_time = from_ms(s.column_int(6));
  r.created = from_ms(s.column_int(7));
  r.expires = from_ms(s.column_int(8));
  if (!s.column_null(9)) r.rotated = from_ms(s.column_int(9));
  r.revoked = s.column_int(10) != 0;
  return r;
}

void bind_refresh(SqlStatement& s, const RefreshTokenRecord& r) {
  s.bind(1, r.token_hash);
  s.bind(2, r.family);
  s.bind(3, r.account_id);
  s.bind(4, r.client_id);
  s.bind(5, r.scope);
  s.bind(6, r.session_hash);
  s.bind(7, to_ms(r.auth_time));
  s.bind(8, to_ms(r.created));
  s.bind(9, to_ms(r.expires));
}

constexpr std::string_view kInsertRefresh =
    "INSERT INTO refresh_tokens(token_hash, family, account_id, client_id, scope, session_hash, "
    "auth_time, created, expires) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

}  // namespace

// ---- accounts

Status PlatformDb::add_account(const AccountRecord& account) {
  std::lock_guard lock(mu_);
  auto added = run(
      "INSERT INTO accounts(" + std::string(kAccountColumns) +
          ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
      [&](SqlStatement& s) { bind_account(s, account); }, "store account");
  if (!added && added.error().kind == ErrorKind::AlreadyExists) {
    return fail(ErrorKind::AlreadyExists, "an account with this e-mail address exists");
  }
  return added ? ok() : Status(std::unexpected(added.error()));
}

Result<std::optional<AccountRecord>> PlatformDb::account(std::string_view id) {
  std::lock_guard lock(mu_);
  return one<AccountRecord>(
      "SELECT " + std::string(kAccountColumns) + " FROM accounts WHERE id = ?1",
      [&](SqlStatement& s) { s.bind(1, id); }, account_row, "read account");
}

Result<std::optional<AccountRecord>> PlatformDb::account_by_email(std::string_view email) {
  std::lock_guard lock(mu_);
  return one<AccountRecord>(
      "SELECT " + std::string(kAccountColumns) + " FROM accounts WHERE email = ?1",
      [&](SqlStatement& s) { s.bind(1, email); }, account_row, "read account");
}

Status PlatformDb::update_account(const AccountRecord& account) {
  std::lock_guard lock(mu_);
  auto changed = run(
      "UPDATE accounts SET email = ?2, email_verified = ?3, password_hash = ?4, name = ?5, "
      "locale = ?6, totp_secret = ?7, totp_last_step = ?8, created = ?9 WHERE id = ?1",
      [&](SqlStatement& s) { bind_account(s, account); }, "update account");
  if (!changed) return std::unexpected(changed.error());
  if (*changed == 0) return fail(ErrorKind::ResourceNotFound, "no such account");
  return ok();
}

Status PlatformDb::set_password(std::string_view account_id, std::string_view password_hash) {
  std::lock_guard lock(mu_);
  return in_transaction([&]() -> Status {
    auto id = [&](SqlStatement& s) { s.bind(1, account_id); };
    auto changed = run(
        "UPDATE accounts SET password_hash = ?2 WHERE id = ?1",
        [&](SqlStatement& s) {
          s.bind(1, account_id);
          s.bind(2, password_hash);
        },
        "change password");
    if (!changed) return std::unexpected(changed.error());
    if (*changed == 0) return fail(ErrorKind::ResourceNotFound, "no such account");
    for (const auto* sql :
         {"DELETE FROM sessions WHERE account_id = ?1",
          "UPDATE refresh_tokens SET revoked = 1 WHERE account_id = ?1",
          "DELETE FROM mail_tokens WHERE account_id = ?1 AND purpose = 'reset'"}) {
      if (auto st = run(sql, id, "end what the old password opened"); !st) {
        return std::unexpected(st.error());
      }
    }
    return ok();
  });
}

Result<bool> PlatformDb::use_totp_step(std::string_view account_id, std::int64_t step) {
  std::lock_guard lock(mu_);
  auto changed = run(
      "UPDATE accounts SET totp_last_step = ?2 "
      "WHERE id = ?1 AND (totp_last_step IS NULL OR totp_last_step < ?2)",
      [&](SqlStatement& s) {
        s.bind(1, account_id);
        s.bind(2, step);
      },
      "record TOTP step");
  if (!changed) return std::unexpected(changed.error());
  return *changed > 0;
}

Result<bool> PlatformDb::delete_account(std::string_view id) {
  std::lock_guard lock(mu_);
  bool existed = false;
  auto st = in_transaction([&]() -> Status {
    auto bind = [&](SqlStatement& s) { s.bind(1, id); };
    auto changed = run("DELETE FROM accounts WHERE id = ?1", bind, "delete account");
    if (!changed) return std::unexpected(changed.error());
    existed = *changed > 0;
    for (const auto* sql : {"DELETE FROM sessions WHERE account_id = ?1",
                            "DELETE FROM refresh_tokens WHERE account_id = ?1",
                            "DELETE FROM consents WHERE account_id = ?1",
                            "DELETE FROM mail_tokens WHERE account_id = ?1",
                            "DELETE FROM account_links WHERE account_id = ?1"}) {
      if (auto r = run(sql, bind, "delete what the account had"); !r) {
        return std::unexpected(r.error());
      }
    }
    return ok();
  });
  if (!st) return std::unexpected(st.error());
  return existed;
}

// ---- sessions

Status PlatformDb::add_session(const SessionRecord& r) {
  std::lock_guard lock(mu_);
  return exec_one(
      "INSERT INTO sessions(id_hash, account_id, created, expires, auth_time, "
      "pending_second_factor, amr) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
      [&](SqlStatement& s) {
        s.bind(1, r.id_hash);
        s.bind(2, r.account_id);
        s.bind(3, to_ms(r.created));
        s.bind(4, to_ms(r.expires));
        s.bind(5, to_ms(r.auth_time));
        s.bind(6, std::int64_t{r.second_factor_pending});
        s.bind(7, joined(r.amr));
      },
      "store session");
}

Result<std::optional<SessionRecord>> PlatformDb::session(std::string_view id_hash,
                                                         model::Timestamp now) {
  std::lock_guard lock(mu_);
  return one<SessionRecord>(
      "SELECT id_hash, account_id, created, expires, auth_time, pending_second_factor, amr "
      "FROM sessions WHERE id_hash = ?1 AND expires > ?2",
      [&](SqlStatement& s) {
        s.bind(1, id_hash);
        s.bind(2, to_ms(now));
      },
      session_row, "read session");
}

Status PlatformDb::update_session(const SessionRecord& r) {
  std::lock_guard lock(mu_);
  return exec_one(
      "UPDATE sessions SET expires = ?2, auth_time = ?3, pending_second_factor = ?4, amr = ?5 "
      "WHERE id_hash = ?1",
      [&](SqlStatement& s) {
        s.bind(1, r.id_hash);
        s.bind(2, to_ms(r.expires));
        s.bind(3, to_ms(r.auth_time));
        s.bind(4, std::int64_t{r.second_factor_pending});
        s.bind(5, joined(r.amr));
      },
      "update session");
}

Status PlatformDb::end_session(std::string_view id_hash) {
  std::lock_guard lock(mu_);
  return in_transaction([&]() -> Status {
    auto bind = [&](SqlStatement& s) { s.bind(1, id_hash); };
    for (const auto* sql : {"DELETE FROM sessions WHERE id_hash = ?1",
                            "UPDATE refresh_tokens SET revoked = 1 WHERE session_hash = ?1"}) {
      if (auto r = run(sql, bind, "end session"); !r) return std::unexpected(r.error());
    }
    return ok();
  });
}

// ---- tickets: pending authorization requests and codes

Status PlatformDb::put_ticket(std::string_view kind, const Ticket& t) {
  std::lock_guard lock(mu_);
  return exec_one(
      "INSERT INTO tickets(kind, id_hash, doc, expires) VALUES(?1, ?2, ?3, ?4)",
      [&](SqlStatement& s) {
        s.bind(1, kind);
        s.bind(2, t.id_hash);
        s.bind(3, t.doc);
        s.bind(4, to_ms(t.expires));
      },
      "store ticket");
}

Result<std::optional<Ticket>> PlatformDb::ticket(std::string_view kind, std::string_view id_hash,
                                                 model::Timestamp now) {
  std::lock_guard lock(mu_);
  return one<Ticket>(
      "SELECT doc, expires FROM tickets WHERE kind = ?1 AND id_hash = ?2 AND expires > ?3 "
      "AND used = 0",
      [&](SqlStatement& s) {
        s.bind(1, kind);
        s.bind(2, id_hash);
        s.bind(3, to_ms(now));
      },
      [&](SqlStatement& s) {
        return Ticket{std::string(id_hash), std::string(s.column_text(0)),
                      from_ms(s.column_int(1))};
      },
      "read ticket");
}

Status PlatformDb::drop_ticket(std::string_view kind, std::string_view id_hash) {
  std::lock_guard lock(mu_);
  return exec_one(
      "DELETE FROM tickets WHERE kind = ?1 AND id_hash = ?2",
      [&](SqlStatement& s) {
        s.bind(1, kind);
        s.bind(2, id_hash);
      },
      "drop ticket");
}

Result<std::pair<Consumed, std::optional<Ticket>>> PlatformDb::consume_ticket(
    std::string_view kind, std::string_view id_hash, model::Timestamp now) {
  std::lock_guard lock(mu_);
  std::pair<Consumed, std::optional<Ticket>> out{Consumed::Missing, std::nullopt};
  auto st = in_transaction([&]() -> Status {
    auto found = one<std::pair<Consumed, Ticket>>(
        "SELECT doc, expires, used FROM tickets WHERE kind = ?1 AND id_hash = ?2 AND "
        "expires > ?3",
        [&](SqlStatement& s) {
          s.bind(1, kind);
          s.bind(2, id_hash);
          s.bind(3, to_ms(now));
        },
        [&](SqlStatement& s) {
          return std::pair{s.column_int(2) != 0 ? Consumed::AlreadyUsed : Consumed::Fresh,
                           Ticket{std::string(id_hash), std::string(s.column_text(0)),
                                  from_ms(s.column_int(1))}};
        },
        "read ticket");
    if (!found) return std::unexpected(found.error());
    if (!*found) return ok();
    out.first = (*found)->first;
    out.second = std::move((*found)->second);
    if (out.first == Consumed::AlreadyUsed) return ok();
    auto used = run(
        "UPDATE tickets SET used = 1 WHERE kind = ?1 AND id_hash = ?2",
        [&](SqlStatement& s) {
          s.bind(1, kind);
          s.bind(2, id_hash);
        },
        "use ticket");
    return used ? ok() : Status(std::unexpected(used.error()));
  });
  if (!st) return std::unexpected(st.error());
  return out;
}

Status PlatformDb::update_ticket_doc(std::string_view kind, std::string_view id_hash,
                                     std::string_view doc) {
  std::lock_guard lock(mu_);
  return exec_one(
      "UPDATE tickets SET doc = ?3 WHERE kind = ?1 AND id_hash = ?2",
      [&](SqlStatement& s) {
        s.bind(1, kind);
        s.bind(2, id_hash);
        s.bind(3, doc);
      },
      "update ticket");
}

// ---- refresh tokens

Status PlatformDb::add_refresh_token(const RefreshTokenRecord& token) {
  std::lock_guard lock(mu_);
  return exec_one(
      kInsertRefresh, [&](SqlStatement& s) { bind_refresh(s, token); }, "store refresh token");
}

Result<std::optional<RefreshTokenRecord>> PlatformDb::refresh_token(std::string_view hash) {
  std::lock_guard lock(mu_);
  return one<RefreshTokenRecord>(
      "SELECT token_hash, family, account_id, client_id, scope, session_hash, auth_time, "
      "created, expires, rotated, revoked FROM refresh_tokens WHERE token_hash = ?1",
      [&](SqlStatement& s) { s.bind(1, hash); }, refresh_row, "read refresh token");
}

Result<bool> PlatformDb::rotate_refresh_token(std::string_view old_hash, model::Timestamp now,
                                              const RefreshTokenRecord& successor) {
  std::lock_guard lock(mu_);
  bool rotated = false;
  auto st = in_transaction([&]() -> Status {
    auto changed = run(
        "UPDATE refresh_tokens SET rotated = ?2 "
        "WHERE token_hash = ?1 AND rotated IS NULL AND revoked = 0",
        [&](SqlStatement& s) {
          s.bind(1, old_hash);
          s.bind(2, to_ms(now));
        },
        "rotate refresh token");
    if (!changed) return std::unexpected(changed.error());
    rotated = *changed > 0;
    if (!rotated) return ok();
    auto added = run(
        kInsertRefresh, [&](SqlStatement& s) { bind_refresh(s, successor); },
        "store refresh token");
    return added ? ok() : Status(std::unexpected(added.error()));
  });
  if (!st) return std::unexpected(st.error());
  return rotated;
}

Status PlatformDb::revoke_refresh_family(std::string_view family) {
  std::lock_guard lock(mu_);
  return exec_one(
      "UPDATE refresh_tokens SET revoked = 1 WHERE family = ?1",
      [&](SqlStatement& s) { s.bind(1, family); }, "revoke refresh tokens");
}

// ---- consents

Result<std::optional<ConsentRecord>> PlatformDb::consent(std::string_view account_id,
                                                         std::string_view client_id) {
  std::lock_guard lock(mu_);
  return one<ConsentRecord>(
      "SELECT scopes, granted FROM consents WHERE account_id = ?1 AND client_id = ?2",
      [&](SqlStatement& s) {
        s.bind(1, account_id);
        s.bind(2, client_id);
      },
      [&](SqlStatement& s) {
        return ConsentRecord{std::string(account_id), std::string(client_id),
                             split(s.column_text(0)), from_ms(s.column_int(1))};
      },
      "read consent");
}

Status PlatformDb::put_consent(const ConsentRecord& c) {
  std::lock_guard lock(mu_);
  return exec_one(
      "INSERT INTO consents(account_id, client_id, scopes, granted) VALUES(?1, ?2, ?3, ?4) "
      "ON CONFLICT(account_id, client_id) DO UPDATE SET scopes = ?3, granted = ?4",
      [&](SqlStatement& s) {
        s.bind(1, c.account_id);
        s.bind(2, c.client_id);
        s.bind(3, joined(c.scopes));
        s.bind(4, to_ms(c.granted));
      },
      "store consent");
}

// ---- mailed one-time tokens

Status PlatformDb::add_mail_token(const MailTokenRecord& t) {
  std::lock_guard lock(mu_);
  return exec_one(
      "INSERT INTO mail_tokens(token_hash, account_id, purpose, expires) VALUES(?1, ?2, ?3, ?4)",
      [&](SqlStatement& s) {
        s.bind(1, t.token_hash);
        s.bind(2, t.account_id);
        s.bind(3, purpose_name(t.purpose));
        s.bind(4, to_ms(t.expires));
      },
      "store mail token");
}

Result<std::optional<MailTokenRecord>> PlatformDb::take_mail_token(std::string_view hash,
                                                                   MailPurpose purpose,
                                                                   model::Timestamp now) {
  std::lock_guard lock(mu_);
  std::optional<MailTokenRecord> out;
  auto st = in_transaction([&]() -> Status {
    auto found = one<MailTokenRecord>(
        "SELECT account_id, expires FROM mail_tokens WHERE token_hash = ?1 AND purpose = ?2 "
        "AND expires > ?3",
        [&](SqlStatement& s) {
          s.bind(1, hash);
          s.bind(2, purpose_name(purpose));
          s.bind(3, to_ms(now));
        },
        [&](SqlStatement& s) {
          return MailTokenRecord{std::string(hash), std::string(s.column_text(0)), purpose,
                                 from_ms(s.column_int(1))};
        },
        "read mail token");
    if (!found) return std::unexpected(found.error());
    if (!*found) return ok();
    out = std::move(*found);
    auto gone = run(
        "DELETE FROM mail_tokens WHERE token_hash = ?1", [&](SqlStatement& s) { s.bind(1, hash); },
        "use mail token");
    return gone ? ok() : Status(std::unexpected(gone.error()));
  });
  if (!st) return std::unexpected(st.error());
  return out;
}

// ---- links to upstream providers

Result<std::optional<std::string>> PlatformDb::linked_account(std::string_view provider,
                                                              std::string_view subject) {
  std::lock_guard lock(mu_);
  return one<std::string>(
      "SELECT account_id FROM account_links WHERE provider = ?1 AND subject = ?2",
      [&](SqlStatement& s) {
        s.bind(1, provider);
        s.bind(2, subject);
      },
      [](SqlStatement& s) { return std::string(s.column_text(0)); }, "read account link");
}

Status PlatformDb::link_account(std::string_view provider, std::string_view subject,
                                std::string_view account_id, model::Timestamp now) {
  std::lock_guard lock(mu_);
  auto linked = run(
      "INSERT INTO account_links(provider, subject, account_id, created) VALUES(?1, ?2, ?3, ?4)",
      [&](SqlStatement& s) {
        s.bind(1, provider);
        s.bind(2, subject);
        s.bind(3, account_id);
        s.bind(4, to_ms(now));
      },
      "link account");
  if (!linked && linked.error().kind == ErrorKind::AlreadyExists) {
    return fail(ErrorKind::AlreadyExists, "this upstream account is linked already");
  }
  return linked ? ok() : Status(std::unexpected(linked.error()));
}

Status PlatformDb::prune(model::Timestamp now) {
  std::lock_guard lock(mu_);
  return in_transaction([&]() -> Status {
    auto bind = [&](SqlStatement& s) { s.bind(1, to_ms(now)); };
    for (const auto* sql :
         {"DELETE FROM sessions WHERE expires <= ?1", "DELETE FROM tickets WHERE expires <= ?1",
          "DELETE FROM refresh_tokens WHERE expires <= ?1",
          "DELETE FROM mail_tokens WHERE expires <= ?1"}) {
      if (auto r = run(sql, bind, "prune expired identity records"); !r) {
        return std::unexpected(r.error());
      }
    }
    return ok();
  });
}

}  // namespace tsunagu::store
