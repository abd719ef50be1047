#include "notify/dispatcher.hpp"

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>

namespace tsunagu::notify {
namespace {

namespace asio = boost::asio;
using error_code = boost::system::error_code;

struct Item {
  std::shared_ptr<const Notification> notification;  // shared with the sender's send() call
  Dispatcher::Done done;
  Dispatcher::Attempted attempted;
};

// An endpoint's queue. The head is the notification being attempted or waiting for its retry.
struct Queue {
  enum class State {
    Idle,       // nothing started (a queue just created)
    Sending,    // the head is with the sender; the timer is the attempt's watchdog
    Waiting,    // the head failed transiently; the timer is the backoff
    Reporting,  // the callbacks of an attempt are running; nothing starts meanwhile
  };

  Queue(asio::io_context& io, Sender& s, std::chrono::milliseconds initial_backoff)
      : sender(s), backoff(initial_backoff), timer(io) {}

  Sender& sender;
  std::deque<Item> items;
  State state = State::Idle;
  // Names the attempt or wait in progress; a handler carrying another value is stale (its queue
  // moved on, or was removed and made anew) and does nothing. Unique across queues.
  std::uint64_t epoch = 0;
  std::chrono::milliseconds backoff;  // the next wait after a transient failure
  asio::steady_timer timer;
};

// What is needed to start an attempt once the lock is released.
struct Launch {
  Sender* sender = nullptr;
  std::shared_ptr<const Notification> notification;
  std::uint64_t epoch = 0;
};

}  // namespace

// Threads: submit() runs on callers' threads; timers and sender results run on the dispatcher's
// own threads (io). mutex_ guards queues_, next_epoch_ and stopped_, and is never held while a
// sender or a callback runs.
class Dispatcher::Impl {
 public:
  Impl(DispatcherOptions options, std::vector<std::unique_ptr<Sender>> senders)
      : options_(std::move(options)),
        senders_(std::move(senders)),
        work_(asio::make_work_guard(io_)) {
    const unsigned n = std::max(1u, options_.threads);
    for (unsigned i = 0; i < n; ++i) threads_.emplace_back([this] { io_.run(); });
  }

  ~Impl() { stop(); }

  void submit(Notification notification, Done done, Attempted attempted) {
    Sender* sender = sender_for(notification.endpoint);
    if (sender == nullptr) {
      auto result =
          DeliveryResult::permanent("no sender for the endpoint '" + notification.endpoint + "'");
      if (attempted) attempted(result);
      if (done) done(result);
      return;
    }
    const std::string key = notification.endpoint;
    std::unique_lock lock(mutex_);
    if (stopped_) {
      lock.unlock();
      if (done) done(DeliveryResult::transient("the dispatcher is stopped"));
      return;
    }
    auto& slot = queues_[key];
    if (!slot) slot = std::make_unique<Queue>(io_, *sender, options_.initial_backoff);
    Queue& q = *slot;
    if (q.items.size() >= options_.max_queue_per_endpoint) {
      if (q.items.empty()) queues_.erase(key);
      lock.unlock();
      if (done) {
        done(DeliveryResult::transient("the queue of " + key + " is full (" +
                                       std::to_string(options_.max_queue_per_endpoint) +
                                       " notifications)"));
      }
      return;
    }
    q.items.push_back(Item{std::make_shared<const Notification>(std::move(notification)),
                           std::move(done), std::move(attempted)});
    if (q.state != Queue::State::Idle) return;
    auto launch = begin_attempt_locked(key, q);
    lock.unlock();
    send(key, launch);
  }

  void stop() {
    std::unordered_map<std::string, std::unique_ptr<Queue>> queues;
    {
      std::lock_guard lock(mutex_);
      if (stopped_) return;
      stopped_ = true;
      queues.swap(queues_);
    }
    // After this no sender result arrives; after the join no handler runs.
    for (auto& sender : senders_) sender->stop();
    work_.reset();
    io_.stop();
    for (auto& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
    for (auto& [key, q] : queues) {
      for (auto& item : q->items) {
        if (item.done)
          item.done(DeliveryResult::transient("the dispatcher stopped before delivery"));
      }
    }
  }

  std::size_t queued(std::string_view endpoint) const {
    std::lock_guard lock(mutex_);
    auto it = queues_.find(std::string(endpoint));
    return it == queues_.end() ? 0 : it->second->items.size();
  }

  std::size_t endpoints() const {
    std::lock_guard lock(mutex_);
    return queues_.size();
  }

 private:
  Sender* sender_for(std::string_view endpoint) const {
    const auto scheme = endpoint_scheme(endpoint);
    if (scheme.empty()) return nullptr;
    for (const auto& sender : senders_) {
      if (sender->accepts(scheme)) return sender.get();
    }
    return nullptr;
  }

  Queue* find_locked(const std::string& key, std::uint64_t epoch, Queue::State state) {
    auto it = queues_.find(key);
    if (it == queues_.end()) return nullptr;
    Queue& q = *it->second;
    return q.epoch == epoch && q.state == state ? &q : nullptr;
  }

  Launch begin_attempt_locked(const std::string& key, Queue& q) {
    q.state = Queue::State::Sending;
    q.epoch = ++next_epoch_;
    q.timer.expires_after(options_.attempt_timeout);
    q.timer.async_wait([this, key, epoch = q.epoch](error_code ec) {
      if (ec) return;
      on_result(
          key, epoch,
          DeliveryResult::transient("no result from the sender within " +
                                    std::to_string(options_.attempt_timeout.count()) + " ms"));
    });
    return Launch{&q.sender, q.items.front().notification, q.epoch};
  }

  // Outside the lock: a sender may report synchronously, and reports always come back through
  // io, never into the caller's stack.
  void send(const std::string& key, const Launch& launch) {
    launch.sender->send(*launch.notification,
                        [this, key, epoch = launch.epoch](DeliveryResult result) {
                          asio::post(io_, [this, key, epoch, r = std::move(result)]() mutable {
                            on_result(key, epoch, std::move(r));
                          });
                        });
  }

  void on_result(const std::string& key, std::uint64_t epoch, DeliveryResult result) {
    std::unique_lock lock(mutex_);
    Queue* q = find_locked(key, epoch, Queue::State::Sending);
    if (q == nullptr) return;  // stale: the watchdog or stop() came first
    q->timer.cancel();
    if (result.retryable()) {
      q->state = Queue::State::Reporting;
      auto attempted = q->items.front().attempted;
      lock.unlock();
      if (attempted) attempted(result);
      return schedule_retry(key, epoch);
    }
    Item item = std::move(q->items.front());
    q->items.pop_front();
    q->backoff = options_.initial_backoff;
    q->state = Queue::State::Reporting;
    lock.unlock();
    if (item.attempted) item.attempted(result);
    if (item.done) item.done(result);
    next(key, epoch);
  }

  // The head failed transiently and its `attempted` has run: wait, then attempt it again.
  void schedule_retry(const std::string& key, std::uint64_t epoch) {
    std::lock_guard lock(mutex_);
    Queue* q = find_locked(key, epoch, Queue::State::Reporting);
    if (q == nullptr) return;  // stopped meanwhile
    q->state = Queue::State::Waiting;
    q->epoch = ++next_epoch_;
    q->timer.expires_after(q->backoff);
    q->backoff = std::min(q->backoff * 2, std::max(options_.max_backoff, options_.initial_backoff));
    q->timer.async_wait([this, key, epoch = q->epoch](error_code ec) {
      if (!ec) retry(key, epoch);
    });
  }

  void retry(const std::string& key, std::uint64_t epoch) {
    std::unique_lock lock(mutex_);
    Queue* q = find_locked(key, epoch, Queue::State::Waiting);
    if (q == nullptr) return;
    auto launch = begin_attempt_locked(key, *q);
    lock.unlock();
    send(key, launch);
  }

  // The head was reported finally: attempt the next one, or forget the drained queue.
  void next(const std::string& key, std::uint64_t epoch) {
    std::unique_lock lock(mutex_);
    Queue* q = find_locked(key, epoch, Queue::State::Reporting);
    if (q == nullptr) return;
    if (q->items.empty()) {
      queues_.erase(key);
      return;
    }
    auto launch = begin_attempt_locked(key, *q);
    lock.unlock();
    send(key, launch);
  }

  const DispatcherOptions options_;
  const std::vector<std::unique_ptr<Sender>> senders_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;

  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::unique_ptr<Queue>> queues_;  // guarded by mutex_
  std::uint64_t next_epoch_ = 0;                                    // guarded by mutex_
  bool stopped_ = false;                                            // guarded by mutex_

  std::vector<std::thread> threads_;  // last: they start once everything above exists
};

Dispatcher::Dispatcher(DispatcherOptions options, std::vector<std::unique_ptr<Sender>> senders)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(senders))) {}

Dispatcher::~Dispatcher() = default;

void Dispatcher::submit(Notification notification, Done done, Attempted attempted) {
  impl_->submit(std::move(notification), std::move(done), std::move(attempted));
}

void Dispatcher::stop() {
  impl_->stop();
}

std::size_t Dispatcher::queued(std::string_view endpoint) const {
  return impl_->queued(endpoint);
}

std::size_t Dispatcher::endpoints() const {
  return impl_->endpoints();
}

}  // namespace tsunagu::notify
