#include "store/history_time.hpp"

namespace tsunagu::store {
namespace {

std::string_view column_of(model::TimeProperty property) {
  switch (property) {
    case model::TimeProperty::ObservedAt:
      return "t";
    case model::TimeProperty::CreatedAt:
      return "created";
    case model::TimeProperty::ModifiedAt:
      return "modified";
    case model::TimeProperty::DeletedAt:
      return "deleted";
  }
  return "t";
}

}  // namespace

InstanceTime instance_time(const HistoryQuery& query) {
  InstanceTime out;
  out.column = column_of(query.property);
  out.observed_only = query.property == model::TimeProperty::ObservedAt && query.range;
  out.tombstones_only = query.property == model::TimeProperty::DeletedAt;
  return out;
}

}  // namespace tsunagu::store
