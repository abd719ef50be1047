#pragma once
// A tenant's queue of write jobs and the writer thread that commits them in groups, for every
// backend (store.hpp: submit() returns at once, `done` runs on the writer). The backend says how
// a group commits; the queue says when: whatever waits when the writer comes back for more, up
// to max_group jobs, so one commit carries as many concurrent requests as arrived during the
// last one.
//
// Thread safety: submit() and close() may be called from any thread, close() also from the
// writer itself (a `done` callback). `queue_` and `stopping_` are guarded by `mu_`.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "store/store.hpp"

namespace tsunagu::store {

struct WriteQueueOptions {
  std::size_t max_group = 512;     // jobs committed together at most
  std::size_t max_queued = 50000;  // jobs waiting beyond this are refused with Busy (503)
};

class WriteQueue {
 public:
  // Commits a group and calls each job's `done`. Runs on the writer thread only.
  using CommitGroup = std::function<void(std::vector<WriteJob>&)>;

  // Starts the writer thread: `commit` may be called from now on.
  WriteQueue(WriteQueueOptions options, CommitGroup commit);
  ~WriteQueue();  // close()
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  void submit(WriteJob job);
  // Commits what is queued, stops the writer and refuses later jobs (Busy). Idempotent.
  void close();

 private:
  void writer_loop();

  const WriteQueueOptions options_;
  const CommitGroup commit_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<WriteJob> queue_;  // guarded by mu_
  bool stopping_ = false;       // guarded by mu_
  std::thread writer_;          // last: starts once the rest is constructed
};

}  // namespace tsunagu::store
