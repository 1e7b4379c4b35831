// The kernels for the avx512 instruction set (binding.gyp compiles this file with its flags).
#define ISA_NAMESPACE isa_avx512
#include "simd_avx512.h"
#include "conv_kernels.h"
#include "norm_kernels.h"

namespace floatjs {

const KernelTable* kernelsAvx512() {
  static const KernelTable table{"avx512", &isa_avx512::conv2d, &isa_avx512::conv2dBackpropInput,
                                 &isa_avx512::conv2dBackpropFilter, &isa_avx512::batchNormTrain,
                                 &isa_avx512::batchNormTrainGrad, &isa_avx512::reluGrad, &isa_avx512::addBroadcast,
                                 &isa_avx512::relu, &isa_avx512::linfStep};
  return &table;
}

}  // namespace floatjs
