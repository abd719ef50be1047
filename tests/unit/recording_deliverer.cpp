#include "recording_deliverer.hpp"

#include "query/entity_selector.hpp"

namespace tsunagu::broker::testing {

model::Entity shelter(const std::string& id, int occupancy) {
  model::Entity e;
  e.id = id;
  e.types = {kShelter};
  model::Attribute a;
  a.value = occupancy;
  model::put_instance(e.attributes, "https://example.org/occupancy", a);
  return e;
}

model::Subscription on_shelters(const std::string& id) {
  model::Subscription s;
  s.id = id;
  s.entities = {query::of_types({kShelter})};
  s.notification_trigger = {model::NotificationTrigger::EntityCreated,
                            model::NotificationTrigger::AttributeUpdated};
  s.notification.endpoint.uri = "http://127.0.0.1:9/notify";
  return s;
}

}  // namespace tsunagu::broker::testing
