// A fixed pool of worker threads for the kernels. Work is split into contiguous ranges of task indices, one
// per thread, so which thread computes an output never changes what is computed: results do not depend on
// the thread count.
#pragma once
#include <cstdint>

namespace floatjs {

using RangeFn = void (*)(void* ctx, int64_t begin, int64_t end);

// Runs fn(ctx, begin, end) over [0, tasks), the calling thread taking the first range. Plain function
// pointers on purpose: this is called from code compiled for several instruction sets, which must not
// share inline library templates (see binding.gyp).
void parallelFor(int64_t tasks, RangeFn fn, void* ctx);

void setThreadCount(int threads);
int threadCount();

// Whether 3×3 stride-1 convolutions take the Winograd path (winograd_kernels.h); on by default.
void setWinograd(bool on);
bool winogradEnabled();

}  // namespace floatjs
