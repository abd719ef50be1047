#include "consent/audit_trail.hpp"

#include <boost/json.hpp>

#include "model/json_text.hpp"

namespace tsunagu::consent {
namespace json = boost::json;

std::string AuditTrail::data_text(std::string_view tenant, std::string_view entity_id,
                                  const Access& access) {
  json::object o{{"tenant", tenant.empty() ? std::string_view("_default") : tenant},
                 {"type", access.type},
                 {"id", entity_id},
                 {"category", access.category}};
  if (!access.attributes.empty()) {
    json::array attrs;
    for (const auto& a : access.attributes) attrs.emplace_back(a);
    o["attributes"] = std::move(attrs);
  }
  return model::to_json_text(o);
}

Status AuditTrail::record(const Viewer& viewer, std::string_view tenant,
                          const std::vector<ReadAccesses>& reads) {
  std::vector<store::AuditRecord> records;
  const auto now = clock_.now();
  for (const auto& read : reads) {
    for (const auto& access : read.accesses) {
      store::AuditRecord r;
      r.at = now;
      r.client_id = viewer.client_id;
      r.subject = access.subject;
      r.data = data_text(tenant, read.entity_id, access);
      r.purpose = access.purpose;
      r.grant_id = access.grant_id;
      records.push_back(std::move(r));
    }
  }
  if (records.empty()) return ok();
  return commit(std::move(records));
}

Status AuditTrail::commit(std::vector<store::AuditRecord> records) {
  auto batch = std::make_shared<Batch>();
  batch->records = std::move(records);
  std::unique_lock lock(mu_);
  queue_.push_back(batch);
  for (;;) {
    if (batch->written) return batch->outcome;
    if (writing_) {
      write_ended_.wait(lock);
      continue;
    }
    writing_ = true;
    std::deque<std::shared_ptr<Batch>> taken;
    taken.swap(queue_);
    lock.unlock();
    std::vector<store::AuditRecord> all;
    for (const auto& b : taken) {
      for (auto& r : b->records) all.push_back(std::move(r));
    }
    auto stored = log_.append_all(std::move(all));
    const Status outcome = stored ? ok() : Status(std::unexpected(stored.error()));
    lock.lock();
    for (const auto& b : taken) {
      b->written = true;
      b->outcome = outcome;
    }
    writing_ = false;
    write_ended_.notify_all();
  }
}

}  // namespace tsunagu::consent
