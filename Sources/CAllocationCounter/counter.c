#include "CAllocationCounter.h"
uint64_t bp_allocation_count(void) { return 0; }
int bp_allocation_counting_available(void) { return 0; }
