// The Node-API surface: argument checking, then one kernel call on the caller's Float32Arrays (which may
// view a WebAssembly heap: the kernels read and write them in place).
#include <node_api.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "kernel_table.h"
#include "normal_fill.h"
#include "scratch.h"
#include "thread_pool.h"

namespace floatjs {
namespace {

const KernelTable* active = nullptr;

napi_value fail(napi_env env, const std::string& message) {
  napi_throw_error(env, "FLOATJS_NATIVE", message.c_str());
  return nullptr;
}

struct Floats {
  float* data = nullptr;
  size_t length = 0;
};

bool isNullish(napi_env env, napi_value v) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  return t == napi_null || t == napi_undefined;
}

// Reads a Float32Array of exactly `expected` elements; `optional` accepts null and undefined.
bool floatsArg(napi_env env, napi_value v, const std::string& where, int64_t expected, bool optional, Floats* out) {
  if (optional && isNullish(env, v)) return true;
  bool typed = false;
  napi_is_typedarray(env, v, &typed);
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (!typed || napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr) != napi_ok ||
      type != napi_float32_array) {
    fail(env, where + ": expected a Float32Array");
    return false;
  }
  if (int64_t(length) != expected) {
    fail(env, where + ": has " + std::to_string(length) + " elements, expected " + std::to_string(expected));
    return false;
  }
  out->data = static_cast<float*>(data);
  out->length = length;
  return true;
}

// Far beyond any real layer, and small enough that the kernels' int arithmetic (row and column offsets,
// tap counts, interior tests) cannot overflow.
constexpr int64_t kMaxGeometryField = 1 << 24;
constexpr int64_t kInt32Max = 2147483647;

// The output size must be what the input, stride, padding and (dilated) filter give, with the implied bottom/right
// padding at most max(top/left padding, filter span); and no span may overflow the kernels' int32 arithmetic.
// Anything else is a caller's bug.
bool geometryConsistent(napi_env env, const std::string& fn, const int* f, const char* const* names) {
  for (int i = 0; i < kGeometryFields; i++) {
    if (f[i] > kMaxGeometryField) {
      fail(env, fn + ": geometry." + names[i] + " is " + std::to_string(f[i]) + ", at most " +
                    std::to_string(kMaxGeometryField));
      return false;
    }
  }
  const int64_t batch = f[0], in[2] = {f[1], f[2]}, inC = f[3], out[2] = {f[4], f[5]}, outC = f[6];
  const int64_t k[2] = {f[7], f[8]}, stride[2] = {f[9], f[10]}, dilation[2] = {f[11], f[12]}, pad[2] = {f[13], f[14]};
  const char* axis[2] = {"Height", "Width"};
  if (k[0] * k[1] > 65536) return fail(env, fn + ": geometry: filterHeight × filterWidth is " + std::to_string(k[0] * k[1]) + ", at most 65536"), false;
  if (out[0] * out[1] > kInt32Max || in[0] * in[1] * inC > kInt32Max || out[0] * out[1] * outC > kInt32Max)
    return fail(env, fn + ": geometry: one image of the input or output has more than 2^31 - 1 elements"), false;
  if (batch == 0 || out[0] == 0 || out[1] == 0) return true;
  for (int a = 0; a < 2; a++) {
    const std::string A = axis[a];
    const int64_t span = (k[a] - 1) * dilation[a] + 1;
    if ((out[a] - 1) * stride[a] + span + pad[a] > kInt32Max)
      return fail(env, fn + ": geometry: out" + A + ", stride" + A + " and the dilated filter span more than 2^31 - 1 rows"), false;
    // Padding below/right is implied by the output size; it may be at most max(padTop/Left, filter span).
    const int64_t most = in[a] + pad[a] + std::max(pad[a], span) < span ? 0 : (in[a] + pad[a] + std::max(pad[a], span) - span) / stride[a] + 1;
    if (out[a] > most)
      return fail(env, fn + ": geometry.out" + A + " is " + std::to_string(out[a]) + ", but in" + A + " " + std::to_string(in[a]) +
                           " with stride " + std::to_string(stride[a]) + " and padding " + std::to_string(pad[a]) + " gives at most " +
                           std::to_string(most)), false;
  }
  return true;
}

bool geometryArg(napi_env env, napi_value v, const std::string& fn, ConvGeometry* g) {
  bool typed = false;
  napi_is_typedarray(env, v, &typed);
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (!typed || napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr) != napi_ok ||
      type != napi_int32_array || length != kGeometryFields) {
    fail(env, fn + ": geometry: expected an Int32Array of " + std::to_string(kGeometryFields) + " fields");
    return false;
  }
  std::memcpy(g, data, sizeof(ConvGeometry));
  static const char* names[kGeometryFields] = {"batch", "inHeight", "inWidth", "inChannels", "outHeight",
                                               "outWidth", "outChannels", "filterHeight", "filterWidth",
                                               "strideHeight", "strideWidth", "dilationHeight", "dilationWidth",
                                               "padTop", "padLeft"};
  const int* f = static_cast<const int*>(data);
  for (int i = 0; i < kGeometryFields; i++) {
    // Filter sizes, strides and dilations are at least 1; counts and padding at least 0.
    int least = (i >= 7 && i <= 12) ? 1 : 0;
    if (f[i] < least) {
      fail(env, fn + ": geometry." + names[i] + " is " + std::to_string(f[i]) + ", expected at least " +
                    std::to_string(least));
      return false;
    }
  }
  return geometryConsistent(env, fn, f, names);
}

bool args(napi_env env, napi_callback_info info, size_t want, napi_value* argv, const std::string& fn) {
  size_t argc = want;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc < want) {
    fail(env, fn + ": expected " + std::to_string(want) + " arguments, got " + std::to_string(argc));
    return false;
  }
  return true;
}

napi_value done(napi_env env, const char* error, const std::string& fn) {
  if (error) return fail(env, fn + ": " + error);
  napi_value undefined;
  napi_get_undefined(env, &undefined);
  return undefined;
}

// conv2d(x, filter, bias | null, y, geometry, activation[, residual | null])
napi_value Conv2d(napi_env env, napi_callback_info info) {
  const std::string fn = "conv2d";
  napi_value argv[7];
  size_t argc = 7;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc < 7) napi_get_undefined(env, &argv[6]);
  ConvGeometry g;
  if (!args(env, info, 6, argv, fn) || !geometryArg(env, argv[4], fn, &g)) return nullptr;
  Floats x, w, bias, y, residual;
  if (!floatsArg(env, argv[0], fn + ": x", g.inputSize(), false, &x) ||
      !floatsArg(env, argv[1], fn + ": filter", g.filterSize(), false, &w) ||
      !floatsArg(env, argv[2], fn + ": bias", g.outChannels, true, &bias) ||
      !floatsArg(env, argv[3], fn + ": y", g.outputSize(), false, &y) ||
      !floatsArg(env, argv[6], fn + ": residual", g.outputSize(), true, &residual))
    return nullptr;
  int32_t act = 0;
  if (napi_get_value_int32(env, argv[5], &act) != napi_ok || (act != kLinear && act != kRelu))
    return fail(env, fn + ": activation: expected 0 (linear) or 1 (relu)");
  return done(env, active->conv2d(g, x.data, w.data, bias.data, residual.data, y.data, act), fn);
}

// conv2dBackpropInput(dy, filter, dx, geometry)
napi_value Conv2dBackpropInput(napi_env env, napi_callback_info info) {
  const std::string fn = "conv2dBackpropInput";
  napi_value argv[4];
  ConvGeometry g;
  if (!args(env, info, 4, argv, fn) || !geometryArg(env, argv[3], fn, &g)) return nullptr;
  if (g.dilationHeight != 1 || g.dilationWidth != 1) return fail(env, fn + ": dilation must be 1");
  Floats dy, w, dx;
  if (!floatsArg(env, argv[0], fn + ": dy", g.outputSize(), false, &dy) ||
      !floatsArg(env, argv[1], fn + ": filter", g.filterSize(), false, &w) ||
      !floatsArg(env, argv[2], fn + ": dx", g.inputSize(), false, &dx))
    return nullptr;
  return done(env, active->conv2dBackpropInput(g, dy.data, w.data, dx.data), fn);
}

// conv2dBackpropFilter(x, dy, dfilter, geometry)
napi_value Conv2dBackpropFilter(napi_env env, napi_callback_info info) {
  const std::string fn = "conv2dBackpropFilter";
  napi_value argv[4];
  ConvGeometry g;
  if (!args(env, info, 4, argv, fn) || !geometryArg(env, argv[3], fn, &g)) return nullptr;
  Floats x, dy, dw;
  if (!floatsArg(env, argv[0], fn + ": x", g.inputSize(), false, &x) ||
      !floatsArg(env, argv[1], fn + ": dy", g.outputSize(), false, &dy) ||
      !floatsArg(env, argv[2], fn + ": dfilter", g.filterSize(), false, &dw))
    return nullptr;
  return done(env, active->conv2dBackpropFilter(g, x.data, dy.data, dw.data), fn);
}

bool channelsArg(napi_env env, napi_value v, const std::string& fn, const Floats& x, int32_t* channels) {
  if (napi_get_value_int32(env, v, channels) != napi_ok || *channels < 1) {
    fail(env, fn + ": channels: expected a positive integer");
    return false;
  }
  if (x.length % size_t(*channels) != 0) {
    fail(env, fn + ": x: has " + std::to_string(x.length) + " elements, not a multiple of " + std::to_string(*channels) +
                  " channels");
    return false;
  }
  return true;
}

bool epsilonArg(napi_env env, napi_value v, const std::string& fn, float* epsilon) {
  double e = 0;
  if (napi_get_value_double(env, v, &e) != napi_ok || !(e > 0)) {
    fail(env, fn + ": epsilon: expected a positive number");
    return false;
  }
  *epsilon = float(e);
  return true;
}

// Reads a Float32Array of any length.
bool anyFloatsArg(napi_env env, napi_value v, const std::string& where, Floats* out) {
  bool typed = false;
  napi_is_typedarray(env, v, &typed);
  napi_typedarray_type type;
  void* data = nullptr;
  if (!typed || napi_get_typedarray_info(env, v, &type, &out->length, &data, nullptr, nullptr) != napi_ok ||
      type != napi_float32_array) {
    fail(env, where + ": expected a Float32Array");
    return false;
  }
  out->data = static_cast<float*>(data);
  return true;
}

// batchNormTrain(x, gamma, beta, y, mean, variance, channels, epsilon)
napi_value BatchNormTrain(napi_env env, napi_callback_info info) {
  const std::string fn = "batchNormTrain";
  napi_value argv[8];
  Floats x, gamma, beta, y, mean, variance;
  int32_t c = 0;
  float eps = 0;
  if (!args(env, info, 8, argv, fn) || !anyFloatsArg(env, argv[0], fn + ": x", &x) ||
      !channelsArg(env, argv[6], fn, x, &c) || !epsilonArg(env, argv[7], fn, &eps) ||
      !floatsArg(env, argv[1], fn + ": gamma", c, false, &gamma) ||
      !floatsArg(env, argv[2], fn + ": beta", c, false, &beta) ||
      !floatsArg(env, argv[3], fn + ": y", int64_t(x.length), false, &y) ||
      !floatsArg(env, argv[4], fn + ": mean", c, false, &mean) ||
      !floatsArg(env, argv[5], fn + ": variance", c, false, &variance))
    return nullptr;
  if (x.length == 0) return fail(env, fn + ": x is empty: batch statistics need at least one row");
  return done(env, active->batchNormTrain(x.data, gamma.data, beta.data, y.data, mean.data, variance.data,
                                          int64_t(x.length / c), c, eps),
              fn);
}

// batchNormTrainGrad(x, dy, gamma, mean, variance, dx, dGamma, dBeta, channels, epsilon)
napi_value BatchNormTrainGrad(napi_env env, napi_callback_info info) {
  const std::string fn = "batchNormTrainGrad";
  napi_value argv[10];
  Floats x, dy, gamma, mean, variance, dx, dGamma, dBeta;
  int32_t c = 0;
  float eps = 0;
  if (!args(env, info, 10, argv, fn) || !anyFloatsArg(env, argv[0], fn + ": x", &x) ||
      !channelsArg(env, argv[8], fn, x, &c) || !epsilonArg(env, argv[9], fn, &eps) ||
      !floatsArg(env, argv[1], fn + ": dy", int64_t(x.length), false, &dy) ||
      !floatsArg(env, argv[2], fn + ": gamma", c, false, &gamma) ||
      !floatsArg(env, argv[3], fn + ": mean", c, false, &mean) ||
      !floatsArg(env, argv[4], fn + ": variance", c, false, &variance) ||
      !floatsArg(env, argv[5], fn + ": dx", int64_t(x.length), false, &dx) ||
      !floatsArg(env, argv[6], fn + ": dGamma", c, false, &dGamma) ||
      !floatsArg(env, argv[7], fn + ": dBeta", c, false, &dBeta))
    return nullptr;
  if (x.length == 0) return fail(env, fn + ": x is empty: batch statistics need at least one row");
  return done(env, active->batchNormTrainGrad(x.data, dy.data, gamma.data, mean.data, variance.data, dx.data,
                                              dGamma.data, dBeta.data, int64_t(x.length / c), c, eps),
              fn);
}

// linfStep(current, grad, x, out, step, eps)
napi_value LinfStep(napi_env env, napi_callback_info info) {
  const std::string fn = "linfStep";
  napi_value argv[6];
  Floats current, grad, x, out;
  if (!args(env, info, 6, argv, fn) || !anyFloatsArg(env, argv[0], fn + ": current", &current) ||
      !floatsArg(env, argv[1], fn + ": grad", int64_t(current.length), false, &grad) ||
      !floatsArg(env, argv[2], fn + ": x", int64_t(current.length), false, &x) ||
      !floatsArg(env, argv[3], fn + ": out", int64_t(current.length), false, &out))
    return nullptr;
  double step = 0, eps = 0;
  if (napi_get_value_double(env, argv[4], &step) != napi_ok || napi_get_value_double(env, argv[5], &eps) != napi_ok)
    return fail(env, fn + ": step and eps: expected numbers");
  return done(env, active->linfStep(current.data, grad.data, x.data, out.data, int64_t(current.length), float(step), float(eps)), fn);
}

// reluGrad(dy, y, dx)
napi_value ReluGrad(napi_env env, napi_callback_info info) {
  const std::string fn = "reluGrad";
  napi_value argv[3];
  Floats dy, y, dx;
  if (!args(env, info, 3, argv, fn) || !anyFloatsArg(env, argv[0], fn + ": dy", &dy) ||
      !floatsArg(env, argv[1], fn + ": y", int64_t(dy.length), false, &y) ||
      !floatsArg(env, argv[2], fn + ": dx", int64_t(dy.length), false, &dx))
    return nullptr;
  return done(env, active->reluGrad(dy.data, y.data, dx.data, int64_t(dy.length)), fn);
}

// add(a, b, out): b's length divides a's; b repeats along a.
napi_value Add(napi_env env, napi_callback_info info) {
  const std::string fn = "add";
  napi_value argv[3];
  Floats a, b, out;
  if (!args(env, info, 3, argv, fn) || !anyFloatsArg(env, argv[0], fn + ": a", &a) ||
      !anyFloatsArg(env, argv[1], fn + ": b", &b) || !floatsArg(env, argv[2], fn + ": out", int64_t(a.length), false, &out))
    return nullptr;
  if (b.length == 0 ? a.length != 0 : a.length % b.length != 0)
    return fail(env, fn + ": b: has " + std::to_string(b.length) + " elements, which do not divide a's " + std::to_string(a.length));
  if (a.length == 0) return done(env, nullptr, fn);
  return done(env, active->addBroadcast(a.data, b.data, out.data, int64_t(a.length), int64_t(b.length)), fn);
}

// relu(x, out)
napi_value Relu(napi_env env, napi_callback_info info) {
  const std::string fn = "relu";
  napi_value argv[2];
  Floats x, out;
  if (!args(env, info, 2, argv, fn) || !anyFloatsArg(env, argv[0], fn + ": x", &x) ||
      !floatsArg(env, argv[1], fn + ": out", int64_t(x.length), false, &out))
    return nullptr;
  return done(env, active->relu(x.data, out.data, int64_t(x.length)), fn);
}

// normalFill(state, out, std): state a Uint32Array of 4 (updated), out an even-length Float32Array.
napi_value NormalFill(napi_env env, napi_callback_info info) {
  const std::string fn = "normalFill";
  napi_value argv[3];
  if (!args(env, info, 3, argv, fn)) return nullptr;
  bool typed = false;
  napi_is_typedarray(env, argv[0], &typed);
  napi_typedarray_type type;
  size_t length = 0;
  void* state = nullptr;
  if (!typed || napi_get_typedarray_info(env, argv[0], &type, &length, &state, nullptr, nullptr) != napi_ok ||
      type != napi_uint32_array || length != 4)
    return fail(env, fn + ": state: expected a Uint32Array of 4 words");
  Floats out;
  if (!anyFloatsArg(env, argv[1], fn + ": out", &out)) return nullptr;
  if (out.length % 2 != 0) return fail(env, fn + ": out: expected an even length, got " + std::to_string(out.length));
  double stdev = 0;
  if (napi_get_value_double(env, argv[2], &stdev) != napi_ok) return fail(env, fn + ": std: expected a number");
  normalFill(static_cast<uint32_t*>(state), out.data, int64_t(out.length / 2), stdev);
  return done(env, nullptr, fn);
}

napi_value SetThreads(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!args(env, info, 1, argv, "setThreads")) return nullptr;
  int32_t n = 0;
  if (napi_get_value_int32(env, argv[0], &n) != napi_ok || n < 1 || n > 256)
    return fail(env, "setThreads: expected an integer from 1 to 256");
  setThreadCount(n);
  return done(env, nullptr, "setThreads");
}

// meanRows(x, out, rows, channels): out[g][c] = (x[g][0][c] + x[g][1][c] + … + x[g][rows − 1][c]) / rows, float
// sums in row order and one division: tfjs-wasm's Mean over the middle axes rounds the same way (a global
// average pool without its transpose).
napi_value MeanRows(napi_env env, napi_callback_info info) {
  const std::string fn = "meanRows";
  napi_value argv[4];
  Floats x, out;
  int32_t rows = 0, channels = 0;
  if (!args(env, info, 4, argv, fn) || !anyFloatsArg(env, argv[0], fn + ": x", &x) ||
      !anyFloatsArg(env, argv[1], fn + ": out", &out))
    return nullptr;
  if (napi_get_value_int32(env, argv[2], &rows) != napi_ok || rows < 1) return fail(env, fn + ": rows: expected a positive integer");
  if (napi_get_value_int32(env, argv[3], &channels) != napi_ok || channels < 1 || out.length % size_t(channels) != 0)
    return fail(env, fn + ": channels: expected a positive integer that divides out's length");
  const int64_t groups = int64_t(out.length) / channels;
  if (int64_t(x.length) != groups * rows * channels)
    return fail(env, fn + ": x: has " + std::to_string(x.length) + " elements, expected " + std::to_string(groups * rows * channels));
  const float n = float(rows);
  for (int64_t g = 0; g < groups; g++) {
    float* o = out.data + g * channels;
    const float* p = x.data + g * rows * channels;
    // From +0, as tfjs does (so an all −0 column gives +0).
    for (int c = 0; c < channels; c++) o[c] = 0.0f;
    for (int32_t r = 0; r < rows; r++)
      for (int c = 0; c < channels; c++) o[c] += p[int64_t(r) * channels + c];
    for (int c = 0; c < channels; c++) o[c] /= n;
  }
  return done(env, nullptr, fn);
}

napi_value SetWinograd(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!args(env, info, 1, argv, "setWinograd")) return nullptr;
  bool on = false;
  if (napi_get_value_bool(env, argv[0], &on) != napi_ok) return fail(env, "setWinograd: expected a boolean");
  setWinograd(on);
  return done(env, nullptr, "setWinograd");
}

napi_value Winograd(napi_env env, napi_callback_info) {
  napi_value v;
  napi_get_boolean(env, winogradEnabled(), &v);
  return v;
}

napi_value Threads(napi_env env, napi_callback_info) {
  napi_value v;
  napi_create_int32(env, threadCount(), &v);
  return v;
}

napi_value ScratchBytes(napi_env env, napi_callback_info) {
  napi_value v;
  napi_create_double(env, double(scratchBytes()), &v);
  return v;
}

napi_value Isa(napi_env env, napi_callback_info) {
  napi_value v;
  napi_create_string_utf8(env, active->isa, NAPI_AUTO_LENGTH, &v);
  return v;
}

// setIsa(name): true if this CPU runs it (then it is used from now on), else false.
napi_value SetIsa(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!args(env, info, 1, argv, "setIsa")) return nullptr;
  char name[32] = {0};
  size_t len = 0;
  if (napi_get_value_string_utf8(env, argv[0], name, sizeof name, &len) != napi_ok)
    return fail(env, "setIsa: expected a string");
  const KernelTable* k = kernelsFor(name);
  if (k) active = k;
  napi_value v;
  napi_get_boolean(env, k != nullptr, &v);
  return v;
}

}  // namespace
}  // namespace floatjs

NAPI_MODULE_INIT() {
  using namespace floatjs;
  if (!active) active = bestKernels();
  struct Entry {
    const char* name;
    napi_callback cb;
  } entries[] = {{"conv2d", Conv2d},         {"conv2dBackpropInput", Conv2dBackpropInput},
                 {"conv2dBackpropFilter", Conv2dBackpropFilter},
                 {"batchNormTrain", BatchNormTrain},
                 {"batchNormTrainGrad", BatchNormTrainGrad},
                 {"reluGrad", ReluGrad},
                 {"linfStep", LinfStep},
                 {"add", Add},
                 {"relu", Relu},
                 {"meanRows", MeanRows},
                 {"normalFill", NormalFill},
                 {"setThreads", SetThreads}, {"threads", Threads},
                 {"setWinograd", SetWinograd}, {"winograd", Winograd},
                 {"isa", Isa},               {"scratchBytes", ScratchBytes},               {"setIsa", SetIsa}};
  for (const Entry& e : entries) {
    napi_value f;
    napi_create_function(env, e.name, NAPI_AUTO_LENGTH, e.cb, nullptr, &f);
    napi_set_named_property(env, exports, e.name, f);
  }
  return exports;
}
