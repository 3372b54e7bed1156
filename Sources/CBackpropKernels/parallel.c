// A persistent pool of helper threads for bp_parallel_run.
//
// Helpers are created on first use. Between jobs each helper spins for a short while
// (BP_POOL_SPIN_NANOSECONDS) watching for the next job, then sleeps on a condition variable,
// so back-to-back products start in microseconds and an idle pool costs nothing. A parallel
// call allocates nothing once the helpers exist.
//
// Every helper acknowledges every job (those with no part in it just count down), so the
// job description is never rewritten while any helper may still be reading it.
// One job runs at a time; a caller that finds the pool busy (a product started from another
// thread) runs all workers itself, which gives the same results because workers write
// disjoint outputs.

#include "CBackpropKernels.h"
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#define BP_POOL_SPIN_NANOSECONDS 50000L

static pthread_mutex_t bp_pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t bp_pool_wake = PTHREAD_COND_INITIALIZER;
static pthread_cond_t bp_pool_done = PTHREAD_COND_INITIALIZER;
static long bp_pool_helpers;            // helper threads started (worker indices 1...helpers)
static long bp_pool_sleepers;           // helpers waiting on bp_pool_wake (under the lock)
static int bp_pool_caller_sleeping;     // the caller waits on bp_pool_done (under the lock)
static _Atomic unsigned long bp_pool_generation;
static _Atomic long bp_pool_pending;    // helpers that have not finished the current job
static bp_parallel_task bp_pool_task;
static void *bp_pool_context;
static long bp_pool_workers;            // workers of the current job, caller included
static atomic_int bp_pool_busy;

static inline void bp_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

static long bp_nanoseconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long)now.tv_sec * 1000000000L + now.tv_nsec;
}

// Spins until `value` differs from `unchanged` or the spin time is over; returns its value.
static unsigned long bp_spin_while_generation(unsigned long unchanged) {
    long deadline = 0;
    for (unsigned spins = 0;; spins++) {
        unsigned long value = atomic_load_explicit(&bp_pool_generation, memory_order_acquire);
        if (value != unchanged) return value;
        if ((spins & 63) == 0) {
            long now = bp_nanoseconds();
            if (deadline == 0) deadline = now + BP_POOL_SPIN_NANOSECONDS;
            else if (now > deadline) return value;
        }
        bp_pause();
    }
}

// The argument packs the helper's worker index (low 16 bits) with the generation current when
// it was created (the rest): the helper must take part in the very next job even if the
// caller publishes it before the thread has started.
static void *bp_pool_helper(void *argument) {
    long index = (long)((unsigned long)argument & 0xFFFF);
    unsigned long seen = (unsigned long)argument >> 16;
    for (;;) {
        unsigned long generation = bp_spin_while_generation(seen);
        if (generation == seen) {
            pthread_mutex_lock(&bp_pool_lock);
            while ((generation = atomic_load(&bp_pool_generation)) == seen) {
                bp_pool_sleepers++;
                pthread_cond_wait(&bp_pool_wake, &bp_pool_lock);
                bp_pool_sleepers--;
            }
            pthread_mutex_unlock(&bp_pool_lock);
        }
        seen = generation;
        if (index < bp_pool_workers) bp_pool_task(bp_pool_context, index);
        if (atomic_fetch_sub_explicit(&bp_pool_pending, 1, memory_order_acq_rel) == 1) {
            pthread_mutex_lock(&bp_pool_lock);
            if (bp_pool_caller_sleeping) pthread_cond_signal(&bp_pool_done);
            pthread_mutex_unlock(&bp_pool_lock);
        }
    }
    return NULL;
}

void bp_parallel_run(long workers, bp_parallel_task task, void *context) {
    if (workers <= 1) {
        task(context, 0);
        return;
    }
    int idle = 0;
    if (!atomic_compare_exchange_strong(&bp_pool_busy, &idle, 1)) {
        for (long worker = 0; worker < workers; worker++) task(context, worker);
        return;
    }
    pthread_mutex_lock(&bp_pool_lock);
    while (bp_pool_helpers < workers - 1 && bp_pool_helpers < 0xFFFF - 1) {
        pthread_t thread;
        unsigned long generation = atomic_load(&bp_pool_generation);
        void *argument = (void *)((generation << 16) | (unsigned long)(bp_pool_helpers + 1));
        if (pthread_create(&thread, NULL, bp_pool_helper, argument) != 0) break;
        pthread_detach(thread);
        bp_pool_helpers++;
    }
    long pooled = workers < bp_pool_helpers + 1 ? workers : bp_pool_helpers + 1;
    // No helper reads these now: each acknowledged the previous job before it returned.
    bp_pool_task = task;
    bp_pool_context = context;
    bp_pool_workers = pooled;
    atomic_store_explicit(&bp_pool_pending, bp_pool_helpers, memory_order_relaxed);
    atomic_fetch_add_explicit(&bp_pool_generation, 1, memory_order_release);
    if (bp_pool_sleepers > 0) pthread_cond_broadcast(&bp_pool_wake);
    pthread_mutex_unlock(&bp_pool_lock);

    task(context, 0);
    // Workers without a helper thread (thread creation failed) run here.
    for (long worker = pooled; worker < workers; worker++) task(context, worker);

    long deadline = 0;
    for (unsigned spins = 0; atomic_load_explicit(&bp_pool_pending, memory_order_acquire) > 0; spins++) {
        if ((spins & 63) == 0) {
            long now = bp_nanoseconds();
            if (deadline == 0) {
                deadline = now + BP_POOL_SPIN_NANOSECONDS;
            } else if (now > deadline) {
                pthread_mutex_lock(&bp_pool_lock);
                bp_pool_caller_sleeping = 1;
                while (atomic_load(&bp_pool_pending) > 0) pthread_cond_wait(&bp_pool_done, &bp_pool_lock);
                bp_pool_caller_sleeping = 0;
                pthread_mutex_unlock(&bp_pool_lock);
                break;
            }
        }
        bp_pause();
    }
    atomic_store(&bp_pool_busy, 0);
}
