// Winograd F(4×4, 3×3) for 3×3 stride-1 convolutions (Lavin & Gray, 2016): each 4×4 block of outputs is
// Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A over a 6×6 input patch d (interpolation points 0, ±1, ±2, ∞), so 36 multiplies per
// input and output channel pair replace the direct form's 144, a 4× cut of the FMA-bound GEMM that pays for the
// transforms. Included by conv_kernels.h, whose gather GEMM tiles run the 36 products (one per position ξ).
//
// The rounding differs from the direct convolution (the transforms round, and the points ±2 scale some terms by
// up to 8): against a float64 reference the error is about 1e-6 of the output's largest magnitude at 16–64
// channels and 1e-5 at 256–512, where the direct form's is about 1e-7 (the tests bound it). Each output block is
// computed by one task with the same code whatever blocks share it, so results do not depend on the thread
// count. setWinograd(false) restores the direct form.
#pragma once

namespace floatjs {
namespace ISA_NAMESPACE {

// 3×3, stride 1, no dilation, input channels in whole vectors, padding at most 2, and at least 16 channels in
// and out: with fewer, the GEMM's inner loop is too short to pay for the transforms. (On a Zen 3 with AVX2, two
// threads, ResNet-20's stages at batch 64, forward and input gradient alike: 16 → 16 channels at 32×32 ran
// 1.15–1.2× the direct form's speed, 32 → 32 at 16×16 1.55–1.6×, 64 → 64 at 8×8 1.9–2.0×.)
constexpr int kWinogradMinChannels = 16;
// Positions ξ of the 6×6 transform, and the outputs per block side.
constexpr int kXi = 36;
constexpr int kTile = 4;
// The filter transform costs about as much as a dozen output blocks' products, once per call: with fewer than
// this many blocks (a small batch of small images) the direct form is faster.
constexpr int64_t kWinogradMinTiles = 32;

inline bool winogradFits(const ConvGeometry& g) {
  return winogradEnabled() && g.filterHeight == 3 && g.filterWidth == 3 && g.strideHeight == 1 &&
         g.strideWidth == 1 && g.dilationHeight == 1 && g.dilationWidth == 1 && g.inChannels % kW == 0 &&
         g.inChannels >= kWinogradMinChannels && g.outChannels >= kWinogradMinChannels && g.padTop >= 0 &&
         g.padTop <= 2 && g.padLeft >= 0 && g.padLeft <= 2 &&
         int64_t(g.batch) * ceilDiv(g.outHeight, kTile) * ceilDiv(g.outWidth, kTile) >= kWinogradMinTiles;
}

// Constants the transforms broadcast.
inline constexpr float kWinogradTwo = 2.0f, kWinogradFour = 4.0f, kWinogradMinusFour = -4.0f,
                       kWinogradMinusFive = -5.0f, kWinogradEight = 8.0f;

struct WinogradRun {
  const ConvGeometry* g;
  const float* x;
  const float* bias;
  const float* residual;
  float* y;
  int act;
  const ChannelBlock* blocks;
  int blockCount;
  const float* packed;       // U per position ξ and block: [ξ][block][C][vectors · kW]
  int64_t packedPerXi;       // floats per ξ
  const int64_t* blockAt;    // a block's offset within one ξ
  int tilesW, tilesPerImage;
  int64_t tiles;             // all 4×4 output blocks
  int tilesPerTask;
  int failed;
};

// Bᵀ applied to six vectors d[0], d[step], …, d[5·step]: the rows of
// Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1].
inline void inputTransform6(const Vec* d, int step, Vec* t, int tstep) {
  const Vec four = Simd::broadcast(&kWinogradFour), minusFour = Simd::broadcast(&kWinogradMinusFour),
            minusFive = Simd::broadcast(&kWinogradMinusFive), two = Simd::broadcast(&kWinogradTwo);
  const Vec d0 = d[0], d1 = d[step], d2 = d[2 * step], d3 = d[3 * step], d4 = d[4 * step], d5 = d[5 * step];
  const Vec a = Simd::fma(minusFour, d2, d4), b = Simd::fma(minusFour, d1, d3);
  const Vec c = Simd::sub(d4, d2), e = Simd::mul(two, Simd::sub(d3, d1));
  t[0] = Simd::fma(four, d0, Simd::fma(minusFive, d2, d4));
  t[tstep] = Simd::add(a, b);
  t[2 * tstep] = Simd::sub(a, b);
  t[3 * tstep] = Simd::add(c, e);
  t[4 * tstep] = Simd::sub(c, e);
  t[5 * tstep] = Simd::fma(four, d1, Simd::fma(minusFive, d3, d5));
}

// Bᵀ d B for `count` tiles from `first`, into V[ξ][t][C] (t local to the task).
inline void winogradInput(const WinogradRun& run, int64_t first, int count, float* V) {
  const ConvGeometry& s = *run.g;
  const int C = s.inChannels, T = run.tilesPerTask;
  const int64_t rowStride = int64_t(s.inWidth) * C;
  for (int t = 0; t < count; t++) {
    int64_t tile = first + t;
    int n = int(tile / run.tilesPerImage), local = int(tile % run.tilesPerImage);
    int iy0 = (local / run.tilesW) * kTile - s.padTop, ix0 = (local % run.tilesW) * kTile - s.padLeft;
    const float* image = run.x + int64_t(n) * s.inHeight * s.inWidth * C;
    // Which rows (bit i) and columns (bit j) of the 6×6 patch lie inside the image, tested once: with 16
    // channels a patch is one AVX-512 vector deep, and a table of 36 pointers, each tested and stored to the
    // stack, took more of the transform's time than its arithmetic (perf).
    unsigned rows = 0, cols = 0;
    for (int i = 0; i < 6; i++) {
      rows |= unsigned(inside(iy0 + i, s.inHeight)) << i;
      cols |= unsigned(inside(ix0 + i, s.inWidth)) << i;
    }
    const int64_t origin = int64_t(iy0) * rowStride + int64_t(ix0) * C;
    float* out = V + int64_t(t) * C;
    for (int c = 0; c < C; c += kW) {
      // Along each column (Bᵀ d), then along each row (· B), stored at ξ = 6i + j.
      Vec u[6][6];
      for (int j = 0; j < 6; j++) {
        Vec d[6];
        const bool column = (cols >> j) & 1;
        for (int i = 0; i < 6; i++)
          d[i] = column && ((rows >> i) & 1) ? Simd::load(image + (origin + i * rowStride + int64_t(j) * C + c)) : Simd::zero();
        inputTransform6(d, 1, &u[0][j], 6);
      }
      for (int i = 0; i < 6; i++) {
        Vec v[6];
        inputTransform6(&u[i][0], 1, v, 1);
        for (int j = 0; j < 6; j++) Simd::store(out + int64_t(6 * i + j) * T * C + c, v[j]);
      }
    }
  }
}

// Aᵀ applied to six vectors m[0], m[step], …: Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 0; 0 1 1 4 4 0; 0 1 −1 8 −8 1].
inline void outputTransform6(const Vec* m, int step, Vec* y, int ystep) {
  const Vec two = Simd::broadcast(&kWinogradTwo), four = Simd::broadcast(&kWinogradFour),
            eight = Simd::broadcast(&kWinogradEight);
  const Vec p = Simd::add(m[step], m[2 * step]), q = Simd::sub(m[step], m[2 * step]);
  const Vec r = Simd::add(m[3 * step], m[4 * step]), s = Simd::sub(m[3 * step], m[4 * step]);
  y[0] = Simd::add(Simd::add(m[0], p), r);
  y[ystep] = Simd::fma(two, s, q);
  y[2 * ystep] = Simd::fma(four, r, p);
  y[3 * ystep] = Simd::add(Simd::fma(eight, s, q), m[5 * step]);
}

// Aᵀ M A for `count` tiles from M[ξ][t][K], then bias, residual and activation in the direct form's order, each
// output inside the image stored.
inline void winogradOutput(const WinogradRun& run, int64_t first, int count, const float* M) {
  const ConvGeometry& s = *run.g;
  const int K = s.outChannels, T = run.tilesPerTask;
  const int64_t xiStride = int64_t(T) * K;
  for (int t = 0; t < count; t++) {
    int64_t tile = first + t;
    int n = int(tile / run.tilesPerImage), local = int(tile % run.tilesPerImage);
    int oy0 = (local / run.tilesW) * kTile, ox0 = (local % run.tilesW) * kTile;
    const int rowsOut = imin(kTile, s.outHeight - oy0), colsOut = imin(kTile, s.outWidth - ox0);
    const float* m = M + int64_t(t) * K;
    for (int k = 0; k < K; k += kW) {
      const int lanes = imin(kW, K - k);
      Vec v[6][6], r[4][6];
      // Row by row: splitting ξ into row and column (a division) for each of the 36 loads was the transform's
      // hottest code (perf).
      for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++) v[i][j] = Simd::loadN(m + (6 * i + j) * xiStride + k, lanes);
      for (int j = 0; j < 6; j++) outputTransform6(&v[0][j], 6, &r[0][j], 6);
      const Vec b = run.bias ? Simd::loadN(run.bias + k, lanes) : Simd::zero();
      for (int i = 0; i < rowsOut; i++) {
        Vec out[4];
        outputTransform6(r[i], 1, out, 1);
        for (int j = 0; j < colsOut; j++) {
          int64_t at = ((int64_t(n) * s.outHeight + oy0 + i) * s.outWidth + ox0 + j) * K + k;
          Vec yv = out[j];
          if (run.bias) yv = Simd::add(yv, b);
          if (run.residual) yv = Simd::add(yv, Simd::loadN(run.residual + at, lanes));
          if (run.act == kRelu) yv = Simd::relu(yv);
          Simd::storeN(run.y + at, yv, lanes);
        }
      }
    }
  }
}

// M[ξ][r][block] = Σ_c V[ξ][r][c] · U[ξ][c][block] for MR whole rows of a task and every ξ, with the channel
// count C fixed at compile time so that every row is one immediate offset from a single pointer. At 16
// channels a product is 16 FMAs per accumulator, and a gatherTile call per ξ (its pointer tables, the call and
// the epilogue's tests) cost more than the FMAs. The same FMAs in the same order as gatherTile's: the same bits.
template <int MR, int NV, int C>
void winogradProducts(const float* V, int64_t vXi, const float* U, int64_t uXi, float* M, int64_t mXi, int K, int cols) {
  for (int xi = 0; xi < kXi; xi++) {
    const float* v = V + xi * vXi;
    const float* w = U + xi * uXi;
    float* m = M + xi * mXi;
    Vec a[MR][NV];
    for (int r = 0; r < MR; r++)
      for (int j = 0; j < NV; j++) a[r][j] = Simd::zero();
    for (int c = 0; c < C; c++) {
      Vec wv[NV];
      for (int j = 0; j < NV; j++) wv[j] = Simd::load(w + (c * NV + j) * kW);
      for (int r = 0; r < MR; r++) {
        Vec b = Simd::broadcast(v + r * C + c);
        for (int j = 0; j < NV; j++) a[r][j] = Simd::fma(b, wv[j], a[r][j]);
      }
    }
    for (int r = 0; r < MR; r++)
      for (int j = 0; j < NV; j++) {
        int n = cols - j * kW;
        if (n >= kW) Simd::store(m + int64_t(r) * K + j * kW, a[r][j]);
        else Simd::storeN(m + int64_t(r) * K + j * kW, a[r][j], n);
      }
  }
}

using WinogradProductsFn = void (*)(const float*, int64_t, const float*, int64_t, float*, int64_t, int, int);

// ResNets' channel counts; others (and a task's last partial rows) take gatherTile one ξ at a time.
template <int NV>
WinogradProductsFn winogradProductsOf(int channels) {
  constexpr int MR = Simd::kRows[NV];
  switch (channels) {
    case 16: return &winogradProducts<MR, NV, 16>;
    case 32: return &winogradProducts<MR, NV, 32>;
    case 64: return &winogradProducts<MR, NV, 64>;
    default: return nullptr;
  }
}

inline WinogradProductsFn winogradProductsFor(int vectors, int channels) {
  switch (vectors) {
    case 1: return winogradProductsOf<1>(channels);
    case 2: return winogradProductsOf<2>(channels);
    case 3: return winogradProductsOf<3>(channels);
    default: return winogradProductsOf<Simd::kMaxVectors>(channels);
  }
}

inline void winogradRange(void* vrun, int64_t begin, int64_t end) {
  auto& run = *static_cast<WinogradRun*>(vrun);
  const ConvGeometry& s = *run.g;
  const int C = s.inChannels, K = s.outChannels, T = run.tilesPerTask;
  float* V = scratch(kWinogradTiles, size_t(kXi) * T * (C + K));
  if (!V) {
    __atomic_store_n(&run.failed, 1, __ATOMIC_RELAXED);
    return;
  }
  float* M = V + int64_t(kXi) * T * C;
  const float* in[16];
  float* out[16];
  for (int64_t task = begin; task < end; task++) {
    int64_t first = task * T;
    int count = int(lmin(T, run.tiles - first));
    winogradInput(run, first, count, V);
    for (int b = 0; b < run.blockCount; b++) {
      const ChannelBlock& blk = run.blocks[b];
      const float* w = run.packed + run.blockAt[b];
      int whole = 0;
      if (WinogradProductsFn products = winogradProductsFor(blk.vectors, C))
        for (; whole + blk.rows <= count; whole += blk.rows)
          products(V + int64_t(whole) * C, int64_t(T) * C, w, run.packedPerXi, M + int64_t(whole) * K + blk.offset, int64_t(T) * K, K, blk.cols);
      if (whole == count) continue;
      GatherTileFn tileFn = gatherTileFor(blk.vectors);
      for (int xi = 0; xi < kXi; xi++) {
        const float* Vx = V + int64_t(xi) * T * C;
        float* Mx = M + int64_t(xi) * T * K;
        for (int r0 = whole; r0 < count; r0 += blk.rows) {
          int rows = imin(blk.rows, count - r0);
          // Rows past `rows` are read but never stored: point them at a real row.
          for (int r = 0; r < blk.rows; r++) in[r] = Vx + int64_t(r0 + (r < rows ? r : 0)) * C;
          for (int r = 0; r < rows; r++) out[r] = Mx + int64_t(r0 + r) * K + blk.offset;
          tileFn(in, 1, C, w + xi * run.packedPerXi, out, rows, blk.cols, nullptr, nullptr, kLinear);
        }
      }
    }
    winogradOutput(run, first, count, M);
  }
}

// Bytes of transformed input and products per task (L1-sized: 12 blocks measured fastest on ResNet-20's stages).
constexpr int64_t kWinogradTaskBytes = 64 << 10;

// U = G g Gᵀ in double, rounded once: G = [¼ 0 0; −⅙ −⅙ −⅙; −⅙ ⅙ −⅙; 1⁄24 1⁄12 ⅙; 1⁄24 −1⁄12 ⅙; 0 0 1],
// written into the GEMM's packed layout [ξ][block][c][vectors · kW], the padding columns zero.
template <class At>
struct FilterTransform {
  const At* at;
  const ChannelBlock* blocks;
  int blockCount;
  const int64_t* blockAt;
  int64_t perXi;
  float* packed;
};

template <class At>
void filterTransformRange(void* vrun, int64_t begin, int64_t end) {
  const auto& f = *static_cast<const FilterTransform<At>*>(vrun);
  static const double G[6][3] = {{0.25, 0, 0}, {-1.0 / 6, -1.0 / 6, -1.0 / 6}, {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                                 {1.0 / 24, 1.0 / 12, 1.0 / 6}, {1.0 / 24, -1.0 / 12, 1.0 / 6}, {0, 0, 1}};
  // One block's columns for one input channel, ξ by ξ, so the packed rows are written whole.
  float u[kXi][Simd::kMaxVectors * kW];
  for (int c = int(begin); c < int(end); c++)
    for (int b = 0; b < f.blockCount; b++) {
      const ChannelBlock& blk = f.blocks[b];
      const int width = blk.vectors * kW;
      for (int j = 0; j < width; j++) {
        if (j >= blk.cols) {
          for (int xi = 0; xi < kXi; xi++) u[xi][j] = 0.0f;
          continue;
        }
        const int k = blk.offset + j;
        double w[3][3], h[6][3];
        for (int i = 0; i < 3; i++)
          for (int l = 0; l < 3; l++) w[i][l] = (*f.at)(i, l, c, k);
        for (int i = 0; i < 6; i++)
          for (int l = 0; l < 3; l++) h[i][l] = G[i][0] * w[0][l] + G[i][1] * w[1][l] + G[i][2] * w[2][l];
        for (int i = 0; i < 6; i++)
          for (int l = 0; l < 6; l++) u[6 * i + l][j] = float(h[i][0] * G[l][0] + h[i][1] * G[l][1] + h[i][2] * G[l][2]);
      }
      float* row = f.packed + f.blockAt[b] + int64_t(c) * width;
      for (int xi = 0; xi < kXi; xi++) std::memcpy(row + xi * f.perXi, u[xi], sizeof(float) * width);
    }
}

// y = act(conv(x, W) + bias + residual) for a geometry that winogradFits, with W given by at(kh, kw, c, k).
template <class At>
const char* winogradConv2d(const ConvGeometry& g, const At& at, const float* x, const float* bias, const float* residual,
                           float* y, int act) {
  const int C = g.inChannels, K = g.outChannels;
  if (int64_t(g.batch) * g.outHeight * g.outWidth == 0) return nullptr;
  const int nbMax = maxBlocksOf(K);
  Allocation blocksMem(sizeof(ChannelBlock) * nbMax), atMem(sizeof(int64_t) * nbMax);
  auto* blocks = static_cast<ChannelBlock*>(blocksMem.p);
  auto* blockAt = static_cast<int64_t*>(atMem.p);
  if (!blocks || !blockAt) return kOutOfMemory;
  const int nb = channelBlocks(K, Simd::kRows, blocks);
  int64_t perXi = 0;
  for (int b = 0; b < nb; b++) {
    blockAt[b] = perXi;
    perXi += int64_t(C) * blocks[b].vectors * kW;
  }
  float* packed = scratch(kPackedWeights, size_t(kXi * perXi));
  if (!packed) return kOutOfMemory;
  FilterTransform<At> ft{&at, blocks, nb, blockAt, perXi, packed};
  // C·K transforms of ~160 double operations each: split over the threads too (a 64 → 64 layer's would
  // otherwise be a serial fifth of its time).
  parallelFor(C, &filterTransformRange<At>, &ft);
  WinogradRun run{};
  run.g = &g;
  run.x = x;
  run.bias = bias;
  run.residual = residual;
  run.y = y;
  run.act = act;
  run.blocks = blocks;
  run.blockCount = nb;
  run.packed = packed;
  run.packedPerXi = perXi;
  run.blockAt = blockAt;
  run.tilesW = ceilDiv(g.outWidth, kTile);
  run.tilesPerImage = ceilDiv(g.outHeight, kTile) * run.tilesW;
  run.tiles = int64_t(g.batch) * run.tilesPerImage;
  // A multiple of every block's GEMM tile height, so row tiles are full, and at least 12; the count depends on
  // the shape only (and results on neither it nor the thread count).
  int lcm = 1;
  for (int b = 0; b < nb; b++) lcm = lcm / gcd(lcm, blocks[b].rows) * blocks[b].rows;
  const int64_t fit = kWinogradTaskBytes / (int64_t(kXi) * (C + K) * 4) / lcm * lcm;
  run.tilesPerTask = int(imax(ceilDiv(12, lcm) * lcm, int(lmin(fit, 240))));
  parallelFor(ceilDiv64(run.tiles, run.tilesPerTask), &winogradRange, &run);
  return run.failed ? kOutOfMemory : nullptr;
}

}  // namespace ISA_NAMESPACE
}  // namespace floatjs
