// Float vector types, unaligned load/store and instruction-set attributes shared by the C
// kernels of this target (private: not part of the public header).

#ifndef BP_SIMD_VECTORS_H
#define BP_SIMD_VECTORS_H

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#define BP_X86 1
#define TARGET_AVX512 __attribute__((target("avx512f")))
#define TARGET_AVX2 __attribute__((target("avx2,fma")))
#endif

typedef float bp_v16 __attribute__((vector_size(64)));
typedef float bp_v8 __attribute__((vector_size(32)));
typedef float bp_v4 __attribute__((vector_size(16)));

// Unaligned vector load and store (memcpy compiles to one vector move).
#define LOADV(VT, p) ({ VT _v; memcpy(&_v, (p), sizeof(VT)); _v; })
#define STOREV(VT, p, v) do { VT _v = (v); memcpy((p), &_v, sizeof(VT)); } while (0)

#endif
