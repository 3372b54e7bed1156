// Whether every value of a Float array is finite, one copy per instruction set.
//
// A float is NaN or ±∞ exactly when its exponent bits are all ones, so the check ORs
// (bits & 0x7F800000) == 0x7F800000 over the array as lane-wise integer compares; the
// answer is exact and the same at every level.

#include "CBackpropKernels.h"
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#define BP_X86 1
#endif

typedef unsigned bp_u16 __attribute__((vector_size(64)));
typedef unsigned bp_u8 __attribute__((vector_size(32)));
typedef unsigned bp_u4 __attribute__((vector_size(16)));

#define DEFINE_FINITE_CHECK(S, ATTR, VU, LANES)                                            \
    ATTR static int bp_all_finite_##S(const float *values, long count) {                  \
        const VU exponent = (VU){0} + 0x7F800000u;                                         \
        VU found = (VU){0};                                                                \
        long i = 0;                                                                        \
        for (; i + 4 * LANES <= count; i += 4 * LANES) {                                   \
            VU v0, v1, v2, v3;                                                             \
            memcpy(&v0, values + i, sizeof v0);                                            \
            memcpy(&v1, values + i + LANES, sizeof v1);                                    \
            memcpy(&v2, values + i + 2 * LANES, sizeof v2);                                \
            memcpy(&v3, values + i + 3 * LANES, sizeof v3);                                \
            found |= (VU)((v0 & exponent) == exponent) | (VU)((v1 & exponent) == exponent) \
                   | (VU)((v2 & exponent) == exponent) | (VU)((v3 & exponent) == exponent);\
        }                                                                                  \
        unsigned any = 0;                                                                  \
        for (int lane = 0; lane < LANES; lane++) any |= found[lane];                       \
        for (; i < count; i++) {                                                           \
            unsigned bits;                                                                 \
            memcpy(&bits, values + i, sizeof bits);                                        \
            any |= (bits & 0x7F800000u) == 0x7F800000u;                                    \
        }                                                                                  \
        return any == 0;                                                                   \
    }

#ifdef BP_X86
DEFINE_FINITE_CHECK(avx512, __attribute__((target("avx512f"))), bp_u16, 16)
DEFINE_FINITE_CHECK(avx2, __attribute__((target("avx2"))), bp_u8, 8)
#endif
DEFINE_FINITE_CHECK(portable, , bp_u4, 4)

int bp_all_finite(const float *values, long count, int level) {
    if (count <= 0) return 1;
#ifdef BP_X86
    if (level >= 2) return bp_all_finite_avx512(values, count);
    if (level == 1) return bp_all_finite_avx2(values, count);
#endif
    (void)level;
    return bp_all_finite_portable(values, count);
}
