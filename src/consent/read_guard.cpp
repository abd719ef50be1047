#include "consent/read_guard.hpp"

#include <algorithm>

namespace tsunagu::consent {

void strip(model::Entity& entity, const std::vector<std::string>& hidden) {
  std::erase_if(entity.attributes, [&](const model::AttributeEntry& e) {
    return std::find(hidden.begin(), hidden.end(), e.name) != hidden.end();
  });
}

Status ReadGuard::admit(std::string_view tenant, std::vector<model::Entity>& entities) const {
  return admit_each(
      tenant, entities, [](const model::Entity& e) -> const model::Entity& { return e; },
      [](model::Entity& e, const std::vector<std::string>& hidden) { strip(e, hidden); });
}

}  // namespace tsunagu::consent
