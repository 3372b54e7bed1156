// Matrix products of a small batch, without packing.
//
// A training step on a batch of b ≤ 16 examples has two products of this kind per dense layer
// of width n over inputs of width k (row-major, one example per row):
//
//   forward  Z = X·Wᵀ   (b x n) = (b x k)·(n x k)ᵀ: few rows, both operands contiguous along k;
//   backward ∂W = δᵀ·X  (n x k) = (b x n)ᵀ·(b x k): a sum of only b outer products.
//
// Packing them for the register-tile kernels costs as much as the products themselves, so:
//
// - `bp_sgemm_dot_*` computes C = α·A·Bᵀ + β·C as R x S blocks of dot products along k, read
//   straight from A's and B's rows; each C element is one vector accumulator reduced across
//   its lanes in a fixed order at the end.
// - `bp_sgemm_small_k` computes C = α·Aᵀ·B + β·C for k ≤ BP_SMALL_K_MAX with the register-tile
//   kernels reading A and B in place (A's rows are exactly the MR-value groups a packed panel
//   would hold). Edge tiles are recomputed in place or read zero-padded copies, so nothing
//   past an operand is read.
//
// In both, an element's value does not depend on its position in a block or on how the
// caller splits C's rows or columns between threads.

#include "CBackpropKernels.h"
#include "simd_vectors.h"

// MARK: - Few rows: dot products along k

// Lane sums in one fixed order: the upper half is added to the lower half until one lane is
// left (16 → 8 → 4 → 2 → 1), the same for every element and every level's width.
#define REDUCE4(v)                                                                          \
    ({                                                                                      \
        bp_v4 _q = (v);                                                                     \
        bp_v4 _h = _q + __builtin_shufflevector(_q, _q, 2, 3, 2, 3);                        \
        _h[0] + _h[1];                                                                      \
    })
#define REDUCE8(v)                                                                          \
    ({                                                                                      \
        bp_v8 _o = (v);                                                                     \
        REDUCE4(__builtin_shufflevector(_o, _o, 0, 1, 2, 3) + __builtin_shufflevector(_o, _o, 4, 5, 6, 7)); \
    })
#define REDUCE16(v)                                                                         \
    ({                                                                                      \
        bp_v16 _x = (v);                                                                    \
        REDUCE8(__builtin_shufflevector(_x, _x, 0, 1, 2, 3, 4, 5, 6, 7)                     \
                + __builtin_shufflevector(_x, _x, 8, 9, 10, 11, 12, 13, 14, 15));           \
    })

// C[i][j] = α·Σₚ A[i][p]·B[j][p] + β·C[i][j] for an R x S block of rows of A and rows of B.
// Rows past m (or n) repeat the last row and their results are dropped, so the vector code is
// the same for every block. k's tail (k mod LANES values) is read from zero-padded copies.
// The lane sum halves the vector until one value is left: the same order for every element.
#define DEFINE_DOT_KERNEL(NAME, ATTR, VT, LANES, R, S, REDUCE)                                    \
    ATTR void NAME(long m, long n, long k, float alpha, const float *a, long lda,           \
                   const float *b, long ldb, float beta, float *c, long ldc) {              \
        long kv = k / LANES * LANES;                                                        \
        long tail = k - kv;                                                                 \
        for (long i0 = 0; i0 < m; i0 += R) {                                                \
            const float *arow[R];                                                           \
            float atail[R][LANES];                                                          \
            for (int r = 0; r < R; r++) {                                                   \
                long i = i0 + r < m ? i0 + r : m - 1;                                       \
                arow[r] = a + i * lda;                                                      \
                if (tail) {                                                                 \
                    memset(atail[r], 0, sizeof atail[r]);                                   \
                    memcpy(atail[r], arow[r] + kv, (size_t)tail * sizeof(float));           \
                }                                                                           \
            }                                                                               \
            for (long j0 = 0; j0 < n; j0 += S) {                                            \
                const float *brow[S];                                                       \
                float btail[S][LANES];                                                      \
                for (int s = 0; s < S; s++) {                                               \
                    long j = j0 + s < n ? j0 + s : n - 1;                                   \
                    brow[s] = b + j * ldb;                                                  \
                    if (tail) {                                                             \
                        memset(btail[s], 0, sizeof btail[s]);                               \
                        memcpy(btail[s], brow[s] + kv, (size_t)tail * sizeof(float));       \
                    }                                                                       \
                }                                                                           \
                VT acc[R][S];                                                               \
                for (int r = 0; r < R; r++)                                                 \
                    for (int s = 0; s < S; s++) acc[r][s] = (VT){0};                        \
                for (long p = 0; p < kv; p += LANES) {                                      \
                    VT av[R];                                                               \
                    for (int r = 0; r < R; r++) av[r] = LOADV(VT, arow[r] + p);             \
                    for (int s = 0; s < S; s++) {                                           \
                        VT bv = LOADV(VT, brow[s] + p);                                     \
                        for (int r = 0; r < R; r++) acc[r][s] += av[r] * bv;                \
                    }                                                                       \
                }                                                                           \
                if (tail) {                                                                 \
                    for (int s = 0; s < S; s++) {                                           \
                        VT bv = LOADV(VT, btail[s]);                                        \
                        for (int r = 0; r < R; r++) acc[r][s] += LOADV(VT, atail[r]) * bv;  \
                    }                                                                       \
                }                                                                           \
                for (int r = 0; r < R && i0 + r < m; r++) {                                 \
                    for (int s = 0; s < S && j0 + s < n; s++) {                             \
                        float sum = REDUCE(acc[r][s]);                                      \
                        float *target = c + (i0 + r) * ldc + j0 + s;                        \
                        *target = beta == 0.0f ? alpha * sum : alpha * sum + beta * *target; \
                    }                                                                       \
                }                                                                           \
            }                                                                               \
        }                                                                                   \
    }

#ifdef BP_X86
DEFINE_DOT_KERNEL(bp_sgemm_dot_avx512, TARGET_AVX512, bp_v16, 16, BP_DOT_ROWS_AVX512,
                  BP_DOT_COLUMNS_AVX512, REDUCE16)
// 5 x 5 blocks for m = 5, 10, 15 (no repeated rows; 25 accumulators and 6 operands fit the
// 32 registers).
DEFINE_DOT_KERNEL(bp_sgemm_dot5_avx512, TARGET_AVX512, bp_v16, 16, 5, 5, REDUCE16)
DEFINE_DOT_KERNEL(bp_sgemm_dot_avx2, TARGET_AVX2, bp_v8, 8, BP_DOT_ROWS_AVX2,
                  BP_DOT_COLUMNS_AVX2, REDUCE8)
// 2 x 5 blocks: 10 accumulators and 3 operands of the 16 registers, 7 loads per 10 FMAs
// (2 x 4: 6 per 8). For n = 30, 15 or 10 no column is repeated: online's Z = X·Wᵀ (10x784x30)
// measured faster on one thread and on two (figures in docs/performance.md, "Design
// measurements").
DEFINE_DOT_KERNEL(bp_sgemm_dot5_avx2, TARGET_AVX2, bp_v8, 8, BP_DOT_ROWS_AVX2, 5, REDUCE8)
#endif
DEFINE_DOT_KERNEL(bp_sgemm_dot_portable, , bp_v4, 4, BP_DOT_ROWS_PORTABLE,
                  BP_DOT_COLUMNS_PORTABLE, REDUCE4)

void bp_sgemm_dot(long m, long n, long k, float alpha, const float *a, long lda,
                  const float *b, long ldb, float beta, float *c, long ldc, int level) {
#ifdef BP_X86
    if (level >= 2) {
        // Blocks of 4 rows repeat rows when m is not a multiple of 4; take 5 where that
        // repeats fewer. The block shape does not change any element's arithmetic.
        long waste4 = (m + 3) / 4 * 4 - m, waste5 = (m + 4) / 5 * 5 - m;
        if (waste5 < waste4)
            bp_sgemm_dot5_avx512(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        else
            bp_sgemm_dot_avx512(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    if (level == 1) {
        // Blocks of 5 columns unless they repeat more columns than blocks of 4.
        long waste4 = (n + 3) / 4 * 4 - n, waste5 = (n + 4) / 5 * 5 - n;
        if (waste5 <= waste4)
            bp_sgemm_dot5_avx2(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        else
            bp_sgemm_dot_avx2(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
#endif
    (void)level;
    bp_sgemm_dot_portable(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

// MARK: - Small k: register tiles over unpacked operands

typedef void (*bp_strided_tile)(long kc, const float *a, long as, const float *b, long bs,
                                float *c, long ldc, float alpha, float beta, long rows,
                                long cols);

void bp_sgemm_small_k(long m, long n, long k, float alpha, const float *a, long lda,
                      const float *b, long ldb, float beta, float *c, long ldc, int level) {
    long mr = BP_MR_PORTABLE, nr = BP_NR_PORTABLE;
    bp_strided_tile tile = bp_sgemm_tile_portable_strided;
    bp_strided_tile halfTile = bp_sgemm_half_tile_portable_strided;
#ifdef BP_X86
    if (level >= 2) {
        mr = BP_MR_AVX512;
        nr = BP_NR_AVX512;
        tile = bp_sgemm_tile_avx512_strided;
        halfTile = bp_sgemm_half_tile_avx512_strided;
    } else if (level == 1) {
        mr = BP_MR_AVX2;
        nr = BP_NR_AVX2;
        tile = bp_sgemm_tile_avx2_strided;
        halfTile = bp_sgemm_half_tile_avx2_strided;
    }
#endif
    // Edge tiles. With β = 0 and an operand at least a tile wide, the last tile moves back to
    // end at the edge and recomputes a few elements of its neighbour: the same arithmetic on
    // the same values, so the same bits are stored twice. Otherwise the edge reads zero-padded
    // copies (k x mr values of A, made once; k x nr of B).
    int shiftRows = beta == 0.0f && m >= mr;
    float paddedA[BP_SMALL_K_MAX * 8];
    float paddedB[BP_SMALL_K_MAX * 32];
    long lastRows = m % mr;
    if (lastRows != 0 && !shiftRows) {
        memset(paddedA, 0, sizeof(float) * (size_t)(k * mr));
        for (long p = 0; p < k; p++)
            memcpy(paddedA + p * mr, a + p * lda + (m - lastRows), (size_t)lastRows * sizeof(float));
    }
    for (long j0 = 0; j0 < n; j0 += nr) {
        long cols = n - j0 < nr ? n - j0 : nr;
        long width = 2 * cols <= nr ? nr / 2 : nr;
        long start = j0;
        const float *panelB = b + j0;
        long strideB = ldb;
        if (cols < width) {
            if (beta == 0.0f && n >= width) {
                start = n - width;
                cols = width;
                panelB = b + start;
            } else {
                memset(paddedB, 0, sizeof(float) * (size_t)(k * width));
                for (long p = 0; p < k; p++)
                    memcpy(paddedB + p * width, b + p * ldb + j0, (size_t)cols * sizeof(float));
                panelB = paddedB;
                strideB = width;
            }
        }
        bp_strided_tile kernel = width < nr ? halfTile : tile;
        for (long i0 = 0; i0 < m; i0 += mr) {
            long rows = m - i0 < mr ? m - i0 : mr;
            long top = i0;
            const float *panelA = a + i0;
            long strideA = lda;
            if (rows < mr) {
                if (shiftRows) {
                    top = m - mr;
                    rows = mr;
                    panelA = a + top;
                } else {
                    panelA = paddedA;
                    strideA = mr;
                }
            }
            kernel(k, panelA, strideA, panelB, strideB, c + top * ldc + start, ldc, alpha, beta,
                   rows, cols);
        }
    }
}
