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

// MARK: - Products of a small batch (no packing; see gemm_small_batch.c)

/// C (m x n) ← α·A·Bᵀ + β·C with A[i][p] = a[i*lda + p] and B[j][p] = b[j*ldb + p]: dot
/// products along k in blocks of BP_DOT_ROWS x BP_DOT_COLUMNS, or 5 x 5 with AVX-512 where
/// that repeats fewer rows, 2 x 5 with AVX2 where that repeats no more columns. For few rows
/// (m ≤ 16). The epilogue α·sum + β·C may contract into a fused multiply-add: this path never
/// serves FusedFirstLayerUpdate (NativeGEMM.sumsInOneAccumulator).
#define BP_DOT_ROWS_AVX512 4
#define BP_DOT_COLUMNS_AVX512 6
#define BP_DOT_ROWS_AVX2 2
#define BP_DOT_COLUMNS_AVX2 4
#define BP_DOT_ROWS_PORTABLE 2
#define BP_DOT_COLUMNS_PORTABLE 4
void bp_sgemm_dot(long m, long n, long k, float alpha, const float *a, long lda,
                  const float *b, long ldb, float beta, float *c, long ldc, int level);

/// C (m x n) ← α·Aᵀ·B + β·C with A[p][i] = a[p*lda + i] and B[p][j] = b[p*ldb + j], for
/// k ≤ BP_SMALL_K_MAX: the register-tile kernels read A and B in place.
#define BP_SMALL_K_MAX 16
void bp_sgemm_small_k(long m, long n, long k, float alpha, const float *a, long lda,
                      const float *b, long ldb, float beta, float *c, long ldc, int level);

/// The tile kernels with A's values for step p at a + p·as and B's at b + p·bs.
void bp_sgemm_tile_avx512_strided(long kc, const float *a, long as, const float *b, long bs,
                                  float *c, long ldc, float alpha, float beta, long rows,
                                  long cols);
void bp_sgemm_tile_avx2_strided(long kc, const float *a, long as, const float *b, long bs,
                                float *c, long ldc, float alpha, float beta, long rows,
                                long cols);
void bp_sgemm_tile_portable_strided(long kc, const float *a, long as, const float *b, long bs,
                                    float *c, long ldc, float alpha, float beta, long rows,
                                    long cols);
void bp_sgemm_half_tile_avx512_strided(long kc, const float *a, long as, const float *b,
                                       long bs, float *c, long ldc, float alpha, float beta,
                                       long rows, long cols);
void bp_sgemm_half_tile_avx2_strided(long kc, const float *a, long as, const float *b,
                                     long bs, float *c, long ldc, float alpha, float beta,
                                     long rows, long cols);
void bp_sgemm_half_tile_portable_strided(long kc, const float *a, long as, const float *b,
                                         long bs, float *c, long ldc, float alpha, float beta,
                                         long rows, long cols);

// MARK: - Panel packing
//
// Copies a depth x across block, element (across x, depth p) at
// source[x*acrossStride + p*depthStride], into panels of panelWidth (W) across-values:
// target[q*W*depth + p*w + x] = element (q*W + x, p), zero for q*W + x ≥ across. w = W for every
// panel except that, with allowHalfPanel, a last panel holding at most W/2 values is W/2 wide.
// Fast paths for acrossStride == 1 and depthStride == 1; level as in bp_cpu_simd_level().

void bp_pack_panels(const float *source, long acrossStride, long depthStride, long across,
                    long depth, long panelWidth, int allowHalfPanel, float *target, int level);

// MARK: - Per-thread scratch buffers

/// A 128-byte aligned buffer of at least `count` floats owned by the calling thread, one per
/// `slot` (0..<4). It is reused by later calls on the same thread and grown (contents lost)
/// when a larger count is asked for; freed when the thread exits. NULL if memory runs out.
float *bp_thread_buffer(int slot, long count);

// MARK: - Activation gradients, bias broadcast, column sums (bitwise equal to the Swift rules)

/// a = z if z > 0 or z is NaN, else 0.
void bp_relu_forward(const float *z, float *a, long count, int level);
/// dZ = dA if z > 0, else 0.
void bp_relu_backward(const float *z, const float *dA, float *dZ, long count, int level);
/// dZ = dA·a·(1 − a), evaluated left to right.
void bp_sigmoid_backward(const float *a, const float *dA, float *dZ, long count, int level);
/// dZ = dA·(1 − a·a).
void bp_tanh_backward(const float *a, const float *dA, float *dZ, long count, int level);
/// x[r][c] += row[c] for a rows x columns row-major x.
void bp_add_row_vector(float *x, long rows, long columns, const float *row, int level);
/// sums[c] = Σᵣ x[r][c], rows added in order 0, 1, … for every column.
void bp_sum_columns(const float *x, long rows, long columns, float *sums, int level);

// MARK: - Finite check

/// 1 if none of the `count` values is NaN or ±∞, else 0 (level as in bp_cpu_simd_level).
int bp_all_finite(const float *values, long count, int level);
/// max |values[i]|, 0 for no values, +∞ when any value is NaN or ±∞ (exact at every level).
float bp_max_magnitude(const float *values, long count, int level);

// MARK: - Batch gathering

/// Copies `count` rows of `rowBytes` bytes: destination row r ← source row rows[r] (or
/// firstRow + r when rows is NULL). Rows are copied in groups, line by line, so that the
/// cache misses of scattered rows overlap.
void bp_gather_rows(void *destination, const void *source, const long *rows, long firstRow,
                    long count, long rowBytes);

// MARK: - Parallel loops

typedef void (*bp_parallel_task)(void *context, long worker);

/// Calls task(context, w) for w in 0..<workers, worker 0 on the calling thread and the others
/// on persistent helper threads (created on first use, then reused: no allocation once warm),
/// and returns when all have finished. If another thread's job holds the pool, the caller runs
/// every worker itself. Helpers run the job with the caller's subnormal flush bits
/// (bp_flush_subnormals_get), so a flushed or unflushed result never depends on which thread
/// computed it.
void bp_parallel_run(long workers, bp_parallel_task task, void *context);

// MARK: - Subnormal numbers

// MARK: - The calling thread's backend (thread_backend.c)

/// A backend setting as Swift's `Backend` stores it: `kind` its index in `Backend.Kind`, `threads`
/// its worker threads, `level` its SIMD level; all zero (threads 0) for "never set".
typedef struct {
    int kind;
    int threads;
    int level;
} bp_backend_setting;

/// The calling thread's setting (all zero on a thread that never set one).
bp_backend_setting bp_thread_backend(void);
/// Replaces the calling thread's setting.
void bp_set_thread_backend(bp_backend_setting setting);

/// Whether this CPU's calling thread can flush subnormal values to zero (x86, arm64).
int bp_flush_subnormals_supported(void);
/// The flush bits of a thread that flushes subnormal results and inputs (Float and Double) to
/// ±0: x86 MXCSR FTZ | DAZ, arm64 FPCR.FZ; 0 where unsupported.
int bp_flush_subnormals_all(void);
/// The calling thread's flush bits (a subset of bp_flush_subnormals_all(); 0: IEEE 754).
int bp_flush_subnormals_get(void);
/// Sets the calling thread's flush bits to `bits` (as bp_flush_subnormals_get returns them),
/// leaving the rest of its floating-point state alone. No effect where unsupported.
void bp_flush_subnormals_set(int bits);

// MARK: - Vector math (level as in bp_cpu_simd_level; in-place allowed: x == y)

void bp_vexp(const float *x, float *y, long count, int level);
void bp_vsigmoid(const float *x, float *y, long count, int level);
void bp_vtanh(const float *x, float *y, long count, int level);

// What bp_bias_activation computes into a.
enum {
    BP_ACTIVATION_IDENTITY = 0,   // a = z
    BP_ACTIVATION_SIGMOID = 1,    // a = σ(z), as bp_vsigmoid
    BP_ACTIVATION_TANH = 2,       // a = tanh(z), as bp_vtanh
    BP_ACTIVATION_RELU = 3        // a = z if z > 0 or z is NaN, else 0, as bp_relu_forward
};
/// For a rows x columns block of z (row stride ldz): z[r][c] += bias[c] when bias is not
/// NULL, then, when a is not NULL, a[r][c] = g(z[r][c]) (row stride lda) for the activation g
/// numbered `activation`. Every value is rounded as bp_add_row_vector and the activation's own
/// kernel round it, so applying this to blocks of a product's result as they are finished
/// gives the same bits as the separate passes over the whole result.
void bp_bias_activation(float *z, long rows, long columns, long ldz, const float *bias,
                        float *a, long lda, int activation, int level);
/// BP2's ⊙ g′ for a rows x columns block: dZ[r][c] = dA[r][c]·g′ as the activation's backward
/// kernel computes it from `source` (z for ReLU, a = g(z) for sigmoid and tanh; identity
/// copies dA), each row at its own stride. Every value rounds as in bp_relu_backward,
/// bp_sigmoid_backward and bp_tanh_backward over the whole array (they are elementwise, with
/// contraction off).
void bp_activation_gradient(const float *dA, long rows, long columns, long ldA, const float *source,
                            long ldSource, float *dZ, long ldZ, int activation, int level);

// MARK: - Training step for networks with small layers

#include "small_network.h"


/// The per-step constants of an SGD update (see SGD.swift for the rule).
typedef struct {
    float learningRate, weightDecay, momentum;
    float keep;          // 1 − dampening
    int nesterov;
    int firstStep;       // the velocity starts as the first gradient
} bp_sgd_constants;

/// One SGD step over `count` parameters; `velocity` is NULL without momentum.
void bp_sgd_update(float *theta, const float *gradient, float *velocity, long count,
                   const bp_sgd_constants *constants, int level);

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
