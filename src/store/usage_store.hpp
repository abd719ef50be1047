#pragma once
// What clients read, by the hour (issue 9, item 6): the operator console's fair-use and
// cost-sharing figures. Rows are added to, never replaced: adding the same key twice sums.
//
// Contract of every implementation: every method may be called from any thread, add_usage is
// durable when it returns, errors are values.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/error.hpp"
#include "model/time.hpp"

namespace tsunagu::store {

struct UsageRow {
  model::Timestamp hour{};  // the start of the hour (UTC)
  std::string client_id;    // "" for requests without a token (--insecure-no-auth)
  std::string tenant;       // "" for the default tenant
  std::string type;         // expanded entity type; "" for requests that returned no entity
  std::uint64_t requests = 0;
  std::uint64_t entities = 0;
  std::uint64_t bytes = 0;
};

class UsageStore {
 public:
  virtual ~UsageStore() = default;
  // Adds each row's counts to the stored row of the same key, in one transaction.
  virtual Status add_usage(const std::vector<UsageRow>& rows) = 0;
  // Rows with from <= hour < to, of one client or (empty) every client, by hour, client,
  // tenant and type.
  virtual Result<std::vector<UsageRow>> usage(model::Timestamp from, model::Timestamp to,
                                              std::string_view client_id) = 0;
};

}  // namespace tsunagu::store
