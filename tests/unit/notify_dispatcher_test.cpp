// The Dispatcher: per-endpoint FIFO with one attempt in flight, retries with backoff, the queue
// bound, stop(), and isolation of endpoints — with a scripted sender, and with the real
// HttpSender against loopback receivers that fail, hang or are not there at all. Isolation is
// asserted by the order of completions, not by wall-clock bounds.

#include <gtest/gtest.h>

#include <atomic>
#include <deque>
#include <map>
#include <random>
#include <set>

#include "notify/dispatcher.hpp"
#include "notify/http_sender.hpp"
#include "notify_test_support.hpp"

namespace tsunagu::notify {
namespace {

using namespace std::chrono_literals;
using testing::Action;
using testing::Receiver;
using testing::Results;
using Clock = std::chrono::steady_clock;
using Outcome = DeliveryResult::Outcome;

// What a FakeSender saw; outlives the sender, which the dispatcher owns.
struct FakeLog {
  struct Attempt {
    std::string endpoint;
    std::string body;
    Clock::time_point at;
  };

  std::vector<Attempt> attempts() const {
    std::lock_guard lock(mutex);
    return attempts_;
  }
  std::vector<Attempt> attempts_of(const std::string& endpoint) const {
    std::vector<Attempt> out;
    for (auto& a : attempts()) {
      if (a.endpoint == endpoint) out.push_back(a);
    }
    return out;
  }
  int max_in_flight() const {
    std::lock_guard lock(mutex);
    return max_in_flight_;
  }

  mutable std::mutex mutex;
  std::vector<Attempt> attempts_;
  std::map<std::string, int> in_flight_;
  int max_in_flight_ = 0;
};

// A sender for fake:// endpoints. `script` answers each attempt (its number for that body,
// from 1): with a result, reported from the sender's own thread after a small random delay, or
// with nullopt, never.
class FakeSender final : public Sender {
 public:
  using Script = std::function<std::optional<DeliveryResult>(const Notification&, int attempt)>;

  FakeSender(std::shared_ptr<FakeLog> log, Script script)
      : log_(std::move(log)), script_(std::move(script)), worker_([this] { work(); }) {}
  ~FakeSender() override { stop(); }

  bool accepts(std::string_view scheme) const override { return scheme == "fake"; }

  void send(const Notification& n, Completion done) override {
    int attempt = 0;
    {
      std::lock_guard lock(log_->mutex);
      log_->attempts_.push_back({n.endpoint, n.body, Clock::now()});
      const int in_flight = ++log_->in_flight_[n.endpoint];
      log_->max_in_flight_ = std::max(log_->max_in_flight_, in_flight);
      attempt = ++attempts_by_body_[n.body];
    }
    auto result = script_(n, attempt);
    if (!result) return;  // never answered
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    pending_.push_back({n.endpoint, std::move(done), std::move(*result)});
    wake_.notify_one();
  }

  void stop() override {
    {
      std::lock_guard lock(mutex_);
      if (stopped_) return;
      stopped_ = true;
    }
    wake_.notify_one();
    worker_.join();
  }

 private:
  struct Pending {
    std::string endpoint;
    Completion done;
    DeliveryResult result;
  };

  void work() {
    std::mt19937 rng(42);
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [&] { return stopped_ || !pending_.empty(); });
      if (stopped_) return;
      auto p = std::move(pending_.front());
      pending_.pop_front();
      lock.unlock();
      std::this_thread::sleep_for(std::chrono::microseconds(rng() % 200));
      {
        std::lock_guard log_lock(log_->mutex);
        --log_->in_flight_[p.endpoint];
      }
      p.done(std::move(p.result));
      lock.lock();
    }
  }

  std::shared_ptr<FakeLog> log_;
  Script script_;
  std::map<std::string, int> attempts_by_body_;  // guarded by log_->mutex
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> pending_;  // guarded by mutex_
  bool stopped_ = false;         // guarded by mutex_
  std::thread worker_;
};

DispatcherOptions fast_options() {
  DispatcherOptions options;
  options.initial_backoff = 10ms;
  options.max_backoff = 100ms;
  return options;
}

std::unique_ptr<Dispatcher> make_dispatcher(DispatcherOptions options,
                                            std::unique_ptr<Sender> sender) {
  std::vector<std::unique_ptr<Sender>> senders;
  senders.push_back(std::move(sender));
  return std::make_unique<Dispatcher>(std::move(options), std::move(senders));
}

std::unique_ptr<Dispatcher> fake_dispatcher(DispatcherOptions options, std::shared_ptr<FakeLog> log,
                                            FakeSender::Script script) {
  return make_dispatcher(std::move(options), std::make_unique<FakeSender>(log, std::move(script)));
}

FakeSender::Script always(DeliveryResult result) {
  return [result](const Notification&, int) { return result; };
}

Notification to(const std::string& endpoint, std::string body) {
  Notification n;
  n.endpoint = endpoint;
  n.content_type = "application/json";
  n.body = std::move(body);
  return n;
}

TEST(Dispatcher, KeepsSubmissionOrderPerEndpointUnderConcurrentSubmits) {
  auto log = std::make_shared<FakeLog>();
  auto dispatcher = fake_dispatcher(fast_options(), log, always(DeliveryResult::delivered()));
  constexpr int kThreads = 4, kPerThread = 200, kEndpoints = 5;
  std::mutex mutex;
  std::map<std::string, std::vector<std::string>> done_order;  // guarded by mutex
  std::atomic<int> done_count{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string endpoint = "fake://e" + std::to_string(i % kEndpoints);
        const std::string body = std::to_string(t) + ":" + std::to_string(i);
        dispatcher->submit(to(endpoint, body), [&, endpoint, body](const DeliveryResult& r) {
          EXPECT_TRUE(r.ok());
          std::lock_guard lock(mutex);
          done_order[endpoint].push_back(body);
          ++done_count;
        });
      }
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_TRUE(testing::wait_until([&] { return done_count == kThreads * kPerThread; }));
  EXPECT_EQ(log->max_in_flight(), 1);
  std::lock_guard lock(mutex);
  for (int e = 0; e < kEndpoints; ++e) {
    const std::string endpoint = "fake://e" + std::to_string(e);
    std::vector<std::string> attempted;
    for (auto& a : log->attempts_of(endpoint)) attempted.push_back(a.body);
    EXPECT_EQ(attempted, done_order[endpoint]) << endpoint;  // done in the order attempted
    std::map<int, int> last;  // per submitting thread, its sequence must grow
    for (const auto& body : attempted) {
      const int t = std::stoi(body.substr(0, body.find(':')));
      const int i = std::stoi(body.substr(body.find(':') + 1));
      EXPECT_TRUE(last.find(t) == last.end() || last[t] < i) << endpoint << " " << body;
      last[t] = i;
    }
  }
  EXPECT_EQ(dispatcher->endpoints(), 0u);
}

TEST(Dispatcher, RetriesTransientFailuresWithDoublingBackoff) {
  auto log = std::make_shared<FakeLog>();
  auto options = fast_options();
  options.initial_backoff = 20ms;
  options.max_backoff = 1000ms;
  auto dispatcher = fake_dispatcher(options, log, [](const Notification&, int attempt) {
    return attempt <= 3 ? DeliveryResult::transient("down " + std::to_string(attempt))
                        : DeliveryResult::delivered();
  });
  Results done, attempted;
  dispatcher->submit(to("fake://a", "x"), done.callback(), attempted.callback());
  ASSERT_TRUE(done.wait_for(1));
  ASSERT_EQ(attempted.size(), 4u);
  const auto a = attempted.all();
  EXPECT_EQ(a[0].error, "down 1");
  EXPECT_EQ(a[2].error, "down 3");
  EXPECT_TRUE(a[3].ok());
  EXPECT_TRUE(done.all().front().ok());
  const auto attempts = log->attempts();
  ASSERT_EQ(attempts.size(), 4u);
  // Timers never fire early: each wait lasts at least its backoff.
  EXPECT_GE(attempts[1].at - attempts[0].at, 20ms);
  EXPECT_GE(attempts[2].at - attempts[1].at, 40ms);
  EXPECT_GE(attempts[3].at - attempts[2].at, 80ms);
}

TEST(Dispatcher, BackoffStopsGrowingAtItsCap) {
  auto log = std::make_shared<FakeLog>();
  auto options = fast_options();
  options.initial_backoff = 10ms;
  options.max_backoff = 20ms;
  auto dispatcher = fake_dispatcher(options, log, [](const Notification&, int attempt) {
    return attempt <= 7 ? DeliveryResult::transient("down") : DeliveryResult::delivered();
  });
  Results done;
  dispatcher->submit(to("fake://a", "x"), done.callback());
  ASSERT_TRUE(done.wait_for(1));
  const auto attempts = log->attempts();
  ASSERT_EQ(attempts.size(), 8u);
  for (std::size_t i = 2; i < attempts.size(); ++i) {
    EXPECT_GE(attempts[i].at - attempts[i - 1].at, 20ms);
  }
  // Uncapped, the seven waits would add up to 1270 ms; capped they are 130 ms.
  EXPECT_LT(attempts.back().at - attempts.front().at, 800ms);
}

TEST(Dispatcher, SuccessResetsTheBackoff) {
  auto log = std::make_shared<FakeLog>();
  auto options = fast_options();
  options.initial_backoff = 10ms;
  options.max_backoff = 10000ms;
  auto dispatcher = fake_dispatcher(options, log, [](const Notification&, int attempt) {
    return attempt <= 4 ? DeliveryResult::transient("down") : DeliveryResult::delivered();
  });
  Results done;
  dispatcher->submit(to("fake://a", "first"), done.callback());
  dispatcher->submit(to("fake://a", "second"), done.callback());
  ASSERT_TRUE(done.wait_for(2));
  // The second notification fails 4 times too; after the first one's success its waits start at
  // 10 ms again (10+20+40+80), not where the first one's ended (160+320+640+1280).
  auto second = log->attempts_of("fake://a");
  ASSERT_EQ(second.size(), 10u);
  EXPECT_LT(second[9].at - second[5].at, 1500ms);
}

TEST(Dispatcher, PermanentFailureIsReportedAndTheQueueMovesOn) {
  auto log = std::make_shared<FakeLog>();
  auto dispatcher = fake_dispatcher(fast_options(), log, [](const Notification& n, int) {
    return n.body == "bad" ? DeliveryResult::permanent("HTTP 400") : DeliveryResult::delivered();
  });
  Results done_bad, done_good, attempted_bad;
  dispatcher->submit(to("fake://a", "bad"), done_bad.callback(), attempted_bad.callback());
  dispatcher->submit(to("fake://a", "good"), done_good.callback());
  ASSERT_TRUE(done_good.wait_for(1));
  ASSERT_EQ(done_bad.size(), 1u);
  EXPECT_EQ(done_bad.all()[0].outcome, Outcome::PermanentFailure);
  EXPECT_EQ(done_bad.all()[0].error, "HTTP 400");
  EXPECT_EQ(attempted_bad.size(), 1u);  // not retried
  EXPECT_TRUE(done_good.all()[0].ok());
  EXPECT_EQ(log->attempts().size(), 2u);
}

TEST(Dispatcher, RefusesBeyondTheQueueBoundAtOnce) {
  auto log = std::make_shared<FakeLog>();
  auto options = fast_options();
  options.max_queue_per_endpoint = 3;
  auto dispatcher = fake_dispatcher(options, log, [](const Notification& n, int) {
    return n.endpoint == "fake://stuck" ? std::nullopt : std::optional(DeliveryResult::delivered());
  });
  Results accepted, refused;
  for (int i = 0; i < 3; ++i)
    dispatcher->submit(to("fake://stuck", std::to_string(i)), accepted.callback());
  for (int i = 3; i < 5; ++i)
    dispatcher->submit(to("fake://stuck", std::to_string(i)), refused.callback());
  ASSERT_EQ(refused.size(), 2u);  // reported inside submit()
  for (const auto& r : refused.all()) {
    EXPECT_EQ(r.outcome, Outcome::TransientFailure);
    EXPECT_NE(r.error.find("is full (3 notifications)"), std::string::npos) << r.error;
  }
  EXPECT_EQ(dispatcher->queued("fake://stuck"), 3u);
  // Another endpoint has its own bound.
  Results other;
  dispatcher->submit(to("fake://other", "y"), other.callback());
  ASSERT_TRUE(other.wait_for(1));
  EXPECT_TRUE(other.all()[0].ok());
  EXPECT_EQ(accepted.size(), 0u);
  dispatcher->stop();  // reports the stuck ones while `accepted` still exists
  EXPECT_EQ(accepted.size(), 3u);
}

TEST(Dispatcher, EndpointWithoutASenderIsPermanent) {
  auto log = std::make_shared<FakeLog>();
  auto dispatcher = fake_dispatcher(fast_options(), log, always(DeliveryResult::delivered()));
  Results done, attempted;
  dispatcher->submit(to("gopher://old.example.org/", "x"), done.callback(), attempted.callback());
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done.all()[0].outcome, Outcome::PermanentFailure);
  EXPECT_EQ(attempted.size(), 1u);
  dispatcher->submit(to("no scheme", "x"), done.callback());
  EXPECT_EQ(done.size(), 2u);
  EXPECT_EQ(dispatcher->endpoints(), 0u);
}

TEST(Dispatcher, WatchdogEndsAnAttemptTheSenderNeverReports) {
  auto log = std::make_shared<FakeLog>();
  auto options = fast_options();
  options.attempt_timeout = 50ms;
  auto dispatcher = fake_dispatcher(options, log, [](const Notification&, int attempt) {
    return attempt == 1 ? std::nullopt : std::optional(DeliveryResult::delivered());
  });
  Results done, attempted;
  dispatcher->submit(to("fake://a", "x"), done.callback(), attempted.callback());
  ASSERT_TRUE(done.wait_for(1));
  const auto a = attempted.all();
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].outcome, Outcome::TransientFailure);
  EXPECT_EQ(a[0].error, "no result from the sender within 50 ms");
  EXPECT_TRUE(a[1].ok());
}

TEST(Dispatcher, StopReportsEverythingStillOwedAndReturns) {
  auto log = std::make_shared<FakeLog>();
  auto dispatcher = fake_dispatcher(fast_options(), log, [](const Notification& n, int) {
    return n.endpoint == "fake://retrying" ? std::optional(DeliveryResult::transient("down"))
                                           : std::nullopt;
  });
  Results done, attempted;
  for (int i = 0; i < 3; ++i)
    dispatcher->submit(to("fake://stuck", std::to_string(i)), done.callback());
  for (int i = 0; i < 2; ++i) {
    dispatcher->submit(to("fake://retrying", std::to_string(i)), done.callback(),
                       attempted.callback());
  }
  ASSERT_TRUE(attempted.wait_for(2));
  dispatcher->stop();
  ASSERT_EQ(done.size(), 5u);
  for (const auto& r : done.all()) {
    EXPECT_EQ(r.outcome, Outcome::TransientFailure);
    EXPECT_EQ(r.error, "the dispatcher stopped before delivery");
  }
  const auto attempts_at_stop = attempted.size();
  Results late;
  dispatcher->submit(to("fake://stuck", "late"), late.callback());
  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(late.all()[0].error, "the dispatcher is stopped");
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(attempted.size(), attempts_at_stop);  // no callback after stop()
  EXPECT_EQ(done.size(), 5u);
}

TEST(Dispatcher, DrainedEndpointsAreForgotten) {
  auto log = std::make_shared<FakeLog>();
  auto dispatcher = fake_dispatcher(fast_options(), log, always(DeliveryResult::delivered()));
  Results done;
  for (int i = 0; i < 200; ++i) {
    dispatcher->submit(to("fake://endpoint-" + std::to_string(i), "x"), done.callback());
  }
  ASSERT_TRUE(done.wait_for(200));
  EXPECT_TRUE(testing::wait_until([&] { return dispatcher->endpoints() == 0; }));
}

TEST(Dispatcher, CallbacksMaySubmit) {
  auto log = std::make_shared<FakeLog>();
  auto dispatcher = fake_dispatcher(fast_options(), log, always(DeliveryResult::delivered()));
  Results second;
  dispatcher->submit(to("fake://a", "first"), [&](const DeliveryResult&) {
    dispatcher->submit(to("fake://a", "second"), second.callback());
  });
  ASSERT_TRUE(second.wait_for(1));
  EXPECT_TRUE(second.all()[0].ok());
}

// ---------------------------------------------------------------------------------------------
// Over HTTP

std::unique_ptr<Dispatcher> http_dispatcher(DispatcherOptions options,
                                            HttpSenderOptions http = {}) {
  auto sender = HttpSender::create(http);
  if (!sender) throw std::runtime_error(sender.error().message);
  return make_dispatcher(std::move(options), std::move(*sender));
}

TEST(DispatcherOverHttp, RetriesUntilTheReceiverAccepts) {
  Receiver receiver;
  receiver.queue(Action::respond(503), 3);
  auto dispatcher = http_dispatcher(fast_options());
  Results done, attempted;
  dispatcher->submit(to(receiver.url("/n"), R"({"n":1})"), done.callback(), attempted.callback());
  ASSERT_TRUE(done.wait_for(1));
  EXPECT_TRUE(done.all()[0].ok()) << done.all()[0].error;
  const auto a = attempted.all();
  ASSERT_EQ(a.size(), 4u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(a[i].outcome, Outcome::TransientFailure);
  EXPECT_EQ(receiver.request_count(), 4u);
  for (const auto& req : receiver.requests()) EXPECT_EQ(req.body, R"({"n":1})");
}

TEST(DispatcherOverHttp, KeepsOrderPerEndpoint) {
  Receiver receiver;
  receiver.queue(Action::respond(500), 2);  // the head fails twice: nothing may overtake it
  auto dispatcher = http_dispatcher(fast_options());
  Results done;
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        dispatcher->submit(to(receiver.url("/n"), std::to_string(t) + ":" + std::to_string(i)),
                           done.callback());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_TRUE(done.wait_for(50));
  std::map<int, int> last;
  std::set<std::string> seen;
  for (const auto& req : receiver.requests()) {
    const int t = std::stoi(req.body.substr(0, 1));
    const int i = std::stoi(req.body.substr(2));
    if (seen.insert(req.body).second) {
      EXPECT_TRUE(last.find(t) == last.end() || last[t] < i) << req.body;
      last[t] = i;
    }
  }
  EXPECT_EQ(seen.size(), 50u);
  EXPECT_EQ(receiver.request_count(), 52u);
}

TEST(DispatcherOverHttp, DeadEndpointDoesNotDelayAnother) {
  Receiver alive;
  const std::string dead = "http://127.0.0.1:" + std::to_string(testing::closed_port()) + "/n";
  auto options = fast_options();
  options.initial_backoff = 50ms;
  auto dispatcher = http_dispatcher(options);
  Results dead_done, dead_attempted, alive_done;
  for (int i = 0; i < 3; ++i) {
    dispatcher->submit(to(dead, std::to_string(i)), dead_done.callback(),
                       dead_attempted.callback());
  }
  for (int i = 0; i < 20; ++i)
    dispatcher->submit(to(alive.url("/n"), std::to_string(i)), alive_done.callback());
  ASSERT_TRUE(alive_done.wait_for(20));
  // Every notification of the live endpoint is through while the dead one is still owed.
  EXPECT_EQ(dead_done.size(), 0u);
  EXPECT_EQ(dispatcher->queued(dead), 3u);
  for (const auto& r : alive_done.all()) EXPECT_TRUE(r.ok()) << r.error;
  const auto requests = alive.requests();
  ASSERT_EQ(requests.size(), 20u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(requests[i].body, std::to_string(i));
  ASSERT_TRUE(dead_attempted.wait_for(2));
  for (const auto& r : dead_attempted.all()) {
    EXPECT_EQ(r.outcome, Outcome::TransientFailure);
    EXPECT_NE(r.error.find("cannot connect to"), std::string::npos) << r.error;
  }
  dispatcher->stop();
  EXPECT_EQ(dead_done.size(), 3u);
}

TEST(DispatcherOverHttp, HangingEndpointDoesNotDelayAnother) {
  Receiver hanging, alive;
  hanging.set_default(Action::hang());
  auto dispatcher = http_dispatcher(fast_options());  // the sender's timeout: 5 s
  Results hanging_done, hanging_attempted, alive_done;
  for (int i = 0; i < 3; ++i) {
    dispatcher->submit(to(hanging.url("/n"), std::to_string(i)), hanging_done.callback(),
                       hanging_attempted.callback());
  }
  ASSERT_TRUE(hanging.wait_for_requests(1));
  for (int i = 0; i < 20; ++i)
    dispatcher->submit(to(alive.url("/n"), std::to_string(i)), alive_done.callback());
  ASSERT_TRUE(alive_done.wait_for(20));
  EXPECT_EQ(hanging_attempted.size(), 0u);  // its first attempt is still in flight
  EXPECT_EQ(hanging_done.size(), 0u);
  EXPECT_EQ(hanging.request_count(), 1u);  // and only one: the others wait behind it
  EXPECT_EQ(alive.request_count(), 20u);
  dispatcher->stop();
  EXPECT_EQ(hanging_done.size(), 3u);
}

TEST(DispatcherOverHttp, StopReturnsWhileAnEndpointHangs) {
  Receiver hanging;
  hanging.set_default(Action::hang());
  auto dispatcher = http_dispatcher(fast_options());
  Results done;
  for (int i = 0; i < 2; ++i)
    dispatcher->submit(to(hanging.url("/n"), std::to_string(i)), done.callback());
  ASSERT_TRUE(hanging.wait_for_requests(1));
  dispatcher->stop();
  ASSERT_EQ(done.size(), 2u);
  for (const auto& r : done.all()) EXPECT_EQ(r.outcome, Outcome::TransientFailure);
}

}  // namespace
}  // namespace tsunagu::notify
