#pragma once
// How APIs outside NGSI-LD name a tenant (the admin and consent APIs, configuration): the
// NGSILD-Tenant header's name, or "_default" for the default tenant, which the stores call "".

#include <string>
#include <string_view>

#include "model/error.hpp"

namespace tsunagu::model {

inline constexpr std::string_view kDefaultTenantLabel = "_default";

// "_default", or 1 to 64 letters, digits, '_' and '-' not starting with '_' or '-'.
bool valid_tenant_label(std::string_view label);
// A tenant name as the NGSILD-Tenant header gives it (not "_default"): 1 to 64 letters, digits,
// '_' or '-', not starting with '_' or '-', so that every store can name a file or a schema after
// it. BadRequestData naming the rule otherwise.
Status validate_tenant_name(std::string_view name);
// "_default" -> "", any other label as it is.
inline std::string tenant_key(std::string_view label) {
  return label == kDefaultTenantLabel ? std::string() : std::string(label);
}
// "" -> "_default", any other name as it is.
inline std::string tenant_label(std::string_view key) {
  return key.empty() ? std::string(kDefaultTenantLabel) : std::string(key);
}

}  // namespace tsunagu::model
