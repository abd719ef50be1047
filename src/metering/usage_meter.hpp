#pragma once
// Metering per client (issue 9, item 6; docs/consent.md "Metering"): requests, entities and
// bytes each client's reads returned, by tenant, entity type and hour. Counted in memory on the
// request path (a map update under a mutex) and written to the store by flush(), which the
// server calls every minute and at stop, so reads never wait for a disk.
//
// Thread safety: every method may be called from any thread; counts_ is guarded by mu_.
// RequestUsage belongs to one request and is used by one thread at a time.

#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "model/entity.hpp"
#include "model/error.hpp"
#include "model/time.hpp"
#include "store/usage_store.hpp"

namespace tsunagu::metering {

// What one request returned: entities counted by their first type.
class RequestUsage {
 public:
  void add(const model::Entity& entity) { add_type(entity.types.empty() ? "" : entity.types[0]); }
  void add_type(const std::string& type) { ++by_type_[type]; }
  const std::map<std::string, std::size_t>& by_type() const { return by_type_; }

 private:
  std::map<std::string, std::size_t> by_type_;
};

class UsageMeter {
 public:
  UsageMeter(store::UsageStore& store, const model::Clock& clock) : store_(store), clock_(clock) {}

  // One request of the client in the tenant that answered `bytes` of body. A request that
  // returned entities counts once for each of their types, its bytes shared among the types
  // by their numbers of entities; one that returned none counts under the type "".
  void count(const std::string& client_id, const std::string& tenant, const RequestUsage& usage,
             std::size_t bytes);

  // Writes what was counted since the last flush and forgets it; on failure keeps it for the
  // next one.
  Status flush();

 private:
  using Key = std::tuple<std::int64_t, std::string, std::string, std::string>;  // hour ms, ...
  struct Counts {
    std::uint64_t requests = 0, entities = 0, bytes = 0;
  };

  store::UsageStore& store_;
  const model::Clock& clock_;
  std::mutex mu_;
  std::map<Key, Counts> counts_;  // guarded by mu_
};

}  // namespace tsunagu::metering
