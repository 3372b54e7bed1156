#ifndef CBACKPROP_KERNELS_H
#define CBACKPROP_KERNELS_H

/// Which SIMD instruction sets this CPU offers: 2 = AVX-512F, 1 = AVX2 with FMA, 0 = neither.
int bp_cpu_simd_level(void);

// MARK: - SGEMM register tiles
//
// Tile kernels compute C[rows x cols] ← α·Ã·B̃ + β·C (row stride ldc) from packed panels:
// Ã holds kc groups of MR values (column p of the MR-row block), B̃ holds kc groups of NR
// values (row p of the NR-column block). rows ≤ MR, cols ≤ NR; padding in the panels must be
// zero. With β = 0, C is not read.

#define BP_MR_AVX512 8
#define BP_NR_AVX512 32
#define BP_MR_AVX2 6
#define BP_NR_AVX2 16
#define BP_MR_PORTABLE 4
#define BP_NR_PORTABLE 8

void bp_sgemm_tile_avx512(long kc, const float *a, const float *b, float *c, long ldc,
                          float alpha, float beta, long rows, long cols);
void bp_sgemm_tile_avx2(long kc, const float *a, const float *b, float *c, long ldc,
                        float alpha, float beta, long rows, long cols);
void bp_sgemm_tile_portable(long kc, const float *a, const float *b, float *c, long ldc,
                            float alpha, float beta, long rows, long cols);

/// The same with NR/2 columns: panels B̃ hold kc groups of NR/2 values.
void bp_sgemm_half_tile_avx512(long kc, const float *a, const float *b, float *c, long ldc,
                               float alpha, float beta, long rows, long cols);
void bp_sgemm_half_tile_avx2(long kc, const float *a, const float *b, float *c, long ldc,
                             float alpha, float beta, long rows, long cols);
void bp_sgemm_half_tile_portable(long kc, const float *a, const float *b, float *c, long ldc,
                                 float alpha, float beta, long rows, long cols);

// MARK: - SGEMM with at most 16 columns
//
// C (m x n, n ≤ 16) ← α·A·B̃ + β·C without packing A: A[i][p] = a[i*ars + p*acs],
// B̃ = k rows of 16 floats (columns ≥ n zero), C[i][j] = c[i*crs + j*ccs]. Rows are processed
// in blocks of BP_SKINNY_ROWS_*; every element's value is independent of the blocking.

#define BP_SKINNY_WIDTH 16
#define BP_SKINNY_ROWS_AVX512 8
#define BP_SKINNY_ROWS_AVX2 6
#define BP_SKINNY_ROWS_PORTABLE 2

void bp_sgemm_skinny_avx512(long m, long n, long k, float alpha, const float *a, long ars,
                            long acs, const float *bp, float beta, float *c, long crs,
                            long ccs);
void bp_sgemm_skinny_avx2(long m, long n, long k, float alpha, const float *a, long ars,
                          long acs, const float *bp, float beta, float *c, long crs,
                          long ccs);
void bp_sgemm_skinny_portable(long m, long n, long k, float alpha, const float *a, long ars,
                              long acs, const float *bp, float beta, float *c, long crs,
                              long ccs);

// MARK: - Per-thread scratch buffers

/// A 64-byte aligned buffer of at least `count` floats owned by the calling thread, one per
/// `slot` (0..<4). It is reused by later calls on the same thread and grown (contents lost)
/// when a larger count is asked for; freed when the thread exits. NULL if memory runs out.
float *bp_thread_buffer(int slot, long count);

// MARK: - Parallel loops

typedef void (*bp_parallel_task)(void *context, long worker);

/// Calls task(context, w) for w in 0..<workers, worker 0 on the calling thread and the others
/// on persistent helper threads (created on first use, then reused: no allocation once warm),
/// and returns when all have finished. If another thread's job holds the pool, the caller runs
/// every worker itself.
void bp_parallel_run(long workers, bp_parallel_task task, void *context);

// MARK: - Vector math (level as in bp_cpu_simd_level; in-place allowed: x == y)

void bp_vexp(const float *x, float *y, long count, int level);
void bp_vsigmoid(const float *x, float *y, long count, int level);
void bp_vtanh(const float *x, float *y, long count, int level);

// MARK: - Training step for networks with small layers

#include "small_network.h"


/// The per-step constants of an Adam/AdamW update (see Adam.swift for the rule).
typedef struct {
    float beta1, beta2, oneMinusBeta1, oneMinusBeta2;
    float coupledDecay;   // λ for Adam's L2-style decay, 0 for AdamW
    float shrink;         // 1 − α·λ for AdamW, 1 for Adam
    float stepSize;       // α / (1 − β₁ᵗ)
    float inverseRoot;    // 1 / √(1 − β₂ᵗ)
    float epsilon;
} bp_adam_constants;

/// One Adam/AdamW step over `count` parameters at SIMD level `level` (bp_cpu_simd_level()).
void bp_adam_update(float *theta, const float *gradient, float *m, float *v, long count,
                    const bp_adam_constants *constants, int level);

#endif
