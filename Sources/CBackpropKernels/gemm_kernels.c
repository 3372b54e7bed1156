// Register-tile SGEMM kernels, one copy per instruction set.
//
// Each kernel body is written once with GCC/Clang vector extensions and instantiated with
// __attribute__((target(...))), so the same source gives zmm code on AVX-512, ymm code on
// AVX2+FMA and SSE2/NEON code elsewhere. The callers choose the copy at run time.
//
// Tile kernel: C[rows x cols] ← α·Ã·B̃ + β·C for packed panels Ã (kc x MR, MR values per k
// step) and B̃ (kc x NR, NR values per k step), rows ≤ MR, cols ≤ NR. Edge tiles run the same
// vector code on a local copy of the tile, so an element's value never depends on whether
// its tile was full. Half tiles (MR x NR/2) serve the last column panel when at most NR/2
// columns remain, so e.g. n = 300 wastes 4 columns instead of 20.
//
// Both kernels sum each element's k products in one accumulator, in order, and then store
// fl(α·acc) + β·C, never a fused multiply-add: α·acc is a statement of its own, and clang's
// default (-ffp-contract=on, what SwiftPM builds with) contracts only within one expression.
// With β = 1 (exact: β·C = C) that is C + fl(α·acc), rounded twice, so C ← C − α·G rounds
// exactly like the SGD kernel's θ − fl(α·g): the trainer can fuse plain SGD into a
// weight-gradient product (FusedFirstLayerUpdate.swift) without changing a bit. A build with
// -ffp-contract=fast would break that equality (FusedFirstLayerUpdateTests' betaOneRoundsTwice
// catches it); a `#pragma clang fp contract(off)` at the start of these blocks left 12 of the
// AVX2 strided tile's 36 FMAs in the compiled code and measured slower.
//
// Skinny kernel: C (m x n, n ≤ 16) ← α·A·B̃ + β·C for an unpacked A with arbitrary strides and
// B̃ packed as k rows of 16 (zero padded). C has arbitrary strides too, which lets the caller
// compute a product with few rows as the transposed product with few columns.

#include "CBackpropKernels.h"
#include "simd_vectors.h"

// C tile update for a tile held in memory at `ct` with row stride `ldct`.
#define TILE_UPDATE(VT, LANES, MR, NV, ct, ldct)                                      \
    do {                                                                               \
        if (beta == 0.0f) {                                                            \
            for (int r = 0; r < MR; r++)                                               \
                for (int v = 0; v < NV; v++)                                           \
                    STOREV(VT, (ct) + r * (ldct) + v * LANES, alpha * acc[r][v]);      \
        } else if (beta == 1.0f) {                                                     \
            for (int r = 0; r < MR; r++)                                               \
                for (int v = 0; v < NV; v++) {                                         \
                    VT old = LOADV(VT, (ct) + r * (ldct) + v * LANES);                 \
                    VT term = alpha * acc[r][v];                                       \
                    STOREV(VT, (ct) + r * (ldct) + v * LANES, old + term);             \
                }                                                                      \
        } else {                                                                       \
            for (int r = 0; r < MR; r++)                                               \
                for (int v = 0; v < NV; v++) {                                         \
                    VT old = LOADV(VT, (ct) + r * (ldct) + v * LANES);                 \
                    VT term = alpha * acc[r][v];                                       \
                    STOREV(VT, (ct) + r * (ldct) + v * LANES, term + beta * old);      \
                }                                                                      \
        }                                                                              \
    } while (0)

// The tile body reads A's values for step p at a + p·as and B's at b + p·bs: as = MR and
// bs = NR for packed panels (the constants let the compiler fold the strides), the operands'
// row strides for the unpacked small-k product.
#define DEFINE_TILE_KERNEL(NAME, ATTR, VT, LANES, MR, NV)                              \
    static inline __attribute__((always_inline)) ATTR void NAME##_body(                \
        long kc, const float *restrict a, long as, const float *restrict b, long bs,   \
        float *restrict c, long ldc, float alpha, float beta, long rows, long cols) {  \
        VT acc[MR][NV];                                                                \
        for (int r = 0; r < MR; r++)                                                   \
            for (int v = 0; v < NV; v++) acc[r][v] = (VT){0};                          \
        for (long p = 0; p < kc; p++) {                                                \
            VT bv[NV];                                                                 \
            for (int v = 0; v < NV; v++) bv[v] = LOADV(VT, b + v * LANES);             \
            for (int r = 0; r < MR; r++) {                                             \
                float av = a[r];                                                       \
                for (int v = 0; v < NV; v++) acc[r][v] += av * bv[v];                  \
            }                                                                          \
            a += as;                                                                   \
            b += bs;                                                                   \
        }                                                                              \
        if (rows == MR && cols == NV * LANES) {                                        \
            TILE_UPDATE(VT, LANES, MR, NV, c, ldc);                                    \
        } else {                                                                       \
            float tile[MR * NV * LANES];                                               \
            memset(tile, 0, sizeof tile);                                              \
            if (beta != 0.0f)                                                          \
                for (long r = 0; r < rows; r++)                                        \
                    for (long j = 0; j < cols; j++)                                    \
                        tile[r * NV * LANES + j] = c[r * ldc + j];                     \
            TILE_UPDATE(VT, LANES, MR, NV, tile, NV * LANES);                          \
            for (long r = 0; r < rows; r++)                                            \
                for (long j = 0; j < cols; j++)                                        \
                    c[r * ldc + j] = tile[r * NV * LANES + j];                         \
        }                                                                              \
    }                                                                                  \
    ATTR void NAME(long kc, const float *a, const float *b, float *c, long ldc,        \
                   float alpha, float beta, long rows, long cols) {                    \
        NAME##_body(kc, a, MR, b, NV * LANES, c, ldc, alpha, beta, rows, cols);        \
    }                                                                                  \
    ATTR void NAME##_strided(long kc, const float *a, long as, const float *b, long bs,\
                             float *c, long ldc, float alpha, float beta, long rows,   \
                             long cols) {                                              \
        NAME##_body(kc, a, as, b, bs, c, ldc, alpha, beta, rows, cols);                \
    }

// One block of R rows of the skinny product; acc holds 16 columns per row.
#define SKINNY_BLOCK(VT, LANES, NV, R, ROW_STORE)                                               \
    do {                                                                               \
        VT acc[R][NV];                                                                 \
        for (int r = 0; r < R; r++)                                                    \
            for (int v = 0; v < NV; v++) acc[r][v] = (VT){0};                          \
        const float *arow[R];                                                          \
        for (int r = 0; r < R; r++) arow[r] = a + (i + r) * ars;                       \
        const float *bq = bp;                                                          \
        for (long p = 0; p < k; p++) {                                                 \
            VT bv[NV];                                                                 \
            for (int v = 0; v < NV; v++) bv[v] = LOADV(VT, bq + v * LANES);            \
            for (int r = 0; r < R; r++) {                                              \
                float av = arow[r][p * acs];                                           \
                for (int v = 0; v < NV; v++) acc[r][v] += av * bv[v];                  \
            }                                                                          \
            bq += 16;                                                                  \
        }                                                                              \
        _Pragma("clang loop unroll(full)")                                             \
        for (int r = 0; r < R; r++) {                                                  \
            float *crow = c + (i + r) * crs;                                           \
            if (ccs == 1 && ROW_STORE(crow, r)) continue;                              \
            float row[16];                                                             \
            if (beta == 0.0f) {                                                        \
                for (int v = 0; v < NV; v++) STOREV(VT, row + v * LANES, alpha * acc[r][v]); \
            } else {                                                                   \
                memset(row, 0, sizeof row);                                            \
                for (long j = 0; j < n; j++) row[j] = crow[j * ccs];                   \
                for (int v = 0; v < NV; v++) {                                         \
                    VT old = LOADV(VT, row + v * LANES);                               \
                    VT term = alpha * acc[r][v];                                       \
                    STOREV(VT, row + v * LANES, term + beta * old);                    \
                }                                                                      \
            }                                                                          \
            for (long j = 0; j < n; j++) crow[j * ccs] = row[j];                       \
        }                                                                              \
    } while (0)

// Contiguous C rows (ccs == 1) are stored straight from the registers with masked
// stores where the instruction set has them; a round trip through a stack buffer would stall
// on store-to-load forwarding once per row. Same arithmetic as the buffered path.
#define NO_ROW_STORE(crow, r) 0
#ifdef BP_X86
#include <immintrin.h>
#define AVX512_ROW_STORE(crow, r)                                                      \
    ({                                                                                 \
        __mmask16 mask = (__mmask16)((1u << n) - 1u);                                  \
        bp_v16 result;                                                                 \
        if (beta == 0.0f) {                                                            \
            result = alpha * acc[r][0];                                                \
        } else {                                                                       \
            bp_v16 old = (bp_v16)_mm512_maskz_loadu_ps(mask, crow);                    \
            bp_v16 term = alpha * acc[r][0];                                           \
            result = term + beta * old;                                                \
        }                                                                              \
        _mm512_mask_storeu_ps(crow, mask, (__m512)result);                             \
        1;                                                                             \
    })
#define AVX2_ROW_STORE(crow, r)                                                        \
    ({                                                                                 \
        const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);              \
        for (int v = 0; v < 2; v++) {                                                  \
            __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n - 8 * v), lanes); \
            bp_v8 result;                                                              \
            if (beta == 0.0f) {                                                        \
                result = alpha * acc[r][v];                                            \
            } else {                                                                   \
                bp_v8 old = (bp_v8)_mm256_maskload_ps(crow + 8 * v, mask);             \
                bp_v8 term = alpha * acc[r][v];                                        \
                result = term + beta * old;                                            \
            }                                                                          \
            _mm256_maskstore_ps(crow + 8 * v, mask, (__m256)result);                   \
        }                                                                              \
        1;                                                                             \
    })
#endif

#define DEFINE_SKINNY_KERNEL(NAME, ATTR, VT, LANES, NV, RB, ROW_STORE)                 \
    ATTR void NAME(long m, long n, long k, float alpha, const float *a, long ars,      \
                   long acs, const float *bp, float beta, float *c, long crs,          \
                   long ccs) {                                                         \
        long i = 0;                                                                    \
        for (; i + RB <= m; i += RB) SKINNY_BLOCK(VT, LANES, NV, RB, ROW_STORE);       \
        for (; i < m; i++) SKINNY_BLOCK(VT, LANES, NV, 1, ROW_STORE);                  \
    }

#ifdef BP_X86
DEFINE_TILE_KERNEL(bp_sgemm_tile_avx512, TARGET_AVX512, bp_v16, 16, BP_MR_AVX512, 2)
DEFINE_TILE_KERNEL(bp_sgemm_tile_avx2, TARGET_AVX2, bp_v8, 8, BP_MR_AVX2, 2)
DEFINE_TILE_KERNEL(bp_sgemm_half_tile_avx512, TARGET_AVX512, bp_v16, 16, BP_MR_AVX512, 1)
DEFINE_TILE_KERNEL(bp_sgemm_half_tile_avx2, TARGET_AVX2, bp_v8, 8, BP_MR_AVX2, 1)
DEFINE_SKINNY_KERNEL(bp_sgemm_skinny_avx512, TARGET_AVX512, bp_v16, 16, 1, BP_SKINNY_ROWS_AVX512,
                     AVX512_ROW_STORE)
DEFINE_SKINNY_KERNEL(bp_sgemm_skinny_avx2, TARGET_AVX2, bp_v8, 8, 2, BP_SKINNY_ROWS_AVX2,
                     AVX2_ROW_STORE)
#else
// Other CPUs have only the portable kernels; these names fall back to them.
void bp_sgemm_tile_avx512(long kc, const float *a, const float *b, float *c, long ldc,
                          float alpha, float beta, long rows, long cols) {
    bp_sgemm_tile_portable(kc, a, b, c, ldc, alpha, beta, rows, cols);
}
void bp_sgemm_tile_avx2(long kc, const float *a, const float *b, float *c, long ldc,
                        float alpha, float beta, long rows, long cols) {
    bp_sgemm_tile_portable(kc, a, b, c, ldc, alpha, beta, rows, cols);
}
void bp_sgemm_half_tile_avx512(long kc, const float *a, const float *b, float *c, long ldc,
                               float alpha, float beta, long rows, long cols) {
    bp_sgemm_half_tile_portable(kc, a, b, c, ldc, alpha, beta, rows, cols);
}
void bp_sgemm_half_tile_avx2(long kc, const float *a, const float *b, float *c, long ldc,
                             float alpha, float beta, long rows, long cols) {
    bp_sgemm_half_tile_portable(kc, a, b, c, ldc, alpha, beta, rows, cols);
}
void bp_sgemm_skinny_avx512(long m, long n, long k, float alpha, const float *a, long ars,
                            long acs, const float *bp, float beta, float *c, long crs,
                            long ccs) {
    bp_sgemm_skinny_portable(m, n, k, alpha, a, ars, acs, bp, beta, c, crs, ccs);
}
void bp_sgemm_skinny_avx2(long m, long n, long k, float alpha, const float *a, long ars,
                          long acs, const float *bp, float beta, float *c, long crs,
                          long ccs) {
    bp_sgemm_skinny_portable(m, n, k, alpha, a, ars, acs, bp, beta, c, crs, ccs);
}
#endif
DEFINE_TILE_KERNEL(bp_sgemm_tile_portable, , bp_v4, 4, BP_MR_PORTABLE, 2)
DEFINE_TILE_KERNEL(bp_sgemm_half_tile_portable, , bp_v4, 4, BP_MR_PORTABLE, 1)
DEFINE_SKINNY_KERNEL(bp_sgemm_skinny_portable, , bp_v4, 4, 4, BP_SKINNY_ROWS_PORTABLE,
                     NO_ROW_STORE)
