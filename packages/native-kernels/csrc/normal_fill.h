// Normal draws for FLOAT's weight noise: xoshiro128** and Box-Muller exactly as @floatjs/engine's Rng
// computes them in JS (normal-math.ts), so the two give bit-identical values.
#pragma once
#include <cstdint>

namespace floatjs {

// Fills out[0, 2·pairs) with pairs of N(0, stdev²) draws from the generator `state` (four words, updated).
void normalFill(uint32_t* state, float* out, int64_t pairs, double stdev);

}  // namespace floatjs
