#pragma once
// The command-line administration of oneID, on the platform database of a data directory, with
// or without a server running on it: `tsunagu keys rotate`, `tsunagu clients add|list|remove`.
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

}  // namespace tsunagu::app
