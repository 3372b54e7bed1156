// Panel packing for the packed SGEMM path, one copy per instruction set.
//
// A depth x across block, element (across x, depth p) at source[x·acrossStride + p·depthStride],
// is copied into panels of W = panelWidth across-values: panel q starts at target + q·W·depth
// and holds, for p = 0..<depth, the w values at across-index q·W ..< q·W + w (zero past
// `across`) at panel + p·w. w = W, except that with allowHalfPanel a last panel holding at most
// W/2 values is W/2 wide (the half-tile kernels read it).
//
// Three loops, chosen from the strides:
// - acrossStride == 1 (op(B) not transposed, op(A) transposed): each depth step is one
//   contiguous run of `across` values, dealt out to the panels with vector copies, a block
//   of 8 steps at a time.
// - depthStride == 1 (X into MR-row panels, W into NR-wide panels for Z = X·Wᵀ): w rows, each
//   contiguous along depth, are read 8 depth steps at a time and transposed in registers,
//   8x8 (or 4x4 where fewer than 8 panel columns remain), so each panel is written in order.
//   Rows past `across` enter the transpose as zeros, which is the panel's zero fill.
// - Any other strides: a plain loop.
//
// The body is written once with vector extensions and instantiated with
// __attribute__((target(...))); the caller passes the level from bp_cpu_simd_level(). The
// output is a copy, so every copy is bitwise identical.

#include "CBackpropKernels.h"
#include "simd_vectors.h"

/// Width of the panel whose first across-index is x0 (all but the last are full).
static inline long bp_panel_width(long across, long x0, long fullWidth, int allowHalfPanel) {
    long width = across - x0 < fullWidth ? across - x0 : fullWidth;
    return allowHalfPanel && 2 * width <= fullWidth ? fullWidth / 2 : fullWidth;
}

/// The plain loop, for strides with neither one equal to 1.
static void bp_pack_general(const float *restrict source, long acrossStride, long depthStride,
                            long across, long depth, long fullWidth, int allowHalfPanel,
                            float *restrict target) {
    for (long x0 = 0; x0 < across; x0 += fullWidth) {
        long width = across - x0 < fullWidth ? across - x0 : fullWidth;
        long w = bp_panel_width(across, x0, fullWidth, allowHalfPanel);
        const float *origin = source + x0 * acrossStride;
        float *panel = target + x0 * depth;
        for (long p = 0; p < depth; p++) {
            float *to = panel + p * w;
            for (long x = 0; x < width; x++) to[x] = origin[x * acrossStride + p * depthStride];
            for (long x = width; x < w; x++) to[x] = 0.0f;
        }
    }
}

// In-register transposes: on return r[i] holds lane i of each input vector, in order.
#define TRANSPOSE_8X8(r)                                                               \
    do {                                                                               \
        bp_v8 t0 = __builtin_shufflevector(r[0], r[1], 0, 8, 1, 9, 4, 12, 5, 13);      \
        bp_v8 t1 = __builtin_shufflevector(r[0], r[1], 2, 10, 3, 11, 6, 14, 7, 15);    \
        bp_v8 t2 = __builtin_shufflevector(r[2], r[3], 0, 8, 1, 9, 4, 12, 5, 13);      \
        bp_v8 t3 = __builtin_shufflevector(r[2], r[3], 2, 10, 3, 11, 6, 14, 7, 15);    \
        bp_v8 t4 = __builtin_shufflevector(r[4], r[5], 0, 8, 1, 9, 4, 12, 5, 13);      \
        bp_v8 t5 = __builtin_shufflevector(r[4], r[5], 2, 10, 3, 11, 6, 14, 7, 15);    \
        bp_v8 t6 = __builtin_shufflevector(r[6], r[7], 0, 8, 1, 9, 4, 12, 5, 13);      \
        bp_v8 t7 = __builtin_shufflevector(r[6], r[7], 2, 10, 3, 11, 6, 14, 7, 15);    \
        /* u0: lanes 0|4 of rows 0-3, u1: 1|5, u2: 2|6, u3: 3|7; u4-u7 rows 4-7 */      \
        bp_v8 u0 = __builtin_shufflevector(t0, t2, 0, 1, 8, 9, 4, 5, 12, 13);          \
        bp_v8 u1 = __builtin_shufflevector(t0, t2, 2, 3, 10, 11, 6, 7, 14, 15);        \
        bp_v8 u2 = __builtin_shufflevector(t1, t3, 0, 1, 8, 9, 4, 5, 12, 13);          \
        bp_v8 u3 = __builtin_shufflevector(t1, t3, 2, 3, 10, 11, 6, 7, 14, 15);        \
        bp_v8 u4 = __builtin_shufflevector(t4, t6, 0, 1, 8, 9, 4, 5, 12, 13);          \
        bp_v8 u5 = __builtin_shufflevector(t4, t6, 2, 3, 10, 11, 6, 7, 14, 15);        \
        bp_v8 u6 = __builtin_shufflevector(t5, t7, 0, 1, 8, 9, 4, 5, 12, 13);          \
        bp_v8 u7 = __builtin_shufflevector(t5, t7, 2, 3, 10, 11, 6, 7, 14, 15);        \
        r[0] = __builtin_shufflevector(u0, u4, 0, 1, 2, 3, 8, 9, 10, 11);              \
        r[1] = __builtin_shufflevector(u1, u5, 0, 1, 2, 3, 8, 9, 10, 11);              \
        r[2] = __builtin_shufflevector(u2, u6, 0, 1, 2, 3, 8, 9, 10, 11);              \
        r[3] = __builtin_shufflevector(u3, u7, 0, 1, 2, 3, 8, 9, 10, 11);              \
        r[4] = __builtin_shufflevector(u0, u4, 4, 5, 6, 7, 12, 13, 14, 15);            \
        r[5] = __builtin_shufflevector(u1, u5, 4, 5, 6, 7, 12, 13, 14, 15);            \
        r[6] = __builtin_shufflevector(u2, u6, 4, 5, 6, 7, 12, 13, 14, 15);            \
        r[7] = __builtin_shufflevector(u3, u7, 4, 5, 6, 7, 12, 13, 14, 15);            \
    } while (0)

#define TRANSPOSE_4X4(r)                                                               \
    do {                                                                               \
        bp_v4 t0 = __builtin_shufflevector(r[0], r[1], 0, 4, 1, 5);                    \
        bp_v4 t1 = __builtin_shufflevector(r[0], r[1], 2, 6, 3, 7);                    \
        bp_v4 t2 = __builtin_shufflevector(r[2], r[3], 0, 4, 1, 5);                    \
        bp_v4 t3 = __builtin_shufflevector(r[2], r[3], 2, 6, 3, 7);                    \
        r[0] = __builtin_shufflevector(t0, t2, 0, 1, 4, 5);                            \
        r[1] = __builtin_shufflevector(t0, t2, 2, 3, 6, 7);                            \
        r[2] = __builtin_shufflevector(t1, t3, 0, 1, 4, 5);                            \
        r[3] = __builtin_shufflevector(t1, t3, 2, 3, 6, 7);                            \
    } while (0)

// Depth steps per block of the acrossStride == 1 loop: a block of one panel (8 x 32 floats,
// 1 KiB, for W = 32) is written in order before the next panel's, instead of scattering every
// step over all the panels (with depth 262 and W = 8, consecutive panels are 8 KiB apart, so
// their lines compete for the same L1 sets). Measured faster than step by step for W = 8
// (figures in docs/performance.md, "Design measurements").
#define PACK_STEPS 8

#define DEFINE_PACKING(S, ATTR)                                                        \
    /* to[0..<count] = from[0..<count], widest vectors first. */                       \
    static inline ATTR void bp_copy_run_##S(float *restrict to, const float *restrict from, \
                                            long count) {                              \
        long x = 0;                                                                    \
        for (; x + 16 <= count; x += 16) STOREV(bp_v16, to + x, LOADV(bp_v16, from + x)); \
        if (x + 8 <= count) { STOREV(bp_v8, to + x, LOADV(bp_v8, from + x)); x += 8; }  \
        if (x + 4 <= count) { STOREV(bp_v4, to + x, LOADV(bp_v4, from + x)); x += 4; }  \
        for (; x < count; x++) to[x] = from[x];                                        \
    }                                                                                  \
                                                                                       \
    /* `steps` depth steps of one panel: to[p·w ..< p·w + count] = from[p·ds ..< +count]. */ \
    static inline ATTR void bp_copy_steps_##S(float *restrict to, long w,              \
                                              const float *restrict from, long ds,     \
                                              long steps, long count) {                \
        for (long p = 0; p < steps; p++, to += w, from += ds)                          \
            bp_copy_run_##S(to, from, count);                                          \
    }                                                                                  \
                                                                                       \
    /* acrossStride == 1: depth step p is the run source[p·depthStride ..< +across].   \
       Blocks of PACK_STEPS steps, panel by panel, so each panel's block is written in \
       order while the block's source rows stay in L1. */                              \
    static ATTR void bp_pack_contiguous_##S(const float *restrict source, long depthStride, \
                                            long across, long depth, long fullWidth,   \
                                            int allowHalfPanel, float *restrict target) { \
        long lastStart = (across - 1) / fullWidth * fullWidth;                         \
        long lastCount = across - lastStart;                                           \
        long lastWidth = bp_panel_width(across, lastStart, fullWidth, allowHalfPanel); \
        for (long p0 = 0; p0 < depth; p0 += PACK_STEPS) {                              \
            long steps = depth - p0 < PACK_STEPS ? depth - p0 : PACK_STEPS;            \
            const float *from = source + p0 * depthStride;                             \
            for (long x0 = 0; x0 < lastStart; x0 += fullWidth) {                       \
                float *to = target + x0 * depth + p0 * fullWidth;                      \
                /* Constant widths, so each copy is a few vector moves. */             \
                switch (fullWidth) {                                                   \
                case 32: bp_copy_steps_##S(to, 32, from + x0, depthStride, steps, 32); break; \
                case 16: bp_copy_steps_##S(to, 16, from + x0, depthStride, steps, 16); break; \
                case 8: bp_copy_steps_##S(to, 8, from + x0, depthStride, steps, 8); break; \
                case 6: bp_copy_steps_##S(to, 6, from + x0, depthStride, steps, 6); break; \
                case 4: bp_copy_steps_##S(to, 4, from + x0, depthStride, steps, 4); break; \
                default:                                                               \
                    bp_copy_steps_##S(to, fullWidth, from + x0, depthStride, steps, fullWidth); \
                }                                                                      \
            }                                                                          \
            float *to = target + lastStart * depth + p0 * lastWidth;                   \
            for (long p = 0; p < steps; p++, to += lastWidth) {                        \
                bp_copy_run_##S(to, from + p * depthStride + lastStart, lastCount);    \
                for (long x = lastCount; x < lastWidth; x++) to[x] = 0.0f;             \
            }                                                                          \
        }                                                                              \
    }                                                                                  \
                                                                                       \
    /* depthStride == 1: panel column x of step p is source[x·ld + p]. */              \
    static ATTR void bp_pack_transposing_##S(const float *restrict source, long ld,    \
                                             long across, long depth, long fullWidth,  \
                                             int allowHalfPanel, float *restrict target) { \
        for (long x0 = 0; x0 < across; x0 += fullWidth) {                              \
            long width = across - x0 < fullWidth ? across - x0 : fullWidth;            \
            long w = bp_panel_width(across, x0, fullWidth, allowHalfPanel);            \
            const float *origin = source + x0 * ld;                                    \
            float *panel = target + x0 * depth;                                        \
            long p = 0;                                                                \
            for (; p + 8 <= depth; p += 8) {                                           \
                float *to = panel + p * w;                                             \
                long g = 0;                                                            \
                /* Columns g..<g+8 of 8 steps: rows g..<g+8 from p, transposed. */     \
                for (; g + 8 <= w; g += 8) {                                           \
                    bp_v8 r[8];                                                        \
                    const float *row = origin + g * ld + p;                            \
                    if (g + 8 <= width) {                                              \
                        for (int i = 0; i < 8; i++) r[i] = LOADV(bp_v8, row + i * ld); \
                    } else {                                                           \
                        for (int i = 0; i < 8; i++)                                    \
                            r[i] = g + i < width ? LOADV(bp_v8, row + i * ld) : (bp_v8){0}; \
                    }                                                                  \
                    TRANSPOSE_8X8(r);                                                  \
                    for (int i = 0; i < 8; i++) STOREV(bp_v8, to + i * w + g, r[i]);   \
                }                                                                      \
                /* Columns g..<g+4 (w not a multiple of 8): two 4x4 blocks. */         \
                for (; g + 4 <= w; g += 4) {                                           \
                    for (int half = 0; half < 8; half += 4) {                          \
                        bp_v4 r[4];                                                    \
                        const float *row = origin + g * ld + p + half;                 \
                        for (int i = 0; i < 4; i++)                                    \
                            r[i] = g + i < width ? LOADV(bp_v4, row + i * ld) : (bp_v4){0}; \
                        TRANSPOSE_4X4(r);                                              \
                        for (int i = 0; i < 4; i++)                                    \
                            STOREV(bp_v4, to + (half + i) * w + g, r[i]);              \
                    }                                                                  \
                }                                                                      \
                for (; g < w; g++)                                                     \
                    for (int i = 0; i < 8; i++)                                        \
                        to[i * w + g] = g < width ? origin[g * ld + p + i] : 0.0f;     \
            }                                                                          \
            /* The last depth % 8 steps, one at a time. */                             \
            for (; p < depth; p++) {                                                   \
                float *to = panel + p * w;                                             \
                for (long x = 0; x < width; x++) to[x] = origin[x * ld + p];           \
                for (long x = width; x < w; x++) to[x] = 0.0f;                         \
            }                                                                          \
        }                                                                              \
    }                                                                                  \
                                                                                       \
    static ATTR void bp_pack_panels_##S(const float *source, long acrossStride,        \
                                        long depthStride, long across, long depth,     \
                                        long fullWidth, int allowHalfPanel,            \
                                        float *target) {                               \
        if (acrossStride == 1)                                                         \
            bp_pack_contiguous_##S(source, depthStride, across, depth, fullWidth,      \
                                   allowHalfPanel, target);                            \
        else if (depthStride == 1)                                                     \
            bp_pack_transposing_##S(source, acrossStride, across, depth, fullWidth,    \
                                    allowHalfPanel, target);                           \
        else                                                                           \
            bp_pack_general(source, acrossStride, depthStride, across, depth,          \
                            fullWidth, allowHalfPanel, target);                        \
    }

#ifdef BP_X86
DEFINE_PACKING(avx512, TARGET_AVX512)
DEFINE_PACKING(avx2, TARGET_AVX2)
#endif
DEFINE_PACKING(portable, )

void bp_pack_panels(const float *source, long acrossStride, long depthStride, long across,
                    long depth, long panelWidth, int allowHalfPanel, float *target, int level) {
    if (across <= 0 || depth <= 0 || panelWidth <= 0) return;
#ifdef BP_X86
    if (level >= 2) {
        bp_pack_panels_avx512(source, acrossStride, depthStride, across, depth, panelWidth,
                              allowHalfPanel, target);
        return;
    }
    if (level == 1) {
        bp_pack_panels_avx2(source, acrossStride, depthStride, across, depth, panelWidth,
                            allowHalfPanel, target);
        return;
    }
#endif
    (void)level;
    bp_pack_panels_portable(source, acrossStride, depthStride, across, depth, panelWidth,
                            allowHalfPanel, target);
}
