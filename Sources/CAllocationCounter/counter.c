// Counts heap allocations by defining malloc & co. in the executable, which the dynamic
// linker then prefers over the C library's (glibc only; elsewhere the count stays 0).
// Each wrapper bumps a relaxed atomic counter and forwards to glibc's internal entry points.

#include "CAllocationCounter.h"
#include <stdlib.h>

#if defined(__GLIBC__) && defined(__linux__)
#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);

static _Atomic uint64_t bp_allocations;

static inline void bp_count(void) {
    atomic_fetch_add_explicit(&bp_allocations, 1, memory_order_relaxed);
}

void *malloc(size_t size) {
    bp_count();
    return __libc_malloc(size);
}

void *calloc(size_t count, size_t size) {
    bp_count();
    return __libc_calloc(count, size);
}

void *realloc(void *pointer, size_t size) {
    bp_count();
    return __libc_realloc(pointer, size);
}

void *memalign(size_t alignment, size_t size) {
    bp_count();
    return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
    bp_count();
    return __libc_memalign(alignment, size);
}

int posix_memalign(void **result, size_t alignment, size_t size) {
    bp_count();
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0) return EINVAL;
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL) return ENOMEM;
    *result = pointer;
    return 0;
}

uint64_t bp_allocation_count(void) {
    return atomic_load_explicit(&bp_allocations, memory_order_relaxed);
}

int bp_allocation_counting_available(void) { return 1; }

#else

uint64_t bp_allocation_count(void) { return 0; }
int bp_allocation_counting_available(void) { return 0; }

#endif
