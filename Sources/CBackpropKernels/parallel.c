// A persistent pool of helper threads for bp_parallel_run.
//
// Helpers are created on first use and then sleep on a condition variable between jobs, so
// a parallel product allocates nothing once warm. One job runs at a time; a caller that finds
// the pool busy (a product started from another thread) runs all workers itself, which gives
// the same results because workers write disjoint outputs.

#include "CBackpropKernels.h"
#include <pthread.h>
#include <stdatomic.h>

static pthread_mutex_t bp_pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t bp_pool_wake = PTHREAD_COND_INITIALIZER;
static pthread_cond_t bp_pool_done = PTHREAD_COND_INITIALIZER;
static long bp_pool_helpers;          // helper threads started (worker indices 1...helpers)
static unsigned long bp_pool_generation;
static bp_parallel_task bp_pool_task;
static void *bp_pool_context;
static long bp_pool_workers;          // workers of the current job, caller included
static long bp_pool_pending;          // helpers of the current job still running
static atomic_int bp_pool_busy;

static void *bp_pool_helper(void *argument) {
    long index = (long)argument;
    unsigned long seen = 0;
    pthread_mutex_lock(&bp_pool_lock);
    for (;;) {
        while (bp_pool_generation == seen) pthread_cond_wait(&bp_pool_wake, &bp_pool_lock);
        seen = bp_pool_generation;
        if (index < bp_pool_workers) {
            bp_parallel_task task = bp_pool_task;
            void *context = bp_pool_context;
            pthread_mutex_unlock(&bp_pool_lock);
            task(context, index);
            pthread_mutex_lock(&bp_pool_lock);
            if (--bp_pool_pending == 0) pthread_cond_signal(&bp_pool_done);
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
    while (bp_pool_helpers < workers - 1) {
        pthread_t thread;
        if (pthread_create(&thread, NULL, bp_pool_helper, (void *)(bp_pool_helpers + 1)) != 0) break;
        pthread_detach(thread);
        bp_pool_helpers++;
    }
    long pooled = workers < bp_pool_helpers + 1 ? workers : bp_pool_helpers + 1;
    bp_pool_task = task;
    bp_pool_context = context;
    bp_pool_workers = pooled;
    bp_pool_pending = pooled - 1;
    bp_pool_generation++;
    if (pooled > 1) pthread_cond_broadcast(&bp_pool_wake);
    pthread_mutex_unlock(&bp_pool_lock);

    task(context, 0);
    // Workers without a helper thread (thread creation failed) run here.
    for (long worker = pooled; worker < workers; worker++) task(context, worker);

    pthread_mutex_lock(&bp_pool_lock);
    while (bp_pool_pending > 0) pthread_cond_wait(&bp_pool_done, &bp_pool_lock);
    pthread_mutex_unlock(&bp_pool_lock);
    atomic_store(&bp_pool_busy, 0);
}
