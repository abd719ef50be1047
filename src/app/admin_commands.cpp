#include "app/admin_commands.hpp"

#include <algorithm>
#include <boost/json/object.hpp>
#include <functional>
#include <iostream>
#include <limits>

#include "app/identity_setup.hpp"
#include "app/platform_store.hpp"
#include "model/json_text.hpp"
#include "store/audit_chain.hpp"

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

// Calls `page` with each page of the audit log in seq order, until it returns false or the log
// ends.
Status each_audit_page(const Config& config, std::size_t page_size,
                       const std::function<bool(const std::vector<store::AuditRecord>&)>& page) {
  auto db = open_platform_store(config);
  if (!db) return std::unexpected(db.error());
  // From the lowest seq there is: a row slipped in below seq 1 is out of line too.
  for (std::int64_t from = std::numeric_limits<std::int64_t>::min();;) {
    auto records = (*db)->range(from, std::max<std::size_t>(page_size, 1));
    if (!records) return std::unexpected(records.error());
    if (records->empty() || !page(*records)) return ok();
    if (records->back().seq == std::numeric_limits<std::int64_t>::max()) return ok();
    from = records->back().seq + 1;
  }
}

// Where the chain stands between pages.
struct ChainState {
  std::int64_t next_seq = 1;
  std::string prev_hash{store::kAuditGenesis};
  std::int64_t checked = 0;
  std::optional<store::AuditCheck> broken;
};

bool check_page(ChainState& chain, const std::vector<store::AuditRecord>& records) {
  const auto& first = records.front();
  if (first.seq != chain.next_seq) {
    chain.broken = store::AuditCheck{false, chain.checked, first.seq,
                                     "seq " + std::to_string(first.seq) + " where seq " +
                                         std::to_string(chain.next_seq) +
                                         " was expected: a record is missing"};
    return false;
  }
  auto check = store::verify_chain(records, chain.prev_hash);
  chain.checked += check.checked;
  if (!check.ok) {
    check.checked = chain.checked;
    chain.broken = std::move(check);
    return false;
  }
  chain.next_seq = records.back().seq + 1;
  chain.prev_hash = records.back().hash;
  return true;
}

boost::json::object audit_json(const store::AuditRecord& r) {
  return {{"seq", r.seq},
          {"at", model::format_datetime(r.at)},
          {"client_id", r.client_id},
          {"subject", r.subject},
          {"data", r.data},
          {"purpose", r.purpose},
          {"grant_id", r.grant_id},
          {"prev_hash", r.prev_hash},
          {"hash", r.hash}};
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

int verify_audit(const Config& config, std::ostream& out, std::size_t page_size) {
  ChainState chain;
  auto st = each_audit_page(config, page_size,
                            [&](const auto& records) { return check_page(chain, records); });
  if (!st) return failed(st.error());
  if (chain.broken) {
    out << "audit log broken at seq " << *chain.broken->first_bad_seq << ": "
        << chain.broken->problem << " (" << chain.checked << " records intact before it)\n";
    return 1;
  }
  out << "audit log intact: " << chain.checked << " records\n";
  if (chain.checked > 0)
    out << "last: seq " << chain.next_seq - 1 << " hash " << chain.prev_hash << "\n";
  return 0;
}

int export_audit(const Config& config, std::ostream& out, std::size_t page_size) {
  auto st = each_audit_page(config, page_size, [&](const auto& records) {
    for (const auto& r : records) out << model::to_json_text(audit_json(r)) << "\n";
    return true;
  });
  if (!st) return failed(st.error());
  return 0;
}

}  // namespace tsunagu::app
