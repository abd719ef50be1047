#pragma once
// The notification receiver of the notify scenario: an HTTP/1.1 server on loopback that answers
// every request at once with 204 and keeps the connection alive, as a well-behaved subscriber
// does, and hands each request's body to a callback together with the time it was read in full.
// It listens on several ports, one per subscriber: Tsunagu keeps one delivery in flight per
// endpoint and pools its connections per host and port, so subscribers that share a port would
// measure that pool, not the delivery path.

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

namespace tsunagu::bench {

class Receiver {
 public:
  // Runs on the receiver's thread, one call at a time: `listener` is the index of the port the
  // request came to, `at_ns` the bench::now_ns() when the request had been read.
  using OnRequest =
      std::function<void(std::size_t listener, std::string_view body, std::int64_t at_ns)>;

  // Listens on `listeners` free loopback ports; throws when it cannot.
  Receiver(std::size_t listeners, OnRequest on_request);
  ~Receiver();  // stop()
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;

  std::vector<unsigned short> ports() const;
  // Closes every connection and joins the thread; no callback runs after it returns.
  void stop();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace tsunagu::bench
