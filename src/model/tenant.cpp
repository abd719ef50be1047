#include "model/tenant.hpp"

#include <algorithm>

namespace tsunagu::model {

namespace {

constexpr std::size_t kMaxTenantName = 64;

bool tenant_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

bool valid_tenant_name(std::string_view name) {
  return !name.empty() && name.size() <= kMaxTenantName && name[0] != '_' && name[0] != '-' &&
         std::all_of(name.begin(), name.end(), tenant_char);
}

}  // namespace

bool valid_tenant_label(std::string_view label) {
  return label == kDefaultTenantLabel || valid_tenant_name(label);
}

Status validate_tenant_name(std::string_view name) {
  if (valid_tenant_name(name)) return ok();
  return fail(ErrorKind::BadRequestData,
              "tenant name '" + std::string(name.substr(0, kMaxTenantName)) +
                  "' is invalid: use 1 to 64 letters, digits, '_' or '-', starting with a "
                  "letter or digit");
}

}  // namespace tsunagu::model
