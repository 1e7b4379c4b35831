#include "scratch.h"

#include <atomic>
#include <cstdlib>

namespace floatjs {
namespace {

std::atomic<int64_t> totalBytes{0};

size_t bytesOf(size_t floats) { return (floats * sizeof(float) + 63) / 64 * 64; }

struct Buffers {
  float* data[kScratchSlots] = {};
  size_t capacity[kScratchSlots] = {};
  ~Buffers() {
    for (int i = 0; i < kScratchSlots; i++) {
      std::free(data[i]);
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
    std::free(buffers.data[slot]);
    buffers.data[slot] = static_cast<float*>(std::aligned_alloc(64, bytesOf(floats)));
    buffers.capacity[slot] = buffers.data[slot] ? floats : 0;
    if (buffers.data[slot]) totalBytes += int64_t(bytesOf(floats));
  }
  return buffers.data[slot];
}

}  // namespace floatjs
