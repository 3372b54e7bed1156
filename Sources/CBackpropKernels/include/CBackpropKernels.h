#ifndef CBACKPROP_KERNELS_H
#define CBACKPROP_KERNELS_H

/// Which SIMD instruction sets this CPU offers: 2 = AVX-512F, 1 = AVX2 with FMA, 0 = neither.
int bp_cpu_simd_level(void);

#endif
