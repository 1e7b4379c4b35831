// 16 floats per vector (AVX-512F). Included only by isa_avx512.cc, which is compiled with -mavx512f.
#pragma once
#include <immintrin.h>

namespace floatjs {
namespace ISA_NAMESPACE {

struct Simd {
  using Vec = __m512;
  static constexpr int kWidth = 16;
  // Register blocking: rows of a tile for 1..4 vectors of output channels (at most 24 accumulators of 32).
  static constexpr int kMaxVectors = 4;
  static constexpr int kRows[5] = {0, 12, 8, 8, 6};
  // Rows of a filter-gradient tile (input channels), for 1..4 vectors.
  static constexpr int kFilterRows[5] = {0, 16, 12, 8, 6};
  // Rows of a tile with 1..4 narrow outputs, each a horizontal sum (the dot-product form).
  static constexpr int kDotRows[5] = {0, 8, 8, 6, 6};

  static Vec zero() { return _mm512_setzero_ps(); }
  static Vec load(const float* p) { return _mm512_loadu_ps(p); }
  static Vec loadN(const float* p, int n) { return _mm512_maskz_loadu_ps(mask(n), p); }
  static Vec broadcast(const float* p) { return _mm512_set1_ps(*p); }
  static Vec fma(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
  static Vec add(Vec a, Vec b) { return _mm512_add_ps(a, b); }
  static Vec sub(Vec a, Vec b) { return _mm512_sub_ps(a, b); }
  static Vec mul(Vec a, Vec b) { return _mm512_mul_ps(a, b); }
  static float hsum(Vec v) { return _mm512_reduce_add_ps(v); }
  static Vec relu(Vec a) { return _mm512_max_ps(a, _mm512_setzero_ps()); }
  static void store(float* p, Vec v) { _mm512_storeu_ps(p, v); }
  static void storeN(float* p, Vec v, int n) { _mm512_mask_storeu_ps(p, mask(n), v); }

 private:
  static __mmask16 mask(int n) { return n >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << n) - 1); }
};

}  // namespace ISA_NAMESPACE
}  // namespace floatjs
