#pragma once
// What a node caches of the platform database and reads again when another node announces it
// changed it (store/platform/platform_db.hpp, kKeysChanged …), or when announcements may have
// been missed: token revocations, signing keys, personal-data rules and active grants. Called on
// the coordination's thread; each reload is one read of the database.

#include "consent/consent_service.hpp"
#include "identity/key_ring.hpp"
#include "identity/token_service.hpp"
#include "store/node_coordination.hpp"

namespace tsunagu::app {

class PlatformRefresh final : public store::CoordinationListener {
 public:
  PlatformRefresh(identity::KeyRing& keys, identity::TokenService& tokens,
                  consent::ConsentService& consents)
      : keys_(keys), tokens_(tokens), consents_(consents) {}

  void on_announced(const std::string& tenant, const std::string& message, bool own) override;
  void on_claimed(const std::string&, std::vector<std::string>) override {}
  void on_lost_all() override {}
  void on_missed() override;

 private:
  identity::KeyRing& keys_;
  identity::TokenService& tokens_;
  consent::ConsentService& consents_;
};

}  // namespace tsunagu::app
