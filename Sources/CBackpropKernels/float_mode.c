// The calling thread's handling of subnormal floating-point values.
//
// IEEE 754 arithmetic keeps values below the smallest normal number (2⁻¹²⁶ in Float) as
// subnormals, which many CPUs handle in microcode, far slower than normal values. Flushing
// them to zero (x86: MXCSR's flush-to-zero and denormals-are-zero bits; arm64: FPCR.FZ) is
// what JAX/XLA does on CPU and what torch.set_flush_denormal(True) enables (for Float and
// Double alike). The mode is per thread, so bp_parallel_run hands the caller's flush bits, as
// they are (one of the two x86 bits alone included), to its helpers with every job.

#include "CBackpropKernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
// MXCSR bit 15: results that would be subnormal become ±0 (FTZ);
// bit 6: subnormal inputs are read as ±0 (DAZ).
#define BP_MXCSR_FLUSH (0x8000u | 0x0040u)
#endif

int bp_flush_subnormals_supported(void) {
#if defined(__x86_64__) || defined(__i386__) || defined(__aarch64__)
    return 1;
#else
    return 0;
#endif
}

int bp_flush_subnormals_all(void) {
#if defined(__x86_64__) || defined(__i386__)
    return (int)BP_MXCSR_FLUSH;
#elif defined(__aarch64__)
    return 1 << 24;
#else
    return 0;
#endif
}

int bp_flush_subnormals_get(void) {
#if defined(__x86_64__) || defined(__i386__)
    return (int)(_mm_getcsr() & BP_MXCSR_FLUSH);
#elif defined(__aarch64__)
    unsigned long fpcr;
    __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
    return (int)(fpcr & (1UL << 24));
#else
    return 0;
#endif
}

void bp_flush_subnormals_set(int bits) {
#if defined(__x86_64__) || defined(__i386__)
    unsigned int csr = _mm_getcsr();
    unsigned int wanted = (csr & ~BP_MXCSR_FLUSH) | ((unsigned int)bits & BP_MXCSR_FLUSH);
    if (wanted != csr) _mm_setcsr(wanted);
#elif defined(__aarch64__)
    unsigned long fpcr;
    __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
    unsigned long wanted = (fpcr & ~(1UL << 24)) | ((unsigned long)bits & (1UL << 24));
    if (wanted != fpcr) __asm__ volatile("msr fpcr, %0" : : "r"(wanted));
#else
    (void)bits;
#endif
}
