#include "thread_pool.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace floatjs {
namespace {

// How long a thread spins on the job counter before it sleeps on a condition variable. Kernels come in quick
// succession (a training step calls a hundred of them, with JS work of tens to hundreds of microseconds
// between): waking a sleeping thread took 150–200 µs on a 2-vCPU cloud machine (Zen 3, measured), more than
// half of a 1 MB element-wise pass, and at the end of a job the caller slept the same way waiting for a worker.
constexpr std::chrono::microseconds kSpin{2000};

// Ranges per thread and job: enough for the threads to even out, few enough that a range's setup stays small.
constexpr int64_t kRangesPerThread = 16;

inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Spins until done() or kSpin has passed; says whether done() became true. It yields now and then, so a
// process that shares the cores (tests run side by side) still gets them. No spinning when the pool has more
// threads than the machine has cores: spinners would then take the cores from the threads with work.
template <class Done>
bool spinUntil(const Done& done, bool spin) {
  if (!spin) return done();
  auto until = std::chrono::steady_clock::now() + kSpin;
  for (int i = 0;; i++) {
    if (done()) return true;
    cpuRelax();
    if ((i & 255) == 255) {
      if (std::chrono::steady_clock::now() >= until) return false;
      std::this_thread::yield();
    }
  }
}

class Pool {
 public:
  void resize(int threads) {
    std::lock_guard<std::mutex> run(runMutex_);
    stopWorkers();
    threads_ = threads < 1 ? 1 : threads;
    spin_ = unsigned(threads_) <= std::thread::hardware_concurrency();
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
      // Ranges of `grain` tasks handed out in order to whichever thread asks next: a thread slowed by the machine
      // (another process, the hypervisor, Node's own threads) takes fewer, where halves fixed in advance had the
      // faster one wait. Each task computes the same thing on any thread.
      grain_ = tasks / (int64_t(used) * kRangesPerThread);
      if (grain_ < 1) grain_ = 1;
      next_.store(0, std::memory_order_relaxed);
      pending_.store(used - 1, std::memory_order_relaxed);
      generation_.fetch_add(1, std::memory_order_release);
    }
    start_.notify_all();
    drain(fn, ctx, tasks);
    if (spinUntil([this] { return pending_.load(std::memory_order_acquire) == 0; }, spin_)) return;
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return pending_.load(std::memory_order_relaxed) == 0; });
  }

 private:
  // Runs ranges of the current job until none is left.
  void drain(RangeFn fn, void* ctx, int64_t tasks) {
    const int64_t grain = grain_;
    for (;;) {
      int64_t begin = next_.fetch_add(grain, std::memory_order_relaxed);
      if (begin >= tasks) return;
      fn(ctx, begin, begin + grain < tasks ? begin + grain : tasks);
    }
  }

  void workerLoop(int index, uint64_t seen) {
    for (;;) {
      RangeFn fn;
      void* ctx;
      int64_t tasks;
      spinUntil([&] { return stop_.load(std::memory_order_relaxed) || generation_.load(std::memory_order_acquire) != seen; }, spin_);
      {
        std::unique_lock<std::mutex> lock(mutex_);
        start_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
        if (index >= used_) continue;
        fn = fn_;
        ctx = ctx_;
        tasks = tasks_;
      }
      drain(fn, ctx, tasks);
      std::lock_guard<std::mutex> lock(mutex_);
      if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) done_.notify_one();
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
  bool spin_ = true;
  // Atomic so that a spinning thread may read them without the mutex; stop_, generation_ and pending_ are
  // written under it, next_ (the next task to hand out) is taken by fetch_add. The field order is as measured:
  // grouping the four atomics together made kernel calls a few percent slower.
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> generation_{0};
  RangeFn fn_ = nullptr;
  void* ctx_ = nullptr;
  int64_t tasks_ = 0;
  int used_ = 0;
  std::atomic<int> pending_{0};
  std::atomic<int64_t> next_{0};
  int64_t grain_ = 1;
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
