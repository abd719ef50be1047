#pragma once
// The demo data set that `make run` loads into the default tenant on first start, so that the
// README's examples answer with something real-looking. Every file in the demo directory is a
// JSON array of entities in application/ld+json form (each with its "@context"). A marker file
// in the data directory records that the set was loaded, so entities a user deletes stay deleted.

#include <filesystem>

#include "broker/entity_service.hpp"
#include "jsonld/resolver.hpp"
#include "model/error.hpp"

namespace tsunagu::app {

Status load_demo_data(const std::filesystem::path& demo_dir, const std::filesystem::path& data_dir,
                      broker::EntityService& entities, jsonld::ContextResolver& contexts);

}  // namespace tsunagu::app
