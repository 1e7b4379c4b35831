// The kernels for the avx2 instruction set (binding.gyp compiles this file with its flags).
#define ISA_NAMESPACE isa_avx2
#include "simd_avx2.h"
#include "conv_kernels.h"
#include "norm_kernels.h"

namespace floatjs {

const KernelTable* kernelsAvx2() {
  static const KernelTable table{"avx2", &isa_avx2::conv2d, &isa_avx2::conv2dBackpropInput,
                                 &isa_avx2::conv2dBackpropFilter, &isa_avx2::batchNormTrain,
                                 &isa_avx2::batchNormTrainGrad, &isa_avx2::reluGrad, &isa_avx2::addBroadcast,
                                 &isa_avx2::relu, &isa_avx2::linfStep};
  return &table;
}

}  // namespace floatjs
