#pragma once
// The command-line administration of oneID, on the platform database of a data directory, with
// or without a server running on it: `tsunagu keys rotate`, `tsunagu clients add|list|remove`,
// `tsunagu audit verify|export` (the audit log of accesses to personal data).
// Each prints what it did on `out` and returns the process exit code.

#include <ostream>
#include <string>
#include <vector>

#include "app/config.hpp"

namespace tsunagu::app {

int rotate_keys(const Config& config, std::ostream& out);

struct ClientFlags {
  std::string name;
  std::vector<std::string> scopes, tenants, types, redirect_uris;
  bool is_public = false;
};
int add_client(const Config& config, const ClientFlags& flags, std::ostream& out);
int list_clients(const Config& config, std::ostream& out);
int remove_client(const Config& config, const std::string& id, std::ostream& out);

// Reads the whole audit log, `page_size` records at a time, and checks its hash chain
// (store/audit_chain.hpp). Prints "audit log intact: N records" and the last hash, and returns
// 0; or prints the first bad seq and what is wrong with it, and returns 1.
inline constexpr std::size_t kAuditPage = 10'000;
int verify_audit(const Config& config, std::ostream& out, std::size_t page_size = kAuditPage);
// Prints every audit record as one JSON object a line (JSON Lines), oldest first.
int export_audit(const Config& config, std::ostream& out, std::size_t page_size = kAuditPage);

}  // namespace tsunagu::app
