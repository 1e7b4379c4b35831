// 8 floats per vector (AVX2 + FMA). Included only by isa_avx2.cc, which is compiled with -mavx2 -mfma.
#pragma once
#include <immintrin.h>

namespace floatjs {
namespace ISA_NAMESPACE {

struct Simd {
  using Vec = __m256;
  static constexpr int kWidth = 8;
  // 16 registers: at most 12 accumulators.
  static constexpr int kMaxVectors = 4;
  static constexpr int kRows[5] = {0, 8, 6, 4, 3};
  static constexpr int kFilterRows[5] = {0, 12, 6, 4, 3};
  // Rows of a tile with 1..4 narrow outputs, each a horizontal sum (the dot-product form).
  static constexpr int kDotRows[5] = {0, 6, 4, 3, 3};

  static Vec zero() { return _mm256_setzero_ps(); }
  static Vec load(const float* p) { return _mm256_loadu_ps(p); }
  static Vec loadN(const float* p, int n) { return n >= 8 ? load(p) : _mm256_maskload_ps(p, mask(n)); }
  static Vec broadcast(const float* p) { return _mm256_broadcast_ss(p); }
  static Vec fma(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
  static Vec add(Vec a, Vec b) { return _mm256_add_ps(a, b); }
  static Vec sub(Vec a, Vec b) { return _mm256_sub_ps(a, b); }
  static Vec mul(Vec a, Vec b) { return _mm256_mul_ps(a, b); }
  static float hsum(Vec v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
  }
  static Vec relu(Vec a) { return _mm256_max_ps(a, _mm256_setzero_ps()); }
  static void store(float* p, Vec v) { _mm256_storeu_ps(p, v); }
  static void storeN(float* p, Vec v, int n) {
    if (n >= 8) store(p, v);
    else _mm256_maskstore_ps(p, mask(n), v);
  }

 private:
  static __m256i mask(int n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
};

}  // namespace ISA_NAMESPACE
}  // namespace floatjs
