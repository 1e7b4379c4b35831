// A fixed pool of worker threads for the kernels. A job's tasks are handed out in contiguous ranges to whichever
// thread is free; every task computes the same thing on any thread, so results do not depend on the thread
// count or on which thread ran what. Between jobs the threads spin for a short while before they sleep.
#pragma once
#include <cstdint>

namespace floatjs {

using RangeFn = void (*)(void* ctx, int64_t begin, int64_t end);

// Runs fn(ctx, begin, end) over ranges covering [0, tasks), the calling thread taking part. Plain function
// pointers on purpose: this is called from code compiled for several instruction sets, which must not
// share inline library templates (see binding.gyp).
void parallelFor(int64_t tasks, RangeFn fn, void* ctx);

void setThreadCount(int threads);
int threadCount();

// Whether 3×3 stride-1 convolutions take the Winograd path (winograd_kernels.h); on by default.
void setWinograd(bool on);
bool winogradEnabled();

}  // namespace floatjs
