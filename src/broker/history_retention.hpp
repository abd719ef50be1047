#pragma once
// Erases history older than a tenant's retention (HistoryPolicy), in write jobs of at most
// kBatch instances so that no job holds the tenant's writer for long: at start, then every
// `interval`, on a thread of its own.
//
// Thread-safety: start() and stop() from one thread (the app's); run_once() is what the thread
// runs, and tests may call it directly instead of starting the thread. stopping_ is guarded by
// mu_.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "broker/history_recorder.hpp"
#include "store/store.hpp"

namespace tsunagu::broker {

class HistoryRetention {
 public:
  static constexpr std::size_t kBatch = 10000;

  HistoryRetention(store::Store& store, HistoryPolicy policy, const model::Clock& clock,
                   std::chrono::milliseconds interval = std::chrono::hours(1))
      : store_(store), policy_(std::move(policy)), clock_(clock), interval_(interval) {}
  ~HistoryRetention() { stop(); }
  HistoryRetention(const HistoryRetention&) = delete;
  HistoryRetention& operator=(const HistoryRetention&) = delete;

  // Starts the thread, unless no tenant has a retention.
  void start();
  void stop();
  // One pass over every tenant; returns how many instances were erased.
  std::size_t run_once();

 private:
  Result<std::size_t> prune(const std::string& tenant, model::Timestamp before);
  bool stopping();

  store::Store& store_;
  const HistoryPolicy policy_;
  const model::Clock& clock_;
  const std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace tsunagu::broker
