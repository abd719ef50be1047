#include "app/platform_store.hpp"

#include "store/postgres/platform_schema.hpp"
#include "store/sqlite/platform_schema.hpp"

namespace tsunagu::app {

Result<std::unique_ptr<store::PlatformDb>> open_platform_store(const Config& config) {
  if (!config.store.empty()) return store::postgres::open_platform_db(config.store);
  return store::sqlite::open_platform_db(config.data_dir);
}

}  // namespace tsunagu::app
