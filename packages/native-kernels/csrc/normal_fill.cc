// Compiled without FMA contraction (binding.gyp): every operation below is one IEEE double operation, in
// the order engine/src/normal-math.ts performs it, so the results equal the JS ones bit for bit.
#include "normal_fill.h"

#include <cmath>
#include <cstring>

namespace floatjs {
namespace {

constexpr double kLn2 = 0.6931471805599453;
constexpr double kSqrt2 = 1.4142135623730951;
constexpr double kHalfPi = 1.5707963267948966;
constexpr double kTwoM30 = 1.0 / 1073741824.0;

inline uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

// xoshiro128**, as Rng.nextU32.
inline uint32_t next(uint32_t* s) {
  const uint32_t result = rotl(s[1] * 5u, 7) * 9u;
  const uint32_t t = s[1] << 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 11);
  return result;
}

// Vector clones for x86-64 Linux (ifunc): every lane does the same IEEE operations as the scalar code, so
// the width never changes a value.
#if defined(__x86_64__) && defined(__linux__) && defined(__GNUC__)
#define FLOATJS_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define FLOATJS_CLONES
#endif

// Transforms `n` pairs of draws into normal pairs, branch-free so that it vectorises. Per pair, as
// boxMullerRadius(k1) and unitCircle(k2) in normal-math.ts, then (r·cos)·std and (r·sin)·std.
FLOATJS_CLONES
void transform(const uint32_t* k1, const uint32_t* k2, float* out, int n, double stdev) {
  for (int i = 0; i < n; i++) {
    // k1 = 2^e · m with m in [√½, √2), from the bits of the exact double k1.
    const double kd = double(k1[i]);
    uint64_t bits;
    std::memcpy(&bits, &kd, sizeof bits);
    const int32_t e0 = int32_t(bits >> 52) - 1023;
    const uint64_t mbits = (bits & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull;
    double m0;
    std::memcpy(&m0, &mbits, sizeof m0);
    const bool big = m0 > kSqrt2;
    const double m = big ? m0 * 0.5 : m0;
    // Small integers: exact either way, and int32 → double converts in vectors.
    const double e = double(e0) + (big ? 1.0 : 0.0);
    const double s = (m - 1) / (m + 1);
    const double z = s * s;
    double p = 1.0 / 21;
    p = p * z + 1.0 / 19;
    p = p * z + 1.0 / 17;
    p = p * z + 1.0 / 15;
    p = p * z + 1.0 / 13;
    p = p * z + 1.0 / 11;
    p = p * z + 1.0 / 9;
    p = p * z + 1.0 / 7;
    p = p * z + 1.0 / 5;
    p = p * z + 1.0 / 3;
    p = p * z + 1;
    const double ln = (e - 32) * kLn2 + 2 * s * p;
    const double r = std::sqrt(-2 * ln);

    // cos and sin of 2π·k2/2^32: quadrant from the top two bits, then an octant.
    const uint32_t q = k2[i] >> 30;
    const double f = double(k2[i] & 0x3fffffffu) * kTwoM30;
    const bool low = f <= 0.5;
    const double t = low ? f * kHalfPi : (1 - f) * kHalfPi;
    const double zt = t * t;
    double ps = -1.0 / 1307674368000.0;
    ps = ps * zt + 1.0 / 6227020800.0;
    ps = ps * zt - 1.0 / 39916800.0;
    ps = ps * zt + 1.0 / 362880.0;
    ps = ps * zt - 1.0 / 5040.0;
    ps = ps * zt + 1.0 / 120.0;
    ps = ps * zt - 1.0 / 6.0;
    ps = ps * zt + 1;
    double pc = 1.0 / 20922789888000.0;
    pc = pc * zt - 1.0 / 87178291200.0;
    pc = pc * zt + 1.0 / 479001600.0;
    pc = pc * zt - 1.0 / 3628800.0;
    pc = pc * zt + 1.0 / 40320.0;
    pc = pc * zt - 1.0 / 720.0;
    pc = pc * zt + 1.0 / 24.0;
    pc = pc * zt - 1.0 / 2.0;
    pc = pc * zt + 1;
    const double st = t * ps;
    const double sn = low ? st : pc;
    const double cs = low ? pc : st;
    // Quarter turns: odd q swaps cos and sin; cos is negative for q = 1, 2 and sin for q = 2, 3 (a product
    // with −1 is an exact negation, as in the JS).
    const bool swap = (q & 1) != 0;
    const double cosSign = (((q + 1) >> 1) & 1) != 0 ? -1.0 : 1.0;
    const double sinSign = (q >> 1) != 0 ? -1.0 : 1.0;
    const double cosA = (swap ? sn : cs) * cosSign;
    const double sinA = (swap ? cs : sn) * sinSign;
    out[2 * i] = float(r * cosA * stdev);
    out[2 * i + 1] = float(r * sinA * stdev);
  }
}

}  // namespace

void normalFill(uint32_t* state, float* out, int64_t pairs, double stdev) {
  constexpr int kBlock = 512;
  uint32_t s[4], k1[kBlock], k2[kBlock];
  std::memcpy(s, state, sizeof s);
  for (int64_t done = 0; done < pairs; done += kBlock) {
    const int n = int(pairs - done < kBlock ? pairs - done : kBlock);
    // The draws are sequential; the first of a pair is retried while it is 0.
    for (int i = 0; i < n; i++) {
      uint32_t k;
      do k = next(s);
      while (k == 0);
      k1[i] = k;
      k2[i] = next(s);
    }
    transform(k1, k2, out + 2 * done, n, stdev);
  }
  std::memcpy(state, s, sizeof s);
}

}  // namespace floatjs
