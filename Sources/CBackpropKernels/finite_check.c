// Whether every value of a Float array is finite, and its largest magnitude, one copy per
// instruction set.
//
// A float is NaN or ±∞ exactly when its exponent bits are all ones, so the check ORs
// (bits & 0x7F800000) == 0x7F800000 over the array as lane-wise integer compares; the
// answer is exact and the same at every level.
//
// The magnitude bits (bits & 0x7FFFFFFF) of non-negative floats order as unsigned integers
// the way the floats do, with ∞ and then every NaN above all finite values. Their integer
// maximum is therefore max |x| exactly, or a pattern ≥ 0x7F800000 when a value is not finite.

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

#define DEFINE_MAX_MAGNITUDE(S, ATTR, VU, LANES)                                           \
    ATTR static unsigned bp_max_magnitude_bits_##S(const float *values, long count) {     \
        const VU magnitude = (VU){0} + 0x7FFFFFFFu;                                        \
        VU m0 = (VU){0}, m1 = (VU){0};                                                     \
        long i = 0;                                                                        \
        for (; i + 2 * LANES <= count; i += 2 * LANES) {                                   \
            VU v0, v1;                                                                     \
            memcpy(&v0, values + i, sizeof v0);                                            \
            memcpy(&v1, values + i + LANES, sizeof v1);                                    \
            v0 &= magnitude;                                                               \
            v1 &= magnitude;                                                               \
            m0 = __builtin_elementwise_max(m0, v0);                                         \
            m1 = __builtin_elementwise_max(m1, v1);                                         \
        }                                                                                  \
        m0 = __builtin_elementwise_max(m0, m1);                                            \
        unsigned largest = 0;                                                              \
        for (int lane = 0; lane < LANES; lane++)                                           \
            if (m0[lane] > largest) largest = m0[lane];                                    \
        for (; i < count; i++) {                                                           \
            unsigned bits;                                                                 \
            memcpy(&bits, values + i, sizeof bits);                                        \
            bits &= 0x7FFFFFFFu;                                                           \
            if (bits > largest) largest = bits;                                            \
        }                                                                                  \
        return largest;                                                                    \
    }

// DEFINE(suffix, attribute, vector type, lanes) for every level this architecture has.
#ifdef BP_X86
#define DEFINE_AT_EVERY_LEVEL(DEFINE)                                                      \
    DEFINE(avx512, __attribute__((target("avx512f"))), bp_u16, 16)                         \
    DEFINE(avx2, __attribute__((target("avx2"))), bp_u8, 8)                                \
    DEFINE(portable, , bp_u4, 4)
#else
#define DEFINE_AT_EVERY_LEVEL(DEFINE) DEFINE(portable, , bp_u4, 4)
#endif

DEFINE_AT_EVERY_LEVEL(DEFINE_MAX_MAGNITUDE)
DEFINE_AT_EVERY_LEVEL(DEFINE_FINITE_CHECK)

float bp_max_magnitude(const float *values, long count, int level) {
    unsigned bits = 0;
    if (count > 0) {
#ifdef BP_X86
        if (level >= 2) bits = bp_max_magnitude_bits_avx512(values, count);
        else if (level == 1) bits = bp_max_magnitude_bits_avx2(values, count);
        else
#endif
            bits = bp_max_magnitude_bits_portable(values, count);
    }
    (void)level;
    if (bits > 0x7F800000u) bits = 0x7F800000u;  // NaN → +∞
    float largest;
    memcpy(&largest, &bits, sizeof largest);
    return largest;
}

int bp_all_finite(const float *values, long count, int level) {
    if (count <= 0) return 1;
#ifdef BP_X86
    if (level >= 2) return bp_all_finite_avx512(values, count);
    if (level == 1) return bp_all_finite_avx2(values, count);
#endif
    (void)level;
    return bp_all_finite_portable(values, count);
}
