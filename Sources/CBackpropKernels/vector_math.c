// Elementwise exp, sigmoid and tanh, one copy per instruction set (same source, vector
// extensions, __attribute__((target(...)))).
//
// exp: Cephes-style. n = round(x·log₂e), r = x − n·ln2 (in two parts), eʳ by a degree-6
// polynomial, then scaled by 2ⁿ as 2^⌊n/2⌋·2^(n−⌊n/2⌋) so that overflow gives +∞ and
// underflow goes through the subnormals to 0 without special cases. Clamps and selects are
// bit operations on the lanes, so NaN passes through as NaN.
// tanh: Cephes tanhf on |x|, then the sign of x. |x| < 0.625: |x| + |x|·z·P(z), z = x²;
// otherwise 1 − 2/(e^{2|x|} + 1).

#include "CBackpropKernels.h"
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#define BP_X86 1
#endif

typedef float bp_f16 __attribute__((vector_size(64)));
typedef int bp_i16 __attribute__((vector_size(64)));
typedef float bp_f8 __attribute__((vector_size(32)));
typedef int bp_i8 __attribute__((vector_size(32)));
typedef float bp_f4 __attribute__((vector_size(16)));
typedef int bp_i4 __attribute__((vector_size(16)));

#define VLOAD(VT, p) ({ VT _v; memcpy(&_v, (p), sizeof(VT)); _v; })
#define VSTORE(VT, p, v) do { VT _v = (v); memcpy((p), &_v, sizeof(VT)); } while (0)

#define DEFINE_VECTOR_MATH(S, ATTR, VT, VI, LANES)                                     \
    static inline ATTR VT bp_select_##S(VI mask, VT yes, VT no) {                      \
        return (VT)(((VI)yes & mask) | ((VI)no & ~mask));                              \
    }                                                                                  \
    static inline ATTR VT bp_exp_##S(VT x) {                                           \
        const VT hi = (VT){0} + 88.8f, lo = (VT){0} + -110.0f;                         \
        VT xc = bp_select_##S(x > hi, hi, x);                                          \
        xc = bp_select_##S(xc < lo, lo, xc);                                           \
        const VT magic = (VT){0} + 12582912.0f; /* 1.5·2²³: adding it rounds */        \
        VT t = xc * 1.44269504088896341f + magic;                                      \
        VT fn = t - magic;                                                             \
        VI n = (VI)t - (VI)magic;                                                      \
        VT r = xc - fn * 0.693359375f;                                                 \
        r = r - fn * -2.12194440e-4f;                                                  \
        VT z = r * r;                                                                  \
        VT y = r * 1.9875691500e-4f + 1.3981999507e-3f;                                \
        y = y * r + 8.3334519073e-3f;                                                  \
        y = y * r + 4.1665795894e-2f;                                                  \
        y = y * r + 1.6666665459e-1f;                                                  \
        y = y * r + 5.0000001201e-1f;                                                  \
        y = y * z + r + 1.0f;                                                          \
        VI n1 = n >> 1, n2 = n - n1;                                                   \
        VT s1 = (VT)((n1 + 127) << 23), s2 = (VT)((n2 + 127) << 23);                   \
        VT result = y * s1 * s2;                                                       \
        return bp_select_##S(x != x, x, result);                                       \
    }                                                                                  \
    /* σ(x) = 1/(1 + e^−x) for x ≥ 0 and e^x/(1 + e^x) for x < 0: never overflows, and    \
       follows e^x into the subnormals for very negative x. */                         \
    static inline ATTR VT bp_sigmoid_##S(VT x) {                                       \
        const VI signMask = (VI){0} + (int)0x80000000;                                 \
        VT e = bp_exp_##S((VT)((VI)x | signMask)); /* e^−|x| */                        \
        VT numerator = bp_select_##S(x < 0.0f, e, (VT){0} + 1.0f);                     \
        return numerator / (1.0f + e);                                                 \
    }                                                                                  \
    static inline ATTR VT bp_tanh_##S(VT x) {                                          \
        const VI signMask = (VI){0} + (int)0x80000000;                                 \
        VT ax = (VT)((VI)x & ~signMask);                                               \
        VT z = x * x;                                                                  \
        VT p = z * -5.70498872745e-3f + 2.06390887954e-2f;                             \
        p = p * z + -5.37397155531e-2f;                                                \
        p = p * z + 1.33314422036e-1f;                                                 \
        p = p * z + -3.33332819422e-1f;                                                \
        VT small = (p * z) * ax + ax;                                                  \
        VT e = bp_exp_##S(ax + ax);                                                    \
        VT large = 1.0f - 2.0f / (e + 1.0f);                                           \
        VT magnitude = bp_select_##S(ax < 0.625f, small, large);                       \
        return (VT)((VI)magnitude | ((VI)x & signMask));                               \
    }                                                                                  \
    ATTR static void bp_map_##S(const float *x, float *y, long count, int function) {  \
        long i = 0;                                                                    \
        for (; i + LANES <= count; i += LANES) {                                       \
            VT v = VLOAD(VT, x + i);                                                   \
            v = function == 0 ? bp_exp_##S(v)                                          \
              : function == 1 ? bp_sigmoid_##S(v) : bp_tanh_##S(v);                   \
            VSTORE(VT, y + i, v);                                                      \
        }                                                                              \
        if (i < count) {                                                               \
            float buffer[LANES];                                                       \
            memset(buffer, 0, sizeof buffer);                                          \
            memcpy(buffer, x + i, (size_t)(count - i) * sizeof(float));                \
            VT v = VLOAD(VT, buffer);                                                  \
            v = function == 0 ? bp_exp_##S(v)                                          \
              : function == 1 ? bp_sigmoid_##S(v) : bp_tanh_##S(v);                   \
            VSTORE(VT, buffer, v);                                                     \
            memcpy(y + i, buffer, (size_t)(count - i) * sizeof(float));                \
        }                                                                              \
    }

// One row block of bp_bias_activation: the tail of each row (columns % LANES values) goes
// through zero-padded lanes, like bp_map's tail.
#define DEFINE_BIAS_ACTIVATION(S, ATTR, VT, VI, LANES)                                 \
    static inline ATTR VT bp_activate_##S(VT v, int activation) {                      \
        switch (activation) {                                                          \
        case BP_ACTIVATION_SIGMOID: return bp_sigmoid_##S(v);                          \
        case BP_ACTIVATION_TANH: return bp_tanh_##S(v);                                \
        case BP_ACTIVATION_RELU:                                                       \
            return bp_select_##S((VI)(v > 0.0f) | (VI)(v != v), v, (VT){0});           \
        default: return v;                                                             \
        }                                                                              \
    }                                                                                  \
    ATTR static void bp_bias_activation_##S(float *z, long rows, long columns, long ldz, \
                                            const float *bias, float *a, long lda,     \
                                            int activation) {                          \
        for (long r = 0; r < rows; r++) {                                              \
            float *zr = z + r * ldz;                                                   \
            float *ar = a ? a + r * lda : 0;                                           \
            long c = 0;                                                                \
            for (; c + LANES <= columns; c += LANES) {                                 \
                VT v = VLOAD(VT, zr + c);                                              \
                if (bias) { v = v + VLOAD(VT, bias + c); VSTORE(VT, zr + c, v); }      \
                if (ar) VSTORE(VT, ar + c, bp_activate_##S(v, activation));            \
            }                                                                          \
            if (c < columns) {                                                         \
                size_t rest = (size_t)(columns - c) * sizeof(float);                   \
                float zb[LANES], bb[LANES];                                            \
                memset(zb, 0, sizeof zb); memset(bb, 0, sizeof bb);                    \
                memcpy(zb, zr + c, rest);                                              \
                VT v = VLOAD(VT, zb);                                                  \
                if (bias) {                                                            \
                    memcpy(bb, bias + c, rest);                                        \
                    v = v + VLOAD(VT, bb);                                             \
                    VSTORE(VT, zb, v);                                                 \
                    memcpy(zr + c, zb, rest);                                          \
                }                                                                      \
                if (ar) {                                                              \
                    VSTORE(VT, zb, bp_activate_##S(v, activation));                    \
                    memcpy(ar + c, zb, rest);                                          \
                }                                                                      \
            }                                                                          \
        }                                                                              \
    }

#ifdef BP_X86
DEFINE_VECTOR_MATH(avx512, __attribute__((target("avx512f"))), bp_f16, bp_i16, 16)
DEFINE_VECTOR_MATH(avx2, __attribute__((target("avx2,fma"))), bp_f8, bp_i8, 8)
#endif
DEFINE_VECTOR_MATH(portable, , bp_f4, bp_i4, 4)
#ifdef BP_X86
DEFINE_BIAS_ACTIVATION(avx512, __attribute__((target("avx512f"))), bp_f16, bp_i16, 16)
DEFINE_BIAS_ACTIVATION(avx2, __attribute__((target("avx2,fma"))), bp_f8, bp_i8, 8)
#endif
DEFINE_BIAS_ACTIVATION(portable, , bp_f4, bp_i4, 4)

void bp_bias_activation(float *z, long rows, long columns, long ldz, const float *bias,
                        float *a, long lda, int activation, int level) {
    if (rows <= 0 || columns <= 0 || (!bias && !a)) return;
#ifdef BP_X86
    if (level >= 2) { bp_bias_activation_avx512(z, rows, columns, ldz, bias, a, lda, activation); return; }
    if (level == 1) { bp_bias_activation_avx2(z, rows, columns, ldz, bias, a, lda, activation); return; }
#endif
    (void)level;
    bp_bias_activation_portable(z, rows, columns, ldz, bias, a, lda, activation);
}

static void bp_map(const float *x, float *y, long count, int level, int function) {
    if (count <= 0) return;
#ifdef BP_X86
    if (level >= 2) { bp_map_avx512(x, y, count, function); return; }
    if (level == 1) { bp_map_avx2(x, y, count, function); return; }
#endif
    (void)level;
    bp_map_portable(x, y, count, function);
}

void bp_vexp(const float *x, float *y, long count, int level) { bp_map(x, y, count, level, 0); }
void bp_vsigmoid(const float *x, float *y, long count, int level) { bp_map(x, y, count, level, 1); }
void bp_vtanh(const float *x, float *y, long count, int level) { bp_map(x, y, count, level, 2); }
