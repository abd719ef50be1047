#pragma once
// A Deliverer that records what the subscription service hands it, for the service's tests
// (subscription_service_test.cpp, subscription_nodes_test.cpp). The real one, which renders and
// sends, is tested over HTTP and MQTT in the integration suite.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "broker/delivery.hpp"
#include "model/entity.hpp"
#include "model/subscription.hpp"

namespace tsunagu::broker::testing {

inline const std::string kShelter = "https://example.org/Shelter";
inline const std::string kMarker = "https://example.org/Marker";

// Deliveries arrive on the service's own thread: the test waits for them.
class RecordingDeliverer final : public Deliverer {
 public:
  void deliver(Delivery delivery, Report report) override {
    std::lock_guard lock(mu);
    deliveries.push_back(std::move(delivery));
    reports.push_back(std::move(report));
    arrived.notify_all();
  }
  std::size_t count() {
    std::lock_guard lock(mu);
    return deliveries.size();
  }
  // Waits until `n` deliveries have arrived (or `timeout`); returns how many there are.
  std::size_t wait_for(std::size_t n,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mu);
    arrived.wait_for(lock, timeout, [&] { return deliveries.size() >= n; });
    return deliveries.size();
  }
  std::mutex mu;
  std::condition_variable arrived;
  std::vector<Delivery> deliveries;
  std::vector<Report> reports;
};

// A Shelter with an occupancy.
model::Entity shelter(const std::string& id, int occupancy);
// A subscription to the creation of Shelters and updates of their attributes.
model::Subscription on_shelters(const std::string& id);

}  // namespace tsunagu::broker::testing
