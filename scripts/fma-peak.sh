#!/usr/bin/env bash
# This machine's FP32 FMA peak, measured: 12 independent FMA chains in registers (no memory operands), on 1 and
# on all cores at once, one JSON line each: AVX2 (8 lanes), then AVX-512 (16 lanes) where the CPU has it (Zen 4
# runs a 512-bit FMA as two 256-bit halves, Zen 5 at full width: the two figures say which). A convolution's
# GFLOP/s is read against this figure, not against a clock rate from the CPU's name (cloud vCPUs boost, or share
# a core). Needs gcc and an AVX2 CPU.
# Usage: bash scripts/fma-peak.sh
set -euo pipefail
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cat > "$dir/fma.c" <<'C'
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static const long kIters = 200000000;
#ifdef __AVX512F__
#define VEC __m512
#define MM(op) _mm512_##op
#define LANES 16
#else
#define VEC __m256
#define MM(op) _mm256_##op
#define LANES 8
#endif
static void* chains(void* out) {
  VEC a0 = MM(set1_ps)(1), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
  const VEC b = MM(set1_ps)(0.99999f), c = MM(set1_ps)(1e-6f);
  for (long i = 0; i < kIters; i++) {
    a0 = MM(fmadd_ps)(a0, b, c); a1 = MM(fmadd_ps)(a1, b, c); a2 = MM(fmadd_ps)(a2, b, c); a3 = MM(fmadd_ps)(a3, b, c);
    a4 = MM(fmadd_ps)(a4, b, c); a5 = MM(fmadd_ps)(a5, b, c); a6 = MM(fmadd_ps)(a6, b, c); a7 = MM(fmadd_ps)(a7, b, c);
    a8 = MM(fmadd_ps)(a8, b, c); a9 = MM(fmadd_ps)(a9, b, c); a10 = MM(fmadd_ps)(a10, b, c); a11 = MM(fmadd_ps)(a11, b, c);
  }
  VEC s = MM(add_ps)(MM(add_ps)(MM(add_ps)(a0, a1), MM(add_ps)(a2, a3)), MM(add_ps)(MM(add_ps)(a4, a5), MM(add_ps)(a6, a7)));
  s = MM(add_ps)(s, MM(add_ps)(MM(add_ps)(a8, a9), MM(add_ps)(a10, a11)));
  MM(storeu_ps)((float*)out, s);  // keeps the chains live
  return NULL;
}
int main(int argc, char** argv) {
  int n = atoi(argv[1]);
  pthread_t t[256]; float out[256][LANES];
  double t0 = now();
  for (int i = 0; i < n; i++) pthread_create(&t[i], NULL, chains, out[i]);
  for (int i = 0; i < n; i++) pthread_join(t[i], NULL);
  double s = now() - t0;
  printf("{\"fma_peak\":true,\"isa\":\"%s\",\"threads\":%d,\"gflops\":%.1f,\"gflops_per_thread\":%.1f}\n", LANES == 16 ? "avx512" : "avx2", n, n * kIters * 12 * 2.0 * LANES / s / 1e9, kIters * 12 * 2.0 * LANES / s / 1e9);
  return 0;
}
C
gcc -O2 -mavx2 -mfma -pthread "$dir/fma.c" -o "$dir/fma"
"$dir/fma" 1
"$dir/fma" "$(nproc)"
if grep -qw avx512f /proc/cpuinfo; then
  gcc -O2 -mavx512f -mfma -pthread "$dir/fma.c" -o "$dir/fma512"
  "$dir/fma512" 1
  "$dir/fma512" "$(nproc)"
fi
