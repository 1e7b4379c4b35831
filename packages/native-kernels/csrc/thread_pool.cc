#include "thread_pool.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace floatjs {
namespace {

class Pool {
 public:
  void resize(int threads) {
    std::lock_guard<std::mutex> run(runMutex_);
    stopWorkers();
    threads_ = threads < 1 ? 1 : threads;
    // New workers wait for the next job, not the last one run before they existed.
    uint64_t current = generation_;
    for (int i = 1; i < threads_; i++) workers_.emplace_back([this, i, current] { workerLoop(i, current); });
  }

  int threads() const { return threads_; }

  void run(int64_t tasks, RangeFn fn, void* ctx) {
    if (tasks <= 0) return;
    // A second JS thread calling in while a job runs (worker_threads) gets a serial run, not a deadlock.
    std::unique_lock<std::mutex> run(runMutex_, std::try_to_lock);
    int used = tasks < threads_ ? int(tasks) : threads_;
    if (!run.owns_lock() || used <= 1) {
      fn(ctx, 0, tasks);
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      fn_ = fn;
      ctx_ = ctx;
      tasks_ = tasks;
      used_ = used;
      pending_ = used - 1;
      generation_++;
    }
    start_.notify_all();
    fn(ctx, 0, tasks / used);
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return pending_ == 0; });
  }

 private:
  void workerLoop(int index, uint64_t seen) {
    for (;;) {
      RangeFn fn;
      void* ctx;
      int64_t begin, end;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        start_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
        if (index >= used_) continue;
        fn = fn_;
        ctx = ctx_;
        begin = tasks_ * index / used_;
        end = tasks_ * (index + 1) / used_;
      }
      fn(ctx, begin, end);
      std::lock_guard<std::mutex> lock(mutex_);
      if (--pending_ == 0) done_.notify_one();
    }
  }

  void stopWorkers() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    start_.notify_all();
    for (auto& w : workers_) w.join();
    workers_.clear();
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = false;
  }

  std::mutex runMutex_, mutex_;
  std::condition_variable start_, done_;
  std::vector<std::thread> workers_;
  int threads_ = 1;
  bool stop_ = false;
  uint64_t generation_ = 0;
  RangeFn fn_ = nullptr;
  void* ctx_ = nullptr;
  int64_t tasks_ = 0;
  int used_ = 0;
  int pending_ = 0;
};

// Never destroyed: joining workers from a static destructor at process exit can race with the runtime.
Pool& pool() {
  static Pool* p = new Pool();
  return *p;
}

}  // namespace

void parallelFor(int64_t tasks, RangeFn fn, void* ctx) { pool().run(tasks, fn, ctx); }
void setThreadCount(int threads) { pool().resize(threads); }
int threadCount() { return pool().threads(); }

namespace {
std::atomic<bool> winograd{true};
}
void setWinograd(bool on) { winograd.store(on); }
bool winogradEnabled() { return winograd.load(); }

}  // namespace floatjs
