// A persistent pool of helper threads for bp_parallel_run.
//
// Helpers are created on first use. Between jobs each helper spins for a short while
// (BP_POOL_SPIN_NANOSECONDS) watching for the next job, then sleeps on a condition variable,
// so back-to-back products start in microseconds and an idle pool costs nothing. A parallel
// call allocates nothing once the helpers exist.
//
// Workers are claimed, not assigned: the caller runs worker 0, then every thread (helpers and
// the caller alike) takes the next unclaimed worker index until none is left. A helper that
// the operating system has not scheduled in time (a shared machine's second vCPU, say) so
// costs the caller at most the time to run that worker itself. The claim word holds the job's
// generation beside the next index, so a helper that wakes up late can never claim a worker
// of a newer job with an older job's task, and the caller closes each job before describing
// the next. The caller returns once every worker has finished.
// Workers write disjoint outputs, so which thread ran which worker never changes a result.
// Each job also carries the caller's subnormal flush bits (float_mode.c), which a helper takes
// on before running any of the job's workers, so subnormals are flushed (or kept) alike on
// every thread.
//
// One job runs at a time; a caller that finds the pool busy (a product started from another
// thread) runs all workers itself.

#include "CBackpropKernels.h"
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#define BP_POOL_SPIN_NANOSECONDS 50000L
// The claim word: generation in the high bits, next worker index in the low 16.
#define BP_CLAIM_INDEX_BITS 16
#define BP_CLAIM_INDEX_MASK ((1UL << BP_CLAIM_INDEX_BITS) - 1)

static pthread_mutex_t bp_pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t bp_pool_wake = PTHREAD_COND_INITIALIZER;
static pthread_cond_t bp_pool_done = PTHREAD_COND_INITIALIZER;
static long bp_pool_helpers;            // helper threads started
static long bp_pool_sleepers;           // helpers waiting on bp_pool_wake (under the lock)
static int bp_pool_caller_sleeping;     // the caller waits on bp_pool_done (under the lock)
static _Atomic unsigned long bp_pool_generation;
static _Atomic unsigned long bp_pool_claim;   // (generation << 16) | next unclaimed worker
static _Atomic long bp_pool_finished;         // workers of the current job that have finished
// The current job (read by helpers only after they see its generation; a helper that reads
// them while a newer job is being described fails its claim and never uses them).
static _Atomic(bp_parallel_task) bp_pool_task;
static _Atomic(void *) bp_pool_context;
static _Atomic long bp_pool_workers;    // workers of the current job, caller included
static _Atomic int bp_pool_flush;       // the caller's bp_flush_subnormals_get() bits
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

// Claims and runs workers of job `generation` (task, context and workers as read after seeing
// that generation) until none is left or a newer job has replaced it.
static void bp_run_claimed(unsigned long generation, bp_parallel_task task, void *context,
                           long workers) {
    unsigned long tag = generation << BP_CLAIM_INDEX_BITS;
    unsigned long claim = atomic_load_explicit(&bp_pool_claim, memory_order_acquire);
    for (;;) {
        if ((claim & ~BP_CLAIM_INDEX_MASK) != tag) return;        // another job by now
        long index = (long)(claim & BP_CLAIM_INDEX_MASK);
        if (index >= workers) return;                              // all claimed
        if (!atomic_compare_exchange_weak_explicit(&bp_pool_claim, &claim, claim + 1,
                                                   memory_order_acq_rel, memory_order_acquire))
            continue;                                              // `claim` was reloaded
        task(context, index);
        if (atomic_fetch_add_explicit(&bp_pool_finished, 1, memory_order_acq_rel) + 1 == workers) {
            pthread_mutex_lock(&bp_pool_lock);
            if (bp_pool_caller_sleeping) pthread_cond_signal(&bp_pool_done);
            pthread_mutex_unlock(&bp_pool_lock);
        }
        claim = atomic_load_explicit(&bp_pool_claim, memory_order_acquire);
    }
}

static void *bp_pool_helper(void *argument) {
    unsigned long seen = (unsigned long)argument;
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
        // Read after the generation (acquire): the job's description is complete. If a newer
        // job replaces it meanwhile, the claim's generation no longer matches and nothing runs
        // (and the mode set here is the next job's to set again).
        // (Setting the mode the helper already has changes nothing.)
        bp_flush_subnormals_set(atomic_load_explicit(&bp_pool_flush, memory_order_relaxed));
        bp_run_claimed(generation,
                       atomic_load_explicit(&bp_pool_task, memory_order_relaxed),
                       atomic_load_explicit(&bp_pool_context, memory_order_relaxed),
                       atomic_load_explicit(&bp_pool_workers, memory_order_relaxed));
    }
    return NULL;
}

void bp_parallel_run(long workers, bp_parallel_task task, void *context) {
    if (workers <= 1) {
        task(context, 0);
        return;
    }
    int idle = 0;
    if (workers >= (long)BP_CLAIM_INDEX_MASK || !atomic_compare_exchange_strong(&bp_pool_busy, &idle, 1)) {
        for (long worker = 0; worker < workers; worker++) task(context, worker);
        return;
    }
    pthread_mutex_lock(&bp_pool_lock);
    while (bp_pool_helpers < workers - 1) {
        pthread_t thread;
        void *argument = (void *)atomic_load(&bp_pool_generation);
        if (pthread_create(&thread, NULL, bp_pool_helper, argument) != 0) break;
        pthread_detach(thread);
        bp_pool_helpers++;
    }
    // The previous job is closed (see below): a helper still holding its generation can no
    // longer claim anything, so its description may be replaced.
    unsigned long generation = atomic_load(&bp_pool_generation) + 1;
    atomic_store_explicit(&bp_pool_task, task, memory_order_relaxed);
    atomic_store_explicit(&bp_pool_context, context, memory_order_relaxed);
    atomic_store_explicit(&bp_pool_workers, workers, memory_order_relaxed);
    atomic_store_explicit(&bp_pool_flush, bp_flush_subnormals_get(), memory_order_relaxed);
    atomic_store_explicit(&bp_pool_finished, 0, memory_order_relaxed);
    // Worker 0 is the caller's; helpers start claiming at 1.
    atomic_store_explicit(&bp_pool_claim, (generation << BP_CLAIM_INDEX_BITS) | 1, memory_order_release);
    atomic_store_explicit(&bp_pool_generation, generation, memory_order_release);
    if (bp_pool_sleepers > 0) pthread_cond_broadcast(&bp_pool_wake);
    pthread_mutex_unlock(&bp_pool_lock);

    task(context, 0);
    atomic_fetch_add_explicit(&bp_pool_finished, 1, memory_order_acq_rel);
    // Workers no helper has claimed yet run here (also all of them if no helper exists).
    bp_run_claimed(generation, task, context, workers);

    long deadline = 0;
    for (unsigned spins = 0; atomic_load_explicit(&bp_pool_finished, memory_order_acquire) < workers; spins++) {
        if ((spins & 63) == 0) {
            long now = bp_nanoseconds();
            if (deadline == 0) {
                deadline = now + BP_POOL_SPIN_NANOSECONDS;
            } else if (now > deadline) {
                pthread_mutex_lock(&bp_pool_lock);
                bp_pool_caller_sleeping = 1;
                while (atomic_load(&bp_pool_finished) < workers) pthread_cond_wait(&bp_pool_done, &bp_pool_lock);
                bp_pool_caller_sleeping = 0;
                pthread_mutex_unlock(&bp_pool_lock);
                break;
            }
        }
        bp_pause();
    }
    // Close the job: index MASK is past every job's workers, so no late claim can succeed
    // while the next job is being described.
    atomic_store_explicit(&bp_pool_claim, (generation << BP_CLAIM_INDEX_BITS) | BP_CLAIM_INDEX_MASK,
                          memory_order_release);
    atomic_store(&bp_pool_busy, 0);
}
