// The convolution kernels, written once over a Simd traits struct (simd_*.h) and compiled once per
// instruction set. Included only by isa_*.cc, each of which defines ISA_NAMESPACE, so that no inline
// function or template instance is shared between object files built for different instruction sets.
//
// Forward and input-gradient convolutions are one "gather GEMM": each output pixel is a row, whose value
// is the sum over taps t and channels c of in(row, t)[c] · w[t][c][:], where in(row, t) points at a
// pixel's channel vector (or at zeros, outside the image). Tiles of rows × output channels live in
// registers; the filter is packed per block of output channels. The input gradient is the same GEMM run
// once per stride phase (polyphase): dx pixels whose coordinates have the same remainders modulo the
// stride are reached by the same subset of taps, so no multiply is wasted on the zeros a transposed
// convolution would insert. The filter gradient tiles input × output channels and runs over the output
// pixels in fixed chunks whose partial sums are added in order, so its result does not depend on the
// number of threads.
#pragma once
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "conv_geometry.h"
#include "kernel_table.h"
#include "scratch.h"
#include "thread_pool.h"

namespace floatjs {
namespace ISA_NAMESPACE {

using Vec = Simd::Vec;
constexpr int kW = Simd::kWidth;
constexpr const char* kOutOfMemory = "out of memory for the kernel's scratch buffers";

inline int imin(int a, int b) { return a < b ? a : b; }
inline int imax(int a, int b) { return a > b ? a : b; }
inline int64_t lmin(int64_t a, int64_t b) { return a < b ? a : b; }
inline int ceilDiv(int a, int b) { return (a + b - 1) / b; }
inline int gcd(int a, int b) { return b ? gcd(b, a % b) : a; }
inline int64_t ceilDiv64(int64_t a, int64_t b) { return (a + b - 1) / b; }
// Floor division for any sign of a (b > 0).
inline int floorDiv(int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
inline bool inside(int i, int size) { return static_cast<unsigned>(i) < static_cast<unsigned>(size); }

// A block of output channels [offset, offset + cols), held in `vectors` vectors by tiles of `rows` rows.
// A dot block instead holds `cols` (1..4) outputs per row as horizontal sums over vectors of input channels.
struct ChannelBlock {
  int offset, cols, vectors, rows;
  bool dot;
};

// Splits `channels` into blocks of at most kMaxVectors vectors, writing at most ceil(channels / kW).
inline int channelBlocks(int channels, const int* rowsFor, ChannelBlock* out) {
  int n = 0;
  for (int off = 0; off < channels;) {
    int vectors = imin(Simd::kMaxVectors, ceilDiv(channels - off, kW));
    out[n++] = ChannelBlock{off, imin(vectors * kW, channels - off), vectors, rowsFor[vectors], false};
    off += vectors * kW;
  }
  return n;
}

// The blocks of a gather GEMM with `cols` outputs over `channels` inputs per tap. A few outputs (the input
// gradient of a first layer, for instance) would fill one vector lane in kW, so they take the dot form when
// the inputs fill whole vectors.
inline int gatherBlocks(int cols, int channels, ChannelBlock* out) {
  if (cols <= 4 && channels % kW == 0) {
    out[0] = ChannelBlock{0, cols, 0, Simd::kDotRows[cols], true};
    return 1;
  }
  return channelBlocks(cols, Simd::kRows, out);
}

// An upper bound on channelBlocks' count.
inline int maxBlocksOf(int channels) { return ceilDiv(channels, kW) + 1; }

inline int maxTileRows() {
  int m = 0;
  for (int v = 1; v <= Simd::kMaxVectors; v++) m = imax(m, Simd::kRows[v]);
  for (int j = 1; j <= 4; j++) m = imax(m, Simd::kDotRows[j]);
  return m;
}

// Small bookkeeping arrays (blocks, segments, phases): freed when the call returns.
struct Allocation {
  void* p = nullptr;
  explicit Allocation(size_t bytes) : p(std::malloc(bytes ? bytes : 1)) {}
  ~Allocation() { std::free(p); }
  Allocation(const Allocation&) = delete;
  Allocation& operator=(const Allocation&) = delete;
};

// ---------------------------------------------------------------------------------------------------
// Gather GEMM

// One tap of a register tile. The accumulators are copied into locals for the channel loop: compilers
// (clang here, GCC elsewhere) otherwise keep an array that lives across an outer loop in memory, and load
// and store it on every iteration of the inner one.
template <int MR, int NV>
inline void gatherTap(Vec (&acc)[MR][NV], const float* const* in, const float* wt, int channels) {
  Vec a[MR][NV];
  for (int r = 0; r < MR; r++)
    for (int v = 0; v < NV; v++) a[r][v] = acc[r][v];
  const float* p[MR];
  for (int r = 0; r < MR; r++) p[r] = in[r];
  for (int c = 0; c < channels; c++) {
    Vec wv[NV];
    for (int v = 0; v < NV; v++) wv[v] = Simd::load(wt + (c * NV + v) * kW);
    for (int r = 0; r < MR; r++) {
      Vec b = Simd::broadcast(p[r] + c);
      for (int v = 0; v < NV; v++) a[r][v] = Simd::fma(b, wv[v], a[r][v]);
    }
  }
  for (int r = 0; r < MR; r++)
    for (int v = 0; v < NV; v++) acc[r][v] = a[r][v];
}

// One register tile: MR rows × NV vectors of output channels, over all taps and input channels. The epilogue
// adds the bias, then the residual row res[r] (when res is not null), then applies the activation: the same
// roundings, in the same order, as the unfused conv + bias, add and ReLU.
template <int MR, int NV>
void gatherTile(const float* const* in, int taps, int channels, const float* w, float* const* out, int rows, int cols,
                const float* bias, const float* const* res, int act) {
  Vec acc[MR][NV];
  for (int r = 0; r < MR; r++)
    for (int v = 0; v < NV; v++) acc[r][v] = Simd::zero();
  for (int t = 0; t < taps; t++) gatherTap<MR, NV>(acc, in + t * MR, w + int64_t(t) * channels * NV * kW, channels);
  for (int r = 0; r < rows; r++) {
    float* o = out[r];
    for (int v = 0; v < NV; v++) {
      int n = cols - v * kW;
      Vec y = acc[r][v];
      if (bias) y = Simd::add(y, Simd::loadN(bias + v * kW, n));
      if (res) y = Simd::add(y, Simd::loadN(res[r] + v * kW, n));
      if (act == kRelu) y = Simd::relu(y);
      if (n >= kW) Simd::store(o + v * kW, y);
      else Simd::storeN(o + v * kW, y, n);
    }
  }
}

using GatherTileFn = void (*)(const float* const*, int, int, const float*, float* const*, int, int, const float*,
                              const float* const*, int);

inline GatherTileFn gatherTileFor(int vectors) {
  switch (vectors) {
    case 1: return &gatherTile<Simd::kRows[1], 1>;
    case 2: return &gatherTile<Simd::kRows[2], 2>;
    case 3: return &gatherTile<Simd::kRows[3], 3>;
    default: return &gatherTile<Simd::kRows[Simd::kMaxVectors], Simd::kMaxVectors>;
  }
}

// A tile of MR rows × J narrow outputs: vectors run over the input channels (a multiple of kW), and each
// output is a horizontal sum at the end. The filter is packed [tap][j][channel].
template <int MR, int J>
void gatherDotTile(const float* const* in, int taps, int channels, const float* w, float* const* out, int rows, int,
                   const float* bias, const float* const* res, int act) {
  Vec acc[MR][J];
  for (int r = 0; r < MR; r++)
    for (int j = 0; j < J; j++) acc[r][j] = Simd::zero();
  for (int t = 0; t < taps; t++) {
    // Locals for the channel loop, as in gatherTap.
    Vec a[MR][J];
    for (int r = 0; r < MR; r++)
      for (int j = 0; j < J; j++) a[r][j] = acc[r][j];
    const float* p[MR];
    for (int r = 0; r < MR; r++) p[r] = in[t * MR + r];
    const float* wt = w + int64_t(t) * J * channels;
    for (int c = 0; c < channels; c += kW) {
      Vec wv[J];
      for (int j = 0; j < J; j++) wv[j] = Simd::load(wt + j * channels + c);
      for (int r = 0; r < MR; r++) {
        Vec xv = Simd::load(p[r] + c);
        for (int j = 0; j < J; j++) a[r][j] = Simd::fma(xv, wv[j], a[r][j]);
      }
    }
    for (int r = 0; r < MR; r++)
      for (int j = 0; j < J; j++) acc[r][j] = a[r][j];
  }
  for (int r = 0; r < rows; r++)
    for (int j = 0; j < J; j++) {
      float y = Simd::hsum(acc[r][j]);
      if (bias) y += bias[j];
      if (res) y += res[r][j];
      if (act == kRelu && !(y > 0.0f)) y = 0.0f;
      out[r][j] = y;
    }
}

inline GatherTileFn dotTileFor(int cols) {
  switch (cols) {
    case 1: return &gatherDotTile<Simd::kDotRows[1], 1>;
    case 2: return &gatherDotTile<Simd::kDotRows[2], 2>;
    case 3: return &gatherDotTile<Simd::kDotRows[3], 3>;
    default: return &gatherDotTile<Simd::kDotRows[4], 4>;
  }
}

// Packs output columns [b.offset, b.offset + b.cols) of a GEMM filter as [tap][channel][vectors · kW],
// zero-padded. `at(t, c, j)` is the filter value for tap t, GEMM input channel c and output column j.
template <class At>
void packBlock(const ChannelBlock& b, int taps, int channels, float* dst, const At& at) {
  if (b.dot) {
    for (int t = 0; t < taps; t++)
      for (int j = 0; j < b.cols; j++) {
        float* row = dst + (int64_t(t) * b.cols + j) * channels;
        for (int c = 0; c < channels; c++) row[c] = at(t, c, b.offset + j);
      }
    return;
  }
  int width = b.vectors * kW;
  for (int t = 0; t < taps; t++)
    for (int c = 0; c < channels; c++) {
      float* row = dst + (int64_t(t) * channels + c) * width;
      for (int j = 0; j < width; j++) row[j] = j < b.cols ? at(t, c, b.offset + j) : 0.0f;
    }
}

inline int64_t packedSize(const ChannelBlock& b, int taps, int channels) {
  if (b.dot) return int64_t(taps) * b.cols * channels;
  return int64_t(taps) * channels * b.vectors * kW;
}

// A run of tiles over GEMM rows [rowBegin, rowBegin + rows) for one block of output channels.
struct GatherSegment {
  ChannelBlock block;
  int64_t rowBegin, rows, tiles, firstTask;
  const float* packed;
  int taps, channels;
  int phase;  // the input gradient's stride phase
};

// Fill(seg, row0, rows, mr, in, out, work) writes a tile's input pointers in[t * mr + r] (zeros for r >= rows)
// and output pointers out[r], offset to the segment's block; `work` holds the thread's workFloats floats (the
// patches of RowTapFill).
template <class Fill>
struct GatherRun {
  const GatherSegment* segments;
  const float* bias;
  // A tensor shaped like the output, added before the activation (null: none); out rows map to its rows.
  const float* residual;
  const float* outBase;
  int act;
  int maxTaps;
  int64_t workFloats;
  const Fill* fill;
  int failed;
};

template <class Fill>
void gatherRange(void* vrun, int64_t begin, int64_t end) {
  auto& run = *static_cast<GatherRun<Fill>*>(vrun);
  int mr = maxTileRows();
  const int64_t pointerFloats = int64_t(run.maxTaps + 2) * mr * sizeof(void*) / sizeof(float);
  float* mem = scratch(kTilePointers, size_t(pointerFloats + run.workFloats));
  if (!mem) {
    __atomic_store_n(&run.failed, 1, __ATOMIC_RELAXED);
    return;
  }
  const float** in = reinterpret_cast<const float**>(mem);
  float** out = reinterpret_cast<float**>(mem) + int64_t(run.maxTaps) * mr;
  const float** res = const_cast<const float**>(out + mr);
  const GatherSegment* seg = run.segments;
  for (int64_t task = begin; task < end; task++) {
    while (task >= seg->firstTask + seg->tiles) seg++;
    const ChannelBlock& b = seg->block;
    int64_t local = (task - seg->firstTask) * b.rows;
    int64_t row0 = seg->rowBegin + local;
    int rows = int(lmin(b.rows, seg->rows - local));
    (*run.fill)(*seg, row0, rows, b.rows, in, out, mem + pointerFloats);
    if (run.residual)
      for (int r = 0; r < rows; r++) res[r] = run.residual + (out[r] - run.outBase);
    (b.dot ? dotTileFor(b.cols) : gatherTileFor(b.vectors))(in, seg->taps, seg->channels, seg->packed, out, rows, b.cols,
                             run.bias ? run.bias + b.offset : nullptr, run.residual ? res : nullptr, run.act);
  }
}

// GEMM input bytes per group of images. Segments run group by group (every phase and channel block of a
// group before the next group), so a group's input is still in L2 when its next phase or block reads it.
constexpr int64_t kGroupBytes = 256 << 10;

inline int imagesPerGroup(int64_t inputBytesPerImage) {
  int64_t n = inputBytesPerImage > 0 ? kGroupBytes / inputBytesPerImage : 1;
  return n < 1 ? 1 : n > (1 << 20) ? (1 << 20) : int(n);
}

// Appends the segments of image group [n0, n1) for one block, `plane` GEMM rows per image.
inline void appendSegment(GatherSegment* segs, int* count, int64_t* tasks, const ChannelBlock& b, int64_t plane, int n0,
                          int n1, const float* packed, int taps, int channels, int phase) {
  int64_t rows = int64_t(n1 - n0) * plane;
  if (rows == 0) return;
  int64_t tiles = ceilDiv64(rows, b.rows);
  segs[(*count)++] = GatherSegment{b, int64_t(n0) * plane, rows, tiles, *tasks, packed, taps, channels, phase};
  *tasks += tiles;
}

template <class Fill>
const char* runGather(const GatherSegment* segments, int64_t tasks, int maxTaps, const float* bias, int act, const Fill& fill,
                      const float* residual = nullptr, const float* outBase = nullptr, int64_t workFloats = 0) {
  GatherRun<Fill> run{segments, bias, residual, outBase, act, maxTaps, workFloats, &fill, 0};
  parallelFor(tasks, &gatherRange<Fill>, &run);
  return run.failed ? kOutOfMemory : nullptr;
}

}  // namespace ISA_NAMESPACE
}  // namespace floatjs

// Uses the gather GEMM above; conv2d and conv2dBackpropInput below call it.
#include "winograd_kernels.h"

namespace floatjs {
namespace ISA_NAMESPACE {

// ---------------------------------------------------------------------------------------------------
// Forward

// The pixel (n, i, j) of GEMM row `row` over a batch of height × width grids, stepped in row order.
struct GridCursor {
  int n, i, j;
  int height, width;

  GridCursor(int64_t row, int h, int w) : height(h), width(w) {
    const int64_t plane = int64_t(h) * w;
    n = int(row / plane);
    i = int(row % plane) / w;
    j = int(row % plane) % w;
  }

  void next() {
    if (++j == width) {
      j = 0;
      if (++i == height) {
        i = 0;
        n++;
      }
    }
  }
};

struct ForwardFill {
  const ConvGeometry* g;
  const float* x;
  const float* zeros;
  float* y;
  const int64_t* tapOffset;  // (kh·dh·W + kw·dw)·C for each tap

  void operator()(const GatherSegment& seg, int64_t row0, int rows, int mr, const float** in, float** out, float*) const {
    const ConvGeometry& s = *g;
    const int taps = s.taps(), C = s.inChannels;
    GridCursor at(row0, s.outHeight, s.outWidth);
    for (int r = 0; r < mr; r++) {
      if (r >= rows) {
        for (int t = 0; t < taps; t++) in[t * mr + r] = zeros;
        out[r] = nullptr;
        continue;
      }
      out[r] = y + (row0 + r) * s.outChannels + seg.block.offset;
      int iy0 = at.i * s.strideHeight - s.padTop, ix0 = at.j * s.strideWidth - s.padLeft;
      const float* image = x + int64_t(at.n) * s.inHeight * s.inWidth * C;
      bool interior = iy0 >= 0 && iy0 + (s.filterHeight - 1) * s.dilationHeight < s.inHeight && ix0 >= 0 &&
                      ix0 + (s.filterWidth - 1) * s.dilationWidth < s.inWidth;
      if (interior) {
        const float* base = image + (int64_t(iy0) * s.inWidth + ix0) * C;
        for (int t = 0; t < taps; t++) in[t * mr + r] = base + tapOffset[t];
      } else {
        for (int kh = 0; kh < s.filterHeight; kh++) {
          int iy = iy0 + kh * s.dilationHeight;
          for (int kw = 0; kw < s.filterWidth; kw++) {
            int ix = ix0 + kw * s.dilationWidth;
            in[(kh * s.filterWidth + kw) * mr + r] =
                inside(iy, s.inHeight) && inside(ix, s.inWidth) ? image + (int64_t(iy) * s.inWidth + ix) * C : zeros;
          }
        }
      }
      at.next();
    }
  }
};

// A stem (an image's 1 or 3 channels) as a GEMM whose taps are the filter's rows: for one output pixel, the
// filterWidth·C inputs under a filter row lie side by side in x (dilation 1), so each row of the GEMM needs
// filterHeight pointers of filterWidth·C channels instead of taps pointers of C, and the channel loops run
// filterWidth times longer. Pixels whose filter row leaves the image at the left or right read a patch with
// zeros instead. The products are the same and summed in the same order (tap by tap, channel by channel), so the
// output is too, to the bit.
constexpr int kRowTapMaxChannels = 4;

inline bool rowTapsFit(const ConvGeometry& g) { return g.inChannels <= kRowTapMaxChannels && g.dilationWidth == 1; }

struct RowTapFill {
  const ConvGeometry* g;
  const float* x;
  const float* zeros;  // filterWidth·C zeros
  float* y;

  void operator()(const GatherSegment& seg, int64_t row0, int rows, int mr, const float** in, float** out, float* work) const {
    const ConvGeometry& s = *g;
    const int C = s.inChannels, fh = s.filterHeight, fw = s.filterWidth, width = fw * C;
    GridCursor at(row0, s.outHeight, s.outWidth);
    for (int r = 0; r < mr; r++) {
      if (r >= rows) {
        for (int t = 0; t < fh; t++) in[t * mr + r] = zeros;
        out[r] = nullptr;
        continue;
      }
      out[r] = y + (row0 + r) * s.outChannels + seg.block.offset;
      int iy0 = at.i * s.strideHeight - s.padTop, ix0 = at.j * s.strideWidth - s.padLeft;
      const float* image = x + int64_t(at.n) * s.inHeight * s.inWidth * C;
      if (ix0 >= 0 && ix0 + fw - 1 < s.inWidth) {
        for (int kh = 0; kh < fh; kh++) {
          int iy = iy0 + kh * s.dilationHeight;
          in[kh * mr + r] = inside(iy, s.inHeight) ? image + (int64_t(iy) * s.inWidth + ix0) * C : zeros;
        }
      } else {
        // The patch of this row of the tile: fh filter rows of width floats, zeros outside the image.
        float* patch = work + int64_t(r) * fh * width;
        for (int kh = 0; kh < fh; kh++) {
          int iy = iy0 + kh * s.dilationHeight;
          float* dst = patch + kh * width;
          for (int kw = 0; kw < fw; kw++) {
            int ix = ix0 + kw;
            if (inside(iy, s.inHeight) && inside(ix, s.inWidth)) std::memcpy(dst + kw * C, image + (int64_t(iy) * s.inWidth + ix) * C, sizeof(float) * C);
            else std::memset(dst + kw * C, 0, sizeof(float) * C);
          }
          in[kh * mr + r] = dst;
        }
      }
      at.next();
    }
  }
};

inline const char* conv2d(const ConvGeometry& g, const float* x, const float* filter, const float* bias,
                          const float* residual, float* y, int act) {
  const int taps = g.taps(), C = g.inChannels, Co = g.outChannels;
  const int64_t plane = int64_t(g.outHeight) * g.outWidth;
  if (plane * g.batch == 0 || Co == 0) return nullptr;
  if (winogradFits(g))
    return winogradConv2d(g, [&](int kh, int kw, int c, int k) { return filter[((int64_t(kh) * 3 + kw) * C + c) * Co + k]; },
                          x, bias, residual, y, act);
  const bool rowTaps = rowTapsFit(g);
  // With row taps, the GEMM has filterHeight taps of filterWidth·C channels.
  const int gemmTaps = rowTaps ? g.filterHeight : taps, gemmC = rowTaps ? g.filterWidth * C : C;
  const int group = imagesPerGroup(int64_t(g.inHeight) * g.inWidth * C * 4);
  const int groups = ceilDiv(g.batch, group);
  const int nbMax = maxBlocksOf(Co);
  Allocation blocksMem(sizeof(ChannelBlock) * nbMax), packedAt(sizeof(float*) * nbMax),
      segMem(sizeof(GatherSegment) * nbMax * groups), tapMem(sizeof(int64_t) * taps);
  auto* blocks = static_cast<ChannelBlock*>(blocksMem.p);
  auto* blockPacked = static_cast<float**>(packedAt.p);
  auto* segments = static_cast<GatherSegment*>(segMem.p);
  auto* tapOffset = static_cast<int64_t*>(tapMem.p);
  if (!blocks || !blockPacked || !segments || !tapOffset) return kOutOfMemory;
  int nb = gatherBlocks(Co, gemmC, blocks);
  int64_t packedTotal = 0;
  for (int b = 0; b < nb; b++) packedTotal += packedSize(blocks[b], gemmTaps, gemmC);
  float* packed = scratch(kPackedWeights, size_t(packedTotal));
  float* zeros = scratch(kZeros, size_t(gemmC));
  if (!packed || !zeros) return kOutOfMemory;
  std::memset(zeros, 0, sizeof(float) * gemmC);
  float* dst = packed;
  for (int b = 0; b < nb; b++) {
    // GEMM channel c of tap t is filter input (t·gemmC + c) over the flat [taps · C] axis: the same either way.
    packBlock(blocks[b], gemmTaps, gemmC, dst, [&](int t, int c, int j) { return filter[(int64_t(t) * gemmC + c) * Co + j]; });
    blockPacked[b] = dst;
    dst += packedSize(blocks[b], gemmTaps, gemmC);
  }
  int nseg = 0;
  int64_t tasks = 0;
  for (int n0 = 0; n0 < g.batch; n0 += group)
    for (int b = 0; b < nb; b++)
      appendSegment(segments, &nseg, &tasks, blocks[b], plane, n0, imin(g.batch, n0 + group), blockPacked[b], gemmTaps, gemmC, 0);
  if (rowTaps) {
    RowTapFill fill{&g, x, zeros, y};
    return runGather(segments, tasks, gemmTaps, bias, act, fill, residual, y, int64_t(maxTileRows()) * gemmTaps * gemmC);
  }
  for (int kh = 0; kh < g.filterHeight; kh++)
    for (int kw = 0; kw < g.filterWidth; kw++)
      tapOffset[kh * g.filterWidth + kw] = (int64_t(kh) * g.dilationHeight * g.inWidth + int64_t(kw) * g.dilationWidth) * C;
  ForwardFill fill{&g, x, zeros, y, tapOffset};
  return runGather(segments, tasks, taps, bias, act, fill, residual, y);
}

// ---------------------------------------------------------------------------------------------------
// Input gradient

// The dx pixels (iy, ix) with (iy + padTop) mod sh = ph and (ix + padLeft) mod sw = pw, and the taps
// kh = ph + jh·sh, kw = pw + jw·sw that reach them from dy[oy = qh0 + a − jh, ox = qw0 + b − jw], where
// iy = firstH + a·sh and ix = firstW + b·sw.
struct Phase {
  int ph, pw, firstH, firstW, countH, countW, tapsH, tapsW, qh0, qw0;
};

inline void axisPhase(int r, int stride, int kernel, int pad, int size, int* first, int* count, int* taps, int* q0) {
  *first = ((r - pad) % stride + stride) % stride;
  *count = *first < size ? ceilDiv(size - *first, stride) : 0;
  *taps = r < kernel ? ceilDiv(kernel - r, stride) : 0;
  *q0 = (*first + pad - r) / stride;
}

struct ZeroRun {
  float* p;
  int64_t size;
};

inline void zeroRange(void* vrun, int64_t first, int64_t last) {
  const auto& r = *static_cast<const ZeroRun*>(vrun);
  const int64_t chunk = 1 << 16;
  int64_t begin = first * chunk, end = lmin(r.size, last * chunk);
  if (end > begin) std::memset(r.p + begin, 0, sizeof(float) * (end - begin));
}

inline void zeroFloats(float* p, int64_t size) {
  ZeroRun run{p, size};
  parallelFor(ceilDiv64(size, 1 << 16), &zeroRange, &run);
}

struct InputGradFill {
  const ConvGeometry* g;
  const float* dy;
  const float* zeros;
  float* dx;
  const Phase* phases;

  void operator()(const GatherSegment& seg, int64_t row0, int rows, int mr, const float** in, float** out, float*) const {
    const ConvGeometry& s = *g;
    const Phase& p = phases[seg.phase];
    const int taps = p.tapsH * p.tapsW;
    GridCursor at(row0, p.countH, p.countW);
    for (int r = 0; r < mr; r++) {
      if (r >= rows) {
        for (int t = 0; t < taps; t++) in[t * mr + r] = zeros;
        out[r] = nullptr;
        continue;
      }
      int iy = p.firstH + at.i * s.strideHeight, ix = p.firstW + at.j * s.strideWidth;
      out[r] = dx + ((int64_t(at.n) * s.inHeight + iy) * s.inWidth + ix) * s.inChannels + seg.block.offset;
      const float* image = dy + int64_t(at.n) * s.outHeight * s.outWidth * s.outChannels;
      const int oy0 = p.qh0 + at.i, ox0 = p.qw0 + at.j;
      if (oy0 - (p.tapsH - 1) >= 0 && oy0 < s.outHeight && ox0 - (p.tapsW - 1) >= 0 && ox0 < s.outWidth) {
        // Every tap lands inside dy: tap (jh, jw) is the pixel (jh, jw) before (oy0, ox0).
        const float* base = image + (int64_t(oy0) * s.outWidth + ox0) * s.outChannels;
        for (int jh = 0; jh < p.tapsH; jh++)
          for (int jw = 0; jw < p.tapsW; jw++)
            in[(jh * p.tapsW + jw) * mr + r] = base - (int64_t(jh) * s.outWidth + jw) * s.outChannels;
      } else {
        for (int jh = 0; jh < p.tapsH; jh++) {
          int oy = oy0 - jh;
          for (int jw = 0; jw < p.tapsW; jw++) {
            int ox = ox0 - jw;
            in[(jh * p.tapsW + jw) * mr + r] = inside(oy, s.outHeight) && inside(ox, s.outWidth)
                                                   ? image + (int64_t(oy) * s.outWidth + ox) * s.outChannels
                                                   : zeros;
          }
        }
      }
      at.next();
    }
  }
};

inline const char* conv2dBackpropInput(const ConvGeometry& g, const float* dy, const float* filter, float* dx) {
  const int sh = g.strideHeight, sw = g.strideWidth, Ci = g.inChannels, Co = g.outChannels;
  // At stride 1, dx is the forward convolution of dy with the filter turned by 180° and its channels swapped,
  // padded by 2 − pad: dx[i][c] = Σ dy[i + a − (2 − pad)][k] · W[2 − a][c][k].
  if (sh == 1 && sw == 1 && g.filterHeight == 3 && g.filterWidth == 3) {
    const ConvGeometry t{g.batch, g.outHeight, g.outWidth, Co, g.inHeight, g.inWidth, Ci, 3, 3, 1, 1,
                         g.dilationHeight, g.dilationWidth, 2 - g.padTop, 2 - g.padLeft};
    if (winogradFits(t))
      return winogradConv2d(t, [&](int a, int b, int k, int c) { return filter[((int64_t(2 - a) * 3 + 2 - b) * Ci + c) * Co + k]; },
                            dy, nullptr, nullptr, dx, kLinear);
  }
  const int phaseCount = sh * sw;
  const int nbMax = maxBlocksOf(Ci);
  const int group = imagesPerGroup(int64_t(g.outHeight) * g.outWidth * Co * 4);
  const int groups = ceilDiv(g.batch, group);
  Allocation phaseMem(sizeof(Phase) * phaseCount), blocksMem(sizeof(ChannelBlock) * nbMax),
      packedAt(sizeof(float*) * phaseCount * nbMax), segMem(sizeof(GatherSegment) * phaseCount * nbMax * groups);
  auto* phases = static_cast<Phase*>(phaseMem.p);
  auto* blocks = static_cast<ChannelBlock*>(blocksMem.p);
  auto* phasePacked = static_cast<float**>(packedAt.p);
  auto* segments = static_cast<GatherSegment*>(segMem.p);
  if (!phases || !blocks || !phasePacked || !segments) return kOutOfMemory;
  int nb = gatherBlocks(Ci, Co, blocks);
  int64_t packedTotal = 0;
  int maxTaps = 1;
  for (int ph = 0; ph < sh; ph++)
    for (int pw = 0; pw < sw; pw++) {
      Phase& p = phases[ph * sw + pw];
      p.ph = ph;
      p.pw = pw;
      axisPhase(ph, sh, g.filterHeight, g.padTop, g.inHeight, &p.firstH, &p.countH, &p.tapsH, &p.qh0);
      axisPhase(pw, sw, g.filterWidth, g.padLeft, g.inWidth, &p.firstW, &p.countW, &p.tapsW, &p.qw0);
      int taps = p.tapsH * p.tapsW;
      maxTaps = imax(maxTaps, taps);
      if (taps > 0 && p.countH > 0 && p.countW > 0)
        for (int b = 0; b < nb; b++) packedTotal += packedSize(blocks[b], taps, Co);
    }
  float* packed = scratch(kPackedWeights, size_t(packedTotal));
  float* zeros = scratch(kZeros, size_t(Co));
  if (!packed || !zeros) return kOutOfMemory;
  std::memset(zeros, 0, sizeof(float) * Co);
  float* dst = packed;
  bool zeroed = false;
  for (int i = 0; i < phaseCount; i++) {
    const Phase& p = phases[i];
    int taps = p.tapsH * p.tapsW;
    int64_t rows = int64_t(g.batch) * p.countH * p.countW;
    if (rows == 0) continue;
    if (taps == 0) {
      // No tap reaches these pixels (stride larger than the kernel): their gradient is zero. Zeroing all
      // of dx once, in parallel, is cheaper than a write per pixel; the other phases overwrite theirs.
      if (!zeroed) zeroFloats(dx, g.inputSize());
      zeroed = true;
      continue;
    }
    for (int b = 0; b < nb; b++) {
      // Tap (jh, jw) is kernel (ph + jh·sh, pw + jw·sw); the GEMM maps dy's Co channels to dx's Ci.
      packBlock(blocks[b], taps, Co, dst, [&](int t, int c, int j) {
        int kh = p.ph + (t / p.tapsW) * sh, kw = p.pw + (t % p.tapsW) * sw;
        return filter[((int64_t(kh) * g.filterWidth + kw) * Ci + j) * Co + c];
      });
      phasePacked[i * nb + b] = dst;
      dst += packedSize(blocks[b], taps, Co);
    }
  }
  int nseg = 0;
  int64_t tasks = 0;
  for (int n0 = 0; n0 < g.batch; n0 += group)
    for (int i = 0; i < phaseCount; i++) {
      const Phase& p = phases[i];
      int taps = p.tapsH * p.tapsW;
      if (taps == 0) continue;
      for (int b = 0; b < nb; b++)
        appendSegment(segments, &nseg, &tasks, blocks[b], int64_t(p.countH) * p.countW, n0, imin(g.batch, n0 + group),
                      phasePacked[i * nb + b], taps, Co, i);
    }
  if (tasks == 0) return nullptr;
  InputGradFill fill{&g, dy, zeros, dx, phases};
  return runGather(segments, tasks, maxTaps, nullptr, kLinear, fill);
}

// ---------------------------------------------------------------------------------------------------
// Filter gradient

struct FilterRun {
  const ConvGeometry* g;
  const float* x;
  const float* dy;
  float* out;             // partial sums [chunk][taps][Ci][Co], or the filter gradient itself (one chunk)
  int64_t chunkStride;    // taps · Ci · Co
  int64_t chunkRows;      // output rows (n, oy) per chunk
  const ChannelBlock* blocks;
  int blockCount;
};

// One output row's pixels into a filter tile, with the accumulators in locals for the loop (see gatherTap):
// kept in the caller's array across its row loop, GCC stored all of them back to the stack on every pixel.
template <int MR, int NV>
inline void filterRow(Vec (&acc)[MR][NV], const float* p, const float* d, int count, int64_t pStep, int64_t dStep, int lastCols) {
  Vec a[MR][NV];
  for (int r = 0; r < MR; r++)
    for (int v = 0; v < NV; v++) a[r][v] = acc[r][v];
  for (int i = 0; i < count; i++, p += pStep, d += dStep) {
    Vec dv[NV];
    for (int v = 0; v < NV - 1; v++) dv[v] = Simd::load(d + v * kW);
    dv[NV - 1] = Simd::loadN(d + (NV - 1) * kW, lastCols);
    for (int r = 0; r < MR; r++) {
      Vec xv = Simd::broadcast(p + r);
      for (int v = 0; v < NV; v++) a[r][v] = Simd::fma(xv, dv[v], a[r][v]);
    }
  }
  for (int r = 0; r < MR; r++)
    for (int v = 0; v < NV; v++) acc[r][v] = a[r][v];
}

// One tile: MR input channels from ci0 × NV vectors of output channels, for one tap, over one chunk.
template <int MR, int NV>
void filterTile(const FilterRun& run, int64_t rowBegin, int64_t rowEnd, int kh, int kw, int ci0, const ChannelBlock& b, float* out,
                bool resume) {
  const ConvGeometry& s = *run.g;
  const int C = s.inChannels, Co = s.outChannels;
  Vec acc[MR][NV];
  // `resume` continues the sums a call on the rows just before stored in `out` (the same FMA chain as one call).
  for (int r = 0; r < MR; r++)
    for (int v = 0; v < NV; v++) {
      int cols = b.cols - v * kW;
      acc[r][v] = !resume ? Simd::zero() : cols >= kW ? Simd::load(out + int64_t(r) * Co + v * kW) : Simd::loadN(out + int64_t(r) * Co + v * kW, cols);
    }
  // ix = ox·sw + shiftX must fall inside the input row.
  const int shiftX = kw * s.dilationWidth - s.padLeft;
  const int oxBegin = shiftX >= 0 ? 0 : ceilDiv(-shiftX, s.strideWidth);
  const int oxEnd = imin(s.outWidth, floorDiv(s.inWidth - 1 - shiftX, s.strideWidth) + 1);
  const int lastCols = b.cols - (NV - 1) * kW;
  int n = int(rowBegin / s.outHeight), oy = int(rowBegin % s.outHeight);
  for (int64_t row = rowBegin; row < rowEnd; row++) {
    int iy = oy * s.strideHeight + kh * s.dilationHeight - s.padTop;
    if (inside(iy, s.inHeight)) {
      const float* xr = run.x + (int64_t(n) * s.inHeight + iy) * s.inWidth * C + ci0;
      const float* dr = run.dy + row * s.outWidth * Co + b.offset;
      filterRow<MR, NV>(acc, xr + int64_t(oxBegin * s.strideWidth + shiftX) * C, dr + int64_t(oxBegin) * Co, oxEnd - oxBegin,
                        int64_t(s.strideWidth) * C, Co, lastCols);
    }
    if (++oy == s.outHeight) {
      oy = 0;
      n++;
    }
  }
  for (int r = 0; r < MR; r++)
    for (int v = 0; v < NV; v++) {
      int cols = b.cols - v * kW;
      if (cols >= kW) Simd::store(out + int64_t(r) * Co + v * kW, acc[r][v]);
      else Simd::storeN(out + int64_t(r) * Co + v * kW, acc[r][v], cols);
    }
}

using FilterTileFn = void (*)(const FilterRun&, int64_t, int64_t, int, int, int, const ChannelBlock&, float*, bool);

// filterTile<rows, NV> for rows = 1..MR, so a block's last input channels never read past the pixel.
template <int NV, int MR>
struct FilterTiles {
  static FilterTileFn get(int rows) { return rows == MR ? &filterTile<MR, NV> : FilterTiles<NV, MR - 1>::get(rows); }
};
template <int NV>
struct FilterTiles<NV, 0> {
  static FilterTileFn get(int) { return nullptr; }
};

inline FilterTileFn filterTileFor(int vectors, int rows) {
  switch (vectors) {
    case 1: return FilterTiles<1, Simd::kFilterRows[1]>::get(rows);
    case 2: return FilterTiles<2, Simd::kFilterRows[2]>::get(rows);
    case 3: return FilterTiles<3, Simd::kFilterRows[3]>::get(rows);
    default: return FilterTiles<Simd::kMaxVectors, Simd::kFilterRows[Simd::kMaxVectors]>::get(rows);
  }
}

// A task is one tap and one block of output channels of one chunk. Its rows run in slices of about kSlicePixels
// output pixels, every input-channel tile over one slice before the next: a slice's x and dy stay in L1/L2 for
// all the tiles, where a whole chunk (up to 1,024 pixels of every channel) would come from L3 once per tile. Each tile
// resumes its sums slice by slice, so every element is still one FMA chain over the chunk's rows in order: the
// result is the same as without slices, for any thread count.
constexpr int64_t kSlicePixels = 128;
constexpr int64_t kSliceAboveBytes = 256 << 10;

inline void filterRange(void* vrun, int64_t begin, int64_t end) {
  const auto& run = *static_cast<const FilterRun*>(vrun);
  const ConvGeometry& s = *run.g;
  const int taps = s.taps();
  const int64_t totalRows = int64_t(s.batch) * s.outHeight;
  // Slices only where a chunk's x and dy would not stay in L2 between tiles (resuming costs a load per tile).
  const int64_t chunkBytes = run.chunkRows * (int64_t(s.outWidth) * s.outChannels + int64_t(s.strideHeight) * s.inWidth * s.inChannels) * 4;
  const int64_t sliceRows = chunkBytes <= kSliceAboveBytes ? run.chunkRows : imax(1, int(kSlicePixels / imax(1, s.outWidth)));
  for (int64_t task = begin; task < end; task++) {
    const int64_t chunk = task / (int64_t(taps) * run.blockCount);
    const int t = int(task / run.blockCount % taps);
    const ChannelBlock& b = run.blocks[task % run.blockCount];
    const int64_t chunkBegin = chunk * run.chunkRows, chunkEnd = lmin(totalRows, chunkBegin + run.chunkRows);
    float* chunkOut = run.out + chunk * run.chunkStride + int64_t(t) * s.inChannels * s.outChannels + b.offset;
    for (int64_t r0 = chunkBegin; r0 < chunkEnd; r0 += sliceRows) {
      const int64_t r1 = lmin(chunkEnd, r0 + sliceRows);
      for (int ci0 = 0; ci0 < s.inChannels; ci0 += b.rows) {
        int rows = imin(b.rows, s.inChannels - ci0);
        filterTileFor(b.vectors, rows)(run, r0, r1, t / s.filterWidth, t % s.filterWidth, ci0, b,
                                       chunkOut + int64_t(ci0) * s.outChannels, r0 > chunkBegin);
      }
    }
  }
}

struct ReduceRun {
  const float* partial;
  float* out;
  int64_t stride;
  int64_t chunks;
};

inline void reduceRange(void* vrun, int64_t begin, int64_t end) {
  const auto& run = *static_cast<const ReduceRun*>(vrun);
  std::memcpy(run.out + begin, run.partial + begin, sizeof(float) * (end - begin));
  for (int64_t c = 1; c < run.chunks; c++) {
    const float* p = run.partial + c * run.stride;
    for (int64_t i = begin; i < end; i++) run.out[i] += p[i];
  }
}

// Output pixels per chunk of the filter gradient's sum, and the most chunks (bounding scratch memory).
constexpr int64_t kChunkPixels = 1024;
constexpr int64_t kMaxChunks = 64;

inline const char* conv2dBackpropFilter(const ConvGeometry& g, const float* x, const float* dy, float* dfilter) {
  const int taps = g.taps(), Ci = g.inChannels, Co = g.outChannels;
  const int64_t stride = int64_t(taps) * Ci * Co;
  if (stride == 0) return nullptr;
  const int64_t totalRows = int64_t(g.batch) * g.outHeight;
  const int64_t pixels = totalRows * g.outWidth;
  if (pixels == 0) {
    std::memset(dfilter, 0, sizeof(float) * stride);
    return nullptr;
  }
  // The chunking depends on the shape only, never on the thread count.
  int64_t chunks = ceilDiv64(pixels, kChunkPixels);
  if (chunks > kMaxChunks) chunks = kMaxChunks;
  if (chunks > totalRows) chunks = totalRows;
  int64_t chunkRows = ceilDiv64(totalRows, chunks);
  chunks = ceilDiv64(totalRows, chunkRows);
  Allocation blocksMem(sizeof(ChannelBlock) * maxBlocksOf(Co));
  auto* blocks = static_cast<ChannelBlock*>(blocksMem.p);
  if (!blocks) return kOutOfMemory;
  int nb = channelBlocks(Co, Simd::kFilterRows, blocks);
  float* out = dfilter;
  if (chunks > 1) {
    out = scratch(kPartialSums, size_t(chunks * stride));
    if (!out) return kOutOfMemory;
  }
  FilterRun run{&g, x, dy, out, stride, chunkRows, blocks, nb};
  parallelFor(chunks * taps * nb, &filterRange, &run);
  if (chunks > 1) {
    ReduceRun reduce{out, dfilter, stride, chunks};
    parallelFor(stride, &reduceRange, &reduce);
  }
  return nullptr;
}

}  // namespace ISA_NAMESPACE
}  // namespace floatjs
