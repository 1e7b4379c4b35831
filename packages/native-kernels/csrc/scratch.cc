#include "scratch.h"

#include <cstdlib>

namespace floatjs {
namespace {

struct Buffers {
  float* data[kScratchSlots] = {};
  size_t capacity[kScratchSlots] = {};
  ~Buffers() {
    for (float* p : data) std::free(p);
  }
};

thread_local Buffers buffers;

}  // namespace

float* scratch(ScratchSlot slot, size_t floats) {
  if (floats == 0) floats = 1;
  if (buffers.capacity[slot] < floats) {
    std::free(buffers.data[slot]);
    size_t bytes = (floats * sizeof(float) + 63) / 64 * 64;
    buffers.data[slot] = static_cast<float*>(std::aligned_alloc(64, bytes));
    buffers.capacity[slot] = buffers.data[slot] ? floats : 0;
  }
  return buffers.data[slot];
}

}  // namespace floatjs
