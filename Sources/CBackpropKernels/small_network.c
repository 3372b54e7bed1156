// The whole training step for networks whose layers are all narrow (see small_network.h),
// one copy per instruction set: the body is small_network_kernel.h, included once per level
// with its vector types and __attribute__((target(...))).

#include "CBackpropKernels.h"
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#define BP_X86 1
#endif

// F(args…, lane) for every lane, comma separated (shuffle index lists).
#define SMALL_EACH_LANE_4(F, ...) F(__VA_ARGS__, 0), F(__VA_ARGS__, 1), F(__VA_ARGS__, 2), F(__VA_ARGS__, 3)
#define SMALL_EACH_LANE_8(F, ...) \
    SMALL_EACH_LANE_4(F, __VA_ARGS__), F(__VA_ARGS__, 4), F(__VA_ARGS__, 5), F(__VA_ARGS__, 6), F(__VA_ARGS__, 7)
#define SMALL_EACH_LANE_32(F, ...)                                                              \
    SMALL_EACH_LANE_16(F, __VA_ARGS__), F(__VA_ARGS__, 16), F(__VA_ARGS__, 17), F(__VA_ARGS__, 18), \
        F(__VA_ARGS__, 19), F(__VA_ARGS__, 20), F(__VA_ARGS__, 21), F(__VA_ARGS__, 22),             \
        F(__VA_ARGS__, 23), F(__VA_ARGS__, 24), F(__VA_ARGS__, 25), F(__VA_ARGS__, 26),             \
        F(__VA_ARGS__, 27), F(__VA_ARGS__, 28), F(__VA_ARGS__, 29), F(__VA_ARGS__, 30), F(__VA_ARGS__, 31)
#define SMALL_EACH_LANE_16(F, ...)                                                              \
    SMALL_EACH_LANE_8(F, __VA_ARGS__), F(__VA_ARGS__, 8), F(__VA_ARGS__, 9), F(__VA_ARGS__, 10), \
        F(__VA_ARGS__, 11), F(__VA_ARGS__, 12), F(__VA_ARGS__, 13), F(__VA_ARGS__, 14), F(__VA_ARGS__, 15)

typedef float bp_small_f32 __attribute__((vector_size(128)));
typedef int bp_small_i32 __attribute__((vector_size(128)));
typedef double bp_small_d32 __attribute__((vector_size(256)));
typedef float bp_small_f16 __attribute__((vector_size(64)));
typedef int bp_small_i16 __attribute__((vector_size(64)));
typedef double bp_small_d16 __attribute__((vector_size(128)));
typedef float bp_small_f8 __attribute__((vector_size(32)));
typedef int bp_small_i8 __attribute__((vector_size(32)));
typedef double bp_small_d8 __attribute__((vector_size(64)));
typedef float bp_small_f4 __attribute__((vector_size(16)));
typedef int bp_small_i4 __attribute__((vector_size(16)));
typedef double bp_small_d4 __attribute__((vector_size(32)));

// Each copy: its name suffix, target attribute, vector types and lane count, and which
// kernels it instantiates; small_network_kernel.h undefines all of them again at its end.

#ifdef BP_X86
// AVX-512, 4-wide networks: 32 examples per vector type, i.e. two zmm registers per value, so
// two independent blocks interleave and hide the latency of each block's dependency chain
// (exp, division, FMA chains): measured faster on the 2-3-1 classifier's network than 16
// lanes (figures in docs/performance.md, "Design measurements").
#define SMALL_SUFFIX avx512_pair
#define SMALL_TARGET __attribute__((target("avx512f")))
#define VT bp_small_f32
#define VI bp_small_i32
#define VD bp_small_d32
#define LANES 32
#define SMALL_EACH_LANE SMALL_EACH_LANE_32
#define SMALL_WITH_GENERIC 0
#define SMALL_WITH_FIXED_4 1
#define SMALL_WITH_FIXED_8 0
#include "small_network_kernel.h"

// AVX-512, wider networks: 16 examples per vector.
#define SMALL_SUFFIX avx512
#define SMALL_TARGET __attribute__((target("avx512f")))
#define VT bp_small_f16
#define VI bp_small_i16
#define VD bp_small_d16
#define LANES 16
#define SMALL_EACH_LANE SMALL_EACH_LANE_16
#define SMALL_WITH_GENERIC 1
#define SMALL_WITH_FIXED_4 0
#define SMALL_WITH_FIXED_8 1
#include "small_network_kernel.h"

// AVX2, 4-wide networks: 16 examples per vector type (two ymm registers per value), paired
// for the same reason as the AVX-512 copy above: the 2-3-1 classifier's step measured faster
// paired, and faster than with four registers per value (32 lanes), which spill (figures in
// docs/performance.md, "Design measurements"). Every helper that passes a vector by value is
// always_inline; the entry points are static and take only pointers. So the 64-byte
// vector arguments never cross an ABI boundary, and -Wpsabi's note that their passing
// convention would differ without AVX-512 does not apply.
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wpsabi"
#define SMALL_SUFFIX avx2_pair
#define SMALL_TARGET __attribute__((target("avx2,fma")))
#define VT bp_small_f16
#define VI bp_small_i16
#define VD bp_small_d16
#define LANES 16
#define SMALL_EACH_LANE SMALL_EACH_LANE_16
#define SMALL_WITH_GENERIC 0
#define SMALL_WITH_FIXED_4 1
#define SMALL_WITH_FIXED_8 0
#include "small_network_kernel.h"
#pragma clang diagnostic pop

// AVX2, wider networks: 8 examples per vector.
#define SMALL_SUFFIX avx2
#define SMALL_TARGET __attribute__((target("avx2,fma")))
#define VT bp_small_f8
#define VI bp_small_i8
#define VD bp_small_d8
#define LANES 8
#define SMALL_EACH_LANE SMALL_EACH_LANE_8
#define SMALL_WITH_GENERIC 1
#define SMALL_WITH_FIXED_4 0
#define SMALL_WITH_FIXED_8 1
#include "small_network_kernel.h"
#endif

// Any other CPU (and x86 without AVX2): 4 examples per vector, every kernel.
#define SMALL_SUFFIX portable
#define SMALL_TARGET
#define VT bp_small_f4
#define VI bp_small_i4
#define VD bp_small_d4
#define LANES 4
#define SMALL_EACH_LANE SMALL_EACH_LANE_4
#define SMALL_WITH_GENERIC 1
#define SMALL_WITH_FIXED_4 1
#define SMALL_WITH_FIXED_8 1
#include "small_network_kernel.h"

/// The widest layer (inputs included).
static long bp_small_max_width(const bp_small_network *network) {
    long width = 0;
    for (long l = 0; l <= network->layer_count; l++)
        if (network->widths[l] > width) width = network->widths[l];
    return width;
}

/// Scratch floats a kernel needs at 32 lanes (the most any copy uses). Fixed width W: W·W + W accumulator vectors and
/// as many padded-table floats per layer. General: per layer outputs·inputs weight sums, then
/// bias sums, Z and A (outputs each); the input block; targets, δ and the layer below's δ.
static long bp_small_scratch_floats(const bp_small_network *network, long fixedWidth) {
    const long lanes = 32;
    if (fixedWidth > 0) return network->layer_count * (fixedWidth * fixedWidth + fixedWidth) * (lanes + 1);
    long vectors = network->widths[0] + 3 * BP_SMALL_MAX_WIDTH;
    for (long l = 0; l < network->layer_count; l++)
        vectors += network->widths[l + 1] * (network->widths[l] + 3);
    return vectors * lanes;
}

static int bp_small_network_is_valid(const bp_small_network *network) {
    if (network->layer_count < 1 || network->layer_count > BP_SMALL_MAX_LAYERS) return 0;
    for (long l = 0; l <= network->layer_count; l++)
        if (network->widths[l] < 1 || network->widths[l] > BP_SMALL_MAX_WIDTH) return 0;
    if (network->loss < BP_SMALL_MEAN_SQUARED_ERROR || network->loss > BP_SMALL_SOFTMAX_PROBABILITIES) return 0;
    return 1;
}

/// Whether the network has exactly the widths w0-w1-w2 (two dense layers).
static int bp_small_network_is_shape(const bp_small_network *network, long w0, long w1, long w2) {
    return network->layer_count == 2 && network->widths[0] == w0 && network->widths[1] == w1 &&
           network->widths[2] == w2;
}

int bp_small_network_exact_shape(const bp_small_network *network) {
    if (network->runtime_widths_only) return 0;
    if (bp_small_network_is_shape(network, 2, 3, 1)) return 231;
    if (bp_small_network_is_shape(network, 3, 2, 2)) return 322;
    return 0;
}

// Picks the kernel: fixed width 4 (S4, the copy with the 4-wide kernels: the exact-width copy
// for the seeds' shapes unless the network asks for run-time widths) or 8 when every layer
// fits, else the general one.
#define BP_SMALL_DISPATCH(S4, V4, S, V)                                                        \
    do {                                                                                       \
        if (fixedWidth == 4) {                                                                 \
            V4 *vectors = (V4 *)scratch;                                                       \
            const int exact = bp_small_network_exact_shape(network);                           \
            if (exact == 231)                                                                  \
                *loss = small_run_shape_##S4##_2_3_1(network, input, targets, rows, output_gradient, compute_gradients, vectors); \
            else if (exact == 322)                                                             \
                *loss = small_run_shape_##S4##_3_2_2(network, input, targets, rows, output_gradient, compute_gradients, vectors); \
            else if (network->layer_count == 2)                                                \
                *loss = small_run_##S4##_4_2(network, input, targets, rows, output_gradient, compute_gradients, vectors); \
            else                                                                               \
                *loss = small_run_##S4##_4_0(network, input, targets, rows, output_gradient, compute_gradients, vectors); \
            return 0;                                                                          \
        }                                                                                      \
        V *vectors = (V *)scratch;                                                             \
        *loss = fixedWidth == 8                                                                \
            ? small_run_##S##_8_0(network, input, targets, rows, output_gradient, compute_gradients, vectors) \
            : small_run_##S(network, input, targets, rows, output_gradient, compute_gradients, vectors); \
        return 0;                                                                              \
    } while (0)

int bp_small_network_run(const bp_small_network *network, const float *input,
                         const float *targets, long rows, float *output_gradient,
                         int compute_gradients, int level, double *loss) {
    if (!bp_small_network_is_valid(network) || rows < 0) return -1;
    const long width = bp_small_max_width(network);
    const long fixedWidth = width <= 4 ? 4 : width <= 8 ? 8 : 0;
    float *scratch = bp_thread_buffer(3, bp_small_scratch_floats(network, fixedWidth));
    if (scratch == NULL) return -1;
#ifdef BP_X86
    if (level >= 2) BP_SMALL_DISPATCH(avx512_pair, bp_small_f32, avx512, bp_small_f16);
    if (level == 1) BP_SMALL_DISPATCH(avx2_pair, bp_small_f16, avx2, bp_small_f8);
#endif
    (void)level;
    BP_SMALL_DISPATCH(portable, bp_small_f4, portable, bp_small_f4);
}
