// One instruction set's kernels. isa_avx512.cc, isa_avx2.cc and isa_generic.cc each build one table from
// conv_kernels.h; dispatch.cc picks the best the CPU runs.
#pragma once
#include <cstdint>

#include "conv_geometry.h"

namespace floatjs {

// Each kernel returns null on success, else a message (the only failure is running out of memory).
struct KernelTable {
  const char* isa;
  // y = act(conv(x, filter) + bias + residual); bias and residual (shaped like y) may be null.
  const char* (*conv2d)(const ConvGeometry& g, const float* x, const float* filter, const float* bias,
                        const float* residual, float* y, int act);
  // dx of conv(x, filter) given dy; dilation must be 1.
  const char* (*conv2dBackpropInput)(const ConvGeometry& g, const float* dy, const float* filter, float* dx);
  // dfilter of conv(x, filter) given dy.
  const char* (*conv2dBackpropFilter)(const ConvGeometry& g, const float* x, const float* dy, float* dfilter);
  // Training batch norm over [rows, channels]: y, and the batch mean and biased variance.
  const char* (*batchNormTrain)(const float* x, const float* gamma, const float* beta, float* y, float* mean,
                                float* variance, int64_t rows, int channels, float epsilon);
  // Its gradient, from the statistics the forward returned.
  const char* (*batchNormTrainGrad)(const float* x, const float* dy, const float* gamma, const float* mean,
                                    const float* variance, float* dx, float* dGamma, float* dBeta, int64_t rows,
                                    int channels, float epsilon);
  // dx = dy where y > 0, else 0.
  const char* (*reluGrad)(const float* dy, const float* y, float* dx, int64_t size);
  // out = a + b, b repeating every `period` elements.
  const char* (*addBroadcast)(const float* a, const float* b, float* out, int64_t size, int64_t period);
  const char* (*relu)(const float* x, float* out, int64_t size);
  // out = clip(min(max(current + step·sign(grad), x − eps), x + eps), 0, 1): one ℓ∞ PGD step.
  const char* (*linfStep)(const float* current, const float* grad, const float* x, float* out, int64_t size, float step,
                          float eps);
};

const KernelTable* kernelsAvx512();
const KernelTable* kernelsAvx2();
const KernelTable* kernelsGeneric();

}  // namespace floatjs

namespace floatjs {

// The kernels for an instruction set ("avx512", "avx2", "generic"), or null if this CPU or build lacks it.
const KernelTable* kernelsFor(const char* isa);
// The fastest set this CPU runs.
const KernelTable* bestKernels();

}  // namespace floatjs
