// Optimizer updates over one parameter tensor, one copy per instruction set, written with
// vector extensions (LANES parameters at a time; the tail goes through a zero-padded
// buffer). Square root and division are correctly rounded in every lane and contraction
// is off, so every level rounds exactly like the others and like the generic Swift loop:
// the same seed gives the same parameters on any x86 CPU.

#include "CBackpropKernels.h"
#include "simd_vectors.h"

#pragma clang fp contract(off)

#define DEFINE_OPTIMIZERS(S, ATTR, VT, LANES)                                             \
    static inline ATTR void bp_adam_block_##S(float *theta, const float *gradient,       \
                                              float *m, float *v,                         \
                                              const bp_adam_constants *c) {              \
        VT t = LOADV(VT, theta), g = LOADV(VT, gradient);                                \
        VT mi = LOADV(VT, m), vi = LOADV(VT, v);                                         \
        g = g + c->coupledDecay * t;                                                     \
        t = t * c->shrink;                                                               \
        mi = c->beta1 * mi + c->oneMinusBeta1 * g;                                       \
        vi = c->beta2 * vi + c->oneMinusBeta2 * g * g;                                   \
        VT denominator = __builtin_elementwise_sqrt(vi) * c->inverseRoot + c->epsilon;   \
        t = t - c->stepSize * mi / denominator;                                          \
        STOREV(VT, theta, t);                                                            \
        STOREV(VT, m, mi);                                                               \
        STOREV(VT, v, vi);                                                               \
    }                                                                                    \
    ATTR static void bp_adam_##S(float *theta, const float *gradient, float *m, float *v, \
                                 long count, const bp_adam_constants *c) {               \
        long i = 0;                                                                      \
        for (; i + LANES <= count; i += LANES) {                                         \
            bp_adam_block_##S(theta + i, gradient + i, m + i, v + i, c);                 \
        }                                                                                \
        if (i < count) {                                                                 \
            float bt[LANES], bg[LANES], bm[LANES], bv[LANES];                            \
            memset(bt, 0, sizeof bt); memset(bg, 0, sizeof bg);                          \
            memset(bm, 0, sizeof bm); memset(bv, 0, sizeof bv);                          \
            size_t rest = (size_t)(count - i) * sizeof(float);                           \
            memcpy(bt, theta + i, rest); memcpy(bg, gradient + i, rest);                 \
            memcpy(bm, m + i, rest); memcpy(bv, v + i, rest);                            \
            bp_adam_block_##S(bt, bg, bm, bv, c);                                        \
            memcpy(theta + i, bt, rest); memcpy(m + i, bm, rest); memcpy(v + i, bv, rest); \
        }                                                                                \
    }

// SGD (SGD.swift): g = ∇ + λθ; with momentum μ: b = g on the first step, else μ·b + (1 − τ)·g,
// then g = g + μ·b (Nesterov) or b; θ ← θ − α·g.
#define DEFINE_SGD(S, ATTR, VT, LANES)                                                    \
    static inline ATTR void bp_sgd_block_##S(float *theta, const float *gradient,        \
                                             float *velocity, const bp_sgd_constants *c) {\
        VT t = LOADV(VT, theta);                                                         \
        VT g = LOADV(VT, gradient) + c->weightDecay * t;                                 \
        if (velocity) {                                                                  \
            VT b = c->firstStep ? g : c->momentum * LOADV(VT, velocity) + c->keep * g;   \
            STOREV(VT, velocity, b);                                                     \
            g = c->nesterov ? g + c->momentum * b : b;                                   \
        }                                                                                \
        STOREV(VT, theta, t - c->learningRate * g);                                      \
    }                                                                                    \
    ATTR static void bp_sgd_##S(float *theta, const float *gradient, float *velocity,    \
                                long count, const bp_sgd_constants *c) {                 \
        long i = 0;                                                                      \
        for (; i + LANES <= count; i += LANES)                                           \
            bp_sgd_block_##S(theta + i, gradient + i, velocity ? velocity + i : 0, c);   \
        if (i < count) {                                                                 \
            float bt[LANES], bg[LANES], bb[LANES];                                       \
            memset(bt, 0, sizeof bt); memset(bg, 0, sizeof bg); memset(bb, 0, sizeof bb); \
            size_t rest = (size_t)(count - i) * sizeof(float);                           \
            memcpy(bt, theta + i, rest); memcpy(bg, gradient + i, rest);                 \
            if (velocity) memcpy(bb, velocity + i, rest);                                \
            bp_sgd_block_##S(bt, bg, velocity ? bb : 0, c);                              \
            memcpy(theta + i, bt, rest);                                                 \
            if (velocity) memcpy(velocity + i, bb, rest);                                \
        }                                                                                \
    }

#ifdef BP_X86
DEFINE_SGD(avx512, TARGET_AVX512, bp_v16, 16)
DEFINE_SGD(avx2, TARGET_AVX2, bp_v8, 8)
#endif
DEFINE_SGD(portable, , bp_v4, 4)

void bp_sgd_update(float *theta, const float *gradient, float *velocity, long count,
                   const bp_sgd_constants *constants, int level) {
    if (count <= 0) return;
#ifdef BP_X86
    if (level >= 2) { bp_sgd_avx512(theta, gradient, velocity, count, constants); return; }
    if (level == 1) { bp_sgd_avx2(theta, gradient, velocity, count, constants); return; }
#endif
    (void)level;
    bp_sgd_portable(theta, gradient, velocity, count, constants);
}

#ifdef BP_X86
DEFINE_OPTIMIZERS(avx512, TARGET_AVX512, bp_v16, 16)
DEFINE_OPTIMIZERS(avx2, TARGET_AVX2, bp_v8, 8)
#endif
DEFINE_OPTIMIZERS(portable, , bp_v4, 4)

void bp_adam_update(float *theta, const float *gradient, float *m, float *v, long count,
                    const bp_adam_constants *constants, int level) {
    if (count <= 0) return;
#ifdef BP_X86
    if (level >= 2) { bp_adam_avx512(theta, gradient, m, v, count, constants); return; }
    if (level == 1) { bp_adam_avx2(theta, gradient, m, v, count, constants); return; }
#endif
    (void)level;
    bp_adam_portable(theta, gradient, m, v, count, constants);
}
