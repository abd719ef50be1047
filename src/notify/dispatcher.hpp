#pragma once
// The Dispatcher delivers notifications through the senders, one FIFO queue per endpoint URI,
// so that a slow or dead endpoint delays nobody but itself:
//   - at most one delivery attempt is in flight per endpoint, which keeps each endpoint's
//     notifications in submission order;
//   - a transient failure keeps the notification at the head of its queue and retries it after
//     a backoff that starts at initial_backoff and doubles up to max_backoff (reset by the next
//     success or permanent failure); meanwhile only that endpoint waits;
//   - a permanent failure is reported and the notification dropped, and the queue moves on;
//   - a queue holds at most max_queue_per_endpoint notifications: beyond that, submit() refuses
//     at once with a transient result, so the caller keeps the notification owed (in its outbox)
//     and submits it again later;
//   - an endpoint's state exists only while it has notifications: a drained queue is removed, so
//     thousands of endpoints seen once cost nothing afterwards.
//
// Callbacks. For each submitted notification, `attempted` (optional) runs after every delivery
// attempt with that attempt's result — the place to count timesSent/timesFailed and to set
// lastSuccess/lastFailure — and `done` runs exactly once with the final result:
//   - delivered: remove the notification from the outbox;
//   - permanent failure: it will never be delivered; also remove it (the failure was counted);
//   - transient failure: not delivered and still owed; this happens only without an attempt,
//     when the queue is full or the dispatcher is stopped. Keep it and submit it again later.
// The callbacks of one endpoint run one at a time, in order: `attempted` of an attempt before the
// next attempt starts, `done` of a notification before the next notification is attempted. They
// run on the dispatcher's threads (or, for refusals, on the submitting thread) and should be
// short: a slow callback delays the endpoints that share the thread. They may call submit(),
// never stop().
//
// Thread-safety: submit(), queued() and endpoints() may be called from any thread.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "notify/notification.hpp"
#include "notify/sender.hpp"

namespace tsunagu::notify {

struct DispatcherOptions {
  std::size_t max_queue_per_endpoint = 10000;
  std::chrono::milliseconds initial_backoff{1000};
  std::chrono::milliseconds max_backoff{5 * 60 * 1000};
  // A backstop behind the senders' own timeouts: an attempt whose sender has not reported after
  // this long counts as a transient failure, and a later report of it is ignored.
  std::chrono::milliseconds attempt_timeout{60000};
  unsigned threads = 1;  // run timers and callbacks
};

class Dispatcher {
 public:
  using Done = std::function<void(const DeliveryResult&)>;
  using Attempted = std::function<void(const DeliveryResult&)>;

  // Each endpoint goes to the first sender that accepts its scheme.
  Dispatcher(DispatcherOptions options, std::vector<std::unique_ptr<Sender>> senders);
  // stop(): the owed notifications are reported, so what the callbacks use must outlive it.
  ~Dispatcher();

  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Queues `notification` for its endpoint. An endpoint that no sender accepts is reported as a
  // permanent failure at once (through `attempted`, then `done`).
  void submit(Notification notification, Done done, Attempted attempted = {});

  // Stops accepting (later submits are refused as transient), stops the senders and timers, and
  // returns without waiting for any endpoint. Every notification not finally reported yet —
  // queued, waiting for a retry, or in flight — gets `done` with a transient failure before
  // stop() returns; no callback runs after. Call it from outside the callbacks. Idempotent.
  void stop();

  // Notifications queued for `endpoint`, the one in flight included.
  std::size_t queued(std::string_view endpoint) const;
  // Endpoints with queued notifications.
  std::size_t endpoints() const;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace tsunagu::notify
