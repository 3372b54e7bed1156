import CBackpropKernels

/// One Adam/AdamW update of a `Float` tensor through the vectorized C kernel, split into
/// disjoint shares (`parameterShare`) on two threads when the tensor is large. Every element is updated by the
/// same arithmetic whichever thread runs it, so the result does not depend on the split.
struct AdamKernelJob: ParallelJob {
    var theta: UnsafeMutablePointer<Float>
    var gradient: UnsafePointer<Float>
    var m: UnsafeMutablePointer<Float>
    var v: UnsafeMutablePointer<Float>
    var count: Int
    var workers: Int
    var constants: bp_adam_constants
    var level: Int32

    /// Tensors below this many parameters are updated on the calling thread only. The update
    /// is bound by the divider (a square root and a division per parameter), not by memory, so
    /// even a 256 x 128 tensor gains from a second thread (modern measured faster with the
    /// threshold lowered from 65 536; figures in docs/performance.md, "Design measurements").
    static let parallelThreshold = 16_384

    func run(worker: Int) {
        let share = parameterShare(worker: worker, workers: workers, count: count)
        guard !share.isEmpty else { return }
        let start = share.lowerBound
        var constants = constants
        bp_adam_update(theta + start, gradient + start, m + start, v + start, share.count, &constants, level)
    }

    static let task: bp_parallel_task = { context, worker in
        context!.assumingMemoryBound(to: AdamKernelJob.self).pointee.run(worker: worker)
    }

    /// Runs the update, on two threads when the tensor is large and the backend has them.
    static func update(
        theta: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>,
        m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>, count: Int,
        constants: bp_adam_constants
    ) {
        let workers = splitWorkers(count >= parallelThreshold)
        parallelFor(workers: workers, AdamKernelJob(
            theta: theta, gradient: gradient, m: m, v: v, count: count, workers: workers,
            constants: constants, level: Backend.kernelLevel))
    }
}
