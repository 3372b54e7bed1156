#ifndef CALLOCATION_COUNTER_H
#define CALLOCATION_COUNTER_H
#include <stdint.h>
/// Number of malloc/calloc/realloc/memalign/aligned_alloc/posix_memalign calls seen since the
/// process started (0 forever where interposition is unavailable; see
/// bp_allocation_counting_available).
uint64_t bp_allocation_count(void);
/// 1 when allocations are really being counted on this platform (glibc Linux), else 0.
int bp_allocation_counting_available(void);
#endif
