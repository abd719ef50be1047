// Delivery guarantees of docs/design/subscriptions.md, through the real binary:
//   - isolation: an endpoint that accepts connections and never answers, or refuses them, delays
//     no other endpoint, even one on the same host and port;
//   - order: for one entity, an endpoint receives the changes in the order they were made, also
//     while the subscription's @context is still being fetched;
//   - at-least-once across a crash: every write acknowledged with 2xx is notified, after a
//     SIGKILL in the middle of a burst and when the receiver itself was down meanwhile.
// Bounds are generous (tens of seconds) and only ever say "arrived within".

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "notification_support.hpp"

namespace tsunagu::it {
namespace {

namespace json = boost::json;

// What a receiver saw of one entity's "count" attribute: the value of each notification.
using Sequences = std::map<std::string, std::vector<std::int64_t>>;

Sequences sequences_of(const std::vector<json::value>& notifications) {
  Sequences out;
  for (const auto& n : notifications) {
    const auto data = member(n, "data");
    if (!data.is_array()) continue;
    for (const auto& item : data.as_array()) {
      const auto count = member(member(item, "count"), "value");
      if (count.is_int64())
        out[std::string(member(item, "id").as_string())].push_back(count.as_int64());
    }
  }
  return out;
}

// Each sequence is in the order of the writes (values grow with each write); `strict` also
// forbids repeats.
::testing::AssertionResult InWriteOrder(const Sequences& sequences, bool strict) {
  for (const auto& [id, values] : sequences) {
    for (std::size_t i = 1; i < values.size(); ++i) {
      if (values[i] < values[i - 1] || (strict && values[i] == values[i - 1])) {
        auto failure = ::testing::AssertionFailure()
                       << id << " was notified out of order at position " << i << ":";
        for (auto v : values) failure << ' ' << v;
        return failure;
      }
    }
  }
  return ::testing::AssertionSuccess();
}

// Every (entity, value) of `written` was notified in `seen`.
::testing::AssertionResult AllNotified(const Sequences& written, const Sequences& seen) {
  std::size_t missing = 0;
  auto failure = ::testing::AssertionFailure();
  for (const auto& [id, values] : written) {
    const auto it = seen.find(id);
    const std::set<std::int64_t> got = it == seen.end()
                                           ? std::set<std::int64_t>{}
                                           : std::set(it->second.begin(), it->second.end());
    for (auto v : values) {
      if (got.contains(v)) continue;
      if (++missing <= 20) failure << " " << id << "=" << v;
    }
  }
  if (missing == 0) return ::testing::AssertionSuccess();
  return failure << " (" << missing << " acknowledged writes never notified)";
}

std::size_t total(const Sequences& sequences) {
  std::size_t n = 0;
  for (const auto& [id, values] : sequences) n += values.size();
  return n;
}

json::value counter(std::string_view id, std::string_view type) {
  return json::object{
      {"id", id}, {"type", type}, {"count", json::object{{"type", "Property"}, {"value", 0}}}};
}

// A subscription to the updates of `type` notifying `uri`.
json::object updates_of(std::string_view type, std::string_view uri) {
  return subscription_to(type, uri, R"({"notificationTrigger": ["attributeUpdated"]})");
}

// ---------------------------------------------------------------------------------------------
// Isolation and order, on the suite's server.

class NotificationDelivery : public NotificationTest {
 protected:
  // `entities` counters of `type`, then `rounds` updates of each, round-robin, values 1..rounds;
  // returns what was written per entity.
  Sequences burst(const std::string& type, int entities, int rounds) {
    std::vector<std::string> ids;
    for (int i = 0; i < entities; ++i) {
      ids.push_back(new_id(type));
      EXPECT_STATUS(create(counter(ids.back(), type)), 201);
    }
    Sequences written;
    for (int round = 1; round <= rounds; ++round) {
      for (const auto& id : ids) {
        EXPECT_STATUS(set_value(http(), id, "count", round), 204);
        written[id].push_back(round);
      }
    }
    return written;
  }

  // A context served by the receiver at `path` that names https://example.org/count "count";
  // returns its URL.
  std::string context_of_count(const std::string& path) {
    receiver_.serve(path, R"({"@context": {"count": "https://example.org/count"}})");
    return receiver_.url(path);
  }

  // A counter of `type` whose updates notify `path`, compacted with the jsonldContext `context`.
  // It is written by its full IRI, which only that context names "count": no request fetches
  // the context before the notifications need it.
  std::string counter_notified_in_context(const std::string& type, const std::string& path,
                                          const std::string& context) {
    auto s = updates_of(type, endpoint(path));
    s["jsonldContext"] = context;
    subscribe(s);
    return make_entity(type, R"({"https://example.org/count": 0})");
  }

  // Sets the counter to first, ..., last.
  void update_by_iri(const std::string& id, int first, int last) {
    for (int i = first; i <= last; ++i) {
      EXPECT_STATUS(http().patch(entity_path(id) + "/attrs",
                                 R"({"https://example.org/count": )" + std::to_string(i) + "}"),
                    204);
    }
  }

  // Waits for `count` notifications at `path` of `server` and returns what they showed.
  static Sequences received(ContextServer& server, const std::string& path, std::size_t count,
                            std::chrono::milliseconds within) {
    return sequences_of(bodies_of(server.wait_for(path, count, within)));
  }
};

TEST_F(NotificationDelivery, DeadEndpointsDelayNoHealthyOne) {
  const auto type = unique("Counter");
  // Same host and port as the hanging endpoint, other path: it must not wait for its neighbour.
  ContextServer other_host(0, {"/hang", "/neighbour"});
  other_host.delay("/hang", std::chrono::minutes(10));
  subscribe(updates_of(type, other_host.url("/hang")));
  subscribe(updates_of(type, "http://127.0.0.1:" + std::to_string(closed_port()) + "/refused"));
  subscribe(updates_of(type, endpoint("/healthy")));
  subscribe(updates_of(type, other_host.url("/neighbour")));

  constexpr int kEntities = 5, kRounds = 10;
  const auto written = burst(type, kEntities, kRounds);
  // Each update waiting behind the hanging endpoint would cost at least the sender's timeout
  // (seconds): 50 of them could not arrive within this bound.
  const auto healthy = received(receiver_, "/healthy", kEntities * kRounds, 30s);
  EXPECT_EQ(healthy, written);
  EXPECT_EQ(received(other_host, "/neighbour", kEntities * kRounds, 30s), written);
  const auto hanging = other_host.received("/hang");
  EXPECT_GE(hanging.size(), 1U) << "the hanging endpoint was tried";
  EXPECT_LT(hanging.size(), static_cast<std::size_t>(kEntities * kRounds))
      << "one attempt at a time per endpoint, each waiting for its answer";
}

// Several writes per entity while the endpoint is slow: the queue holds them, in order.
TEST_F(NotificationDelivery, ASlowEndpointGetsEachEntitysChangesInOrder) {
  const auto type = unique("Counter");
  const auto url = endpoint("/slow");
  receiver_.delay("/slow", 50ms);
  subscribe(updates_of(type, url));
  const auto written = burst(type, 3, 15);
  const auto got = received(receiver_, "/slow", 45, 60s);
  EXPECT_TRUE(InWriteOrder(got, true));
  EXPECT_EQ(got, written);
}

// jsonldContext is fetched when the first notification is rendered, not when the subscription is
// created: notifications waiting for it must still go out in the order of the changes.
TEST_F(NotificationDelivery, OrderIsKeptWhileTheContextIsFetched) {
  const auto type = unique("Counter");
  const auto ctx = context_of_count("/slow-ctx.jsonld");
  receiver_.delay("/slow-ctx.jsonld", 500ms);
  const auto id = counter_notified_in_context(type, "/ordered", ctx);
  update_by_iri(id, 1, 10);
  EXPECT_EQ(received(receiver_, "/ordered", 10, 30s),
            (Sequences{{id, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}}));
}

// A context host that fails for a while delays the notifications that need it, like a failing
// endpoint does; it does not lose them.
TEST_F(NotificationDelivery, AContextHostThatFailsDelaysButLosesNothing) {
  const auto type = unique("Counter");
  const auto ctx = context_of_count("/flaky-ctx.jsonld");
  receiver_.fail("/flaky-ctx.jsonld", 503);
  const auto id = counter_notified_in_context(type, "/after-outage", ctx);
  update_by_iri(id, 1, 1);
  ASSERT_GE(receiver_.wait_for("/flaky-ctx.jsonld", 1).size(), 1U) << "the context was asked for";
  receiver_.fail("/flaky-ctx.jsonld", 200);
  update_by_iri(id, 2, 2);
  // The resolver remembers the failure for a while (10 s): hence the long bound.
  const auto got = received(receiver_, "/after-outage", 2, 60s);
  const Sequences written{{id, {1, 2}}};
  ASSERT_TRUE(AllNotified(written, got));
  ASSERT_EQ(total(got), 2U);
  EXPECT_EQ(got, written);
}

// ---------------------------------------------------------------------------------------------
// Crashes: each test has its own server, which it kills.

// A client that writes updates in a thread of its own, following the server across restarts (a
// restarted server listens on a new port), and records which writes were acknowledged.
//
// Thread-safety: port_, generation_ and acknowledged_ are guarded by mutex_; the counters are
// atomic for the test thread to poll.
class BurstWriter {
 public:
  BurstWriter(unsigned short port, std::vector<std::string> ids, int writes)
      : ids_(std::move(ids)), writes_(writes), port_(port) {
    thread_ = std::thread([this] { run(); });
  }
  ~BurstWriter() {
    if (thread_.joinable()) thread_.join();
  }
  BurstWriter(const BurstWriter&) = delete;
  BurstWriter& operator=(const BurstWriter&) = delete;

  // The server listens again, on `port`.
  void moved_to(unsigned short port) {
    std::lock_guard lock(mutex_);
    port_ = port;
    ++generation_;
    changed_.notify_all();
  }
  void join() { thread_.join(); }

  int acknowledged_count() const { return acknowledged_count_; }
  int failed_count() const { return failed_count_; }
  // The acknowledged values of each entity, in the order written.
  Sequences acknowledged() const {
    std::lock_guard lock(mutex_);
    return acknowledged_;
  }

 private:
  void run() {
    unsigned short port = 0;
    int generation = -1;
    std::optional<HttpClient> http;
    for (int k = 1; k <= writes_; ++k) {
      if (!http) {
        std::unique_lock lock(mutex_);
        // After a failure, wait for the restarted server (at most a minute: then give up).
        if (!changed_.wait_for(lock, 60s, [&] { return generation_ != generation; })) return;
        generation = generation_;
        port = port_;
        http.emplace("127.0.0.1", port);
      }
      const auto& id = ids_[static_cast<std::size_t>(k) % ids_.size()];
      try {
        const auto res = set_value(*http, id, "count", k);
        if (res.status == 204) {
          std::lock_guard lock(mutex_);
          acknowledged_[id].push_back(k);
          ++acknowledged_count_;
          continue;
        }
      } catch (const std::runtime_error&) {
        // The server died under the request: whether it was written, nobody knows.
      }
      ++failed_count_;
      http.reset();
    }
  }

  const std::vector<std::string> ids_;
  const int writes_;
  std::thread thread_;
  std::atomic<int> acknowledged_count_{0};
  std::atomic<int> failed_count_{0};
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  unsigned short port_;
  int generation_ = 0;
  Sequences acknowledged_;
};

// Starts a server with a subscription to the updates of counters at `uri` and creates `count`
// counters; returns their ids.
std::vector<std::string> counters_notifying(ServerProcess& server, const std::string& uri,
                                            int count) {
  server.start();
  auto http = server.client();
  EXPECT_FALSE(create_subscription(http, updates_of("Counter", uri)).empty());
  std::vector<std::string> ids;
  for (int i = 0; i < count; ++i) {
    ids.push_back("urn:ngsi-ld:Counter:" + std::to_string(i));
    EXPECT_STATUS(http.post(kEntities, S(counter(ids.back(), "Counter"))), 201);
  }
  return ids;
}

// Waits until every acknowledged write has been notified at `path`; returns the notifications.
std::vector<json::value> wait_all_notified(ContextServer& receiver, const std::string& path,
                                           const Sequences& acknowledged) {
  return bodies_of(receiver.wait_until(
      path,
      [&](const auto& requests) {
        // One entity per notification: fewer requests than writes cannot be all of them.
        return requests.size() >= total(acknowledged) &&
               AllNotified(acknowledged, sequences_of(bodies_of(requests)));
      },
      60s));
}

// Splits notifications into those the first process rendered (notifiedAt up to `boundary`) and
// those of the restarted one.
std::pair<std::vector<json::value>, std::vector<json::value>> split_at(
    const std::vector<json::value>& notifications, const std::string& boundary) {
  std::pair<std::vector<json::value>, std::vector<json::value>> out;
  for (const auto& n : notifications) {
    const auto at = member(n, "notifiedAt");
    const bool before = at.is_string() && std::string(at.as_string()) <= boundary;
    (before ? out.first : out.second).push_back(n);
  }
  return out;
}

TEST(NotificationRestart, EveryAcknowledgedUpdateIsNotifiedAcrossAKill) {
  ContextServer receiver({}, {"/n"});
  ServerProcess server;
  const auto ids = counters_notifying(server, receiver.url("/n"), 4);
  constexpr int kWrites = 200;
  BurstWriter writer(server.port(), ids, kWrites);
  // Kill in the middle: some writes acknowledged, their notifications partly delivered.
  while (writer.acknowledged_count() < 80 && writer.failed_count() == 0) {
    std::this_thread::sleep_for(5ms);
  }
  server.kill();
  const auto killed_at = utc_from_now(0ms);  // after the process is gone: it renders no more
  ASSERT_NO_THROW(server.start());
  writer.moved_to(server.port());
  writer.join();
  const auto acknowledged = writer.acknowledged();
  EXPECT_GE(writer.acknowledged_count(), kWrites - 2) << "writes after the restart go through";

  const auto got = wait_all_notified(receiver, "/n", acknowledged);
  EXPECT_TRUE(AllNotified(acknowledged, sequences_of(got))) << server.log_tail();
  // Within each process's life, each entity's changes arrive in order; the restarted server
  // may repeat what the first had sent but not settled (at-least-once).
  const auto [first, second] = split_at(got, killed_at);
  EXPECT_TRUE(InWriteOrder(sequences_of(first), true));
  EXPECT_TRUE(InWriteOrder(sequences_of(second), false));
  if (writer.failed_count() > 0) {
    EXPECT_FALSE(second.empty()) << "the restarted server notified the writes made after it";
  }
  auto http = server.client();
  EXPECT_STATUS(http.get(kSubscriptionsPath + "?limit=10"), 200);
  EXPECT_EQ(http.get(kSubscriptionsPath).json().as_array().size(), 1U) << "it survived the kill";
}

TEST(NotificationRestart, AReceiverDownDuringTheKillGetsEverythingLater) {
  const unsigned short port = closed_port();  // the receiver comes up here later
  const std::string uri = "http://127.0.0.1:" + std::to_string(port) + "/late";
  ServerProcess server;
  const auto ids = counters_notifying(server, uri, 2);
  Sequences written;
  {
    auto http = server.client();
    for (int k = 1; k <= 20; ++k) {
      const auto& id = ids[static_cast<std::size_t>(k) % ids.size()];
      ASSERT_STATUS(set_value(http, id, "count", k), 204);
      written[id].push_back(k);
    }
  }
  server.kill();
  ASSERT_NO_THROW(server.start());
  ContextServer receiver(port, {"/late"});
  const auto got = wait_all_notified(receiver, "/late", written);
  const auto seen = sequences_of(got);
  EXPECT_TRUE(AllNotified(written, seen)) << server.log_tail();
  EXPECT_TRUE(InWriteOrder(seen, true));
}

}  // namespace
}  // namespace tsunagu::it
