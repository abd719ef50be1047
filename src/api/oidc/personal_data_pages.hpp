#pragma once
// The resident's pages about their personal data (docs/design/consent.md, issue 9): GET
// /account/consents with its three posts (withdraw a grant; approve or decline a service's
// request) and GET /account/activity (who used the data and when). Like /account they need a
// signed-in session; without OidcDeps::consent (or ::audit for the activity) they answer 404.

#include <memory>

#include "api/oidc/browser.hpp"
#include "api/oidc/oidc.hpp"
#include "http/router.hpp"

namespace tsunagu::api::oidc {

// `browser` is the one of the other resident pages, so that one CSRF key signs every form.
// `deps` must outlive the router.
void register_personal_data_pages(http::Router& router, const OidcDeps& deps,
                                  std::shared_ptr<const Browser> browser);

}  // namespace tsunagu::api::oidc
