/// The elements of a parameter tensor that worker `worker` of `workers` updates when an
/// optimizer kernel is split between threads: consecutive shares whose sizes are multiples of
/// 64 values (so each starts on a vector and cache-line boundary), the last one shorter.
///
/// A row-major weight matrix split this way goes to the threads in whole rows, or nearly: the
/// same rows the small-batch products give each thread, so a thread updates the weights it
/// has just read forward and written backward, and they stay in its core's cache.
func parameterShare(worker: Int, workers: Int, count: Int) -> Range<Int> {
    let chunk = (count + workers - 1) / workers
    let aligned = (chunk + 63) / 64 * 64
    let start = min(worker * aligned, count)
    return start..<min(start + aligned, count)
}
