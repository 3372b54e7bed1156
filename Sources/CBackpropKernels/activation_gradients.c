// Elementwise steps of the training step that are not transcendental: ReLU forward, the
// activation derivatives of BP1/BP2, the bias broadcast of Z = X·Wᵀ + b and BP3's column sums.
// One copy per instruction set (vector extensions, __attribute__((target(...)))).
//
// Contraction is off and every expression is evaluated in the order the Swift rule in the
// layer writes it, so each kernel gives bitwise the same result as that rule at every level.

#include "CBackpropKernels.h"
#include "simd_vectors.h"

#pragma clang fp contract(off)

typedef int bp_m16 __attribute__((vector_size(64)));
typedef int bp_m8 __attribute__((vector_size(32)));
typedef int bp_m4 __attribute__((vector_size(16)));

#define SELECT(VT, VM, mask, yes, no) ((VT)(((VM)(yes) & (mask)) | ((VM)(no) & ~(mask))))

// Each rule is written once for a vector VT of lanes and once for the scalar tail.
#define DEFINE_ELEMENTWISE(S, ATTR, VT, VM, LANES)                                          \
    ATTR static void bp_relu_forward_##S(const float *z, float *a, long count) {          \
        long i = 0;                                                                        \
        for (; i + LANES <= count; i += LANES) {                                           \
            VT x = LOADV(VT, z + i);                                                       \
            VM keep = (VM)(x > 0) | (VM)(x != x);                                          \
            STOREV(VT, a + i, SELECT(VT, VM, keep, x, (VT){0}));                           \
        }                                                                                  \
        for (; i < count; i++) a[i] = (z[i] > 0 || z[i] != z[i]) ? z[i] : 0.0f;            \
    }                                                                                      \
    ATTR static void bp_relu_backward_##S(const float *z, const float *dA, float *dZ,     \
                                         long count) {                                     \
        long i = 0;                                                                        \
        for (; i + LANES <= count; i += LANES) {                                           \
            VM positive = (VM)(LOADV(VT, z + i) > 0);                                      \
            STOREV(VT, dZ + i, SELECT(VT, VM, positive, LOADV(VT, dA + i), (VT){0}));      \
        }                                                                                  \
        for (; i < count; i++) dZ[i] = z[i] > 0 ? dA[i] : 0.0f;                            \
    }                                                                                      \
    ATTR static void bp_sigmoid_backward_##S(const float *a, const float *dA, float *dZ,  \
                                            long count) {                                  \
        long i = 0;                                                                        \
        for (; i + LANES <= count; i += LANES) {                                           \
            VT x = LOADV(VT, a + i);                                                       \
            STOREV(VT, dZ + i, LOADV(VT, dA + i) * x * (1.0f - x));                        \
        }                                                                                  \
        for (; i < count; i++) dZ[i] = dA[i] * a[i] * (1.0f - a[i]);                       \
    }                                                                                      \
    ATTR static void bp_tanh_backward_##S(const float *a, const float *dA, float *dZ,     \
                                         long count) {                                     \
        long i = 0;                                                                        \
        for (; i + LANES <= count; i += LANES) {                                           \
            VT x = LOADV(VT, a + i);                                                       \
            STOREV(VT, dZ + i, LOADV(VT, dA + i) * (1.0f - x * x));                        \
        }                                                                                  \
        for (; i < count; i++) dZ[i] = dA[i] * (1.0f - a[i] * a[i]);                       \
    }                                                                                      \
    ATTR static void bp_add_row_vector_##S(float *x, long rows, long columns,             \
                                          const float *row) {                              \
        for (long r = 0; r < rows; r++) {                                                  \
            float *line = x + r * columns;                                                 \
            long c = 0;                                                                    \
            for (; c + LANES <= columns; c += LANES)                                       \
                STOREV(VT, line + c, LOADV(VT, line + c) + LOADV(VT, row + c));            \
            for (; c < columns; c++) line[c] += row[c];                                    \
        }                                                                                  \
    }                                                                                      \
    ATTR static void bp_sum_columns_##S(const float *x, long rows, long columns,          \
                                       float *sums) {                                      \
        memset(sums, 0, (size_t)columns * sizeof(float));                                 \
        for (long r = 0; r < rows; r++) {                                                  \
            const float *line = x + r * columns;                                           \
            long c = 0;                                                                    \
            for (; c + LANES <= columns; c += LANES)                                       \
                STOREV(VT, sums + c, LOADV(VT, sums + c) + LOADV(VT, line + c));           \
            for (; c < columns; c++) sums[c] += line[c];                                   \
        }                                                                                  \
    }

#ifdef BP_X86
DEFINE_ELEMENTWISE(avx512, TARGET_AVX512, bp_v16, bp_m16, 16)
DEFINE_ELEMENTWISE(avx2, TARGET_AVX2, bp_v8, bp_m8, 8)
#define DISPATCH(NAME, ...)                                                                \
    do {                                                                                   \
        if (level >= 2) NAME##_avx512(__VA_ARGS__);                                        \
        else if (level == 1) NAME##_avx2(__VA_ARGS__);                                     \
        else NAME##_portable(__VA_ARGS__);                                                 \
    } while (0)
#else
#define DISPATCH(NAME, ...) do { (void)level; NAME##_portable(__VA_ARGS__); } while (0)
#endif
DEFINE_ELEMENTWISE(portable, , bp_v4, bp_m4, 4)

void bp_relu_forward(const float *z, float *a, long count, int level) {
    DISPATCH(bp_relu_forward, z, a, count);
}
void bp_relu_backward(const float *z, const float *dA, float *dZ, long count, int level) {
    DISPATCH(bp_relu_backward, z, dA, dZ, count);
}
void bp_sigmoid_backward(const float *a, const float *dA, float *dZ, long count, int level) {
    DISPATCH(bp_sigmoid_backward, a, dA, dZ, count);
}
void bp_tanh_backward(const float *a, const float *dA, float *dZ, long count, int level) {
    DISPATCH(bp_tanh_backward, a, dA, dZ, count);
}
void bp_add_row_vector(float *x, long rows, long columns, const float *row, int level) {
    DISPATCH(bp_add_row_vector, x, rows, columns, row);
}
void bp_sum_columns(const float *x, long rows, long columns, float *sums, int level) {
    DISPATCH(bp_sum_columns, x, rows, columns, sums);
}
void bp_activation_gradient(const float *dA, long rows, long columns, long ldA, const float *source,
                            long ldSource, float *dZ, long ldZ, int activation, int level) {
    for (long r = 0; r < rows; r++) {
        const float *g = dA + r * ldA, *s = source + r * ldSource;
        float *out = dZ + r * ldZ;
        switch (activation) {
        case BP_ACTIVATION_SIGMOID: bp_sigmoid_backward(s, g, out, columns, level); break;
        case BP_ACTIVATION_TANH: bp_tanh_backward(s, g, out, columns, level); break;
        case BP_ACTIVATION_RELU: bp_relu_backward(s, g, out, columns, level); break;
        default: memcpy(out, g, (size_t)columns * sizeof(float)); break;
        }
    }
}
