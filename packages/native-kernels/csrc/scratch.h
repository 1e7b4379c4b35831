// Grow-only scratch memory per calling thread: the kernels run thousands of times per epoch on the same
// shapes, and allocating megabytes per call would fault in fresh pages every time.
#pragma once
#include <cstddef>
#include <cstdint>

namespace floatjs {

enum ScratchSlot { kPackedWeights = 0, kPartialSums = 1, kZeros = 2, kTilePointers = 3, kWinogradTiles = 4, kScratchSlots = 5 };

// 64-byte aligned storage for `floats` floats, valid until the next request of the same slot on this thread.
// Contents are unspecified. Null when the allocation fails.
float* scratch(ScratchSlot slot, size_t floats);

// Scratch memory held by all threads, in bytes (it only grows to the largest request per slot and thread).
int64_t scratchBytes();

}  // namespace floatjs
