import CBackpropKernels

/// The divergence check (`bp_all_finite`) over a large `Float` tensor, split into shares
/// (`parameterShare`) on two threads.
struct FiniteCheckJob: ParallelJob {
    var values: UnsafePointer<Float>
    var count: Int
    var workers: Int
    var level: Int32
    /// One flag per worker: 1 if its share is all finite.
    var results: UnsafeMutablePointer<Int32>

    /// Arrays with this many values are checked on two threads, smaller ones on the calling
    /// thread. The check only reads, and each thread reads the half it is given wherever the
    /// gradient product left it: modern's gradients (235k values, 784-256-128-10, batches of
    /// 128) were checked faster on two threads than on one (figures in docs/performance.md,
    /// "Design measurements").
    static let parallelRange = 16_384...

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
