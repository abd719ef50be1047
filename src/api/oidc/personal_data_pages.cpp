#include "api/oidc/personal_data_pages.hpp"

#include <boost/json/parse.hpp>
#include <charconv>
#include <map>

#include "api/oidc/pages_link.hpp"
#include "consent/consent_service.hpp"
#include "model/tenant.hpp"
#include "store/audit_log.hpp"

namespace tsunagu::api::oidc {
namespace {

namespace json = boost::json;

constexpr std::size_t kActivityPage = 50;  // records per page of /account/activity

// What ?done= says on the consents page after a post redirected there.
constexpr std::string_view kDoneWithdrawn = "withdrawn";
constexpr std::string_view kDoneApproved = "approved";
constexpr std::string_view kDoneDeclined = "declined";

ConsentNotice notice_of(std::optional<std::string> done) {
  if (done == kDoneWithdrawn) return ConsentNotice::Withdrawn;
  if (done == kDoneApproved) return ConsentNotice::Approved;
  if (done == kDoneDeclined) return ConsentNotice::Declined;
  return ConsentNotice::None;
}

GrantState grant_state(std::string_view state) {
  if (state == "active") return GrantState::Active;
  return state == "expired" ? GrantState::Expired : GrantState::Withdrawn;
}

std::string member(const json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// An audit record as the page shows it. Its data is the JSON of consent::AuditTrail::data_text,
// {tenant, type, id, category, attributes?}; anything else is shown as the record's id.
ActivityItem activity_item(const store::AuditRecord& r, std::string service) {
  ActivityItem item{.at = r.at, .service = std::move(service), .purpose = r.purpose};
  boost::system::error_code ec;
  const auto data = json::parse(r.data, ec);
  if (ec || !data.is_object()) {
    item.entity_id = r.data;
    return item;
  }
  const auto& o = data.get_object();
  item.tenant = model::tenant_key(member(o, "tenant"));
  item.type = member(o, "type");
  item.entity_id = member(o, "id");
  if (const auto* attributes = o.if_contains("attributes"); attributes && attributes->is_array()) {
    for (const auto& a : attributes->get_array()) {
      if (a.is_string()) item.attributes.emplace_back(a.get_string());
    }
  }
  return item;
}

// Services by client id, as residents know them: the name, or the id of a removed client.
class ServiceNames {
 public:
  explicit ServiceNames(identity::ClientRegistry& clients) : clients_(clients) {}

  const std::string& operator()(const std::string& client_id) {
    auto [it, added] = names_.try_emplace(client_id);
    if (added) {
      auto client = clients_.get(client_id);
      it->second = client && !client->name.empty() ? client->name : client_id;
    }
    return it->second;
  }

 private:
  identity::ClientRegistry& clients_;
  std::map<std::string, std::string> names_;
};

class PersonalDataPages {
 public:
  PersonalDataPages(const OidcDeps& deps, std::shared_ptr<const Browser> browser)
      : deps_(deps), browser_(std::move(browser)) {}

  // GET /account/consents[?done=...].
  void consents(http::Request&& req, http::Responder respond) {
    auto b = browser_->open(req);
    if (!deps_.consent) return respond(not_served(b));
    std::string subject;
    if (auto refused = refuse(b, subject)) return respond(std::move(*refused));
    respond(consents_page(b, 200, subject, notice_of(Browser::field(b, kFieldDone))));
  }

  // POST /account/consents/withdraw, /account/consents/requests/approve and .../decline: the
  // change, then 303 to the consents page, which says what was done.
  void consent_action(http::Request&& req, http::Responder respond) {
    auto b = browser_->open(req);
    if (!deps_.consent) return respond(not_served(b));
    std::string subject;
    if (auto refused = refuse(b, subject)) return respond(std::move(*refused));
    if (!browser_->csrf_ok(b)) {
      return respond(consents_page(b, 403, subject, ConsentNotice::None, Problem::SessionExpired));
    }
    auto& consent = *deps_.consent;
    std::string_view done;
    Status st = ok();
    if (req.path == kWithdrawGrantPath) {
      auto withdrawn = consent.withdraw(subject, Browser::field(b, kFieldGrant).value_or(""));
      if (!withdrawn) st = std::unexpected(withdrawn.error());
      done = kDoneWithdrawn;
    } else {
      const auto id = Browser::field(b, kFieldConsentRequest).value_or("");
      if (req.path == kApproveRequestPath) {
        auto granted = consent.approve(subject, id);
        if (!granted) st = std::unexpected(granted.error());
        done = kDoneApproved;
      } else {
        st = consent.decline(subject, id);
        done = kDoneDeclined;
      }
    }
    if (!st) return respond(refusal(b, subject, st.error()));
    respond(browser_->redirect(
        b,
        pages::link(kConsentsPath, {{"ui_locales", language_tag(b.locale)}, {kFieldDone, done}})));
  }

  // GET /account/activity[?before=<seq>].
  void activity(http::Request&& req, http::Responder respond) {
    auto b = browser_->open(req);
    if (!deps_.audit) return respond(not_served(b));
    std::string subject;
    if (auto refused = refuse(b, subject)) return respond(std::move(*refused));
    ActivityView view{browser_->base(b)};
    if (auto text = Browser::field(b, kFieldBefore)) {
      std::int64_t before = 0;
      const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), before);
      if (ec != std::errc() || end != text->data() + text->size() || before < 1) {
        return respond(message(b, 400, "'before' must be a record's number, a positive integer"));
      }
      view.before = before;
    }
    auto records = deps_.audit->for_subject(subject, kActivityPage + 1,
                                            view.before.value_or(store::kAuditNewest));
    if (!records) return respond(message(b, 500, records.error().message));
    if (records->size() > kActivityPage) {
      records->resize(kActivityPage);
      view.older = records->back().seq;
    }
    ServiceNames names(deps_.clients);
    for (const auto& r : *records) view.records.push_back(activity_item(r, names(r.client_id)));
    respond(browser_->page(b, 200, render_activity(view)));
  }

 private:
  // The answer when no signed-in resident asks: to the sign-in page, as /account does, or an
  // error; nullopt with `subject` set otherwise.
  std::optional<http::Response> refuse(const BrowserRequest& b, std::string& subject) const {
    auto signed_in = deps_.accounts.current(b.session_token);
    if (!signed_in) return message(b, 500, signed_in.error().message);
    if (!*signed_in) return browser_->redirect(b, std::string(kLoginPath));
    subject = (*signed_in)->account.id;
    return std::nullopt;
  }

  http::Response message(const BrowserRequest& b, int status, std::string detail) const {
    return browser_->page(b, status,
                          render_message({b.locale, Message::BadRequest, std::move(detail)}));
  }

  http::Response not_served(const BrowserRequest& b) const {
    return message(b, 404, "this server keeps no consents to personal data");
  }

  // A post the consent service refused: the page again, saying why.
  http::Response refusal(const BrowserRequest& b, const std::string& subject,
                         const Error& e) const {
    switch (e.kind) {
      case ErrorKind::ResourceNotFound:
        return consents_page(b, 404, subject, ConsentNotice::NotFound);
      case ErrorKind::AlreadyExists:
        return consents_page(b, 409, subject, ConsentNotice::AlreadyAnswered);
      case ErrorKind::BadRequestData:
        return consents_page(b, 409, subject, ConsentNotice::CannotApprove);
      default:
        return message(b, 500, e.message);
    }
  }

  http::Response consents_page(const BrowserRequest& b, int status, const std::string& subject,
                               ConsentNotice notice, Problem problem = Problem::None) const {
    ConsentsView view{browser_->base(b)};
    view.problem = problem;
    view.notice = notice;
    auto& consent = *deps_.consent;
    auto requests = consent.requests_of(subject);
    if (!requests) return message(b, 500, requests.error().message);
    auto grants = consent.grants_of(subject);
    if (!grants) return message(b, 500, grants.error().message);
    ServiceNames names(deps_.clients);
    for (const auto& r : *requests) {
      if (r.state != store::RequestState::Pending) continue;
      view.requests.push_back({.id = r.id,
                               .service = names(r.client_id),
                               .tenant = r.tenant,
                               .category = r.category,
                               .purpose = r.purpose,
                               .requested = r.requested,
                               .until = r.until});
    }
    for (const auto& g : *grants) {
      view.grants.push_back({.id = g.id,
                             .service = names(g.client_id),
                             .tenant = g.tenant,
                             .category = g.category,
                             .purpose = g.purpose,
                             .granted = g.granted,
                             .expires = g.expires,
                             .withdrawn = g.withdrawn,
                             .state = grant_state(consent.state(g))});
    }
    return browser_->page(b, status, render_consents(view));
  }

  const OidcDeps& deps_;
  const std::shared_ptr<const Browser> browser_;
};

}  // namespace

void register_personal_data_pages(http::Router& router, const OidcDeps& deps,
                                  std::shared_ptr<const Browser> browser) {
  auto pages = std::make_shared<PersonalDataPages>(deps, std::move(browser));
  auto bind = [pages](void (PersonalDataPages::*fn)(http::Request&&, http::Responder)) {
    return [pages, fn](http::Request&& req, http::Responder respond) {
      ((*pages).*fn)(std::move(req), std::move(respond));
    };
  };
  router.add("GET", std::string(kConsentsPath), bind(&PersonalDataPages::consents));
  for (const auto path : {kWithdrawGrantPath, kApproveRequestPath, kDeclineRequestPath}) {
    router.add("POST", std::string(path), bind(&PersonalDataPages::consent_action));
  }
  router.add("GET", std::string(kActivityPath), bind(&PersonalDataPages::activity));
}

}  // namespace tsunagu::api::oidc
