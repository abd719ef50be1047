#pragma once
// Entities and names shared by the consent tests: a childcare application naming its applicant
// by Relationship, a health checkup naming its person by Property, and a shelter, which is
// not personal.

#include <boost/json/value.hpp>
#include <chrono>
#include <string>

#include "model/entity.hpp"
#include "model/time.hpp"

namespace tsunagu::consent::test_data {

inline const model::Timestamp kStart{std::chrono::milliseconds(1'767'225'600'000LL)};  // 2026-01-01

inline model::Timestamp at(int minute) {
  return kStart + std::chrono::minutes(minute);
}

inline const std::string kEx = "https://example.org/";
inline const std::string kApplication = kEx + "ChildcareApplication";
inline const std::string kCheckup = kEx + "HealthCheckup";
inline const std::string kShelter = kEx + "Shelter";
inline const std::string kApplicant = kEx + "applicant";
inline const std::string kStatus = kEx + "status";
inline const std::string kPerson = kEx + "person";
inline const std::string kPlace = kEx + "place";
inline const std::string kHeight = kEx + "height";
inline const std::string kWeight = kEx + "weight";

inline void put(model::Entity& e, const std::string& name, model::AttributeKind kind,
                boost::json::value value) {
  model::Attribute a;
  a.kind = kind;
  a.value = std::move(value);
  model::put_instance(e.attributes, name, std::move(a));
}

inline model::Entity application(const std::string& subject) {
  model::Entity e;
  e.id = "urn:ngsi-ld:ChildcareApplication:" + subject;
  e.types = {kApplication};
  put(e, kStatus, model::AttributeKind::Property, "submitted");
  put(e, kApplicant, model::AttributeKind::Relationship,
      boost::json::string("urn:ngsi-ld:Person:" + subject));
  return e;
}

inline model::Entity checkup(const std::string& subject) {
  model::Entity e;
  e.id = "urn:ngsi-ld:HealthCheckup:" + subject;
  e.types = {kCheckup};
  put(e, kPerson, model::AttributeKind::Property, boost::json::string(subject));
  put(e, kPlace, model::AttributeKind::Property, "hall");
  put(e, kHeight, model::AttributeKind::Property, 120);
  put(e, kWeight, model::AttributeKind::Property, 25);
  return e;
}

inline model::Entity shelter() {
  model::Entity e;
  e.id = "urn:ngsi-ld:Shelter:1";
  e.types = {kShelter};
  put(e, kEx + "name", model::AttributeKind::Property, "Kita hall");
  put(e, kPerson, model::AttributeKind::Property, "alice");
  return e;
}

}  // namespace tsunagu::consent::test_data
