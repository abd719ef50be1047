#include "broker/subject_data.hpp"

#include <algorithm>
#include <future>
#include <limits>
#include <set>

#include "consent/rules.hpp"

namespace tsunagu::broker {
namespace {

constexpr auto kAll = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
constexpr std::size_t kHistoryPage = 1000;

// Whether one recorded instance of the subject attribute names the subject.
bool names_subject(const store::HistoryAttribute& attr, const consent::PersonalDataRule& rule,
                   std::string_view subject) {
  return std::any_of(attr.instances.begin(), attr.instances.end(), [&](const auto& instance) {
    model::Entity stub;
    stub.attributes.push_back({rule.subject, {instance.value}});
    return consent::subject_of(stub, rule) == subject;
  });
}

// The ids of the type's histories whose subject attribute ever named the subject: only that
// attribute is read, a page at a time.
Result<std::vector<std::string>> history_ids(store::TenantStore& db,
                                             const consent::PersonalDataRule& rule,
                                             std::string_view subject) {
  std::vector<std::string> out;
  store::HistoryQuery q;
  q.entities = {query::of_types({rule.type})};
  q.attrs = {rule.subject};
  q.max_instances = kAll;
  q.limit = kHistoryPage;
  for (;;) {
    auto page = db.history(q);
    if (!page) return std::unexpected(page.error());
    for (const auto& h : page->entities) {
      if (std::any_of(h.attributes.begin(), h.attributes.end(),
                      [&](const auto& a) { return names_subject(a, rule, subject); })) {
        out.push_back(h.id);
      }
    }
    if (page->entities.size() < q.limit) return out;
    q.offset += q.limit;
  }
}

}  // namespace

Result<TenantSubjectData> SubjectData::find_in(const std::string& tenant, store::TenantStore& db,
                                               std::string_view subject) {
  TenantSubjectData out{tenant, {}, {}};
  std::set<std::string> entity_ids;
  std::set<std::string> histories;
  // Held for the loop: the range-for would keep only the set, not the pointer that owns it, and
  // a reload of the rules (another node's change) may replace them meanwhile.
  const auto rules = rules_.rules(tenant);
  for (const auto& rule : rules->rules) {
    store::EntityQuery q;
    q.entities = {query::of_types({rule.type})};
    q.restrictions = {{rule.type, rule.subject, consent::indexed_forms(subject)}};
    q.limit = kAll;
    auto page = db.query(q);
    if (!page) return std::unexpected(page.error());
    for (auto& e : page->entities) {
      if (entity_ids.insert(e.id).second) out.entities.push_back(std::move(e));
    }
    auto ids = history_ids(db, rule, subject);
    if (!ids) return std::unexpected(ids.error());
    histories.insert(ids->begin(), ids->end());
  }
  if (histories.empty()) return out;
  store::HistoryQuery all;
  all.entities = {query::EntitySelector{{}, {histories.begin(), histories.end()}, {}}};
  all.retrieval = true;
  all.max_instances = kAll;
  all.limit = kAll;
  auto page = db.history(all);
  if (!page) return std::unexpected(page.error());
  out.histories = std::move(page->entities);
  return out;
}

Result<std::vector<TenantSubjectData>> SubjectData::find(std::string_view subject) {
  std::vector<TenantSubjectData> out;
  for (const auto& tenant : rules_.tenants()) {
    auto db = store_.tenant(tenant, false);
    if (!db && db.error().kind == ErrorKind::NonexistentTenant) continue;
    if (!db) return std::unexpected(db.error());
    auto found = find_in(tenant, **db, subject);
    if (!found) return std::unexpected(found.error());
    if (!found->entities.empty() || !found->histories.empty()) out.push_back(std::move(*found));
  }
  return out;
}

Result<Erased> SubjectData::erase(std::string_view subject) {
  auto found = find(subject);
  if (!found) return std::unexpected(found.error());
  Erased erased;
  for (const auto& data : *found) {
    auto db = store_.tenant(data.tenant, false);
    if (!db) return std::unexpected(db.error());
    std::vector<std::string> entities;
    for (const auto& e : data.entities) entities.push_back(e.id);
    std::vector<std::string> histories;
    for (const auto& h : data.histories) histories.push_back(h.id);
    std::promise<Status> committed;
    auto apply = [entities, histories](store::WriteTxn& txn) -> Status {
      for (const auto& id : entities) {
        if (auto removed = txn.remove(id); !removed) return std::unexpected(removed.error());
      }
      for (const auto& id : histories) {
        if (auto gone = txn.history().erase_entity(id); !gone) {
          return std::unexpected(gone.error());
        }
      }
      return ok();
    };
    (*db)->submit(store::WriteJob{std::move(apply),
                                  [&committed](Status st) { committed.set_value(std::move(st)); }});
    if (auto st = committed.get_future().get(); !st) return std::unexpected(st.error());
    erased.entities += entities.size();
    erased.histories += histories.size();
  }
  return erased;
}

}  // namespace tsunagu::broker
