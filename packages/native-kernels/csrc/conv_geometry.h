// The shape of one 2-D convolution, NHWC input and output, filter [KH, KW, Ci, Co] (TensorFlow's layout).
#pragma once
#include <cstdint>

namespace floatjs {

struct ConvGeometry {
  int batch, inHeight, inWidth, inChannels;
  int outHeight, outWidth, outChannels;
  int filterHeight, filterWidth;
  int strideHeight, strideWidth;
  int dilationHeight, dilationWidth;
  int padTop, padLeft;

  int64_t inputSize() const { return int64_t(batch) * inHeight * inWidth * inChannels; }
  int64_t outputSize() const { return int64_t(batch) * outHeight * outWidth * outChannels; }
  int64_t filterSize() const { return int64_t(filterHeight) * filterWidth * inChannels * outChannels; }
  int taps() const { return filterHeight * filterWidth; }
};

// The number of int32 fields a geometry is passed as from JavaScript, in the order of the struct.
constexpr int kGeometryFields = 15;

enum Activation : int { kLinear = 0, kRelu = 1 };

}  // namespace floatjs
