#include "store/history_store.hpp"

#include <algorithm>

namespace tsunagu::store {

bool DatasetChoice::admits(const std::optional<std::string>& dataset_id) const {
  return all || std::find(ids.begin(), ids.end(), dataset_id) != ids.end();
}

}  // namespace tsunagu::store
