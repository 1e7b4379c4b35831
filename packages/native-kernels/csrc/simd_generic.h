// 4 floats per vector with the compiler's vector extensions (SSE2 on x86-64, NEON on arm64): the portable
// fallback. Included only by isa_generic.cc.
#pragma once
#include <cstring>

namespace floatjs {
namespace ISA_NAMESPACE {

struct Simd {
  typedef float Vec __attribute__((vector_size(16)));
  static constexpr int kWidth = 4;
  static constexpr int kMaxVectors = 3;
  static constexpr int kRows[5] = {0, 8, 6, 4, 4};
  static constexpr int kFilterRows[5] = {0, 12, 6, 4, 4};
  // Rows of a tile with 1..4 narrow outputs, each a horizontal sum (the dot-product form).
  static constexpr int kDotRows[5] = {0, 6, 4, 3, 3};

  static Vec zero() { return Vec{0, 0, 0, 0}; }
  static Vec load(const float* p) {
    Vec v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
  static Vec loadN(const float* p, int n) {
    if (n >= 4) return load(p);
    Vec v = zero();
    if (n <= 0) return v;
    std::memcpy(&v, p, sizeof(float) * n);
    return v;
  }
  static Vec broadcast(const float* p) { return Vec{*p, *p, *p, *p}; }
  static Vec fma(Vec a, Vec b, Vec c) { return a * b + c; }
  static Vec add(Vec a, Vec b) { return a + b; }
  static Vec sub(Vec a, Vec b) { return a - b; }
  static Vec mul(Vec a, Vec b) { return a * b; }
  static float hsum(Vec v) { return (v[0] + v[1]) + (v[2] + v[3]); }
  static Vec relu(Vec a) {
    typedef int Mask __attribute__((vector_size(16)));
    Mask keep = a > zero();
    Mask bits;
    std::memcpy(&bits, &a, sizeof a);
    bits &= keep;
    std::memcpy(&a, &bits, sizeof a);
    return a;
  }
  static void store(float* p, Vec v) { std::memcpy(p, &v, sizeof v); }
  static void storeN(float* p, Vec v, int n) {
    if (n > 0) std::memcpy(p, &v, sizeof(float) * (n >= 4 ? 4 : n));
  }
};

}  // namespace ISA_NAMESPACE
}  // namespace floatjs
