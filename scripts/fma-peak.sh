#!/usr/bin/env bash
# This machine's FP32 FMA peak, measured: 12 independent AVX2 FMA chains in registers (no memory operands), on
# 1 and on all cores at once, one JSON line each. A convolution's GFLOP/s is read against this figure, not
# against a clock rate from the CPU's name (cloud vCPUs boost, or share a core). Needs gcc and an AVX2 CPU.
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
static void* chains(void* out) {
  __m256 a0 = _mm256_set1_ps(1), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
  const __m256 b = _mm256_set1_ps(0.99999f), c = _mm256_set1_ps(1e-6f);
  for (long i = 0; i < kIters; i++) {
    a0 = _mm256_fmadd_ps(a0, b, c); a1 = _mm256_fmadd_ps(a1, b, c); a2 = _mm256_fmadd_ps(a2, b, c); a3 = _mm256_fmadd_ps(a3, b, c);
    a4 = _mm256_fmadd_ps(a4, b, c); a5 = _mm256_fmadd_ps(a5, b, c); a6 = _mm256_fmadd_ps(a6, b, c); a7 = _mm256_fmadd_ps(a7, b, c);
    a8 = _mm256_fmadd_ps(a8, b, c); a9 = _mm256_fmadd_ps(a9, b, c); a10 = _mm256_fmadd_ps(a10, b, c); a11 = _mm256_fmadd_ps(a11, b, c);
  }
  __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)), _mm256_add_ps(_mm256_add_ps(a4, a5), _mm256_add_ps(a6, a7)));
  s = _mm256_add_ps(s, _mm256_add_ps(_mm256_add_ps(a8, a9), _mm256_add_ps(a10, a11)));
  _mm256_storeu_ps((float*)out, s);  // keeps the chains live
  return NULL;
}
int main(int argc, char** argv) {
  int n = atoi(argv[1]);
  pthread_t t[256]; float out[256][8];
  double t0 = now();
  for (int i = 0; i < n; i++) pthread_create(&t[i], NULL, chains, out[i]);
  for (int i = 0; i < n; i++) pthread_join(t[i], NULL);
  double s = now() - t0;
  printf("{\"fma_peak\":true,\"threads\":%d,\"gflops\":%.1f,\"gflops_per_thread\":%.1f}\n", n, n * kIters * 12 * 16.0 / s / 1e9, kIters * 12 * 16.0 / s / 1e9);
  return 0;
}
C
gcc -O2 -mavx2 -mfma -pthread "$dir/fma.c" -o "$dir/fma"
"$dir/fma" 1
"$dir/fma" "$(nproc)"
