#include "model/tenant.hpp"

#include <algorithm>

namespace tsunagu::model {

bool valid_tenant_label(std::string_view label) {
  if (label == kDefaultTenantLabel) return true;
  if (label.empty() || label.size() > 64 || label[0] == '_' || label[0] == '-') return false;
  return std::all_of(label.begin(), label.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

}  // namespace tsunagu::model
