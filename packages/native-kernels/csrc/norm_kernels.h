// Training-mode batch norm, ReLU and its gradient, and a broadcasting add: memory-bound passes over [rows, channels] arrays,
// written as plain loops that each isa_*.cc compiles (and vectorises) for its instruction set.
// Per-channel sums accumulate in double within fixed chunks of rows, and the chunks are added in order,
// so results do not depend on the thread count.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "scratch.h"
#include "thread_pool.h"

namespace floatjs {
namespace ISA_NAMESPACE {

constexpr int64_t kNormChunkRows = 256;

struct NormRun {
  const float* x;
  const float* dy;
  float* out;
  int64_t rows;
  int channels;
  double* partialA;  // [chunk][channels]
  double* partialB;
  const float* center;  // per-channel value subtracted before squaring / multiplying
  const float* a;       // out = a·first + b·x + c, per channel
  const float* b;
  const float* c;
};

inline void rowRange(const NormRun& r, int64_t chunk, int64_t* begin, int64_t* end) {
  *begin = chunk * kNormChunkRows;
  *end = *begin + kNormChunkRows < r.rows ? *begin + kNormChunkRows : r.rows;
}

// partialA[chunk] = Σ x over the chunk's rows.
inline void sumRange(void* vrun, int64_t first, int64_t last) {
  const auto& r = *static_cast<const NormRun*>(vrun);
  const int C = r.channels;
  for (int64_t chunk = first; chunk < last; chunk++) {
    double* s = r.partialA + chunk * C;
    for (int k = 0; k < C; k++) s[k] = 0;
    int64_t begin, end;
    rowRange(r, chunk, &begin, &end);
    for (int64_t i = begin; i < end; i++) {
      const float* xr = r.x + i * C;
      for (int k = 0; k < C; k++) s[k] += xr[k];
    }
  }
}

// partialA[chunk] = Σ (x − center)², or with dy: partialA = Σ dy, partialB = Σ dy·(x − center).
inline void centeredRange(void* vrun, int64_t first, int64_t last) {
  const auto& r = *static_cast<const NormRun*>(vrun);
  const int C = r.channels;
  for (int64_t chunk = first; chunk < last; chunk++) {
    double* sa = r.partialA + chunk * C;
    double* sb = r.partialB ? r.partialB + chunk * C : nullptr;
    for (int k = 0; k < C; k++) {
      sa[k] = 0;
      if (sb) sb[k] = 0;
    }
    int64_t begin, end;
    rowRange(r, chunk, &begin, &end);
    for (int64_t i = begin; i < end; i++) {
      const float* xr = r.x + i * C;
      if (!r.dy) {
        for (int k = 0; k < C; k++) {
          double d = double(xr[k]) - r.center[k];
          sa[k] += d * d;
        }
      } else {
        const float* dr = r.dy + i * C;
        for (int k = 0; k < C; k++) {
          sa[k] += dr[k];
          sb[k] += double(dr[k]) * (double(xr[k]) - r.center[k]);
        }
      }
    }
  }
}

// out = a·(dy or x) + b·x + c per channel (b may be null).
inline void affineRange(void* vrun, int64_t first, int64_t last) {
  const auto& r = *static_cast<const NormRun*>(vrun);
  const int C = r.channels;
  for (int64_t chunk = first; chunk < last; chunk++) {
    int64_t begin, end;
    rowRange(r, chunk, &begin, &end);
    for (int64_t i = begin; i < end; i++) {
      const float* src = (r.dy ? r.dy : r.x) + i * C;
      const float* xr = r.x + i * C;
      float* o = r.out + i * C;
      if (r.b) {
        for (int k = 0; k < C; k++) o[k] = r.a[k] * src[k] + r.b[k] * xr[k] + r.c[k];
      } else {
        for (int k = 0; k < C; k++) o[k] = r.a[k] * src[k] + r.c[k];
      }
    }
  }
}

// Adds the chunks' partial sums in chunk order.
inline void reduceChunks(const double* partial, int64_t chunks, int C, double* out) {
  for (int k = 0; k < C; k++) out[k] = 0;
  for (int64_t ch = 0; ch < chunks; ch++)
    for (int k = 0; k < C; k++) out[k] += partial[ch * C + k];
}

struct NormScratch {
  double* partialA;
  double* partialB;
  double* totals;
  float* coef;  // 4 · C floats
};

inline bool normScratch(int64_t chunks, int C, NormScratch* s) {
  size_t doubles = size_t(chunks) * C * 2 + size_t(C) * 2;
  double* d = reinterpret_cast<double*>(scratch(kPartialSums, doubles * 2));
  float* f = scratch(kPackedWeights, size_t(C) * 4);
  if (!d || !f) return false;
  s->partialA = d;
  s->partialB = d + chunks * C;
  s->totals = d + chunks * C * 2;
  s->coef = f;
  return true;
}

// y = γ·(x − μ)/√(σ² + ε) + β over rows × channels; writes the batch mean and biased variance.
inline const char* batchNormTrain(const float* x, const float* gamma, const float* beta, float* y, float* mean,
                                  float* variance, int64_t rows, int C, float epsilon) {
  const int64_t chunks = (rows + kNormChunkRows - 1) / kNormChunkRows;
  NormScratch s;
  if (!normScratch(chunks, C, &s)) return "out of memory for the kernel's scratch buffers";
  NormRun run{x, nullptr, y, rows, C, s.partialA, nullptr, nullptr, nullptr, nullptr, nullptr};
  parallelFor(chunks, &sumRange, &run);
  reduceChunks(s.partialA, chunks, C, s.totals);
  for (int k = 0; k < C; k++) mean[k] = float(s.totals[k] / double(rows));
  run.center = mean;
  parallelFor(chunks, &centeredRange, &run);
  reduceChunks(s.partialA, chunks, C, s.totals);
  float* scale = s.coef;
  float* shift = s.coef + C;
  for (int k = 0; k < C; k++) {
    variance[k] = float(s.totals[k] / double(rows));
    float rstd = float(1.0 / std::sqrt(double(variance[k]) + double(epsilon)));
    scale[k] = gamma[k] * rstd;
    shift[k] = beta[k] - mean[k] * scale[k];
  }
  run.a = scale;
  run.c = shift;
  parallelFor(chunks, &affineRange, &run);
  return nullptr;
}

// The gradient of batchNormTrain given the batch statistics it returned:
//   dβ = Σ dy, dγ = Σ dy·x̂, dx = γ·r·(dy − dβ/m − x̂·dγ/m), with x̂ = (x − μ)·r, r = 1/√(σ² + ε).
inline const char* batchNormTrainGrad(const float* x, const float* dy, const float* gamma, const float* mean,
                                      const float* variance, float* dx, float* dGamma, float* dBeta, int64_t rows,
                                      int C, float epsilon) {
  const int64_t chunks = (rows + kNormChunkRows - 1) / kNormChunkRows;
  NormScratch s;
  if (!normScratch(chunks, C, &s)) return "out of memory for the kernel's scratch buffers";
  NormRun run{x, dy, dx, rows, C, s.partialA, s.partialB, mean, nullptr, nullptr, nullptr};
  parallelFor(chunks, &centeredRange, &run);
  double* sumDy = s.totals;
  double* sumDyXh = s.totals + C;
  reduceChunks(s.partialA, chunks, C, sumDy);
  reduceChunks(s.partialB, chunks, C, sumDyXh);
  float* a = s.coef;
  float* b = s.coef + C;
  float* c = s.coef + 2 * C;
  const double m = double(rows);
  for (int k = 0; k < C; k++) {
    double rstd = 1.0 / std::sqrt(double(variance[k]) + double(epsilon));
    dBeta[k] = float(sumDy[k]);
    dGamma[k] = float(sumDyXh[k] * rstd);
    // dx = a·dy + b·x + c.
    double ak = double(gamma[k]) * rstd;
    double bk = -ak * rstd * (sumDyXh[k] * rstd) / m;
    a[k] = float(ak);
    b[k] = float(bk);
    c[k] = float(-ak * sumDy[k] / m - bk * mean[k]);
  }
  run.a = a;
  run.b = b;
  run.c = c;
  parallelFor(chunks, &affineRange, &run);
  return nullptr;
}

struct ReluGradRun {
  const float* dy;
  const float* y;
  float* dx;
  int64_t size;
};

constexpr int64_t kElementChunk = 1 << 14;

inline void reluGradRange(void* vrun, int64_t first, int64_t last) {
  const auto& r = *static_cast<const ReluGradRun*>(vrun);
  int64_t begin = first * kElementChunk, end = last * kElementChunk < r.size ? last * kElementChunk : r.size;
  const float* __restrict dy = r.dy;
  const float* __restrict y = r.y;
  float* __restrict dx = r.dx;
  // Both loads unconditional, so this compiles to a compare and blend: a branch per element would be
  // mispredicted about half the time on real activations.
  for (int64_t i = begin; i < end; i++) {
    float d = dy[i];
    dx[i] = y[i] > 0.0f ? d : 0.0f;
  }
}

// dx = dy where y > 0, else 0 (y is the ReLU's output or input: both are positive at the same places).
inline const char* reluGrad(const float* dy, const float* y, float* dx, int64_t size) {
  ReluGradRun run{dy, y, dx, size};
  parallelFor((size + kElementChunk - 1) / kElementChunk, &reluGradRange, &run);
  return nullptr;
}

struct ElementRun {
  const float* a;
  const float* b;
  float* out;
  int64_t size;
  int64_t period;  // b repeats every `period` elements (period == size: no broadcast)
};

inline void addRange(void* vrun, int64_t first, int64_t last) {
  const auto& r = *static_cast<const ElementRun*>(vrun);
  int64_t begin = first * kElementChunk, end = last * kElementChunk < r.size ? last * kElementChunk : r.size;
  const float* __restrict a = r.a;
  const float* __restrict b = r.b;
  float* __restrict out = r.out;
  if (r.period == r.size) {
    for (int64_t i = begin; i < end; i++) out[i] = a[i] + b[i];
    return;
  }
  // Rows of `period` elements; a chunk may start and end inside a row.
  int64_t i = begin;
  while (i < end) {
    int64_t k = i % r.period;
    int64_t n = r.period - k < end - i ? r.period - k : end - i;
    const float* bb = b + k;
    for (int64_t j = 0; j < n; j++) out[i + j] = a[i + j] + bb[j];
    i += n;
  }
}

// out = a + b, with b repeating every `period` elements of a (period divides size).
inline const char* addBroadcast(const float* a, const float* b, float* out, int64_t size, int64_t period) {
  ElementRun run{a, b, out, size, period};
  parallelFor((size + kElementChunk - 1) / kElementChunk, &addRange, &run);
  return nullptr;
}

struct LinfStepRun {
  const float* current;
  const float* grad;
  const float* x;
  float* out;
  int64_t size;
  float step, eps;
};

inline void linfStepRange(void* vrun, int64_t first, int64_t last) {
  const auto& r = *static_cast<const LinfStepRun*>(vrun);
  int64_t begin = first * kElementChunk, end = last * kElementChunk < r.size ? last * kElementChunk : r.size;
  const float* __restrict c = r.current;
  const float* __restrict g = r.grad;
  const float* __restrict x = r.x;
  float* __restrict out = r.out;
  const float s = r.step, e = r.eps;
  // Compares and blends only (a gradient's sign is a coin flip per pixel). sign·s is exact, so a fused
  // multiply-add rounds c + sign·s as the separate add does.
  for (int64_t i = begin; i < end; i++) {
    float gi = g[i];
    float sign = (gi > 0.0f ? 1.0f : 0.0f) - (gi < 0.0f ? 1.0f : 0.0f);
    float v = c[i] + sign * s;
    float lo = x[i] - e, hi = x[i] + e;
    v = v > lo ? v : lo;
    v = v < hi ? v : hi;
    v = v > 0.0f ? v : 0.0f;
    out[i] = v < 1.0f ? v : 1.0f;
  }
}

// One ℓ∞ PGD step: clip(min(max(current + step·sign(grad), x − eps), x + eps), 0, 1).
inline const char* linfStep(const float* current, const float* grad, const float* x, float* out, int64_t size, float step,
                            float eps) {
  LinfStepRun run{current, grad, x, out, size, step, eps};
  parallelFor((size + kElementChunk - 1) / kElementChunk, &linfStepRange, &run);
  return nullptr;
}

inline void reluRange(void* vrun, int64_t first, int64_t last) {
  const auto& r = *static_cast<const ElementRun*>(vrun);
  int64_t begin = first * kElementChunk, end = last * kElementChunk < r.size ? last * kElementChunk : r.size;
  const float* __restrict a = r.a;
  float* __restrict out = r.out;
  // max(x, 0) as a compare and blend; NaN stays NaN (as tfjs's relu).
  for (int64_t i = begin; i < end; i++) {
    float v = a[i];
    out[i] = v < 0.0f ? 0.0f : v;
  }
}

inline const char* relu(const float* x, float* out, int64_t size) {
  ElementRun run{x, nullptr, out, size, size};
  parallelFor((size + kElementChunk - 1) / kElementChunk, &reluRange, &run);
  return nullptr;
}

}  // namespace ISA_NAMESPACE
}  // namespace floatjs
