import CBackpropKernels

/// The divergence check (`bp_all_finite`) over a large `Float` tensor, split into the same
/// shares as the optimizer kernels (`parameterShare`), so that each thread reads the part of
/// a gradient it computed, from its own core's cache.
struct FiniteCheckJob: ParallelJob {
    var values: UnsafePointer<Float>
    var count: Int
    var workers: Int
    var level: Int32
    /// One flag per worker: 1 if its share is all finite.
    var results: UnsafeMutablePointer<Int32>

    /// Arrays with this many values are checked on two threads (the sizes for which the
    /// optimizer splits its update too: `SGDKernelJob.parallelRange`), others on the calling
    /// thread.
    static let parallelRange = SGDKernelJob.parallelRange

    func run(worker: Int) {
        let share = parameterShare(worker: worker, workers: workers, count: count)
        results[worker] = share.isEmpty ? 1 : bp_all_finite(values + share.lowerBound, share.count, level)
    }

    static let task: bp_parallel_task = { context, worker in
        context!.assumingMemoryBound(to: FiniteCheckJob.self).pointee.run(worker: worker)
    }

    /// Whether every value is finite (no NaN, no ±∞).
    static func allFinite(_ values: UnsafeBufferPointer<Float>) -> Bool {
        let level = Backend.kernelLevel
        guard let base = values.baseAddress else { return true }
        let workers = splitWorkers(parallelRange.contains(values.count))
        if workers == 1 { return bp_all_finite(base, values.count, level) != 0 }
        return withUnsafeTemporaryAllocation(of: Int32.self, capacity: workers) { results in
            parallelFor(workers: workers, FiniteCheckJob(
                values: base, count: values.count, workers: workers, level: level, results: results.baseAddress!))
            return results.allSatisfy { $0 != 0 }
        }
    }
}
