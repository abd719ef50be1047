#pragma once
// What a node caches of the platform database and reads again when another node announces it
// changed it (store/platform/platform_db.hpp, kKeysChanged, kRevocationsChanged), or when
// announcements may have been missed: token revocations and signing keys. Called on the
// coordination's thread; each reload is one read of the database.
//
// Not yet the consent service's rules and grants (kRulesChanged, kGrantsChanged are announced
// but not read here): reloading them while a resident's account is erased made that request
// fail (pg.ConsentErasure.DeletingTheAccountErasesTheResidentsDataAndAuditsIt), and the cause
// is not found yet (docs/design/postgres.md, "What nodes cache").

#include "identity/key_ring.hpp"
#include "identity/token_service.hpp"
#include "store/node_coordination.hpp"

namespace tsunagu::app {

class PlatformRefresh final : public store::CoordinationListener {
 public:
  PlatformRefresh(identity::KeyRing& keys, identity::TokenService& tokens)
      : keys_(keys), tokens_(tokens) {}

  void on_announced(const std::string& tenant, const std::string& message, bool own) override;
  void on_claimed(const std::string&, std::vector<std::string>) override {}
  void on_lost_all() override {}
  void on_missed() override;

 private:
  identity::KeyRing& keys_;
  identity::TokenService& tokens_;
};

}  // namespace tsunagu::app
