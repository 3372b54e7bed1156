// Per-thread scratch buffers for packing, so concurrent products never share one.

#include "CBackpropKernels.h"
#include <pthread.h>
#include <stdlib.h>

#define BP_SLOTS 4

typedef struct {
    float *pointer[BP_SLOTS];
    long capacity[BP_SLOTS];
} bp_workspace;

static pthread_key_t bp_workspace_key;
static pthread_once_t bp_workspace_once = PTHREAD_ONCE_INIT;

static void bp_workspace_free(void *raw) {
    bp_workspace *workspace = raw;
    for (int s = 0; s < BP_SLOTS; s++) free(workspace->pointer[s]);
    free(workspace);
}

static void bp_workspace_make_key(void) {
    pthread_key_create(&bp_workspace_key, bp_workspace_free);
}

float *bp_thread_buffer(int slot, long count) {
    if (slot < 0 || slot >= BP_SLOTS || count < 0) return NULL;
    pthread_once(&bp_workspace_once, bp_workspace_make_key);
    bp_workspace *workspace = pthread_getspecific(bp_workspace_key);
    if (workspace == NULL) {
        workspace = calloc(1, sizeof(bp_workspace));
        if (workspace == NULL) return NULL;
        pthread_setspecific(bp_workspace_key, workspace);
    }
    if (workspace->capacity[slot] < count || workspace->pointer[slot] == NULL) {
        free(workspace->pointer[slot]);
        // Room for 16 floats past the end, rounded up to whole 128-byte blocks; aligned to 128
        // bytes, the widest vector type cast onto a buffer (small_network.c's 32 floats).
        long bytes = ((count + 16) * (long)sizeof(float) + 127) / 128 * 128;
        void *pointer = NULL;
        if (posix_memalign(&pointer, 128, (size_t)bytes) != 0) pointer = NULL;
        workspace->pointer[slot] = pointer;
        workspace->capacity[slot] = pointer ? count : 0;
    }
    return workspace->pointer[slot];
}
