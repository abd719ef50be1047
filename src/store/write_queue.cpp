#include "store/write_queue.hpp"

namespace tsunagu::store {

WriteQueue::WriteQueue(WriteQueueOptions options, CommitGroup commit)
    : options_(options), commit_(std::move(commit)), writer_([this] { writer_loop(); }) {}

WriteQueue::~WriteQueue() {
  close();
}

void WriteQueue::close() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) {
      if (writer_.joinable() && writer_.get_id() != std::this_thread::get_id()) writer_.join();
      return;
    }
    stopping_ = true;
  }
  wake_.notify_all();
  if (writer_.joinable() && writer_.get_id() != std::this_thread::get_id()) writer_.join();
}

void WriteQueue::submit(WriteJob job) {
  const char* refusal = nullptr;
  {
    std::lock_guard lock(mu_);
    if (stopping_) {
      refusal = "the server is shutting down";
    } else if (queue_.size() >= options_.max_queued) {
      // Memory stays bounded under overload; the client is told to retry.
      refusal = "too many writes are waiting; retry later";
    } else {
      queue_.push_back(std::move(job));
      wake_.notify_one();
      return;
    }
  }
  job.done(fail(ErrorKind::Busy, refusal));
}

void WriteQueue::writer_loop() {
  std::vector<WriteJob> group;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued is committed
      while (!queue_.empty() && group.size() < options_.max_group) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    commit_(group);
    group.clear();
  }
}

}  // namespace tsunagu::store
