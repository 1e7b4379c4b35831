#include "scratch.h"

#include <atomic>
#include <cstdlib>
#if defined(_WIN32)
#include <malloc.h>
#endif

namespace floatjs {
namespace {

std::atomic<int64_t> totalBytes{0};

size_t bytesOf(size_t floats) { return (floats * sizeof(float) + 63) / 64 * 64; }

// posix_memalign rather than aligned_alloc: the latter needs macOS 10.15 or later.
float* alignedFloats(size_t bytes) {
#if defined(_WIN32)
  return static_cast<float*>(_aligned_malloc(bytes, 64));
#else
  void* p = nullptr;
  return posix_memalign(&p, 64, bytes) == 0 ? static_cast<float*>(p) : nullptr;
#endif
}

void freeFloats(float* p) {
#if defined(_WIN32)
  _aligned_free(p);
#else
  std::free(p);
#endif
}

struct Buffers {
  float* data[kScratchSlots] = {};
  size_t capacity[kScratchSlots] = {};
  ~Buffers() {
    for (int i = 0; i < kScratchSlots; i++) {
      freeFloats(data[i]);
      if (data[i]) totalBytes -= int64_t(bytesOf(capacity[i]));
    }
  }
};

thread_local Buffers buffers;

}  // namespace

int64_t scratchBytes() { return totalBytes.load(); }

float* scratch(ScratchSlot slot, size_t floats) {
  if (floats == 0) floats = 1;
  if (buffers.capacity[slot] < floats) {
    if (buffers.data[slot]) totalBytes -= int64_t(bytesOf(buffers.capacity[slot]));
    freeFloats(buffers.data[slot]);
    buffers.data[slot] = alignedFloats(bytesOf(floats));
    buffers.capacity[slot] = buffers.data[slot] ? floats : 0;
    if (buffers.data[slot]) totalBytes += int64_t(bytesOf(floats));
  }
  return buffers.data[slot];
}

}  // namespace floatjs
