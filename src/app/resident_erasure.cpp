#include "app/resident_erasure.hpp"

#include <boost/json/object.hpp>

#include "model/json_text.hpp"

namespace tsunagu::app {

Status erase_resident(std::string_view subject, consent::ConsentService& consents,
                      broker::SubjectData& data, store::AuditLog& audit,
                      const model::Clock& clock) {
  // Withdrawn first: no service reads what is being erased.
  auto withdrawn = consents.withdraw_all(subject);
  if (!withdrawn) return std::unexpected(withdrawn.error());
  auto erased = data.erase(subject);
  if (!erased) return std::unexpected(erased.error());
  store::AuditRecord r;
  r.at = clock.now();
  r.client_id = "oneid";
  r.subject = std::string(subject);
  r.data = model::to_json_text(
      boost::json::object{{"erased", boost::json::object{{"entities", erased->entities},
                                                         {"histories", erased->histories},
                                                         {"grants_withdrawn", *withdrawn}}}});
  r.purpose = "the resident deleted their account";
  r.grant_id = "";
  auto appended = audit.append(std::move(r));
  if (!appended) return std::unexpected(appended.error());
  return ok();
}

}  // namespace tsunagu::app
