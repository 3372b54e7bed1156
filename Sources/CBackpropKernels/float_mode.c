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
#define BP_FLUSH_BITS (0x8000UL | 0x0040UL)
static unsigned long bp_float_control(void) { return _mm_getcsr(); }
static void bp_set_float_control(unsigned long value) { _mm_setcsr((unsigned int)value); }
#elif defined(__aarch64__)
// FPCR bit 24 (FZ): subnormal results and inputs become ±0.
#define BP_FLUSH_BITS (1UL << 24)
static unsigned long bp_float_control(void) {
    unsigned long fpcr;
    __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
    return fpcr;
}
static void bp_set_float_control(unsigned long value) { __asm__ volatile("msr fpcr, %0" : : "r"(value)); }
#else
#define BP_FLUSH_BITS 0UL
static unsigned long bp_float_control(void) { return 0; }
static void bp_set_float_control(unsigned long value) { (void)value; }
#endif

int bp_flush_subnormals_supported(void) { return BP_FLUSH_BITS != 0; }

int bp_flush_subnormals_all(void) { return (int)BP_FLUSH_BITS; }

int bp_flush_subnormals_get(void) { return (int)(bp_float_control() & BP_FLUSH_BITS); }

void bp_flush_subnormals_set(int bits) {
    unsigned long control = bp_float_control();
    unsigned long wanted = (control & ~BP_FLUSH_BITS) | ((unsigned long)(unsigned int)bits & BP_FLUSH_BITS);
    if (wanted != control) bp_set_float_control(wanted);
}
