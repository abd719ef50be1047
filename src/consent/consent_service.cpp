#include "consent/consent_service.hpp"

#include <boost/json/parse.hpp>

#include "model/json_text.hpp"
#include "model/tenant.hpp"
#include "model/uuid.hpp"

namespace tsunagu::consent {
namespace {

std::unexpected<Error> bad(std::string message) {
  return fail(ErrorKind::BadRequestData, std::move(message));
}

std::unexpected<Error> no_grant(std::string_view id) {
  return fail(ErrorKind::ResourceNotFound, "no consent grant '" + std::string(id) + "'");
}

std::unexpected<Error> no_request(std::string_view id) {
  return fail(ErrorKind::ResourceNotFound, "no consent request '" + std::string(id) + "'");
}

}  // namespace

ConsentService::ConsentService(store::ConsentStore& store, RuleBook& rules, GrantIndex& grants,
                               const model::Clock& clock, ClientExists client_exists,
                               SubjectExists subject_exists, ConsentLimits limits)
    : store_(store),
      rules_(rules),
      grants_(grants),
      clock_(clock),
      client_exists_(std::move(client_exists)),
      subject_exists_(std::move(subject_exists)),
      limits_(limits) {}

Status ConsentService::load() {
  auto all = store_.all_rules();
  if (!all) return std::unexpected(all.error());
  for (const auto& [tenant, text] : *all) {
    boost::system::error_code ec;
    auto json = boost::json::parse(text, ec);
    auto set = ec ? Result<RuleSet>(bad("unreadable")) : rules_from_json(json);
    if (!set) {
      return fail(ErrorKind::InternalError, "the stored personal-data rules of tenant '" +
                                                model::tenant_label(tenant) +
                                                "' are corrupt: " + set.error().message);
    }
    rules_.set(tenant, std::move(*set));
  }
  auto active = store_.active_grants(clock_.now());
  if (!active) return std::unexpected(active.error());
  grants_.load(*active);
  return ok();
}

Status ConsentService::set_rules(std::string_view tenant, RuleSet rules) {
  const std::string text = rules.empty() ? std::string() : model::to_json_text(to_json(rules));
  if (auto st = store_.put_rules(tenant, text); !st) return st;
  rules_.set(tenant, std::move(rules));
  return ok();
}

Status ConsentService::check(const GrantTerms& terms) const {
  if (terms.client_id.empty() || !client_exists_(terms.client_id)) {
    return bad("no client '" + terms.client_id + "' is registered");
  }
  const auto rules = rules_.rules(terms.tenant);
  const bool declared = std::any_of(rules->rules.begin(), rules->rules.end(),
                                    [&](const auto& r) { return r.category == terms.category; });
  if (!declared) {
    return bad("tenant '" + model::tenant_label(terms.tenant) +
               "' declares no personal data of category '" + terms.category + "'");
  }
  if (terms.purpose.empty() || terms.purpose.size() > limits_.purpose_chars) {
    return bad("the purpose must be 1 to " + std::to_string(limits_.purpose_chars) + " characters");
  }
  const auto now = clock_.now();
  if (terms.expires <= now) return bad("the grant must end in the future");
  if (terms.expires > now + limits_.longest_grant) {
    return bad("a grant may last at most " + std::to_string(limits_.longest_grant.count()) +
               " days");
  }
  return ok();
}

Result<store::GrantRecord> ConsentService::grant(std::string_view subject, GrantTerms terms) {
  if (auto st = check(terms); !st) return std::unexpected(st.error());
  store::GrantRecord g{model::random_uuid(),
                       std::string(subject),
                       std::move(terms.client_id),
                       std::move(terms.tenant),
                       std::move(terms.category),
                       std::move(terms.purpose),
                       clock_.now(),
                       terms.expires,
                       std::nullopt};
  if (auto st = store_.add_grant(g); !st) return std::unexpected(st.error());
  grants_.add(g);
  return g;
}

Result<std::vector<store::GrantRecord>> ConsentService::grants_of(std::string_view subject) {
  return store_.grants_of(subject);
}

Result<store::GrantRecord> ConsentService::grant_of(std::string_view subject, std::string_view id) {
  auto g = store_.grant(id);
  if (!g) return std::unexpected(g.error());
  if (!*g || (*g)->subject != subject) return no_grant(id);
  return std::move(**g);
}

Result<store::GrantRecord> ConsentService::withdraw(std::string_view subject, std::string_view id) {
  auto g = grant_of(subject, id);
  if (!g || g->withdrawn) return g;
  grants_.remove(id);
  const auto now = clock_.now();
  auto changed = store_.withdraw_grant(id, subject, now);
  if (!changed) {
    grants_.add(*g);  // still in force in the store: the index must say so too
    return std::unexpected(changed.error());
  }
  return grant_of(subject, id);
}

Result<int> ConsentService::withdraw_all(std::string_view subject) {
  grants_.remove_subject(subject);
  return store_.withdraw_all(subject, clock_.now());
}

Result<store::ConsentRequestRecord> ConsentService::request(std::string_view subject,
                                                            GrantTerms terms) {
  if (auto st = check(terms); !st) return std::unexpected(st.error());
  if (subject.empty() || !subject_exists_(subject)) {
    return bad("no resident '" + std::string(subject) + "' has an account");
  }
  auto pending = store_.requests_of(subject, true);
  if (!pending) return std::unexpected(pending.error());
  const auto mine = std::count_if(pending->begin(), pending->end(),
                                  [&](const auto& r) { return r.client_id == terms.client_id; });
  if (static_cast<std::size_t>(mine) >= limits_.pending_requests) {
    return fail(ErrorKind::TooManyRequests,
                "this client has " + std::to_string(mine) +
                    " requests pending with this resident; wait for their answer");
  }
  store::ConsentRequestRecord r;
  r.id = model::random_uuid();
  r.subject = std::string(subject);
  r.client_id = std::move(terms.client_id);
  r.tenant = std::move(terms.tenant);
  r.category = std::move(terms.category);
  r.purpose = std::move(terms.purpose);
  r.requested = clock_.now();
  r.until = terms.expires;
  if (auto st = store_.add_request(r); !st) return std::unexpected(st.error());
  return r;
}

Result<std::vector<store::ConsentRequestRecord>> ConsentService::requests_of(
    std::string_view subject) {
  return store_.requests_of(subject, false);
}

Result<store::ConsentRequestRecord> ConsentService::request_for(std::string_view id,
                                                                std::string_view subject,
                                                                std::string_view client_id) {
  auto r = store_.request(id);
  if (!r) return std::unexpected(r.error());
  if (!*r) return no_request(id);
  const bool theirs = (!subject.empty() && (*r)->subject == subject) ||
                      (!client_id.empty() && (*r)->client_id == client_id);
  if (!theirs) return no_request(id);
  return std::move(**r);
}

Result<store::ConsentRequestRecord> ConsentService::pending_of(std::string_view subject,
                                                               std::string_view id) {
  auto r = request_for(id, subject, {});
  if (!r) return r;
  if (r->state != store::RequestState::Pending) {
    return fail(ErrorKind::AlreadyExists,
                "consent request '" + std::string(id) + "' was decided already");
  }
  return r;
}

Result<store::GrantRecord> ConsentService::approve(std::string_view subject, std::string_view id) {
  auto r = pending_of(subject, id);
  if (!r) return std::unexpected(r.error());
  GrantTerms terms{r->client_id, r->tenant, r->category, r->purpose, r->until};
  // The rules, the client or the time may have changed since the request was made.
  if (auto st = check(terms); !st) return std::unexpected(st.error());
  store::GrantRecord g{model::random_uuid(), r->subject,   r->client_id, r->tenant,   r->category,
                       r->purpose,           clock_.now(), r->until,     std::nullopt};
  auto decided = store_.decide_request(id, subject, store::RequestState::Approved, g.granted, g);
  if (!decided) return std::unexpected(decided.error());
  if (!*decided) {
    return fail(ErrorKind::AlreadyExists,
                "consent request '" + std::string(id) + "' was decided already");
  }
  grants_.add(g);
  return g;
}

Status ConsentService::decline(std::string_view subject, std::string_view id) {
  auto r = pending_of(subject, id);
  if (!r) return std::unexpected(r.error());
  auto decided =
      store_.decide_request(id, subject, store::RequestState::Declined, clock_.now(), std::nullopt);
  if (!decided) return std::unexpected(decided.error());
  if (!*decided) {
    return fail(ErrorKind::AlreadyExists,
                "consent request '" + std::string(id) + "' was decided already");
  }
  return ok();
}

std::string_view ConsentService::state(const store::GrantRecord& grant) const {
  if (grant.withdrawn) return "withdrawn";
  return grant.expires <= clock_.now() ? "expired" : "active";
}

}  // namespace tsunagu::consent
