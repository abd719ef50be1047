#pragma once
// This node's name among the nodes that share a PostgreSQL store (store/postgres/pg_store.hpp,
// PgStoreOptions::node): made at the first start and kept in <data-dir>/node, so a node that
// restarts is the same node and delivers again only what it owed itself.

#include <filesystem>
#include <string>

#include "model/error.hpp"

namespace tsunagu::app {

Result<std::string> node_name(const std::filesystem::path& data_dir);

}  // namespace tsunagu::app
