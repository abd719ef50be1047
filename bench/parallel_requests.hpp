#pragma once
// Work items spread over several keep-alive connections to the server, each item done once, by
// whichever connection is free: how the tools load data and create subscriptions faster than
// one connection would, without depending on how long each item takes.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "http_client.hpp"

namespace tsunagu::bench {

// Calls work(connection, i) for every i in [0, count) over `connections` connections to
// 127.0.0.1:port. The first exception stops every connection after its current item and is
// thrown again (as std::runtime_error with the same message) once all have stopped.
template <typename Work>
void for_each_on_connections(unsigned short port, std::uint64_t connections, std::uint64_t count,
                             Work work) {
  std::atomic<std::uint64_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex error_mu;
  std::string error;  // guarded by error_mu
  auto worker = [&] {
    try {
      Connection c(port);
      for (std::uint64_t i; !failed && (i = next++) < count;) work(c, i);
    } catch (const std::exception& ex) {
      std::lock_guard lock(error_mu);
      if (!failed.exchange(true)) error = ex.what();
    }
  };
  std::vector<std::thread> threads;
  for (std::uint64_t i = 0; i < connections; ++i) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  if (failed) throw std::runtime_error(error);
}

}  // namespace tsunagu::bench
