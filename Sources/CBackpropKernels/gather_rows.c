// Copies scattered rows of a data set into one contiguous batch.
//
// A shuffled batch's rows are far apart in memory and usually not in any cache. Copied one
// after another, each row waits for its first lines to arrive before the hardware prefetcher
// takes over. Here up to BP_GATHER_GROUP rows are copied together, one 64-byte line of each in
// turn, so their misses overlap; the lines a few steps ahead are prefetched.

#include "CBackpropKernels.h"
#include <string.h>

#define BP_GATHER_GROUP 16
#define BP_GATHER_AHEAD 1024

void bp_gather_rows(void *destination, const void *source, const long *rows, long firstRow,
                    long count, long rowBytes) {
    char *to = destination;
    const char *from = source;
    if (!rows) {
        // Consecutive rows are one block: a plain copy streams it best.
        memcpy(to, from + firstRow * rowBytes, (size_t)(count * rowBytes));
        return;
    }
    for (long start = 0; start < count; start += BP_GATHER_GROUP) {
        long group = count - start < BP_GATHER_GROUP ? count - start : BP_GATHER_GROUP;
        const char *in[BP_GATHER_GROUP];
        char *out[BP_GATHER_GROUP];
        for (long r = 0; r < group; r++) {
            long row = rows ? rows[start + r] : firstRow + start + r;
            in[r] = from + row * rowBytes;
            out[r] = to + (start + r) * rowBytes;
        }
        long offset = 0;
        for (; offset + 64 <= rowBytes; offset += 64) {
            for (long r = 0; r < group; r++) {
                if (offset + BP_GATHER_AHEAD < rowBytes) __builtin_prefetch(in[r] + offset + BP_GATHER_AHEAD, 0, 0);
                memcpy(out[r] + offset, in[r] + offset, 64);
            }
        }
        if (offset < rowBytes)
            for (long r = 0; r < group; r++) memcpy(out[r] + offset, in[r] + offset, (size_t)(rowBytes - offset));
    }
}
