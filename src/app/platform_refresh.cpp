#include "app/platform_refresh.hpp"

#include <spdlog/spdlog.h>

#include "store/platform/platform_db.hpp"

namespace tsunagu::app {
namespace {

void reloaded(std::string_view what, const Status& st) {
  if (!st) spdlog::warn("{} changed on another node, not read again: {}", what, st.error().message);
}

}  // namespace

void PlatformRefresh::on_announced(const std::string& tenant, const std::string& message,
                                   bool /*own*/) {
  if (!tenant.empty()) return;  // a tenant's: the subscriptions'
  if (message == store::PlatformDb::kRevocationsChanged) {
    reloaded("token revocations", tokens_.load_revocations());
  } else if (message == store::PlatformDb::kKeysChanged) {
    reloaded("signing keys", keys_.load());
  } else if (message == store::PlatformDb::kRulesChanged ||
             message == store::PlatformDb::kGrantsChanged) {
    reloaded("consent", consents_.load());
  }
}

void PlatformRefresh::on_missed() {
  reloaded("token revocations", tokens_.load_revocations());
  reloaded("signing keys", keys_.load());
  reloaded("consent", consents_.load());
}

}  // namespace tsunagu::app
