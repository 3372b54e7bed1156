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
//   would hold). Edge tiles read from zero-padded copies so nothing past an operand is read.
//
// In both, an element's value does not depend on its position in a block or on how the
// caller splits C's columns between threads.

#include "CBackpropKernels.h"
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#define BP_X86 1
#define TARGET_AVX512 __attribute__((target("avx512f")))
#define TARGET_AVX2 __attribute__((target("avx2,fma")))
#endif

typedef float bp_v16 __attribute__((vector_size(64)));
typedef float bp_v8 __attribute__((vector_size(32)));
typedef float bp_v4 __attribute__((vector_size(16)));

#define LOADV(VT, p) ({ VT _v; memcpy(&_v, (p), sizeof(VT)); _v; })

// MARK: - Few rows: dot products along k

// C[i][j] = α·Σₚ A[i][p]·B[j][p] + β·C[i][j] for an R x S block of rows of A and rows of B.
// Rows past m (or n) repeat the last row and their results are dropped, so the vector code is
// the same for every block. k's tail (k mod LANES values) is read from zero-padded copies.
// The lane sum halves the vector until one value is left: the same order for every element.
#define DEFINE_DOT_KERNEL(NAME, ATTR, VT, LANES, R, S)                                      \
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
                memset(atail[r], 0, sizeof atail[r]);                                       \
                if (tail) memcpy(atail[r], arow[r] + kv, (size_t)tail * sizeof(float));     \
            }                                                                               \
            for (long j0 = 0; j0 < n; j0 += S) {                                            \
                const float *brow[S];                                                       \
                float btail[S][LANES];                                                      \
                for (int s = 0; s < S; s++) {                                               \
                    long j = j0 + s < n ? j0 + s : n - 1;                                   \
                    brow[s] = b + j * ldb;                                                  \
                    memset(btail[s], 0, sizeof btail[s]);                                   \
                    if (tail) memcpy(btail[s], brow[s] + kv, (size_t)tail * sizeof(float)); \
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
                        float lanes[LANES];                                                 \
                        memcpy(lanes, &acc[r][s], sizeof lanes);                            \
                        for (int width = LANES / 2; width >= 1; width /= 2)                 \
                            for (int x = 0; x < width; x++) lanes[x] += lanes[x + width];   \
                        float *target = c + (i0 + r) * ldc + j0 + s;                        \
                        *target = beta == 0.0f ? alpha * lanes[0]                           \
                                               : alpha * lanes[0] + beta * *target;         \
                    }                                                                       \
                }                                                                           \
            }                                                                               \
        }                                                                                   \
    }

#ifdef BP_X86
DEFINE_DOT_KERNEL(bp_sgemm_dot_avx512, TARGET_AVX512, bp_v16, 16, BP_DOT_ROWS_AVX512,
                  BP_DOT_COLUMNS_AVX512)
DEFINE_DOT_KERNEL(bp_sgemm_dot_avx2, TARGET_AVX2, bp_v8, 8, BP_DOT_ROWS_AVX2,
                  BP_DOT_COLUMNS_AVX2)
#endif
DEFINE_DOT_KERNEL(bp_sgemm_dot_portable, , bp_v4, 4, BP_DOT_ROWS_PORTABLE,
                  BP_DOT_COLUMNS_PORTABLE)

void bp_sgemm_dot(long m, long n, long k, float alpha, const float *a, long lda,
                  const float *b, long ldb, float beta, float *c, long ldc, int level) {
#ifdef BP_X86
    if (level >= 2) {
        bp_sgemm_dot_avx512(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    if (level == 1) {
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
    // Zero-padded copies for edge tiles: k x mr values of A, k x nr of B.
    float paddedA[BP_SMALL_K_MAX * 8];
    float paddedB[BP_SMALL_K_MAX * 32];
    for (long j0 = 0; j0 < n; j0 += nr) {
        long cols = n - j0 < nr ? n - j0 : nr;
        long width = 2 * cols <= nr ? nr / 2 : nr;
        const float *panelB = b + j0;
        long strideB = ldb;
        if (cols < width) {
            memset(paddedB, 0, sizeof(float) * (size_t)(k * width));
            for (long p = 0; p < k; p++)
                memcpy(paddedB + p * width, b + p * ldb + j0, (size_t)cols * sizeof(float));
            panelB = paddedB;
            strideB = width;
        }
        bp_strided_tile kernel = width < nr ? halfTile : tile;
        for (long i0 = 0; i0 < m; i0 += mr) {
            long rows = m - i0 < mr ? m - i0 : mr;
            const float *panelA = a + i0;
            long strideA = lda;
            if (rows < mr) {
                memset(paddedA, 0, sizeof(float) * (size_t)(k * mr));
                for (long p = 0; p < k; p++)
                    memcpy(paddedA + p * mr, a + p * lda + i0, (size_t)rows * sizeof(float));
                panelA = paddedA;
                strideA = mr;
            }
            kernel(k, panelA, strideA, panelB, strideB, c + i0 * ldc + j0, ldc, alpha, beta,
                   rows, cols);
        }
    }
}
