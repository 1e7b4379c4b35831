// The kernels for the generic instruction set (binding.gyp compiles this file with its flags).
#define ISA_NAMESPACE isa_generic
#include "simd_generic.h"
#include "conv_kernels.h"
#include "norm_kernels.h"

namespace floatjs {

const KernelTable* kernelsGeneric() {
  static const KernelTable table{"generic", &isa_generic::conv2d, &isa_generic::conv2dBackpropInput,
                                 &isa_generic::conv2dBackpropFilter, &isa_generic::batchNormTrain,
                                 &isa_generic::batchNormTrainGrad, &isa_generic::reluGrad, &isa_generic::addBroadcast,
                                 &isa_generic::relu, &isa_generic::linfStep};
  return &table;
}

}  // namespace floatjs
